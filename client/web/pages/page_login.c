#include "page_login.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "reflect.pb-c.h"

static void field_error(html *h, const char *id, const char *message)
{
  if (!message) return;
  html_lit(h, "<p id=\"");
  html_attr(h, id);
  html_lit(h, "-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> ");
  html_txt(h, message);
  html_lit(h, "</p>\n");
}

/* A GOV.UK password input: hidden text with a Show button (with script). */
static void password_input(html *h, const char *id, const char *label, const char *autocomplete, const char *error)
{
  html_lit(h, "<div class=\"govuk-form-group govuk-password-input");
  if (error) html_lit(h, " govuk-form-group--error");
  html_lit(h, "\" data-module=\"govuk-password-input\">\n<label class=\"govuk-label\" for=\"");
  html_attr(h, id);
  html_lit(h, "\">");
  html_txt(h, label);
  html_lit(h, "</label>\n");
  field_error(h, id, error);
  html_lit(h, "<div class=\"govuk-input__wrapper govuk-password-input__wrapper\">\n<input class=\"govuk-input "
              "govuk-password-input__input govuk-js-password-input-input");
  if (error) html_lit(h, " govuk-input--error");
  html_lit(h, "\" id=\"");
  html_attr(h, id);
  html_lit(h, "\" name=\"");
  html_attr(h, id);
  html_lit(h, "\" type=\"password\" spellcheck=\"false\" autocapitalize=\"none\" autocomplete=\"");
  html_attr(h, autocomplete);
  html_lit(h, "\"");
  if (error) {
    html_lit(h, " aria-describedby=\"");
    html_attr(h, id);
    html_lit(h, "-error\"");
  }
  html_lit(h, ">\n<button type=\"button\" class=\"govuk-button govuk-button--secondary govuk-password-input__toggle "
              "govuk-js-password-input-toggle\" data-module=\"govuk-button\" aria-controls=\"");
  html_attr(h, id);
  html_lit(h, "\" aria-label=\"Show password\" hidden>Show</button>\n</div>\n</div>\n");
}

static void login_form(page_ctx *p, const char *username, const char *error)
{
  html *h = &p->rs->body;
  page_begin(p, error ? "Error: Log in" : "Log in", PAGE_NAV_NONE);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) page_error_summary(p, username && *username ? "password" : "username", error);
  const char *lapsed = http_query(p->rq, "lapsed");
  if (lapsed && !error)
    html_lit(h, "<div class=\"govuk-notification-banner\" role=\"region\" aria-labelledby=\"lapsed-title\""
                " data-module=\"govuk-notification-banner\">\n<div class=\"govuk-notification-banner__header\">\n"
                "<h2 class=\"govuk-notification-banner__title\" id=\"lapsed-title\">Important</h2>\n</div>\n"
                "<div class=\"govuk-notification-banner__content\">\n<p class=\"govuk-notification-banner__heading\">"
                "You were logged out because Reflect had not been used for a while.</p>\n<p class=\"govuk-body\">"
                "Log in again to carry on where you were. Nothing you had saved is lost.</p>\n</div>\n</div>\n");
  html_lit(h, "<h1 class=\"govuk-heading-l\">Log in to Reflect</h1>\n<form method=\"post\" action=\"/login\" "
              "novalidate>\n");
  page_csrf(p);
  int user_error = error && !(username && *username);
  html_lit(h, "\n<div class=\"govuk-form-group");
  if (user_error) html_lit(h, " govuk-form-group--error");
  html_lit(h, "\">\n<label class=\"govuk-label\" for=\"username\">Username</label>\n");
  if (user_error) field_error(h, "username", error);
  html_lit(h, "<input class=\"govuk-input govuk-!-width-one-half");
  if (user_error) html_lit(h, " govuk-input--error");
  html_lit(h, "\" id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" spellcheck=\"false\" "
              "autocapitalize=\"none\" value=\"");
  html_attr(h, username ? username : "");
  html_lit(h, "\"");
  if (user_error) html_lit(h, " aria-describedby=\"username-error\"");
  html_lit(h, ">\n</div>\n");
  password_input(h, "password", "Password", "current-password", error && !user_error ? error : NULL);
  html_lit(h, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Log in</button>\n</form>\n"
              "<p class=\"govuk-body\">Forgotten your password? Ask your administrator to set a new one.</p>\n"
              "</div>\n</div>\n");
  page_end(p);
}

void page_login_get(page_ctx *p)
{
  if (p->s->cl) {
    http_redirect(p->rs, "/");
    return;
  }
  login_form(p, NULL, NULL);
}

/* This browser's device keys: its cookie's, or new ones (kept only once a
 * login works). *fresh says which. */
static int device_of(page_ctx *p, uint8_t id[DEVICES_ID_BYTES], devices_keys *keys, int *fresh)
{
  *fresh = 0;
  const char *cookie = http_cookie(p->rq, page_cookie_name(p->rq, PAGE_COOKIE_DEVICE));
  size_t len = 0;
  if (cookie && strlen(cookie) == 43 &&
      sodium_base642bin(id, DEVICES_ID_BYTES, cookie, 43, NULL, &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
          0 &&
      len == DEVICES_ID_BYTES && devices_load(p->app->dev, id, keys) == DEVICES_OK)
    return 0;
  *fresh = 1;
  return devices_create(id, keys);
}

void page_login_post(page_ctx *p)
{
  const char *username = form_get(&p->rq->form, "username");
  const char *password = form_get(&p->rq->form, "password");
  if (!username || !*username) {
    p->rs->status = 400;
    login_form(p, "", "Enter your username");
    return;
  }
  if (!password || !*password) {
    p->rs->status = 400;
    login_form(p, username, "Enter your password");
    return;
  }
  uint8_t id[DEVICES_ID_BYTES];
  devices_keys keys;
  int fresh = 0;
  client *cl = NULL;
  int rc = device_of(p, id, &keys, &fresh) ? CLIENT_ENOMEM : CLIENT_OK;
  if (rc == CLIENT_OK)
    rc = client_open_keys_in(p->app->zctx, p->app->server, p->app->server_key, keys.public_key, keys.secret_key,
                             p->app->timeout_ms, &cl);
  Reflect__V1__Reply *rep = NULL;
  if (rc == CLIENT_OK) rc = client_login(cl, username, password, &rep);
  if (rc != CLIENT_OK) {
    sodium_memzero(&keys, sizeof keys);
    client_close(cl);
    page_unreachable(p, rc);
    return;
  }
  if (client_reply_code(rep) != 0 || rep->result_case != REFLECT__V1__REPLY__RESULT_LOGIN || !rep->login->user) {
    char why[256];
    /* A wrong name or password is told the same way, in GOV.UK's words;
     * anything else (too many attempts, an expired account) as the server
     * says it. */
    if (client_reply_code(rep) == REFLECT__V1__CODE__UNAUTHENTICATED || !client_reply_message(rep)[0])
      snprintf(why, sizeof why, "Enter a correct username and password");
    else page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    sodium_memzero(&keys, sizeof keys);
    client_close(cl);
    p->rs->status = 400;
    login_form(p, username, why);
    return;
  }
  /* Counted under the name the server knows the person by, however typed. */
  const char *owner = rep->login->user->username && *rep->login->user->username ? rep->login->user->username : username;
  if (fresh && devices_save(p->app->dev, id, &keys, owner) == DEVICES_OK) {
    char cookie[64];
    sodium_bin2base64(cookie, sizeof cookie, id, sizeof id, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    http_set_cookie(p->rs, p->rq, page_cookie_name(p->rq, PAGE_COOKIE_DEVICE), cookie, PAGE_DEVICE_MAX_AGE);
  }
  sodium_memzero(&keys, sizeof keys);
  /* A fresh session for the logged-in browser: whatever cookie an
   * attacker may have planted before is worth nothing now. */
  char cookie[SESSIONS_COOKIE_LEN + 1];
  session *old = p->s;
  char old_user[sizeof old->username];
  snprintf(old_user, sizeof old_user, "%s", old->username);
  if (old->cl) {
    /* A second login over a first: the first ends on the server too. */
    Reflect__V1__Reply *out = NULL;
    if (client_logout(old->cl, &out) == CLIENT_OK) client_free_reply(out);
  }
  session *s = sessions_create(p->app->sess, old, cookie, p->rq->now);
  sessions_release(p->app->sess, old);
  p->s = s;
  if (!s) {
    client_free_reply(rep);
    client_close(cl);
    page_unreachable(p, CLIENT_ENOMEM);
    return;
  }
  memcpy(s->device_id, id, sizeof id);
  s->has_device = 1;
  sessions_set_client(p->app->sess, s, cl);
  /* Text the server sends is made safe to show: no bidirectional
   * override or invisible control reaches a page (wire_clean_strings). */
  client_set_clean_text(cl, 1);
  snprintf(s->username, sizeof s->username, "%s", rep->login->user->username);
  s->role = (int)rep->login->user->role;
  s->must_change = rep->login->must_change_password;
  client_free_reply(rep);
  http_set_cookie(p->rs, p->rq, page_cookie_name(p->rq, PAGE_COOKIE_SESSION), cookie, -1);
  char back[SESSIONS_RETURN_MAX];
  /* Where a lapsed login was is for the same person only. */
  if (old_user[0] && strcmp(old_user, s->username) != 0) s->return_to[0] = '\0';
  snprintf(back, sizeof back, "%s", s->return_to[0] ? s->return_to : "/");
  s->return_to[0] = '\0';
  http_redirect(p->rs, s->must_change ? "/password" : back);
}

void page_login_logout(page_ctx *p)
{
  if (p->s->cl) {
    Reflect__V1__Reply *rep = NULL;
    /* Whatever the server says, this browser is logged out here. */
    if (client_logout(p->s->cl, &rep) == CLIENT_OK) client_free_reply(rep);
  }
  char cookie[SESSIONS_COOKIE_LEN + 1];
  session *old = p->s;
  old->return_to[0] = '\0';
  sessions_drop_pending(p->app->sess, old); /* nothing typed goes to whoever logs in next */
  session *s = sessions_create(p->app->sess, old, cookie, p->rq->now);
  sessions_release(p->app->sess, old);
  p->s = s;
  if (s) http_set_cookie(p->rs, p->rq, page_cookie_name(p->rq, PAGE_COOKIE_SESSION), cookie, -1);
  http_redirect(p->rs, "/login?out=1");
}

static void password_form(page_ctx *p, const char *field, const char *error)
{
  html *h = &p->rs->body;
  page_begin(p, error ? "Error: Choose a new password" : "Choose a new password", PAGE_NAV_NONE);
  html_lit(h, "<div class=\"govuk-grid-row\">\n<div class=\"govuk-grid-column-two-thirds\">\n");
  if (error) page_error_summary(p, field, error);
  html_lit(h, "<h1 class=\"govuk-heading-l\">Choose a new password</h1>\n");
  if (p->s->must_change)
    html_lit(h, "<p class=\"govuk-body\">Your administrator set your password, so only you should choose the one "
                "you use from now on. Until you do, Reflect can do nothing else for you.</p>\n");
  html_lit(h, "<p class=\"govuk-body\">Use at least 12 characters. A few unrelated words are easy to remember and "
              "hard to guess.</p>\n<form method=\"post\" action=\"/password\" novalidate>\n");
  page_csrf(p);
  password_input(h, "current", "Current password", "current-password",
                 field && strcmp(field, "current") == 0 ? error : NULL);
  password_input(h, "new", "New password", "new-password", field && strcmp(field, "new") == 0 ? error : NULL);
  password_input(h, "again", "New password again", "new-password", field && strcmp(field, "again") == 0 ? error : NULL);
  html_lit(h, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Save password</button>\n"
              "</form>\n</div>\n</div>\n");
  page_end(p);
}

void page_login_password_get(page_ctx *p)
{
  password_form(p, NULL, NULL);
}

void page_login_password_post(page_ctx *p)
{
  const char *current = form_get(&p->rq->form, "current");
  const char *fresh = form_get(&p->rq->form, "new");
  const char *again = form_get(&p->rq->form, "again");
  p->rs->status = 400;
  if (!current || !*current) {
    password_form(p, "current", "Enter your current password");
    return;
  }
  if (!fresh || !*fresh) {
    password_form(p, "new", "Enter a new password");
    return;
  }
  if (!again || strcmp(fresh, again) != 0) {
    password_form(p, "again", "The two new passwords are not the same");
    return;
  }
  Reflect__V1__PasswordChangeRequest in = REFLECT__V1__PASSWORD_CHANGE_REQUEST__INIT;
  in.current_password = (char *)current;
  in.new_password = (char *)fresh;
  Reflect__V1__Reply *rep = NULL;
  int rc = client_call_password_change(p->s->cl, &in, &rep, NULL);
  if (rc != CLIENT_OK) {
    page_unreachable(p, rc);
    return;
  }
  int code = client_reply_code(rep);
  if (code == REFLECT__V1__CODE__INVALID_ARGUMENT || code == REFLECT__V1__CODE__PERMISSION_DENIED) {
    char why[256];
    const char *field = strcmp(client_reply_field(rep), "current_password") == 0 ? "current" : "new";
    page_sentence(why, sizeof why, client_reply_message(rep));
    client_free_reply(rep);
    {
      password_form(p, field, why);
      return;
    }
  }
  if (code != 0) {
    page_refused(p, rep);
    client_free_reply(rep);
    return;
  }
  client_free_reply(rep);
  p->s->must_change = 0;
  http_redirect(p->rs, "/?password=changed");
}
