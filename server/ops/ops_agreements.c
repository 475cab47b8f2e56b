/* Supervision agreements: made (and so signed) by the supervisor, signed by
 * the supervisee, frozen once signed; a change is a new version. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "due.h"
#include "ops.h"
#include "session_rules.h"
#include "probes.h"
#include "store_agreements.h"
#include "store_audit.h"
#include "store_rules.h"
#include "store_teams.h"

#define AGREEMENT_TERM_MAX 4096
#define AGREEMENT_REVIEW_YEARS_MAX 5

typedef struct {
  const Reflect__V1__AgreementAddRequest *in;
  agreement_row row; /* the new version */
  agreement_terms terms;
  int inherit_rule; /* a revision that names neither rule nor every_days */
  int64_t id;
} agreement_add;

static rcode parse_date(call *c, const char *field, const char *text, due_date *out)
{
  if (due_date_parse(text, out) || out->year < 2000 || out->year > 2099)
    return call_fail(c, RC_INVALID, field, "%s must be a real date, YYYY-MM-DD, from 2000 to 2099", field);
  return RC_OK;
}

/* A year on, the review a manager expects (29 February: the 28th). */
static due_date year_on(due_date d)
{
  due_date r = d;
  due_date_add(d, (due_interval){12, DUE_MONTH}, &r);
  return r;
}

/* Start and review: a new agreement starts today and is reviewed a year
 * after it starts; a revision keeps the start (a rule's steps count from
 * it) and the review date, unless that has passed: then a year on from
 * today (or from the start, if later). */
static rcode check_dates(call *c, agreement_add *a, const agreement_row *old)
{
  const Reflect__V1__AgreementAddRequest *in = a->in;
  due_date start = due_date_local(c->now), review, now = start;
  rcode rc = RC_OK;
  if (*in->starts_on) rc = parse_date(c, "starts_on", in->starts_on, &start);
  else if (old) due_date_parse(old->starts_on, &start);
  if (!rc && *in->review_on) {
    rc = parse_date(c, "review_on", in->review_on, &review);
  } else if (!rc) {
    int keep = old && due_date_parse(old->review_on, &review) == DUE_OK && due_date_cmp(review, now) > 0 &&
               due_date_cmp(review, start) > 0;
    if (!old) review = year_on(start);
    else if (!keep) review = year_on(due_date_cmp(start, now) > 0 ? start : now);
  }
  if (rc) return rc;
  if (due_date_cmp(review, start) <= 0)
    return call_fail(c, RC_INVALID, "review_on", "review_on must come after starts_on");
  if (due_date_days(review) - due_date_days(start) > AGREEMENT_REVIEW_YEARS_MAX * 366)
    return call_fail(c, RC_INVALID, "review_on", "review_on must be within %d years of starts_on",
                     AGREEMENT_REVIEW_YEARS_MAX);
  due_date_format(start, a->row.starts_on, sizeof a->row.starts_on);
  due_date_format(review, a->row.review_on, sizeof a->row.review_on);
  return RC_OK;
}

/* How often: a rule or a fixed number of days, exactly one. */
static rcode check_frequency(call *c, agreement_add *a, int revision)
{
  const Reflect__V1__AgreementAddRequest *in = a->in;
  if (*in->rule && in->every_days)
    return call_fail(c, RC_INVALID, "every_days", "give a frequency rule or every_days, not both");
  if (!*in->rule && !in->every_days) {
    if (revision) {
      a->inherit_rule = 1;
      return RC_OK;
    }
    return call_fail(c, RC_INVALID, "every_days", "say how often: every_days (1-366) or a frequency rule");
  }
  if (in->every_days) {
    if (in->every_days > 366) return call_fail(c, RC_INVALID, "every_days", "every_days must be between 1 and 366");
    a->row.every_days = in->every_days;
    return RC_OK;
  }
  int rc = strlen(in->rule) > 64 ? RC_NOT_FOUND : store_rules_find(c->s->db, in->rule, &a->row.rule_id);
  if (rc == RC_NOT_FOUND)
    return call_fail(c, RC_NOT_FOUND, "rule", "there is no frequency rule called '%.64s' (see `reflect rule list`)",
                     in->rule);
  due_step steps[DUE_STEPS_MAX];
  size_t n;
  if (rc || store_rules_steps(c->s->db, a->row.rule_id, steps, &n))
    return call_fail(c, RC_INTERNAL, NULL, "could not read the frequency rule");
  uint32_t unit_days = steps[0].every.unit == DUE_DAY ? 1 : steps[0].every.unit == DUE_WEEK ? 7 : 30;
  uint32_t days = steps[0].every.count * unit_days;
  a->row.every_days = days > 366 ? 366 : days;
  return RC_OK;
}

static rcode check_terms(call *c, agreement_add *a)
{
  const Reflect__V1__AgreementAddRequest *in = a->in;
  const char *text[] = {in->booking, in->cancellation, in->confidentiality, in->record_access, in->disagreements};
  static const char *const field[] = {"booking", "cancellation", "confidentiality", "record_access", "disagreements"};
  for (int i = 0; i < 5; i++)
    if (strlen(text[i]) > AGREEMENT_TERM_MAX)
      return call_fail(c, RC_INVALID, field[i], "%s may have at most %d bytes", field[i], AGREEMENT_TERM_MAX);
  a->terms =
      (agreement_terms){in->booking, in->cancellation, in->confidentiality, in->record_access, in->disagreements};
  return RC_OK;
}

/* The revised agreement must be the caller's, the pair's newest, signed
 * and running: only one version waits for a signature at a time. */
static rcode check_revisable(call *c, const agreement_row *old)
{
  int64_t newest;
  if (store_agreements_find(c->s->db, old->supervisor_id, old->supervisee_id, &newest) == RC_INTERNAL)
    return RC_INTERNAL;
  if (old->ended_at)
    return call_fail(c, RC_PRECONDITION, "revises", "agreement %lld has ended; make a new agreement instead",
                     (long long)old->id);
  if (newest != old->id)
    return call_fail(c, RC_PRECONDITION, "revises",
                     "agreement %lld already awaits the supervisee's signature as the next version", (long long)newest);
  if (!old->supervisee_signed_at)
    return call_fail(c, RC_PRECONDITION, "revises",
                     "agreement %lld is not signed yet: end it and make a new one instead", (long long)old->id);
  return RC_OK;
}

static rcode agreement_add_write(call *c, void *arg)
{
  agreement_add *a = arg;
  agreement_row old;
  int64_t revises = (int64_t)a->in->revises, existing;
  rcode rc;
  if (revises) {
    /* Read again: the pair may have moved on since the checks outside. */
    if (store_agreements_get(c->s->db, revises, &old)) return RC_INTERNAL;
    if ((rc = check_revisable(c, &old))) return rc;
    a->row.version = old.version + 1;
    a->row.supersedes = old.id;
    if (a->inherit_rule) {
      a->row.rule_id = old.rule_id;
      a->row.every_days = old.every_days;
    }
    if (!a->row.minutes) a->row.minutes = old.minutes;
    /* Terms left out carry over: a change is usually to one of them. */
    agreement_terms prev;
    const char *reason;
    if ((rc = store_agreements_terms(call_store(c), &old, &prev, &reason))) return rc;
    const char **mine[] = {&a->terms.booking, &a->terms.cancellation, &a->terms.confidentiality,
                           &a->terms.record_access, &a->terms.disagreements};
    const char *theirs[] = {prev.booking, prev.cancellation, prev.confidentiality, prev.record_access,
                            prev.disagreements};
    for (int i = 0; i < 5; i++)
      if (!**mine[i]) *mine[i] = theirs[i];
  } else {
    rc = store_agreements_find(c->s->db, a->row.supervisor_id, a->row.supervisee_id, &existing);
    if (rc == RC_OK)
      return call_fail(c, RC_EXISTS, "supervisee",
                       "you already have agreement %lld with this supervisee; change it with a new version "
                       "(revises %lld)",
                       (long long)existing, (long long)existing);
    if (rc != RC_NOT_FOUND) return RC_INTERNAL;
    a->row.version = 1;
  }
  rc = store_agreements_add(call_store(c), &a->row, &a->terms, &a->id);
  char detail[48] = "";
  if (revises) snprintf(detail, sizeof detail, "revises=%lld", (long long)revises);
  return rc ? rc : store_audit_append_id(call_store(c), "agreement.add", "agreement", a->id, detail);
}

/* The person named as supervisee: an active practitioner or supervisor,
 * refused in the same words whether the name is nobody's, an inactive
 * account's or a manager's, and audited as a probe (probes.h). */
static rcode find_supervisee(call *c, const char *username, user_row *u)
{
  rcode rc = probes_check(c, "person");
  if (rc) return rc;
  int found = ops_users_lookup_person(c, username, OPS_SUPERVISABLE, u);
  if (found == RC_INTERNAL) return call_fail(c, RC_INTERNAL, NULL, "could not look the supervisee up");
  if (found == RC_OK) return RC_OK;
  call_fail(c, RC_NOT_FOUND, "supervisee", "there is no active practitioner or supervisor called '%.64s'", username);
  return ops_users_refused_person(c, username, u, NULL);
}

/* Who the agreement is with: named, or (for a revision) the revised one's
 * supervisee, who must then be the same person. */
static rcode find_parties(call *c, agreement_add *a, agreement_row *old, int *have_old)
{
  const Reflect__V1__AgreementAddRequest *in = a->in;
  user_row u;
  rcode rc;
  *have_old = 0;
  if (in->revises) {
    if (in->revises > INT64_MAX || store_agreements_get(c->s->db, (int64_t)in->revises, old) != RC_OK ||
        old->supervisor_id != c->who->user_id)
      return call_fail(c, RC_DENIED, "revises", "agreement %llu does not exist or is not yours to revise",
                       (unsigned long long)in->revises);
    *have_old = 1;
    if (*in->supervisee) {
      /* Not "no such user" or "someone else": the caller knows who the
       * agreement is with, and learns nothing about any other name. */
      if ((rc = probes_check(c, "person"))) return rc;
      int found = ops_users_lookup_person(c, in->supervisee, OPS_SUPERVISABLE, &u);
      if (found == RC_INTERNAL) return call_fail(c, RC_INTERNAL, NULL, "could not look the supervisee up");
      if (found != RC_OK || u.id != old->supervisee_id) {
        call_fail(c, RC_INVALID, "supervisee", "agreement %llu is not with '%.64s'", (unsigned long long)in->revises,
                  in->supervisee);
        return ops_users_refused_person(c, in->supervisee, &u,
                                        found == RC_OK ? "not this agreement's supervisee" : NULL);
      }
    } else if (store_users_get(c->s->db, old->supervisee_id, &u) || !u.active) {
      return call_fail(c, RC_PRECONDITION, "revises", "the supervisee of agreement %llu is no longer active",
                       (unsigned long long)in->revises);
    }
  } else if (!*in->supervisee) {
    return call_fail(c, RC_INVALID, "supervisee", "supervisee is required");
  } else if ((rc = find_supervisee(c, in->supervisee, &u))) {
    return rc;
  }
  if ((rc = session_rules_check_supervisee(c, "supervisee", &u))) return rc;
  a->row.supervisor_id = c->who->user_id;
  a->row.supervisee_id = u.id;
  return RC_OK;
}

rcode ops_agreement_add(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementAddRequest *in = req->agreement_add;
  if (!in) return call_fail(c, RC_INVALID, "agreement_add", "missing agreement_add");
  agreement_add a = {.in = in};
  agreement_row old;
  int have_old;
  rcode rc = find_parties(c, &a, &old, &have_old);
  if (!rc) rc = check_frequency(c, &a, have_old);
  if (!rc && (in->minutes || !have_old)) rc = session_rules_check_minutes(c, in->minutes);
  a.row.minutes = in->minutes;
  if (!rc) rc = check_terms(c, &a);
  if (!rc) rc = check_dates(c, &a, have_old ? &old : NULL);
  if (!rc) rc = call_write(c, "make the agreement", agreement_add_write, &a);
  if (rc) return rc;
  Reflect__V1__AgreementAddReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__agreement_add_reply__init(r);
  r->id = (uint64_t)a.id;
  c->rep->agreement_add = r;
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_ADD;
  return RC_OK;
}

/* Signing a new version ends the one it replaces, in the same transaction:
 * there is never a moment with two agreements in force, or none. */
static rcode agreement_sign_tx(call *c, void *arg)
{
  int64_t id = *(int64_t *)arg;
  agreement_row a, old;
  if (store_agreements_get(c->s->db, id, &a) != RC_OK || a.supervisee_id != c->who->user_id)
    return call_fail(c, RC_DENIED, "agreement_id", "agreement %lld does not exist or is not yours to sign",
                     (long long)id);
  if (a.supervisee_signed_at)
    return call_fail(c, RC_EXISTS, "agreement_id", "you have already signed agreement %lld", (long long)id);
  if (a.ended_at)
    return call_fail(c, RC_PRECONDITION, "agreement_id", "agreement %lld was ended before you signed it",
                     (long long)id);
  if (a.supersedes && store_agreements_get(c->s->db, a.supersedes, &old)) return RC_INTERNAL;
  /* A version replaces a running agreement, never revives an ended one:
   * signing it then would give the supervisor back the access that ending
   * took away. Ending withdraws such a version too; this covers rows
   * withdrawn by nothing (made before that rule). */
  if (a.supersedes && old.ended_at)
    return call_fail(c, RC_PRECONDITION, "agreement_id",
                     "agreement %lld would replace agreement %lld, which has ended: it can no longer be signed",
                     (long long)id, (long long)old.id);
  rcode rc = store_agreements_sign(call_store(c), &a);
  if (!rc) rc = store_audit_append_id(call_store(c), "agreement.sign", "agreement", id, "");
  if (rc || !a.supersedes) return rc;
  char reason[48], detail[48];
  snprintf(reason, sizeof reason, "replaced by version %u", a.version);
  snprintf(detail, sizeof detail, "replaced_by=%lld", (long long)id);
  rc = store_agreements_end(call_store(c), &old, reason);
  return rc ? rc : store_audit_append_id(call_store(c), "agreement.end", "agreement", old.id, detail);
}

rcode ops_agreement_sign(call *c, const Reflect__V1__Request *req)
{
  const Reflect__V1__AgreementSignRequest *in = req->agreement_sign;
  if (!in) return call_fail(c, RC_INVALID, "agreement_sign", "missing agreement_sign");
  if (in->agreement_id == 0 || in->agreement_id > INT64_MAX)
    return call_fail(c, RC_INVALID, "agreement_id", "an agreement id is required");
  int64_t id = (int64_t)in->agreement_id;
  rcode rc = call_write(c, "sign the agreement", agreement_sign_tx, &id);
  if (rc) return rc;
  Reflect__V1__AgreementSignReply *r = arena_alloc(c->a, sizeof *r);
  if (!r) return call_fail(c, RC_EXHAUSTED, NULL, "out of memory");
  reflect__v1__agreement_sign_reply__init(r);
  c->rep->result_case = REFLECT__V1__REPLY__RESULT_AGREEMENT_SIGN;
  c->rep->agreement_sign = r;
  return RC_OK;
}
