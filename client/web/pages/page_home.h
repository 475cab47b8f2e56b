/*
 * page_home — "My supervision": everything waiting for the person (one
 * Inbox request), their next sessions and their open actions, each linking
 * to the page that deals with it.
 */
#ifndef REFLECT_WEB_PAGE_HOME_H
#define REFLECT_WEB_PAGE_HOME_H

#include "page.h"

void page_home_get(page_ctx *p);

#endif
