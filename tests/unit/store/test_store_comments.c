/* store_comments on a real database: comments are sealed under the
 * session's key, bound to their kind, and append-only; the bounds per
 * person per record, per record and per person per day are enforced by
 * store_comments_room; a page carries every disagreement first, then notes
 * after the cursor within the limit, and `through` hides later ones. */
#include "store_test.h"
#include "store_comments.h"
#include "store_sessions.h"

TestSuite(store_comments, .init = st_setup, .fini = st_teardown);

#define NOTE COMMENT_NOTE
#define DISAGREE COMMENT_DISAGREEMENT
#define RESOLVE COMMENT_RESOLUTION

static int64_t sup, pee;

static session_row session(void)
{
  if (!sup) {
    sup = st_user("sup", "Sue", ROLE_SUPERVISOR);
    pee = st_user("pee", "Pat", ROLE_PRACTITIONER);
  }
  store_ctx c = st_ctx(T0);
  int64_t id;
  cr_assert_eq(store_sessions_add(&c, sup, &pee, 1, 0, T0 - 7200, 60, NULL, NULL, &id), 0);
  session_row s;
  cr_assert_eq(store_sessions_get(f.db, id, &s), 0);
  return s;
}

static int64_t comment(const session_row *s, int64_t author, int64_t now, int kind, int64_t resolves, const char *text)
{
  who.user_id = author;
  store_ctx c = st_ctx(now);
  int64_t id = 0;
  cr_assert_eq(store_comments_add(&c, s, 1, kind, resolves, text, &id), 0);
  return id;
}

static comment_room room(const session_row *s, int64_t author, int64_t now, int kind, int64_t resolves, int64_t *res)
{
  who.user_id = author;
  store_ctx c = st_ctx(now);
  comment_room r;
  int64_t ignored;
  cr_assert_eq(store_comments_room(&c, s, kind, resolves, &r, res ? res : &ignored), 0);
  return r;
}

Test(store_comments, sealed_under_the_sessions_key_and_append_only)
{
  sup = pee = 0;
  session_row s = session(), other = session();
  int64_t id = comment(&s, pee, T0, DISAGREE, 0, "I disagree about the safeguarding plan");
  cr_assert_eq(st_int("SELECT key_id FROM record_comments WHERE id = ?1", id), s.key_id);
  cr_assert_eq(st_raw_has("SELECT body FROM record_comments WHERE id = ?1", id, "safeguarding"), 0);
  int kind = 0;
  cr_assert_eq(store_comments_kind(f.db, id, s.id, &kind), 0);
  cr_assert_eq(kind, DISAGREE);
  cr_assert_eq(store_comments_kind(f.db, id, other.id, &kind), RC_NOT_FOUND, "not a comment on that session");
  char *err = NULL;
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "UPDATE record_comments SET kind = 1", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
  cr_assert_neq(sqlite3_exec(db_handle(f.db), "DELETE FROM record_comments", NULL, NULL, &err), SQLITE_OK);
  sqlite3_free(err);
  cr_assert_eq(st_int("SELECT count(*) FROM record_comments WHERE id = ?1", id), 1);
}

Test(store_comments, notes_and_disagreements_are_bounded_per_person_and_per_record)
{
  sup = pee = 0;
  session_row s = session();
  int64_t now = T0;
  for (int i = 0; i < COMMENT_NOTES_PER_PERSON; i++) {
    cr_assert_eq(room(&s, pee, now, NOTE, 0, NULL), COMMENT_ROOM, "note %d", i);
    comment(&s, pee, now - 2 * COMMENTS_DAY_SECONDS, NOTE, 0, "n"); /* outside the day */
  }
  cr_assert_eq(room(&s, pee, now, NOTE, 0, NULL), COMMENT_FULL_NOTES);
  cr_assert_eq(room(&s, sup, now, NOTE, 0, NULL), COMMENT_ROOM, "one party cannot use up another's room");
  cr_assert_eq(room(&s, pee, now, DISAGREE, 0, NULL), COMMENT_ROOM, "a different kind");
  for (int i = 0; i < COMMENT_DISAGREEMENTS_PER_PERSON; i++) comment(&s, pee, now, DISAGREE, 0, "d");
  cr_assert_eq(room(&s, pee, now, DISAGREE, 0, NULL), COMMENT_FULL_DISAGREEMENTS);
  /* The record-wide bound: more people, five each, up to the record's. */
  int people = 0;
  for (int64_t have = COMMENT_DISAGREEMENTS_PER_PERSON; have < COMMENT_DISAGREEMENTS_PER_RECORD; people++) {
    char name[16];
    snprintf(name, sizeof name, "p%d", people);
    int64_t u = st_user(name, name, ROLE_PRACTITIONER);
    for (int i = 0; i < COMMENT_DISAGREEMENTS_PER_PERSON && have < COMMENT_DISAGREEMENTS_PER_RECORD; i++, have++)
      comment(&s, u, now, DISAGREE, 0, "d");
  }
  cr_assert_eq(room(&s, sup, now, DISAGREE, 0, NULL), COMMENT_FULL_RECORD);
  cr_assert_eq(room(&s, sup, now, NOTE, 0, NULL), COMMENT_ROOM, "notes are not counted against it");
}

Test(store_comments, a_day_holds_a_bounded_number_and_a_disagreement_one_resolution)
{
  sup = pee = 0;
  session_row s1 = session(), s2 = session();
  int64_t d = comment(&s1, pee, T0, DISAGREE, 0, "no");
  for (int i = 1; i < COMMENTS_PER_PERSON_DAY; i++) comment(i % 2 ? &s2 : &s1, pee, T0 + i, NOTE, 0, "n");
  cr_assert_eq(room(&s1, pee, T0 + 200, NOTE, 0, NULL), COMMENT_FULL_DAY);
  cr_assert_eq(room(&s1, pee, T0 + COMMENTS_DAY_SECONDS, NOTE, 0, NULL), COMMENT_ROOM, "the first has left the day");
  int64_t res = -1;
  cr_assert_eq(room(&s1, sup, T0, RESOLVE, d, &res), COMMENT_ROOM);
  cr_assert_eq(res, 0);
  int64_t r = comment(&s1, sup, T0, RESOLVE, d, "resolved by agreement");
  cr_assert_eq(room(&s1, sup, T0, RESOLVE, d, &res), COMMENT_RESOLVED);
  cr_assert_eq(res, r);
}

Test(store_comments, a_page_has_disagreements_first_then_notes_after_the_cursor)
{
  sup = pee = 0;
  session_row s = session();
  int64_t n1 = comment(&s, pee, T0, NOTE, 0, "note one");
  int64_t n2 = comment(&s, sup, T0 + 1, NOTE, 0, "note two");
  int64_t n3 = comment(&s, pee, T0 + 2, NOTE, 0, "note three");
  int64_t d = comment(&s, pee, T0 + 3, DISAGREE, 0, "disagreement");
  int64_t n4 = comment(&s, pee, T0 + 4, NOTE, 0, "note four");
  store_ctx c = st_ctx(T0 + 10);
  comments_page p;
  comments_query q = {.after = 0, .limit = 2, .budget = 4 * COMMENT_WIRE_MAX, .through = INT64_MAX};
  cr_assert_eq(store_comments_page(&c, &s, &q, &p), 0);
  cr_assert_eq(p.n, 3);
  cr_assert_eq(p.v[0].id, n1, "by id");
  cr_assert_eq(p.v[1].id, n2);
  cr_assert_eq(p.v[2].id, d, "the disagreement comes on the first page");
  cr_assert_str_eq(p.v[2].text, "disagreement");
  cr_assert_str_eq(p.v[1].author, "sup");
  cr_assert_eq(p.notes_total, 4);
  cr_assert_eq(p.next, (uint64_t)n2);
  q.after = p.next;
  cr_assert_eq(store_comments_page(&c, &s, &q, &p), 0);
  cr_assert_eq(p.n, 3);
  cr_assert_eq(p.v[0].id, n3);
  cr_assert_eq(p.v[1].id, d, "every page carries the disagreements, in id order");
  cr_assert_eq(p.v[2].id, n4);
  cr_assert_eq(p.next, 0, "nothing more");
  q = (comments_query){.after = 0, .limit = 10, .budget = 4 * COMMENT_WIRE_MAX, .through = n3};
  cr_assert_eq(store_comments_page(&c, &s, &q, &p), 0);
  cr_assert_eq(p.n, 3);
  cr_assert_eq(p.hidden, 2, "the disagreement and note four come after `through`");
  cr_assert_eq(p.notes_total, 3);
}
