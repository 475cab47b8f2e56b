/*
 * page_plan — booking ahead from an agreement: the next sessions with a
 * supervisee, proposed by reflectd from their agreement's rule (how often,
 * how long), each with what it would clash with; then, if none clashes,
 * all of them booked in one step (the server books all or none).
 */
#ifndef REFLECT_WEB_PAGE_PLAN_H
#define REFLECT_WEB_PAGE_PLAN_H

#include "page.h"

void page_plan_get(page_ctx *p);
void page_plan_post(page_ctx *p);

#endif
