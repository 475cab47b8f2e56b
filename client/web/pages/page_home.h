/*
 * page_home — "My supervision": the person's next sessions and their open
 * actions, due soonest first, each linking to its page.
 */
#ifndef REFLECT_WEB_PAGE_HOME_H
#define REFLECT_WEB_PAGE_HOME_H

#include "page.h"

void page_home_get(page_ctx *p);

#endif
