#include "page.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reflect.pb-c.h"

typedef struct {
  page_nav nav;
  const char *href, *text;
} nav_item;

static const nav_item nav[] = {
    {PAGE_NAV_HOME, "/", "My supervision"},
    {PAGE_NAV_SESSIONS, "/sessions", "Sessions"},
    {PAGE_NAV_CASES, "/cases", "Cases"},
    {PAGE_NAV_ACTIONS, "/actions", "Actions"},
    {PAGE_NAV_AGREEMENTS, "/agreements", "Agreements"},
};

void page_begin(page_ctx *p, const char *title, page_nav current)
{
  html *h = &p->rs->body;
  html_lit(h,
           "<!DOCTYPE html>\n<html lang=\"en\" class=\"govuk-template\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  html_txt(h, title);
  html_lit(h, " – Reflect</title>\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">\n"
              "<meta name=\"theme-color\" content=\"#1d70b8\">\n"
              "<link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\">\n"
              "<link rel=\"stylesheet\" href=\"/assets/app.css\">\n"
              "<script type=\"module\" src=\"/assets/app.js\"></script>\n"
              "</head>\n<body class=\"govuk-template__body\"");
  /* The script listens for live events only where someone is logged in. */
  if (p->s && p->s->cl && !p->s->must_change) html_lit(h, " data-events=\"on\"");
  html_lit(h, ">\n"
              "<a href=\"#main-content\" class=\"govuk-skip-link\" data-module=\"govuk-skip-link\">Skip to main "
              "content</a>\n"
              "<header class=\"govuk-template__header\">\n"
              "<section aria-label=\"Service information\" class=\"govuk-service-navigation\""
              " data-module=\"govuk-service-navigation\">\n<div class=\"govuk-width-container\">\n"
              "<div class=\"govuk-service-navigation__container\">\n"
              "<span class=\"govuk-service-navigation__service-name\">"
              "<a href=\"/\" class=\"govuk-service-navigation__link\">Reflect</a></span>\n");
  if (p->s && p->s->cl && !p->s->must_change) {
    html_lit(h, "<nav aria-label=\"Menu\" class=\"govuk-service-navigation__wrapper\">\n"
                "<button type=\"button\" class=\"govuk-service-navigation__toggle govuk-js-service-navigation-toggle\""
                " aria-controls=\"navigation\" hidden aria-hidden=\"true\">Menu</button>\n"
                "<ul class=\"govuk-service-navigation__list\" id=\"navigation\">\n");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
      int on = nav[i].nav == current;
      html_lit(h, "<li class=\"govuk-service-navigation__item");
      if (on) html_lit(h, " govuk-service-navigation__item--active");
      html_lit(h, "\"><a class=\"govuk-service-navigation__link\" href=\"");
      html_attr(h, nav[i].href);
      html_lit(h, "\"");
      if (on) html_lit(h, " aria-current=\"page\"><strong class=\"govuk-service-navigation__active-fallback\">");
      else html_lit(h, ">");
      html_txt(h, nav[i].text);
      if (on) html_lit(h, "</strong>");
      html_lit(h, "</a></li>\n");
    }
    html_lit(h, "</ul>\n</nav>\n");
  }
  html_lit(h, "</div>\n");
  if (p->s && p->s->cl) {
    html_lit(h, "<form method=\"post\" action=\"/logout\" class=\"reflect-signout\">\n<p class=\"govuk-body-s\">"
                "Logged in as <strong>");
    html_txt(h, p->s->username);
    html_lit(h, "</strong> ");
    page_csrf(p);
    html_lit(h, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary reflect-signout__button\""
                " data-module=\"govuk-button\">Log out</button></p>\n</form>\n");
  }
  html_lit(h, "</div>\n</section>\n</header>\n<div class=\"govuk-width-container\">\n"
              "<main class=\"govuk-main-wrapper\" id=\"main-content\">\n"
              "<div id=\"reflect-live\" class=\"reflect-live\" aria-live=\"polite\"></div>\n");
}

void page_end(page_ctx *p)
{
  html_lit(&p->rs->body, "</main>\n</div>\n<footer class=\"govuk-footer\">\n<div class=\"govuk-width-container\">\n"
                         "<div class=\"govuk-footer__meta\">\n<div class=\"govuk-footer__meta-item "
                         "govuk-footer__meta-item--grow\">\n<p class=\"govuk-body-s\">Reflect: supervision records "
                         "for social care. Everything you write here is encrypted and kept by your organisation."
                         "</p>\n</div>\n</div>\n</div>\n</footer>\n</body>\n</html>\n");
}

void page_csrf(page_ctx *p)
{
  html_lit(&p->rs->body, "<input type=\"hidden\" name=\"csrf\" value=\"");
  html_attr(&p->rs->body, p->s ? p->s->csrf : "");
  html_lit(&p->rs->body, "\">");
}

void page_error_summary(page_ctx *p, const char *field, const char *message)
{
  html *h = &p->rs->body;
  html_lit(h, "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\">\n<div role=\"alert\">\n"
              "<h2 class=\"govuk-error-summary__title\">There is a problem</h2>\n"
              "<div class=\"govuk-error-summary__body\">\n<ul class=\"govuk-list govuk-error-summary__list\">\n<li>");
  if (field) {
    html_lit(h, "<a href=\"#");
    html_attr(h, field);
    html_lit(h, "\">");
  }
  html_txt(h, message);
  if (field) html_lit(h, "</a>");
  html_lit(h, "</li>\n</ul>\n</div>\n</div>\n</div>\n");
}

static void plain_page(page_ctx *p, int status, const char *title, const char *text)
{
  html_free(&p->rs->body);
  html_init(&p->rs->body, HTTP_PAGE_MAX);
  p->rs->status = status;
  page_begin(p, title, PAGE_NAV_NONE);
  html *h = &p->rs->body;
  html_lit(h, "<h1 class=\"govuk-heading-l\">");
  html_txt(h, title);
  html_lit(h, "</h1>\n<p class=\"govuk-body\">");
  html_txt(h, text);
  html_lit(h, "</p>\n<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to My supervision</a></p>\n");
  page_end(p);
}

void page_not_found(page_ctx *p)
{
  plain_page(p, 404, "Page not found",
             "If you typed the web address, check it is correct. If you followed a link, what it points to may "
             "have been moved, or may not be yours to see.");
}

void page_unreachable(page_ctx *p, int client_rc)
{
  char text[256];
  snprintf(text, sizeof text,
           "Reflect's server did not answer (%s). Nothing you typed is lost: go back, and try again in a minute. "
           "If it keeps happening, tell your administrator.",
           client_strerror(client_rc));
  plain_page(p, 503, "Sorry, Reflect is not available", text);
}

void page_forget_login(page_ctx *p)
{
  client *gone = p->s->cl;
  sessions_set_client(p->app->sess, p->s, NULL);
  client_close(gone);
  p->s->role = 0;
  p->s->must_change = 0;
  /* The username stays: a form posted before the next login is kept for
   * this person alone (web_routes.c, keep_form). */
}

void page_refused(page_ctx *p, const Reflect__V1__Reply *rep)
{
  int code = client_reply_code(rep);
  if (code == REFLECT__V1__CODE__UNAUTHENTICATED) {
    /* Back here after logging in again: a GET's own address, or for a
     * form the page it came from (the draft keeps what was typed). */
    const char *back = p->rq->post ? http_header(p->rq, "Referer") : p->rq->path;
    if (back && strncmp(back, "http", 4) == 0) {
      const char *scheme_end = strstr(back, "://");
      back = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
    }
    snprintf(p->s->return_to, sizeof p->s->return_to, "%s", back && back[0] == '/' && back[1] != '/' ? back : "/");
    page_forget_login(p);
    http_redirect(p->rs, "/login?lapsed=1");
    return;
  }
  if (code == REFLECT__V1__CODE__NOT_FOUND || code == REFLECT__V1__CODE__PERMISSION_DENIED) {
    page_not_found(p);
    return;
  }
  char why[512];
  page_sentence(why, sizeof why, client_reply_message(rep)[0] ? client_reply_message(rep) : "The server refused it.");
  plain_page(p, code == REFLECT__V1__CODE__INVALID_ARGUMENT ? 400 : 409, "That could not be done", why);
}

int page_check(page_ctx *p, int client_rc, const Reflect__V1__Reply *rep)
{
  if (client_rc != CLIENT_OK) {
    page_unreachable(p, client_rc);
    return 1;
  }
  if (client_reply_code(rep) != 0) {
    page_refused(p, rep);
    return 1;
  }
  return 0;
}

/* fmt is one of the two literals below. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void fmt_time(html *h, int64_t t, const char *fmt)
{
  time_t tt = (time_t)t;
  struct tm tm;
  char buf[64];
  if (!localtime_r(&tt, &tm) || !strftime(buf, sizeof buf, fmt, &tm)) {
    html_lit(h, "?");
    return;
  }
  /* "%e" pads the day with a space: "Mon  7 Dec". */
  char *dbl = strstr(buf, "  ");
  if (dbl) memmove(dbl, dbl + 1, strlen(dbl));
  html_txt(h, buf);
}
#pragma GCC diagnostic pop

void page_time(html *h, int64_t t)
{
  fmt_time(h, t, "%a %e %b %Y, %H:%M");
}

void page_date(html *h, int64_t t)
{
  fmt_time(h, t, "%a %e %b %Y");
}

const char *page_cookie_name(const http_request *rq, int which)
{
  if (which == PAGE_COOKIE_DEVICE) return rq->tls ? "__Host-reflect-device" : "reflect-device";
  return rq->tls ? "__Host-reflect-session" : "reflect-session";
}

void page_sentence(char *out, size_t size, const char *message)
{
  snprintf(out, size, "%s", message ? message : "");
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = (char)(out[0] - 'a' + 'A');
}

int page_finish(page_ctx *p, int client_rc, Reflect__V1__Reply *rep)
{
  int answered = page_check(p, client_rc, rep);
  client_free_reply(rep);
  return answered;
}
