/*
 * page_home — "My supervision": everything waiting for the person and
 * their next sessions, from one Inbox request, each linking to the page
 * that deals with it. Metadata only: nothing said in supervision (an
 * action's words are on its own page), so the page everyone lands on shows
 * nothing to a passer-by and costs no audited read.
 */
#ifndef REFLECT_WEB_PAGE_HOME_H
#define REFLECT_WEB_PAGE_HOME_H

#include "page.h"

void page_home_get(page_ctx *p);

#endif
