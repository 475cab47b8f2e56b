/*
 * page_agreements — supervision agreements: the ones a person is party to,
 * an agreement's terms and its versions, signing it (the supervisee), and
 * proposing one or its next version (the supervisor, with the terms).
 *
 * Contract: a signed agreement never changes; a change is a new version,
 * proposed here with the old one's terms filled in, that replaces it when
 * the supervisee signs it.
 */
#ifndef REFLECT_WEB_PAGE_AGREEMENTS_H
#define REFLECT_WEB_PAGE_AGREEMENTS_H

#include "page.h"

void page_agreements_list(page_ctx *p);
void page_agreements_show(page_ctx *p);
void page_agreements_sign_post(page_ctx *p);
void page_agreements_new_get(page_ctx *p);
void page_agreements_new_post(page_ctx *p);

#endif
