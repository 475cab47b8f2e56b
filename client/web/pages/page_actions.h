/*
 * page_actions — actions agreed in supervision: mine and, for a
 * supervisor or manager, those of the people they supervise (as the
 * server lets them see), open first; an action's page, and closing it
 * with the evidence that it is done (or why it was cancelled).
 */
#ifndef REFLECT_WEB_PAGE_ACTIONS_H
#define REFLECT_WEB_PAGE_ACTIONS_H

#include "page.h"

void page_actions_list(page_ctx *p);
void page_actions_show(page_ctx *p);
void page_actions_close_post(page_ctx *p);

#endif
