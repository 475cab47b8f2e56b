/*
 * store_records — the written record of a session, as append-only
 * revisions, sealed under the session's data key with the revision number,
 * the session, the author and the time in the associated data, so a
 * revision's ciphertext cannot be passed off as another's, moved to
 * another session, or re-attributed.
 *
 * Three formats live side by side. Format 1 (older rows) is free text in
 * `body`. Format 2 is a StoredRecord (the sections, packed) in `body`,
 * with the wellbeing section's text taken out and sealed on its own in
 * `wellbeing`, so that a reader who may not see it never has it opened.
 * Format 3 (every revision written since schema v14) is format 2 with each
 * case section's texts (its reference, situation, analysis, risk, decision
 * and rationale) taken out too: the body keeps the section's kind and case
 * id, and the texts are sealed under the CASE's own data key in
 * record_case_sections, bound to the revision row and number, the session,
 * the section's position and the case. Destroying the case's key under
 * retention therefore destroys what the record said about the child. The
 * body's format is in its associated data, so a row cannot be re-labelled.
 *
 * The StoredRecord of formats 2 and 3 is the protocol's encoding of the
 * sections (proto/reflect.proto: StoredRecord, RecordSection), which rows
 * have always held; the store reads and writes it itself (fields 1 to 12
 * and 14 of RecordSection; never citations), so that it needs none of the
 * wire's types. Sections cross this interface as record_section.
 *
 * Contract: store_records_append runs in the caller's write transaction and
 * appends the next revision, in format 3 (the caller has validated the
 * sections, resolved each case section's case_id, and decides whether an
 * amendment is allowed); the sections stay the caller's. store_records_read
 * fills a record_read whose every string and array is allocated from the
 * store_ctx's arena: format 1 comes back as one notes section (and in
 * `body`) — unless with_wellbeing is 0, when that section is withheld (no text, no
 * body: free text may hold wellbeing); formats 2 and 3 only as sections,
 * with the wellbeing text withheld unless with_wellbeing. A case section
 * whose case was shredded (retention.h) comes back with destroyed set, its
 * reference and each text it had reading RETENTION_DESTROYED (the
 * situation at least) and its case_id kept; the case's key is never looked
 * up. That holds for a format-2 row not yet moved as well.
 *
 * store_records_reseal moves format-2 revisions to format 3, up to
 * RECORDS_RESEAL_BATCH with id > b->after per call, in the caller's write
 * transaction (serve_setup runs it at every start with keys until none is
 * left, then checkpoints the WAL so the old bodies' bytes go). A row whose
 * body does not open or whose case cannot be found is logged, skipped and
 * left as it was (b->skipped); b->last is the last id looked at, b->seen
 * how many were (0: done). The case sections of a case already shredded
 * are moved without their texts: destroyed, as they should have been. It
 * is idempotent (only format 2 is ever picked up) and crash-safe (a row
 * moves whole, with its case sections, in one transaction).
 *
 * Functions return 0 or a Reflect Code (RC_DATA_LOSS when a value fails to
 * open or a case section's row is missing or names another case).
 */
#ifndef REFLECT_STORE_RECORDS_H
#define REFLECT_STORE_RECORDS_H

#include <stdint.h>

#include "store_sessions.h"

#define RECORD_BODY_MAX (256 * 1024)
#define RECORD_REASON_MAX 1024
#define RECORD_SECTIONS_MAX 64
/* Real records are amended a handful of times; the bound keeps one
 * record's history (and the decisions it adds to children's logs) finite. */
#define RECORD_REVISIONS_MAX 100

/* The numbers are the wire's SectionKind, which is what stored bodies hold
 * (record_sections.c checks that they agree). */
typedef enum {
  SECTION_WELLBEING = 1,    /* the impact of the work on the worker */
  SECTION_CASE = 2,         /* one child or family */
  SECTION_DEVELOPMENT = 3,  /* learning and development */
  SECTION_PERFORMANCE = 4,  /* indicators reviewed against targets */
  SECTION_ACTIONS = 5,      /* actions agreed */
  SECTION_NOTES = 6,        /* general, or a group's shared discussion notes */
  SECTION_CONTRIBUTION = 7, /* a group member's own contribution */
  SECTION_MEDIATION = 8,    /* between the worker and the organisation */
} section_kind;

/* One part of a record. Strings read back are never NULL ("" when empty);
 * given to store_records_append, NULL reads as "". */
typedef struct {
  int kind;         /* a section_kind; a stored body's number is kept as it was */
  const char *text; /* everything but a case discussion */
  /* SECTION_CASE: which child or family, then the discussion */
  const char *case_reference, *situation, *analysis, *risk, *decision, *rationale;
  const char *member;               /* SECTION_CONTRIBUTION: whose (username) */
  uint64_t case_id;                 /* SECTION_CASE, resolved by the caller */
  const uint64_t *kpi_measurements; /* SECTION_PERFORMANCE: the measurement ids cited */
  size_t n_kpi_measurements;
  int withheld;  /* read only: discussed, not readable by this reader */
  int destroyed; /* read only, SECTION_CASE: the case was destroyed under retention */
} record_section;

typedef struct {
  uint32_t revision;
  const char *author; /* username */
  int64_t created_at;
  const char *reason; /* "" for none (the first revision) */
} revision_row;

typedef struct {
  revision_row revision;
  const char *body; /* format 1's free text, when shown; else "" */
  record_section *sections;
  size_t n_sections;
} record_read;

rcode store_records_latest(db *d, int64_t session_id, uint32_t *revision) RC_MUST_CHECK;
rcode store_records_append(store_ctx *c, const session_row *s, const record_section *sections, size_t n,
                           const char *reason, uint32_t *revision) RC_MUST_CHECK;
/* revision 0 means the latest; RC_NOT_FOUND if there is none. */
rcode store_records_read(store_ctx *c, const session_row *s, uint32_t revision, int with_wellbeing,
                         record_read *out) RC_MUST_CHECK;

#define RECORDS_RESEAL_BATCH 100
typedef struct {
  int64_t after; /* in: resume after this revision id */
  int64_t last;  /* out: the last id looked at */
  int seen, moved, skipped;
} records_reseal_batch;
rcode store_records_reseal(store_ctx *c, records_reseal_batch *b) RC_MUST_CHECK;

/* Every revision's metadata (number, author, time, reason), oldest first. */
rcode store_records_revisions(store_ctx *c, const session_row *s, revision_row **out, size_t *n) RC_MUST_CHECK;

#endif
