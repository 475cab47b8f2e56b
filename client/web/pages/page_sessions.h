/*
 * page_sessions — supervision sessions: the list (upcoming and past), a
 * session's page (who, when, where, status, its history, what to do
 * next), booking one (individual or group), moving it, marking it held,
 * missed or cancelled, and a group session's attendance (recorded by the
 * supervisor, confirmed by each member).
 *
 * Contract: every change is a POST to /sessions/ID/... (or /sessions/new)
 * carrying the CSRF token; a refusal re-shows the form with the server's
 * reason beside the field it names, keeping what was typed.
 */
#ifndef REFLECT_WEB_PAGE_SESSIONS_H
#define REFLECT_WEB_PAGE_SESSIONS_H

#include "page.h"

void page_sessions_list(page_ctx *p);
void page_sessions_show(page_ctx *p);
void page_sessions_new_get(page_ctx *p);
void page_sessions_new_post(page_ctx *p);
void page_sessions_status_post(page_ctx *p);
void page_sessions_move_get(page_ctx *p);
void page_sessions_move_post(page_ctx *p);
void page_sessions_attendance_post(page_ctx *p);
void page_sessions_attendance_sign_post(page_ctx *p);

#endif
