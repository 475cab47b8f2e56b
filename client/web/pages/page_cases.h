/*
 * page_cases — the children and families on a caseload: the list (mine,
 * and for a supervisor or manager those of the people they supervise or
 * oversee, as the server decides), and a case's page with its decision
 * log, newest decision last, superseded ones marked.
 */
#ifndef REFLECT_WEB_PAGE_CASES_H
#define REFLECT_WEB_PAGE_CASES_H

#include "page.h"

void page_cases_list(page_ctx *p);
void page_cases_show(page_ctx *p);

#endif
