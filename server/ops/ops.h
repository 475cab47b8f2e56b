/*
 * ops — one handler per request type. dispatch has already decoded the
 * frame, checked the protocol version, authenticated the token and applied
 * the authz table; a handler validates its own fields, applies the
 * object-level rule (is the caller a party to this session?), does the
 * work, and fills c->rep. Handlers return the Status code (see call.h).
 */
#ifndef REFLECT_OPS_H
#define REFLECT_OPS_H

#include "due.h"
#include "call.h"
#include "store_cases.h"
#include "store_sessions.h"
#include "store_users.h"

typedef rcode (*ops_handler)(call *c, const Reflect__V1__Request *req);

rcode ops_ping(call *c, const Reflect__V1__Request *req);
rcode ops_login(call *c, const Reflect__V1__Request *req);
rcode ops_logout(call *c, const Reflect__V1__Request *req);
rcode ops_whoami(call *c, const Reflect__V1__Request *req);
rcode ops_password_change(call *c, const Reflect__V1__Request *req);
rcode ops_password_reset(call *c, const Reflect__V1__Request *req);
rcode ops_user_add(call *c, const Reflect__V1__Request *req);
rcode ops_user_list(call *c, const Reflect__V1__Request *req);
rcode ops_agreement_add(call *c, const Reflect__V1__Request *req);
rcode ops_agreement_list(call *c, const Reflect__V1__Request *req);
rcode ops_agreement_sign(call *c, const Reflect__V1__Request *req);
rcode ops_session_add(call *c, const Reflect__V1__Request *req);
rcode ops_session_list(call *c, const Reflect__V1__Request *req);
rcode ops_session_show(call *c, const Reflect__V1__Request *req);
rcode ops_session_reschedule(call *c, const Reflect__V1__Request *req);
rcode ops_session_status(call *c, const Reflect__V1__Request *req);
rcode ops_record_write(call *c, const Reflect__V1__Request *req);
rcode ops_record_sign(call *c, const Reflect__V1__Request *req);
rcode ops_record_comment(call *c, const Reflect__V1__Request *req);
rcode ops_record_history(call *c, const Reflect__V1__Request *req);
rcode ops_action_add(call *c, const Reflect__V1__Request *req);
rcode ops_action_list(call *c, const Reflect__V1__Request *req);
rcode ops_action_close(call *c, const Reflect__V1__Request *req);
rcode ops_case_add(call *c, const Reflect__V1__Request *req);
rcode ops_case_list(call *c, const Reflect__V1__Request *req);
rcode ops_case_show(call *c, const Reflect__V1__Request *req);
rcode ops_case_update(call *c, const Reflect__V1__Request *req);
rcode ops_case_decisions(call *c, const Reflect__V1__Request *req);
rcode ops_record_show(call *c, const Reflect__V1__Request *req);
rcode ops_agreement_show(call *c, const Reflect__V1__Request *req);
rcode ops_agreement_end(call *c, const Reflect__V1__Request *req);
rcode ops_due_list(call *c, const Reflect__V1__Request *req);
rcode ops_rule_add(call *c, const Reflect__V1__Request *req);
rcode ops_rule_list(call *c, const Reflect__V1__Request *req);
rcode ops_session_plan(call *c, const Reflect__V1__Request *req);
rcode ops_team_add(call *c, const Reflect__V1__Request *req);
rcode ops_team_member(call *c, const Reflect__V1__Request *req);
rcode ops_team_list(call *c, const Reflect__V1__Request *req);
rcode ops_session_attendance(call *c, const Reflect__V1__Request *req);
rcode ops_attendance_sign(call *c, const Reflect__V1__Request *req);
rcode ops_agenda(call *c, const Reflect__V1__Request *req);
rcode ops_events_since(call *c, const Reflect__V1__Request *req);
/* ops_drafts.c */
rcode ops_draft_save(call *c, const Reflect__V1__Request *req);
rcode ops_draft_get(call *c, const Reflect__V1__Request *req);
rcode ops_draft_list(call *c, const Reflect__V1__Request *req);
rcode ops_draft_delete(call *c, const Reflect__V1__Request *req);
rcode ops_case_person_add(call *c, const Reflect__V1__Request *req);
rcode ops_case_people(call *c, const Reflect__V1__Request *req);
rcode ops_goal_add(call *c, const Reflect__V1__Request *req);
rcode ops_goal_list(call *c, const Reflect__V1__Request *req);
rcode ops_kpi_define(call *c, const Reflect__V1__Request *req);
rcode ops_kpi_list(call *c, const Reflect__V1__Request *req);
rcode ops_kpi_assign(call *c, const Reflect__V1__Request *req);
rcode ops_kpi_agree(call *c, const Reflect__V1__Request *req);
rcode ops_kpi_record(call *c, const Reflect__V1__Request *req);
rcode ops_kpi_report(call *c, const Reflect__V1__Request *req);
rcode ops_report_compliance(call *c, const Reflect__V1__Request *req);
rcode ops_report_coverage(call *c, const Reflect__V1__Request *req);
rcode ops_report_balance(call *c, const Reflect__V1__Request *req);
rcode ops_report_actions(call *c, const Reflect__V1__Request *req);
rcode ops_report_survey(call *c, const Reflect__V1__Request *req);
rcode ops_survey_answer(call *c, const Reflect__V1__Request *req);
rcode ops_export_inspection(call *c, const Reflect__V1__Request *req);
rcode ops_export_case(call *c, const Reflect__V1__Request *req);
rcode ops_inspector_grant(call *c, const Reflect__V1__Request *req);
rcode ops_audit_list(call *c, const Reflect__V1__Request *req);
rcode ops_inbox(call *c, const Reflect__V1__Request *req);

/* Login throttling (store_throttle.h), shared by everything that checks a
 * password. Who is guessing, from where: */
typedef struct {
  char user_key[48]; /* "user:<id>", or "unknown:<blind index>" for a name that is no account */
  char device_key[16 + DEVICE_Z85_LEN];
  int known;    /* user_key names an account */
  int familiar; /* that account has logged in on this device */
} ops_guess;
/* Refuses while the device is locked, or the account is locked to
 * unfamiliar devices and this is one. */
rcode ops_auth_check_throttle(call *c, const ops_guess *g) RC_MUST_CHECK;
/* Counts a wrong password against the device (and, from an unfamiliar
 * device, the account), audits it (aggregated: see store_throttle.h), and
 * fails the call with `code`, `field` and `message`. */
rcode ops_auth_password_failed(call *c, const ops_guess *g, rcode code, const char *field,
                               const char *message) RC_MUST_CHECK;
/* On a fast worker, before a request waits for a password-hashing worker:
 * refuses at once what the throttle would (so it never takes a place in
 * the queue); sets *familiar for a login from a device the account has
 * logged in on, or a request of someone logged in, which then goes ahead
 * of strangers' logins; and sets *owner to whose password work it is (the
 * account, or the caller; 0 for a stranger), so that no one person can
 * fill the familiar lane. */
rcode ops_auth_slow_lane(call *c, const Reflect__V1__Request *req, int *familiar, int64_t *owner) RC_MUST_CHECK;

/* Which of a record's comments a read carries (store_comments.h pages).
 * budget 0 gives the comments what the frame leaves beside the record, so
 * a `record show` reply always fits; a caller that sends several records in
 * one reply gives each a fixed budget (at least 2 x COMMENT_WIRE_MAX).
 * signed_only keeps to the comments every party signed (inspectors, the
 * inspection pack): the revision read must then be frozen. comments_only
 * leaves out the sections and body. */
typedef struct {
  uint64_t after;
  uint32_t limit;
  size_t budget;
  int signed_only;
  int comments_only;
} record_view;

/* A record as `record show` returns it (revision 0: the latest), with its
 * signatures, those awaited, and a page of comments; wellbeing is opened
 * only for a party. Fails the call describing why. No audit: the caller
 * audits the read before the content leaves. */
rcode ops_records_fill(call *c, const session_row *s, uint32_t revision, int party, const record_view *view,
                       Reflect__V1__RecordShowReply **out) RC_MUST_CHECK;

/* A case by id or reference (exactly one given), or the call fails: a
 * missing case is PERMISSION_DENIED "does not exist or you cannot see it",
 * the same as the caller's own visibility rule then gives a forbidden one. */
rcode ops_case_people_find_case(call *c, uint64_t id, const char *reference, case_row *k) RC_MUST_CHECK;

/* Resolves a username to an active account, or fails the call naming
 * `field` (NOT_FOUND for no such user, FAILED_PRECONDITION if inactive).
 * For administrators, who may list every account anyway. */
rcode ops_users_find_active(call *c, const char *field, const char *username, user_row *out) RC_MUST_CHECK;

/* The account as a User message (c->a), for the replies that show one. */
rcode ops_users_message(call *c, const user_row *u, Reflect__V1__User **out) RC_MUST_CHECK;

/* Roles as a set, for ops_users_lookup_person. */
#define OPS_ROLE(r) (1u << (ROLE_##r))
#define OPS_SUPERVISABLE (OPS_ROLE(PRACTITIONER) | OPS_ROLE(SUPERVISOR))
#define OPS_ANY_ROLE 0xffu

/* A person named in a request by someone who may not list accounts, so
 * whose refusal must read the same whether the account is missing,
 * inactive or of another role. Returns RC_OK with *u for an active account
 * whose role is in roles; else RC_NOT_FOUND, and ops_users_refused_person then
 * audits the refusal the caller made in its own words. RC_INTERNAL on a
 * storage error. Call probes_check(c, "person") first. */
rcode ops_users_lookup_person(call *c, const char *username, unsigned roles, user_row *u) RC_MUST_CHECK;
/* After the caller's uniform refusal (call_fail) of a request naming
 * username: audits it as a probe (probes.h), with what the refusal did not
 * say: the account (if any) and why. u is what ops_users_lookup_person filled,
 * or the account found when a later check (an agreement) failed; why is
 * NULL to have it worked out from u. Returns the refusal's code. */
rcode ops_users_refused_person(call *c, const char *username, const user_row *u, const char *why) RC_MUST_CHECK;

#endif
