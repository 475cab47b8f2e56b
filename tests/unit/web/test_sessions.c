/* sessions: a cookie names one session and nothing else; login replaces
 * it; a form kept across a lapsed login goes back to its writer alone and
 * is wiped for anyone else; anonymous visits never push out a login; an
 * idle session lapses. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "sessions.h"

#define T0 1800000000

static sessions *t;

static void setup(void)
{
  cr_assert_eq(sessions_init(4, 3600, 60, &t), 0);
}

static void teardown(void)
{
  sessions_free(t);
}

TestSuite(sessions, .init = setup, .fini = teardown);

Test(sessions, a_cookie_names_its_session_and_login_replaces_it)
{
  char c1[SESSIONS_COOKIE_LEN + 1], c2[SESSIONS_COOKIE_LEN + 1];
  session *s = sessions_create(t, NULL, c1, T0);
  cr_assert_not_null(s);
  snprintf(s->return_to, sizeof s->return_to, "/sessions/3");
  sessions_release(t, s);
  s = sessions_acquire(t, c1, T0 + 1);
  cr_assert_not_null(s);
  session *n = sessions_create(t, s, c2, T0 + 1);
  sessions_release(t, s);
  cr_assert_str_eq(n->return_to, "/sessions/3", "where to go back to is carried over");
  cr_assert_neq(strcmp(c1, c2), 0);
  sessions_release(t, n);
  cr_assert_null(sessions_acquire(t, c1, T0 + 2), "the cookie from before is worth nothing");
  cr_assert_null(sessions_acquire(t, "not-a-cookie", T0 + 2));
  s = sessions_acquire(t, c2, T0 + 2);
  cr_assert_not_null(s);
  sessions_release(t, s);
}

Test(sessions, a_kept_form_goes_back_to_its_writer_alone)
{
  char c[SESSIONS_COOKIE_LEN + 1];
  session *s = sessions_create(t, NULL, c, T0);
  cr_assert_eq(sessions_stash(t, s, "sam", "/sessions/1/record/edit", "wellbeing=tired"), 0);
  cr_assert_null(sessions_take(t, s, "sam", "/sessions/2/record/edit"), "another page does not take it");
  char *mine = sessions_take(t, s, "sam", "/sessions/1/record/edit");
  cr_assert_str_eq(mine, "wellbeing=tired");
  sessions_free_pending(mine);
  cr_assert_null(sessions_take(t, s, "sam", "/sessions/1/record/edit"), "taken once");

  cr_assert_eq(sessions_stash(t, s, "sam", "/sessions/1/record/edit", "wellbeing=tired"), 0);
  cr_assert_null(sessions_take(t, s, "mona", "/sessions/1/record/edit"), "never to someone else");
  cr_assert_null(sessions_take(t, s, "sam", "/sessions/1/record/edit"), "and it is wiped, not kept for later");
  cr_assert_eq(sessions_stash(t, s, "", "/x", "a=1"), -1, "a form with no writer is not kept");
  sessions_release(t, s);
}

Test(sessions, anonymous_visits_never_push_out_a_login)
{
  char c[4][SESSIONS_COOKIE_LEN + 1], extra[SESSIONS_COOKIE_LEN + 1];
  for (int i = 0; i < 4; i++) {
    session *s = sessions_create(t, NULL, c[i], T0 + i);
    cr_assert_not_null(s);
    if (i < 3) sessions_set_client(t, s, (client *)1); /* logged in (never used as a client here) */
    sessions_release(t, s);
  }
  /* One anonymous session: the new one takes its place. */
  session *s = sessions_create(t, NULL, extra, T0 + 10);
  cr_assert_not_null(s);
  sessions_release(t, s);
  cr_assert_null(sessions_acquire(t, c[3], T0 + 10), "the anonymous one gave way");
  /* Now only logins and the newcomer: another newcomer pushes out only it. */
  s = sessions_create(t, NULL, extra, T0 + 11);
  cr_assert_not_null(s);
  sessions_set_client(t, s, (client *)1);
  sessions_release(t, s);
  cr_assert_null(sessions_create(t, NULL, extra, T0 + 12), "with only logins left, none is made");
  for (int i = 0; i < 3; i++) {
    s = sessions_acquire(t, c[i], T0 + 12);
    cr_assert_not_null(s, "login %d is still there", i);
    sessions_set_client(t, s, NULL); /* so that freeing the table closes no fake client */
    sessions_release(t, s);
  }
  s = sessions_acquire(t, extra, T0 + 12);
  if (s) {
    sessions_set_client(t, s, NULL);
    sessions_release(t, s);
  }
}

Test(sessions, an_idle_session_lapses)
{
  char c[SESSIONS_COOKIE_LEN + 1];
  session *s = sessions_create(t, NULL, c, T0);
  sessions_release(t, s);
  cr_assert_null(sessions_acquire(t, c, T0 + 61), "anonymous: after a minute here");
}
