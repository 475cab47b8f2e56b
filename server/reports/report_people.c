/* report_people: a team's people, the members its managers oversee. */
#include "report_people.h"

#include "store_users.h"

rcode report_people_list(call *c, int64_t team_id, report_person **out, size_t *n)
{
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st = db_prepare(c->s->db,
                                "SELECT u.id, u.username FROM team_members tm JOIN users u ON u.id = tm.user_id"
                                " WHERE tm.team_id = ?1 AND tm.manager = 0 ORDER BY u.username LIMIT ?2");
  if (!st) return call_fail(c, RC_INTERNAL, NULL, "could not read the team's members");
  sqlite3_bind_int64(st, 1, team_id);
  sqlite3_bind_int64(st, 2, REPORTS_PEOPLE_MAX + 1);
  report_person *p = arena_alloc(c->a, sizeof *p * (REPORTS_PEOPLE_MAX + 1));
  size_t k = 0;
  int r = SQLITE_DONE;
  while (p && (r = sqlite3_step(st)) == SQLITE_ROW && k <= REPORTS_PEOPLE_MAX) {
    p[k].id = sqlite3_column_int64(st, 0);
    p[k].username = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 1));
    if (!p[k].username) {
      p = NULL;
      break;
    }
    k++;
  }
  sqlite3_reset(st);
  if (!p) return RC_EXHAUSTED;
  if (r != SQLITE_DONE && r != SQLITE_ROW) return call_fail(c, RC_INTERNAL, NULL, "could not read the team's members");
  if (k > REPORTS_PEOPLE_MAX)
    return call_fail(c, RC_EXHAUSTED, "scope.team", "a report covers at most %d people", REPORTS_PEOPLE_MAX);
  /* Names are opened only once the list is known to fit. */
  for (size_t i = 0; i < k; i++) {
    rcode rc = store_users_name(call_store(c), p[i].id, &p[i].name);
    if (rc) return call_fail(c, rc, NULL, "could not read a team member's name");
  }
  *out = p;
  *n = k;
  return RC_OK;
}

long report_people_find(const report_person *people, size_t n, int64_t id)
{
  for (size_t i = 0; i < n; i++)
    if (people[i].id == id) return (long)i;
  return -1;
}
