/*
 * store_audit_list — reading the audit log back: who read or changed a
 * session's record or a case, and when (AuditList, ops_audit.c).
 *
 * Contract: the caller has already decided the reader may see the object.
 * A session's entries are those on "session:N", on its actions
 * ("action:M") and the "case.discussed" entries its record wrote under the
 * cases it discussed; a case's are those on "case:N" and its actions.
 * Administrative entries (admin_for set, the reader's user id) are what
 * administrators did that could let someone act in the reader's teams:
 * accounts added and passwords reset for their members, their members
 * joining (or managing) any team, changes of who is in (and who manages)
 * the teams they manage, and inspectors granted or refused them.
 * Entries come oldest first, at most `limit` (the caller bounds it), with
 * *truncated set when more matched or when the next entry would take the
 * sum of cost() over the entries past budget (the caller, who knows how an
 * entry is sent, says what one costs; cost NULL: no budget). Entries are
 * plain structs; they and their strings are arena memory (freed with the
 * request). Returns 0 or an rcode.
 */
#ifndef REFLECT_STORE_AUDIT_LIST_H
#define REFLECT_STORE_AUDIT_LIST_H

#include "store_ctx.h"

typedef struct {
  int64_t id, at;
  char *who;      /* the actor's username; "" for none */
  user_role role; /* the actor's; ROLE_UNSPECIFIED for none */
  char *device;   /* the first characters of the device key only */
  char *action, *object, *detail;
} audit_entry;

typedef struct {
  int64_t session_id, case_id, admin_for; /* exactly one set */
  int64_t from, to;                       /* inclusive bounds on at */
  uint32_t limit;
  size_t (*cost)(const audit_entry *e);
  size_t budget;
} audit_query;

rcode store_audit_list(store_ctx *c, const audit_query *q, audit_entry **out, size_t *n, int *truncated) RC_MUST_CHECK;

#endif
