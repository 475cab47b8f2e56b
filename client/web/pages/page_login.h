/*
 * page_login — logging in, logging out, and choosing a password.
 *
 * Contract:
 *  - GET /login shows the form (with a notice when a login lapsed);
 *    POST /login logs in as this browser's device (made at its first
 *    successful login, devices.h), replaces the session with a fresh one
 *    (new cookie) holding the client, and goes back to where a lapsed
 *    login was, or home; to /password first when an administrator set the
 *    password.
 *  - POST /logout ends the login on the server too, and replaces the
 *    session.
 *  - GET/POST /password: the current password and a new one, twice.
 *  - Refusals keep the username typed, never a password.
 */
#ifndef REFLECT_WEB_PAGE_LOGIN_H
#define REFLECT_WEB_PAGE_LOGIN_H

#include "page.h"

void page_login_get(page_ctx *p);
void page_login_post(page_ctx *p);
void page_login_logout(page_ctx *p);
void page_login_password_get(page_ctx *p);
void page_login_password_post(page_ctx *p);

#endif
