/* What each change tells whom, in words for a notification that anyone
 * passing the screen may read: what, when, who and where. Never a word of a
 * record, an action's description or evidence, or anything about a case:
 * an action is "the action from supervision on 12 Nov". */
#include "events.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store_events.h"
#include "store_keys.h"
#include "store_teams.h"
#include "store_users.h"

/* Display names have at most 200 bytes (ops_users), so none of these ever
 * truncates, and no name is ever cut inside a UTF-8 sequence. */
#define SUBJECT_MAX 256 /* "group supervision with " and a name */
#define TEXT_MAX 640    /* a summary: two names and some words */
#define WHO_MAX 1024    /* WHO_NAMES_MAX names and "and N others" */
#define WHO_NAMES_MAX 4 /* names listed before "and N others" */
#define MANAGERS_MAX 32 /* told of one supervisee's overdue supervision */
#define PARTIES_MAX (1 + SESSION_MAX_MEMBERS)

/* ---- a batch: names looked up once, outbox rows stored by recipient ---- */

typedef struct {
  int64_t id;
  const char *name;
} name_entry;

typedef struct {
  int64_t user;
  size_t order;                 /* keeps each person's events in order */
  const Reflect__V1__Event *ev; /* arena copy, shared by its recipients */
} pending;

typedef struct {
  const call *c;
  name_entry *e; /* open addressing; cap is a power of two */
  size_t cap, n;
  pending *p;
  size_t n_p, cap_p;
} batch_state;

/* Thread-local: the scheduler runs on a relay thread, handlers on workers,
 * and a batch belongs to one call on one thread. */
static _Thread_local batch_state *batch;

void events_batch_end(void)
{
  if (!batch) return;
  free(batch->e);
  free(batch->p);
  free(batch);
  batch = NULL;
}

void events_batch_begin(call *c)
{
  events_batch_end();
  batch_state *b = calloc(1, sizeof *b);
  if (!b) return;
  b->cap = 256;
  if (!(b->e = calloc(b->cap, sizeof *b->e))) {
    free(b);
    return;
  }
  b->c = c;
  batch = b;
}

static batch_state *batch_of(const call *c)
{
  return batch && batch->c == c ? batch : NULL;
}

static size_t slot_of(const batch_state *b, int64_t id)
{
  size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15u) & (b->cap - 1);
  while (b->e[i].id && b->e[i].id != id) i = (i + 1) & (b->cap - 1);
  return i;
}

static void cache_put(batch_state *b, int64_t id, const char *name)
{
  if ((b->n + 1) * 2 > b->cap) {
    name_entry *old = b->e;
    size_t old_cap = b->cap;
    name_entry *e = calloc(old_cap * 2, sizeof *e);
    if (!e) return; /* a full cache only costs look-ups */
    b->e = e;
    b->cap = old_cap * 2;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].id) b->e[slot_of(b, old[i].id)] = old[i];
    free(old);
  }
  size_t i = slot_of(b, id);
  if (!b->e[i].id) b->n++;
  b->e[i] = (name_entry){id, name};
}

/* A display name for words; a name that cannot be read (a shredded key)
 * must not stop the change it describes. */
static const char *name_of(call *c, int64_t id)
{
  if (id <= 0) return "someone"; /* 0 also marks a free slot in the cache */
  batch_state *b = batch_of(c);
  if (b) {
    size_t i = slot_of(b, id);
    if (b->e[i].id == id) return b->e[i].name;
  }
  char *name = NULL;
  const char *out = store_users_name(call_store(c), id, &name) == RC_OK && name && *name ? name : "someone";
  if (b) cache_put(b, id, out);
  return out;
}

/* ---- words ---- */

static void append(char *buf, size_t size, size_t *off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
  if (*off >= size) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(buf + *off, size - *off, fmt, ap);
  va_end(ap);
  if (k > 0) *off = *off + (size_t)k < size ? *off + (size_t)k : size;
}

/* In the organisation's zone (reflectd serve sets TZ); month names are
 * spelt out here so the words do not follow the server's locale. */
static void day_text(int64_t t, char *buf, size_t size)
{
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) snprintf(buf, size, "?");
  else snprintf(buf, size, "%d %s", tm.tm_mday, months[tm.tm_mon]);
}

static void clock_text(int64_t t, char *buf, size_t size)
{
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) snprintf(buf, size, "?");
  else snprintf(buf, size, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* "12 Nov at 14:00" */
static void when_text(int64_t t, char *buf, size_t size)
{
  char day[16], clock[16];
  day_text(t, day, sizeof day);
  clock_text(t, clock, sizeof clock);
  snprintf(buf, size, "%s at %s", day, clock);
}

/* "1 hour", "10 minutes", "2 days" */
static void span_text(int64_t s, char *buf, size_t size)
{
  int64_t n;
  const char *unit;
  if (s >= 3600 && s % 3600 == 0 && s <= 48 * 3600) n = s / 3600, unit = "hour";
  else if (s >= 86400 && s % 86400 == 0) n = s / 86400, unit = "day";
  else n = s < 60 ? 1 : (s + 30) / 60, unit = "minute";
  snprintf(buf, size, "%lld %s%s", (long long)n, unit, n == 1 ? "" : "s");
}

/* ---- sessions ---- */

typedef struct {
  int64_t id[PARTIES_MAX]; /* [0] is the supervisor */
  size_t n;
} parties;

static rcode load_parties(call *c, const session_row *s, parties *p)
{
  size_t n = 0;
  if (store_sessions_members(c->s->db, s->id, p->id + 1, SESSION_MAX_MEMBERS, &n)) return RC_INTERNAL;
  p->id[0] = s->supervisor_id;
  p->n = n + 1;
  return RC_OK;
}

/* "Pat Shaw, Ann Lee and 3 others": everyone in ids but `skip`. */
static void who_text(call *c, const int64_t *ids, size_t n, int64_t skip, char *buf, size_t size)
{
  size_t off = 0, listed = 0, others = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (ids[i] == skip) continue;
    if (listed == WHO_NAMES_MAX) {
      others++;
      continue;
    }
    append(buf, size, &off, "%s%s", listed++ ? ", " : "", name_of(c, ids[i]));
  }
  if (others) append(buf, size, &off, " and %zu other%s", others, others == 1 ? "" : "s");
}

/* The room is sealed (under the supervisee's key, or a group session's
 * own); "" when there is none or it cannot be opened. */
static char *session_room(call *c, const session_row *s)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT room FROM sessions WHERE id = ?1");
  if (!st) return "";
  sqlite3_bind_int64(st, 1, s->id);
  char *room = NULL;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0) {
    store_slot slot = {"sessions", s->id, "room", s->key_id, 0, NULL};
    if (store_keys_open(c->s->db, c->s->vault, c->ring, &slot, sqlite3_column_blob(st, 0),
                        (size_t)sqlite3_column_bytes(st, 0), c->a, &room))
      room = NULL;
  }
  sqlite3_reset(st);
  return room ? room : "";
}

static int is_group(const session_row *s)
{
  return s->kind == REFLECT__V1__SESSION_KIND__SESSION_GROUP;
}

/* The session as recipient r sees it, lower case: "supervision with Sam
 * Green", "group supervision with Sam Green" (a member), "group
 * supervision" (its facilitator). */
static void session_subject(call *c, const session_row *s, const parties *p, int64_t r, char *buf, size_t size)
{
  if (is_group(s) && r == s->supervisor_id) snprintf(buf, size, "group supervision");
  else if (is_group(s)) snprintf(buf, size, "group supervision with %s", name_of(c, s->supervisor_id));
  else
    snprintf(buf, size, "supervision with %s",
             name_of(c, r == s->supervisor_id ? (p->n > 1 ? p->id[1] : 0) : s->supervisor_id));
}

static void capitalise(char *s)
{
  if (*s >= 'a' && *s <= 'z') *s = (char)(*s - 'a' + 'A');
}

typedef enum { SAY_BOOKED, SAY_MOVED, SAY_CANCELLED, SAY_REMINDER } say;

typedef struct {
  say what;
  int kind;
  int members_only; /* the supervisor booked it; only the members hear */
  int64_t previous_at, lead;
  int late;
} session_news;

static rcode session_tell(call *c, const session_row *s, const session_news *w)
{
  parties p;
  int rc = load_parties(c, s, &p);
  if (rc) return rc;
  char *room = session_room(c, s);
  char when[48], clock[16], span[32];
  when_text(s->starts_at, when, sizeof when);
  clock_text(s->starts_at, clock, sizeof clock);
  /* A late reminder says how long is really left, not the lead it missed. */
  span_text(w->late && s->starts_at > c->now ? s->starts_at - c->now : w->lead, span, sizeof span);
  for (size_t i = w->members_only ? 1 : 0; i < p.n; i++) {
    int64_t r = p.id[i];
    char subject[SUBJECT_MAX], summary[TEXT_MAX], who[WHO_MAX];
    session_subject(c, s, &p, r, subject, sizeof subject);
    capitalise(subject);
    switch (w->what) {
    case SAY_BOOKED: snprintf(summary, sizeof summary, "%s booked for %s", subject, when); break;
    case SAY_MOVED: snprintf(summary, sizeof summary, "%s moved to %s", subject, when); break;
    case SAY_CANCELLED: snprintf(summary, sizeof summary, "%s on %s cancelled", subject, when); break;
    default: snprintf(summary, sizeof summary, "%s in %s, at %s", subject, span, clock); break;
    }
    who_text(c, p.id, p.n, r, who, sizeof who);
    Reflect__V1__Event ev = REFLECT__V1__EVENT__INIT;
    ev.kind = (Reflect__V1__EventKind)w->kind;
    ev.at = s->starts_at;
    ev.minutes = (uint32_t)s->minutes;
    ev.session_id = (uint64_t)s->id;
    ev.summary = summary;
    ev.who = who;
    ev.where = room;
    ev.previous_at = w->previous_at;
    ev.cancelled = w->what == SAY_CANCELLED;
    ev.lead_seconds = w->what == SAY_REMINDER ? w->lead : 0;
    ev.late = w->late != 0;
    if ((rc = events_emit(c, &r, 1, &ev))) return rc;
  }
  return RC_OK;
}

rcode events_session_booked(call *c, const session_row *s)
{
  session_news w = {SAY_BOOKED,
                    is_group(s) ? REFLECT__V1__EVENT_KIND__EVENT_GROUP_INVITATION
                                : REFLECT__V1__EVENT_KIND__EVENT_SESSION_SCHEDULED,
                    1,
                    0,
                    0,
                    0};
  return session_tell(c, s, &w);
}

rcode events_session_moved(call *c, const session_row *s, int64_t previous_at)
{
  session_news w = {SAY_MOVED,
                    is_group(s) ? REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED
                                : REFLECT__V1__EVENT_KIND__EVENT_SESSION_RESCHEDULED,
                    0,
                    previous_at,
                    0,
                    0};
  return session_tell(c, s, &w);
}

rcode events_session_cancelled(call *c, const session_row *s)
{
  session_news w = {SAY_CANCELLED,
                    is_group(s) ? REFLECT__V1__EVENT_KIND__EVENT_GROUP_CHANGED
                                : REFLECT__V1__EVENT_KIND__EVENT_SESSION_CANCELLED,
                    0,
                    0,
                    0,
                    0};
  return session_tell(c, s, &w);
}

rcode events_session_reminder(call *c, const session_row *s, int64_t lead, int late)
{
  session_news w = {SAY_REMINDER, REFLECT__V1__EVENT_KIND__EVENT_SESSION_REMINDER, 0, 0, lead, late};
  return session_tell(c, s, &w);
}

/* ---- records ---- */

/* Everyone who signs a record (the supervisor and every member) but the
 * one who acted (events_emit skips them). */
static rcode record_tell(call *c, const session_row *s, int kind, uint32_t revision, int complete)
{
  parties p;
  int rc = load_parties(c, s, &p);
  if (rc) return rc;
  char day[16];
  day_text(s->starts_at, day, sizeof day);
  const char *signer = c->who && c->who->authenticated ? name_of(c, c->who->user_id) : "someone";
  for (size_t i = 0; i < p.n; i++) {
    int64_t r = p.id[i];
    char subject[SUBJECT_MAX], summary[TEXT_MAX], who[WHO_MAX];
    session_subject(c, s, &p, r, subject, sizeof subject);
    if (kind == REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF)
      snprintf(summary, sizeof summary, "Record of %s on %s awaits your signature", subject, day);
    else if (kind == REFLECT__V1__EVENT_KIND__EVENT_RECORD_AMENDED)
      snprintf(summary, sizeof summary, "Record of %s on %s was amended (revision %u) and awaits your signature",
               subject, day, revision);
    else
      snprintf(summary, sizeof summary, "%s signed the record of %s on %s%s", signer,
               is_group(s) ? "group supervision" : "supervision", day, complete ? "; everyone has signed" : "");
    who_text(c, p.id, p.n, r, who, sizeof who);
    Reflect__V1__Event ev = REFLECT__V1__EVENT__INIT;
    ev.kind = (Reflect__V1__EventKind)kind;
    ev.at = s->starts_at;
    ev.minutes = (uint32_t)s->minutes;
    ev.session_id = (uint64_t)s->id;
    ev.summary = summary;
    ev.who = who;
    ev.revision = revision;
    ev.complete = complete != 0;
    if ((rc = events_emit(c, &r, 1, &ev))) return rc;
  }
  return RC_OK;
}

rcode events_record_written(call *c, const session_row *s, uint32_t revision)
{
  return record_tell(c, s,
                     revision <= 1 ? REFLECT__V1__EVENT_KIND__EVENT_RECORD_AWAITING_SIGNOFF
                                   : REFLECT__V1__EVENT_KIND__EVENT_RECORD_AMENDED,
                     revision, 0);
}

rcode events_record_signed(call *c, const session_row *s, uint32_t revision, int complete)
{
  return record_tell(c, s, REFLECT__V1__EVENT_KIND__EVENT_RECORD_SIGNED, revision, complete);
}

/* ---- actions ---- */

typedef enum { ACT_ASSIGNED, ACT_DUE_SOON, ACT_OVERDUE, ACT_DONE } act;

/* To the owner, and (overdue, closed) to the session's supervisor. The
 * action is named by its session's date only. */
static rcode action_tell(call *c, const action_row *a, act what, int late)
{
  session_row s;
  int rc = store_sessions_get(c->s->db, a->session_id, &s);
  if (rc) return rc == RC_NOT_FOUND ? RC_INTERNAL : rc;
  static const int kinds[] = {REFLECT__V1__EVENT_KIND__EVENT_ACTION_ASSIGNED,
                              REFLECT__V1__EVENT_KIND__EVENT_ACTION_DUE_SOON,
                              REFLECT__V1__EVENT_KIND__EVENT_ACTION_OVERDUE,
                              REFLECT__V1__EVENT_KIND__EVENT_ACTION_DONE};
  char day[16], due_day[16], due_when[48];
  day_text(s.starts_at, day, sizeof day);
  day_text(a->due_at, due_day, sizeof due_day);
  when_text(a->due_at, due_when, sizeof due_when);
  const char *closed = a->status == REFLECT__V1__ACTION_STATUS__ACTION_CANCELLED ? "was cancelled" : "is done";
  int64_t to[2] = {a->owner_id, s.supervisor_id};
  size_t n = what == ACT_OVERDUE || what == ACT_DONE ? 2 : 1;
  if (n == 2 && to[1] == to[0]) n = 1;
  for (size_t i = 0; i < n; i++) {
    int owner = i == 0;
    char summary[TEXT_MAX], whose[SUBJECT_MAX];
    if (owner) snprintf(whose, sizeof whose, "Your action");
    else snprintf(whose, sizeof whose, "%s's action", name_of(c, a->owner_id));
    switch (what) {
    case ACT_ASSIGNED:
      snprintf(summary, sizeof summary, "Action from supervision on %s assigned to you, due %s", day, due_day);
      break;
    case ACT_DUE_SOON:
      snprintf(summary, sizeof summary, "Action from supervision on %s is due %s", day, due_when);
      break;
    case ACT_OVERDUE:
      snprintf(summary, sizeof summary, "%s from supervision on %s is overdue (due %s)", whose, day, due_day);
      break;
    default: snprintf(summary, sizeof summary, "%s from supervision on %s %s", whose, day, closed); break;
    }
    Reflect__V1__Event ev = REFLECT__V1__EVENT__INIT;
    ev.kind = (Reflect__V1__EventKind)kinds[what];
    ev.at = a->due_at;
    ev.session_id = (uint64_t)a->session_id;
    ev.action_id = (uint64_t)a->id;
    ev.summary = summary;
    /* The other person concerned: the supervisor for the owner, and the
     * owner for the supervisor. */
    int64_t other = owner ? s.supervisor_id : a->owner_id;
    ev.who = other == to[i] ? "" : (char *)name_of(c, other);
    ev.late = late != 0;
    if ((rc = events_emit(c, &to[i], 1, &ev))) return rc;
  }
  return RC_OK;
}

rcode events_action_assigned(call *c, const action_row *a)
{
  return action_tell(c, a, ACT_ASSIGNED, 0);
}

rcode events_action_closed(call *c, const action_row *a)
{
  return action_tell(c, a, ACT_DONE, 0);
}

rcode events_action_due(call *c, const action_row *a, int overdue, int late)
{
  return action_tell(c, a, overdue ? ACT_OVERDUE : ACT_DUE_SOON, late);
}

/* ---- supervision ---- */

/* The managers who oversee the supervisee through a team (the same rule
 * every oversight query uses), still active and still managers. */
static rcode overseeing_managers(call *c, int64_t user, int64_t *ids, size_t max, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->s->db,
                                "SELECT DISTINCT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id"
                                " WHERE m.manager = 1 AND u.role = ?2 AND u.active = 1 AND m.user_id <> ?1"
                                " AND " STORE_TEAMS_OVERSEES("m.user_id", "?1") " ORDER BY m.user_id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user);
  sqlite3_bind_int(st, 2, ROLE_MANAGER);
  int step;
  *n = 0;
  while (*n < max && (step = sqlite3_step(st)) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return *n == max || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode events_supervision_overdue(call *c, int64_t agreement_id, int64_t supervisor, int64_t supervisee, int64_t due_at,
                                 int late)
{
  int64_t to[2 + MANAGERS_MAX] = {supervisee, supervisor};
  size_t n = 0;
  int rc = overseeing_managers(c, supervisee, to + 2, MANAGERS_MAX, &n);
  if (rc) return rc;
  n += 2;
  char due_day[16];
  day_text(due_at, due_day, sizeof due_day);
  const char *sup = name_of(c, supervisor), *see = name_of(c, supervisee);
  for (size_t i = 0; i < n; i++) {
    /* Someone told already (a manager who is also the supervisor) is not
     * told twice in other words. */
    int seen = 0;
    for (size_t j = 0; j < i; j++) seen |= to[j] == to[i];
    if (seen) continue;
    char summary[TEXT_MAX], who[WHO_MAX];
    if (i == 0) {
      snprintf(summary, sizeof summary, "Supervision with %s is overdue (due %s)", sup, due_day);
      snprintf(who, sizeof who, "%s", sup);
    } else if (i == 1) {
      snprintf(summary, sizeof summary, "Supervision with %s is overdue (due %s)", see, due_day);
      snprintf(who, sizeof who, "%s", see);
    } else {
      snprintf(summary, sizeof summary, "Supervision of %s with %s is overdue (due %s)", see, sup, due_day);
      snprintf(who, sizeof who, "%s, %s", see, sup);
    }
    Reflect__V1__Event ev = REFLECT__V1__EVENT__INIT;
    ev.kind = REFLECT__V1__EVENT_KIND__EVENT_SUPERVISION_OVERDUE;
    ev.at = due_at;
    ev.agreement_id = (uint64_t)agreement_id;
    ev.summary = summary;
    ev.who = who;
    ev.late = late != 0;
    if ((rc = events_emit(c, &to[i], 1, &ev))) return rc;
  }
  return RC_OK;
}

/* ---- performance indicators ---- */

/* The first column of each row st gives (at most max), as recipients;
 * st is reset. */
static rcode read_ids(sqlite3_stmt *st, int64_t *ids, size_t max, size_t *n)
{
  int step = SQLITE_DONE;
  *n = 0;
  while (*n < max && (step = sqlite3_step(st)) == SQLITE_ROW) ids[(*n)++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return step == SQLITE_ROW || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

#define KPI_TOLD_MAX 64 /* supervisors of one practitioner, or managers of one team */

static rcode kpi_recipients(call *c, int64_t user_id, int64_t team_id, int64_t *ids, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->s->db,
                                "SELECT ?1 WHERE ?1 <> 0"
                                " UNION SELECT a.supervisor_id FROM agreements a JOIN users u ON u.id = a.supervisor_id"
                                "  WHERE ?1 <> 0 AND a.supervisee_id = ?1 AND a.supervisee_signed_at IS NOT NULL AND "
                                "a.ended_at IS NULL"
                                "  AND u.active = 1"
                                " UNION SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id"
                                "  WHERE ?2 <> 0 AND m.team_id = ?2 AND m.manager = 1 AND u.role = ?3 AND u.active = 1"
                                " ORDER BY 1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, team_id);
  sqlite3_bind_int(st, 3, ROLE_MANAGER);
  return read_ids(st, ids, KPI_TOLD_MAX, n);
}

static rcode team_name(call *c, int64_t team_id, char *buf, size_t size)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT name FROM teams WHERE id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, team_id);
  int step = sqlite3_step(st);
  snprintf(buf, size, "%s", step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "a team");
  sqlite3_reset(st);
  return step == SQLITE_ROW || step == SQLITE_DONE ? RC_OK : RC_INTERNAL;
}

rcode events_kpi_drifting(call *c, int64_t indicator_id, const char *indicator, int64_t user_id, int64_t team_id)
{
  int64_t to[KPI_TOLD_MAX];
  size_t n = 0;
  int rc = kpi_recipients(c, user_id, team_id, to, &n);
  char whose[SUBJECT_MAX];
  if (!rc && team_id) rc = team_name(c, team_id, whose, sizeof whose);
  if (rc) return rc;
  if (!team_id) snprintf(whose, sizeof whose, "%s", name_of(c, user_id));
  for (size_t i = 0; i < n; i++) {
    char summary[TEXT_MAX];
    if (to[i] == user_id)
      snprintf(summary, sizeof summary,
               "Your indicator \u201c%.200s\u201d has moved away from its target two periods running", indicator);
    else
      snprintf(summary, sizeof summary,
               "Indicator \u201c%.200s\u201d for %s%.200s has moved away from its target two periods running",
               indicator, team_id ? "team " : "", whose);
    Reflect__V1__Event ev = REFLECT__V1__EVENT__INIT;
    ev.kind = REFLECT__V1__EVENT_KIND__EVENT_KPI_DRIFTING;
    ev.at = c->now;
    ev.indicator_id = (uint64_t)indicator_id;
    ev.summary = summary;
    ev.who = to[i] == user_id ? "" : whose;
    if ((rc = events_emit(c, &to[i], 1, &ev))) return rc;
  }
  return RC_OK;
}

/* Everyone an account change concerns: the person first, then the
 * managers of every team they are in (the one just joined included) and
 * of team_id. A person is in a bounded number of teams, each with a
 * bounded number of people (TEAM_MAX_PEOPLE), but no cap here may drop
 * the person. */
#define ACCOUNT_TOLD_MAX 512
static rcode account_recipients(call *c, int64_t user_id, int64_t team_id, int64_t *ids, size_t *n)
{
  sqlite3_stmt *st = db_prepare(c->s->db, "SELECT id FROM (SELECT ?1 AS id UNION SELECT m.user_id FROM team_members m "
                                          "JOIN users u ON u.id = m.user_id"
                                          " WHERE m.manager = 1 AND u.active = 1 AND (m.team_id = ?2 OR m.team_id IN"
                                          "  (SELECT team_id FROM team_members WHERE user_id = ?1)))"
                                          " ORDER BY id <> ?1, id");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, user_id);
  sqlite3_bind_int64(st, 2, team_id);
  return read_ids(st, ids, ACCOUNT_TOLD_MAX, n);
}

rcode events_account_changed(call *c, events_account what, int64_t user_id, int64_t team_id)
{
  int64_t *to = arena_alloc(c->a, sizeof *to * ACCOUNT_TOLD_MAX);
  if (!to) return RC_EXHAUSTED;
  size_t n = 0;
  char team[SUBJECT_MAX] = "", whose[SUBJECT_MAX];
  int rc = account_recipients(c, user_id, what == EVENTS_ACCOUNT_PASSWORD_RESET ? 0 : team_id, to, &n);
  if (!rc && team_id) rc = team_name(c, team_id, team, sizeof team);
  if (rc) return rc;
  snprintf(whose, sizeof whose, "%s", name_of(c, user_id));
  for (size_t i = 0; i < n; i++) {
    char summary[TEXT_MAX];
    int self = to[i] == user_id;
    const char *who = self ? "you" : whose;
    switch (what) {
    case EVENTS_ACCOUNT_PASSWORD_RESET:
      if (self) snprintf(summary, sizeof summary, "An administrator reset your password");
      else snprintf(summary, sizeof summary, "An administrator reset %.200s\u2019s password", whose);
      break;
    case EVENTS_ACCOUNT_TEAM_JOINED:
      snprintf(summary, sizeof summary, "An administrator added %.200s to %.200s", who, team);
      break;
    case EVENTS_ACCOUNT_TEAM_MANAGER:
      snprintf(summary, sizeof summary, "An administrator made %.200s a manager of %.200s", who, team);
      break;
    default: /* EVENTS_ACCOUNT_INSPECTOR_GRANTED */
      snprintf(summary, sizeof summary, "An administrator gave %s%.200s the evidence of %.200s",
               self ? "" : "inspector ", who, team);
      break;
    }
    Reflect__V1__Event ev = REFLECT__V1__EVENT__INIT;
    ev.kind = REFLECT__V1__EVENT_KIND__EVENT_ACCOUNT_CHANGED;
    ev.at = c->now;
    ev.summary = summary;
    ev.who = self ? "" : whose;
    if ((rc = events_emit(c, &to[i], 1, &ev))) return rc;
  }
  return RC_OK;
}

/* ---- the outbox ---- */

/* A body was written by this server and authenticated by the vault when
 * it was opened, so no budget or UTF-8 walk is needed; decoded into an
 * arena, the arena wipes it on reset. */
static void *arena_pb_alloc(void *data, size_t size)
{
  return arena_alloc(data, size);
}
static void arena_pb_free(void *data, void *p)
{
  (void)data;
  (void)p;
}

Reflect__V1__Event *events_decode(arena *a, const event_row *r)
{
  ProtobufCAllocator alloc = {arena_pb_alloc, arena_pb_free, a};
  Reflect__V1__Event *ev =
      (Reflect__V1__Event *)protobuf_c_message_unpack(&reflect__v1__event__descriptor, &alloc, r->len, r->body);
  if (ev) ev->seq = (uint64_t)r->seq;
  return ev;
}

static rcode store_one(call *c, int64_t user, const Reflect__V1__Event *ev)
{
  int64_t seq;
  size_t len = protobuf_c_message_get_packed_size(&ev->base);
  uint8_t *body = arena_alloc(c->a, len + 1);
  if (!body) return RC_EXHAUSTED;
  protobuf_c_message_pack(&ev->base, body);
  int rc = store_events_add(call_store(c), user, (int)ev->kind, body, len, &seq);
  if (rc) return rc;
  if (!c->events_first || seq < c->events_first) c->events_first = seq;
  if (seq > c->events_last) c->events_last = seq;
  return RC_OK;
}

/* The builders' Events live on their stack: a batch keeps a copy. */
static Reflect__V1__Event *copy_event(arena *a, const Reflect__V1__Event *ev)
{
  Reflect__V1__Event *m = arena_alloc(a, sizeof *m);
  if (!m) return NULL;
  *m = *ev;
  m->summary = arena_strdup(a, ev->summary);
  m->who = arena_strdup(a, ev->who);
  m->where = arena_strdup(a, ev->where);
  m->actor = arena_strdup(a, ev->actor);
  return m->summary && m->who && m->where && m->actor ? m : NULL;
}

static rcode push_pending(batch_state *b, int64_t user, const Reflect__V1__Event *ev)
{
  if (b->n_p == b->cap_p) {
    size_t cap = b->cap_p ? b->cap_p * 2 : 1024;
    pending *p = realloc(b->p, cap * sizeof *p);
    if (!p) return RC_EXHAUSTED;
    b->p = p;
    b->cap_p = cap;
  }
  b->p[b->n_p] = (pending){user, b->n_p, ev};
  b->n_p++;
  return RC_OK;
}

rcode events_emit(call *c, const int64_t *users, size_t n, Reflect__V1__Event *ev)
{
  int authenticated = c->who && c->who->authenticated;
  batch_state *b = batch_of(c);
  ev->seq = 0;
  ev->created_at = c->now;
  ev->actor = authenticated ? c->who->username : "";
  const Reflect__V1__Event *kept = NULL;
  for (size_t i = 0; i < n; i++) {
    if (users[i] <= 0 || (authenticated && users[i] == c->who->user_id)) continue;
    int dup = 0;
    for (size_t j = 0; j < i && !dup; j++) dup = users[j] == users[i];
    if (dup) continue;
    if (!b) {
      int rc = store_one(c, users[i], ev);
      if (rc) return rc;
      continue;
    }
    if (!kept && !(kept = copy_event(c->a, ev))) return RC_EXHAUSTED;
    int rc = push_pending(b, users[i], kept);
    if (rc) return rc;
  }
  return RC_OK;
}

static int by_user(const void *x, const void *y)
{
  const pending *a = x, *b = y;
  if (a->user != b->user) return a->user < b->user ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

/* One person's events one after another: each is sealed under that
 * person's data key, and a burst names far more people than the keyring
 * holds, so in the order they were made nearly every row would unwrap a
 * key again. */
rcode events_batch_flush(call *c)
{
  batch_state *b = batch_of(c);
  if (!b || !b->n_p) return RC_OK;
  qsort(b->p, b->n_p, sizeof *b->p, by_user);
  int rc = RC_OK;
  for (size_t i = 0; !rc && i < b->n_p; i++) rc = store_one(c, b->p[i].user, b->p[i].ev);
  b->n_p = 0;
  return rc;
}
