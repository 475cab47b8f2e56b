#include "web_routes.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <stdlib.h>

#include "assets.h"
#include "page_actions.h"
#include "page_agreements.h"
#include "page_calendar.h"
#include "page_cases.h"
#include "page_plan.h"
#include "page_events.h"
#include "page_home.h"
#include "page_login.h"
#include "page_record.h"
#include "page_record_diff.h"
#include "page_sessions.h"
#include "page_survey.h"

typedef enum {
  OPEN,      /* anyone: the login form */
  LOGGED_IN, /* a login whose password is the person's own */
  ANY_LOGIN, /* any login, even one that must first change its password */
} access;

/* A path is matched literally, except that '#' matches a record's id:
 * 1 to 19 digits, no leading zero. */
typedef struct {
  const char *method, *path;
  void (*fn)(page_ctx *p);
  access who;
} route;

static const route routes[] = {
    {"GET", "/login", page_login_get, OPEN},
    {"POST", "/login", page_login_post, OPEN},
    {"POST", "/logout", page_login_logout, OPEN},
    {"GET", "/password", page_login_password_get, ANY_LOGIN},
    {"POST", "/password", page_login_password_post, ANY_LOGIN},
    {"GET", "/", page_home_get, LOGGED_IN},
    {"GET", "/sessions", page_sessions_list, LOGGED_IN},
    {"GET", "/sessions/new", page_sessions_new_get, LOGGED_IN},
    {"POST", "/sessions/new", page_sessions_new_post, LOGGED_IN},
    {"GET", "/sessions/plan", page_plan_get, LOGGED_IN},
    {"POST", "/sessions/plan", page_plan_post, LOGGED_IN},
    {"GET", "/sessions/#", page_sessions_show, LOGGED_IN},
    {"POST", "/sessions/#/status", page_sessions_status_post, LOGGED_IN},
    {"GET", "/sessions/#/move", page_sessions_move_get, LOGGED_IN},
    {"POST", "/sessions/#/move", page_sessions_move_post, LOGGED_IN},
    {"POST", "/sessions/#/attendance", page_sessions_attendance_post, LOGGED_IN},
    {"POST", "/sessions/#/attendance/sign", page_sessions_attendance_sign_post, LOGGED_IN},
    {"GET", "/sessions/#/record", page_record_show, LOGGED_IN},
    {"POST", "/sessions/#/record/sign", page_record_sign_post, LOGGED_IN},
    {"POST", "/sessions/#/record/comment", page_record_comment_post, LOGGED_IN},
    {"GET", "/sessions/#/record/edit", page_record_edit_get, LOGGED_IN},
    {"POST", "/sessions/#/record/edit", page_record_edit_post, LOGGED_IN},
    {"GET", "/sessions/#/record/history", page_record_history, LOGGED_IN},
    {"GET", "/sessions/#/record/diff", page_record_diff, LOGGED_IN},
    {"POST", "/sessions/#/record/draft", page_record_draft_post, LOGGED_IN},
    {"POST", "/sessions/#/record/draft/discard", page_record_draft_discard_post, LOGGED_IN},
    {"GET", "/sessions/#/survey", page_survey_get, LOGGED_IN},
    {"POST", "/sessions/#/survey", page_survey_post, LOGGED_IN},
    {"GET", "/targets/#", page_survey_target_get, LOGGED_IN},
    {"POST", "/targets/#/agree", page_survey_target_post, LOGGED_IN},
    {"GET", "/calendar", page_calendar_get, LOGGED_IN},
    {"POST", "/calendar", page_calendar_post, LOGGED_IN},
    {"GET", "/calendar.ics", page_calendar_file, LOGGED_IN},
    {"GET", "/cases", page_cases_list, LOGGED_IN},
    {"GET", "/cases/#", page_cases_show, LOGGED_IN},
    {"GET", "/actions", page_actions_list, LOGGED_IN},
    {"GET", "/actions/#", page_actions_show, LOGGED_IN},
    {"POST", "/actions/#/close", page_actions_close_post, LOGGED_IN},
    {"GET", "/events", page_events_stream, LOGGED_IN},
    {"GET", "/agreements", page_agreements_list, LOGGED_IN},
    {"GET", "/agreements/new", page_agreements_new_get, LOGGED_IN},
    {"POST", "/agreements/new", page_agreements_new_post, LOGGED_IN},
    {"GET", "/agreements/#", page_agreements_show, LOGGED_IN},
    {"POST", "/agreements/#/sign", page_agreements_sign_post, LOGGED_IN},
};

static int path_matches(const char *pattern, const char *path, uint64_t *id)
{
  while (*pattern && *path) {
    if (*pattern == '#') {
      if (*path < '1' || *path > '9') return 0;
      uint64_t v = 0;
      int n = 0;
      while (*path >= '0' && *path <= '9' && n < 19) v = v * 10 + (uint64_t)(*path++ - '0'), n++;
      if (*path >= '0' && *path <= '9') return 0;
      *id = v;
      pattern++;
      continue;
    }
    if (*pattern++ != *path++) return 0;
  }
  return !*pattern && !*path;
}

static int serve_asset(http_request *rq, http_response *rs)
{
  if (strncmp(rq->path, "/assets/", 8) != 0) return 0;
  const web_asset *a = assets_find(rq->path + 8);
  if (!a || rq->post) {
    rs->status = 404;
    rs->content_type = "text/plain; charset=utf-8";
    rs->bytes = "Not found.\n";
    rs->bytes_len = 11;
    return 1;
  }
  rs->content_type = a->content_type;
  rs->bytes = a->bytes;
  rs->bytes_len = a->len;
  rs->cache_static = 1;
  return 1;
}

static int own_origin(const web_routes_ctx *w, const char *origin)
{
  for (int i = 0; origin && i < w->n_origins; i++)
    if (strcmp(origin, w->origins[i]) == 0) return 1;
  return 0;
}

/* The Host header names one of our origins. */
static int own_host(const web_routes_ctx *w, const http_request *rq)
{
  const char *host = http_header(rq, "Host");
  if (!host) return 0;
  char origin[300];
  snprintf(origin, sizeof origin, "%s://%s", rq->tls ? "https" : "http", host);
  return own_origin(w, origin);
}

static void refuse(http_response *rs, int status, const char *text)
{
  rs->status = status;
  rs->content_type = "text/plain; charset=utf-8";
  rs->bytes = text;
  rs->bytes_len = strlen(text);
}

/* A form from one of our own pages: the Origin, the fetch metadata and
 * the session's token all agree. */
static int form_is_ours(const web_routes_ctx *w, const http_request *rq, const session *s)
{
  if (!own_origin(w, http_header(rq, "Origin"))) return 0;
  const char *site = http_header(rq, "Sec-Fetch-Site");
  if (site && strcmp(site, "same-origin") != 0) return 0;
  const char *token = form_get(&rq->form, "csrf");
  return token && strlen(token) == SESSIONS_CSRF_LEN && sodium_memcmp(token, s->csrf, SESSIONS_CSRF_LEN) == 0;
}

static int cross_site(const http_request *rq)
{
  const char *site = http_header(rq, "Sec-Fetch-Site");
  return site && !strcmp(site, "cross-site");
}

/* A page that asks for itself again, from this site (and so with the
 * session cookie). The refresh is a meta element: no script is needed. */
static void reload(http_response *rs, const char *path)
{
  html *h = &rs->body;
  html_lit(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" "
              "content=\"0\">\n<title>Reflect</title>\n</head>\n<body>\n<p><a href=\"");
  html_attr(h, path);
  html_lit(h, "\">Continue to Reflect</a></p>\n</body>\n</html>\n");
}

/* A path on this site, fit to come back to: '/', then no '/' or '\\', no
 * control character, not too long. */
static int local_path(const char *s)
{
  if (!s || s[0] != '/' || s[1] == '/' || s[1] == '\\' || strlen(s) >= SESSIONS_RETURN_MAX) return 0;
  for (const unsigned char *c = (const unsigned char *)s; *c; c++)
    if (*c < 0x20 || *c == 0x7f || *c == '\\') return 0;
  return 1;
}

/* To the login form, saying where to come back to (no session yet to
 * keep it in). */
static void to_login(http_response *rs, const char *path)
{
  if (!strcmp(path, "/")) {
    http_redirect(rs, "/login");
    return;
  }
  html target;
  html_init(&target, 1024);
  html_lit(&target, "/login?next=");
  html_url(&target, path);
  size_t n = 0;
  char *where = html_take(&target, &n);
  if (where && n < sizeof rs->location) {
    char copy[sizeof rs->location];
    snprintf(copy, sizeof copy, "%.*s", (int)n, where);
    http_redirect(rs, copy);
  } else {
    http_redirect(rs, "/login");
  }
  free(where);
  html_free(&target);
}

static void remember_next(page_ctx *p)
{
  const char *next = http_query(p->rq, "next");
  if (local_path(next) && strcmp(next, "/login") != 0) snprintf(p->s->return_to, sizeof p->s->return_to, "%s", next);
}

/* A form posted after the login lapsed: the record's are kept, for the
 * person who typed them alone, until they log in again (page_record.h);
 * the page's draft saver is told, not redirected. */
static void keep_form(page_ctx *p, const route *r)
{
  int draft = r->fn == page_record_draft_post;
  if (draft || r->fn == page_record_edit_post) {
    char path[96];
    snprintf(path, sizeof path, "/sessions/%llu/record/edit", (unsigned long long)p->id);
    char *content = form_encode(&p->rq->form, "csrf");
    if (content && p->s->username[0]) (void)sessions_stash(p->app->sess, p->s, p->s->username, path, content);
    if (content) {
      sodium_memzero(content, strlen(content));
      free(content);
    }
    snprintf(p->s->return_to, sizeof p->s->return_to, "%s", path);
  }
  if (draft) {
    refuse(p->rs, 401, "logged out: log in again to go on\n");
    return;
  }
  http_redirect(p->rs, "/login?lapsed=1");
}

void web_routes_handle(void *arg, http_request *rq, http_response *rs)
{
  web_routes_ctx *w = arg;
  if (!atomic_load(&w->ready)) {
    refuse(rs, 503, "Reflect is starting; try again in a moment.\n");
    return;
  }
  if (!own_host(w, rq)) {
    refuse(rs, 421, "This address is not Reflect's.\n");
    return;
  }
  if (serve_asset(rq, rs)) return;
  int get = !rq->post;
  const route *r = NULL;
  uint64_t id = 0;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0] && !r; i++)
    if (strcmp(routes[i].method, get ? "GET" : "POST") == 0 && path_matches(routes[i].path, rq->path, &id))
      r = &routes[i];

  page_ctx p = {.app = &w->app, .rq = rq, .rs = rs, .id = id};
  const char *cookie = http_cookie(rq, page_cookie_name(rq, PAGE_COOKIE_SESSION));
  p.s = sessions_acquire(w->app.sess, cookie, rq->now);
  if (!p.s && get && cross_site(rq)) {
    /* A link from another site: the browser held back the SameSite=Strict
     * cookie. Asking again from this page sends it; answering now would
     * set a new cookie over the person's login. */
    reload(rs, rq->path);
    return;
  }
  if (!p.s && get && r && r->fn == page_login_get) {
    /* The login form is the only page that makes a session (it needs a
     * CSRF token): a flood of other requests makes none. */
    char fresh[SESSIONS_COOKIE_LEN + 1];
    p.s = sessions_create(w->app.sess, NULL, fresh, rq->now);
    if (!p.s) {
      refuse(rs, 503, "Reflect is busy; try again in a minute.\n");
      return;
    }
    http_set_cookie(rs, rq, page_cookie_name(rq, PAGE_COOKIE_SESSION), fresh, -1);
  }
  if (!p.s) {
    if (rq->post) refuse(rs, 403, "That form has expired. Go back, reload the page and try again.\n");
    else if (!r) page_not_found(&p);
    else to_login(rs, rq->path);
    return;
  }
  if (get && r && r->fn == page_login_get) remember_next(&p);
  if (rq->post && (rq->form_error || !form_is_ours(w, rq, p.s))) {
    refuse(rs, 403,
           rq->form_error ? "That form could not be read.\n"
                          : "That form has expired or did not come from Reflect. Go back, reload the page and try "
                            "again.\n");
  } else if (!r) {
    page_not_found(&p);
  } else if (r->who != OPEN && !p.s->cl) {
    if (get) {
      snprintf(p.s->return_to, sizeof p.s->return_to, "%s", rq->path);
      http_redirect(rs, "/login");
    } else {
      keep_form(&p, r);
    }
  } else if (r->who == LOGGED_IN && p.s->must_change) {
    http_redirect(rs, "/password");
  } else {
    r->fn(&p);
  }
  sessions_release(w->app.sess, p.s);
}
