/*
 * page_survey — the feedback survey after a session one was supervised in
 * (docs/domain.md#how-supervision-feels), and agreeing a target set for
 * one's performance indicators: what the inbox asks of a practitioner.
 *
 * Contract: the survey's five questions are answered 1 (not at all) to 5
 * (very much), with an optional comment; answers are reported only in
 * aggregate and never shown as the person's (the server's rule). A target
 * is agreed by the person it is for.
 */
#ifndef REFLECT_WEB_PAGE_SURVEY_H
#define REFLECT_WEB_PAGE_SURVEY_H

#include "page.h"

void page_survey_get(page_ctx *p);
void page_survey_post(page_ctx *p);
void page_survey_target_get(page_ctx *p);
void page_survey_target_post(page_ctx *p);

#endif
