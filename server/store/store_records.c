#include "store_records.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "record_body.h"
#include "retention.h"
#include "store_cases.h"
#include "store_keys.h"

enum { FORMAT_TEXT = 1, FORMAT_SECTIONS = 2, FORMAT_CASES_APART = 3 };
#define B64 sodium_base64_VARIANT_ORIGINAL_NO_PADDING

/* A revision is bound to its session, author and time as well as its row,
 * so none of them can be changed in the file without the value failing;
 * a sectioned body also to its format, so it cannot be re-labelled (as
 * text, or a format-2 body holding case texts as format 3). `bound` is
 * the format a value was sealed for: a body's own; a reason or wellbeing
 * text of format 3 was sealed as format 2, since moving a revision from 2
 * to 3 (store_records_reseal) re-seals its body alone. */
static void revision_context(char *buf, size_t size, int64_t session, int64_t author, int64_t at, int bound)
{
  int n = snprintf(buf, size, "session=%lld;author=%lld;at=%lld", (long long)session, (long long)author, (long long)at);
  if (bound >= FORMAT_SECTIONS && n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, ";format=%d", bound);
}

static int bound_format(int format, const char *column)
{
  return format == FORMAT_CASES_APART && strcmp(column, "body") ? FORMAT_SECTIONS : format;
}

/* A case section's texts (record_case_sections), under the case's key,
 * bound to the revision row (the slot's row) and number (its revision),
 * the session, the section's position in the record and the case: a text
 * cannot be moved to another record, place or child. */
static void case_context(char *buf, size_t size, int64_t session, size_t position, int64_t case_id)
{
  snprintf(buf, size, "session=%lld;position=%zu;case=%lld", (long long)session, position, (long long)case_id);
}

enum { N_CASE_TEXTS = 6 };
static const char *const case_columns[N_CASE_TEXTS] = {"reference", "situation", "analysis",
                                                       "risk",      "decision",  "rationale"};

/* Where a case text goes; case_text_of reads one. */
static const char **case_text(record_section *sec, int f)
{
  const char **texts[N_CASE_TEXTS] = {&sec->case_reference, &sec->situation, &sec->analysis,
                                      &sec->risk,           &sec->decision,  &sec->rationale};
  return texts[f];
}

static const char *case_text_of(const record_section *sec, int f)
{
  const char *const texts[N_CASE_TEXTS] = {sec->case_reference, sec->situation, sec->analysis,
                                           sec->risk,           sec->decision,  sec->rationale};
  return texts[f];
}

static int is_case(const record_section *sec)
{
  return sec->kind == SECTION_CASE;
}

rcode store_records_latest(db *d, int64_t session_id, uint32_t *revision)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT coalesce(max(revision), 0) FROM record_revisions WHERE session_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *revision = (uint32_t)sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

/* The sections packed as a StoredRecord for the body, with the wellbeing
 * text and every case section's texts taken out (a case section keeps its
 * kind and case id: the place where that case was discussed). The packed
 * form is binary and store_keys seals C strings, so it is sealed as
 * base64; every intermediate copy lives in the (wiped) arena. */
static rcode pack_body(store_ctx *c, const record_section *sections, size_t n, const char **wellbeing, char **out)
{
  record_section *cells = arena_alloc(c->a, sizeof *cells * (n ? n : 1));
  if (!cells) return RC_EXHAUSTED;
  *wellbeing = NULL;
  for (size_t i = 0; i < n; i++) {
    cells[i] = sections[i];
    cells[i].withheld = 0;
    cells[i].destroyed = 0;
    if (cells[i].kind == SECTION_WELLBEING) {
      *wellbeing = cells[i].text ? cells[i].text : "";
      cells[i].text = "";
    }
    if (is_case(&cells[i]))
      for (int f = 0; f < N_CASE_TEXTS; f++) *case_text(&cells[i], f) = "";
  }
  uint8_t *packed;
  size_t len;
  rcode rc = record_body_pack(c->a, cells, n, &packed, &len);
  if (rc) return rc;
  size_t b64_len = sodium_base64_ENCODED_LEN(len, B64);
  char *b64 = arena_alloc(c->a, b64_len);
  if (!b64) return RC_EXHAUSTED;
  sodium_bin2base64(b64, b64_len, packed, len, B64);
  *out = b64;
  return RC_OK;
}

static rcode unpack_sections(store_ctx *c, const char *b64, record_section **out, size_t *n_out)
{
  size_t n = strlen(b64), len = 0;
  uint8_t *bin = arena_alloc(c->a, n + 1);
  if (!bin) return RC_EXHAUSTED;
  if (sodium_base642bin(bin, n + 1, b64, n, NULL, &len, NULL, B64) != 0) return RC_DATA_LOSS;
  return record_body_unpack(c->a, bin, len, out, n_out);
}

static rcode insert_revision(store_ctx *c, const session_row *s, int64_t id, uint32_t rev,
                             const uint8_t *const blobs[3], const size_t lens[3])
{
  sqlite3_stmt *st = db_prepare(c->db, "INSERT INTO record_revisions(id, session_id, revision, author_id, "
                                       "created_at, key_id, reason, body, format,"
                                       " wellbeing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 3, ?9)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  sqlite3_bind_int64(st, 2, s->id);
  sqlite3_bind_int64(st, 3, rev);
  sqlite3_bind_int64(st, 4, c->who->user_id);
  sqlite3_bind_int64(st, 5, c->now);
  sqlite3_bind_int64(st, 6, s->key_id);
  static const int params[3] = {8, 7, 9}; /* body, reason, wellbeing */
  for (int i = 0; i < 3; i++)
    if (blobs[i]) sqlite3_bind_blob(st, params[i], blobs[i], (int)lens[i], SQLITE_STATIC);
  int rc = rc_from_sqlite(db_step_done(st));
  sqlite3_clear_bindings(st);
  return rc;
}

/* Where one case section's texts go, and under which case. */
typedef struct {
  int64_t revision_id, session_id;
  uint32_t revision;
  size_t position;
} case_place;

/* One case section's texts, each sealed under the case's key; an empty
 * text is stored as NULL. With k NULL (the case was destroyed before a
 * format-2 revision could be moved) nothing is sealed: the row only says
 * that a case was discussed there. */
static rcode insert_case_section(store_ctx *c, const case_place *p, const case_row *k, int64_t case_id, int64_t key_id,
                                 int key_may_be_gone, const record_section *sec)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "INSERT INTO record_case_sections(revision_id, position, case_id, key_id, reference, "
                                "situation, analysis,"
                                " risk, decision, rationale) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, p->revision_id);
  sqlite3_bind_int64(st, 2, (int64_t)p->position);
  sqlite3_bind_int64(st, 3, case_id);
  sqlite3_bind_int64(st, 4, key_id);
  char context[128];
  case_context(context, sizeof context, p->session_id, p->position, case_id);
  int rc = RC_OK;
  for (int f = 0; k && !rc && f < N_CASE_TEXTS; f++) {
    const char *text = case_text_of(sec, f);
    if (!text || !*text) continue;
    store_slot slot = {"record_case_sections", p->revision_id, case_columns[f], key_id, p->revision, context};
    rc = store_keys_bind_sealed(c->db, c->vault, c->ring, st, 5 + f, &slot, text);
    /* Moving an old revision whose case's key is already gone: what it
     * said is destroyed, and nothing is sealed (the reference comes first,
     * so no other text was bound). */
    if (rc == RC_NOT_FOUND && key_may_be_gone && f == 0) {
      rc = RC_OK;
      break;
    }
  }
  if (!rc) rc = rc_from_sqlite(db_step_done(st));
  else sqlite3_reset(st);
  sqlite3_clear_bindings(st); /* frees the sealed blobs now */
  return rc;
}

/* The case sections of a new revision, each under its case's own key, so
 * that destroying the key (retention) destroys what was said. */
static rcode insert_case_sections(store_ctx *c, const case_place *base, const record_section *sections, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (!is_case(&sections[i])) continue;
    case_row k;
    int rc = sections[i].case_id <= INT64_MAX ? store_cases_get(c->db, (int64_t)sections[i].case_id, &k) : RC_NOT_FOUND;
    if (rc == RC_NOT_FOUND) return RC_INVALID; /* record_sections_resolve sets it: a caller's bug */
    if (rc) return rc;
    if (k.shredded_at) return RC_PRECONDITION;
    case_place p = *base;
    p.position = i;
    rc = insert_case_section(c, &p, &k, k.id, k.key_id, 0, &sections[i]);
    if (rc) return rc;
  }
  return RC_OK;
}

rcode store_records_append(store_ctx *c, const session_row *s, const record_section *sections, size_t n,
                           const char *reason, uint32_t *revision)
{
  db *d = c->db;
  uint32_t latest;
  int rc = store_records_latest(d, s->id, &latest);
  if (rc) return rc;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM record_revisions", &id)) return RC_INTERNAL;
  uint32_t rev = latest + 1;
  const char *wellbeing;
  char *packed;
  rc = pack_body(c, sections, n, &wellbeing, &packed);
  if (rc) return rc;

  const char *columns[3] = {"body", "reason", "wellbeing"};
  const char *texts[3] = {packed, *reason ? reason : NULL, wellbeing};
  uint8_t *blobs[3] = {NULL, NULL, NULL};
  size_t lens[3] = {0, 0, 0};
  for (int i = 0; !rc && i < 3; i++) {
    if (!texts[i]) continue;
    char context[128];
    revision_context(context, sizeof context, s->id, c->who->user_id, c->now,
                     bound_format(FORMAT_CASES_APART, columns[i]));
    store_slot slot = {"record_revisions", id, columns[i], s->key_id, rev, context};
    rc = store_keys_seal(d, c->vault, c->ring, &slot, texts[i], &blobs[i], &lens[i]);
  }
  if (!rc) rc = insert_revision(c, s, id, rev, (const uint8_t *const *)blobs, lens);
  for (int i = 0; i < 3; i++) free(blobs[i]);
  case_place base = {id, s->id, rev, 0};
  if (!rc) rc = insert_case_sections(c, &base, sections, n);
  if (!rc) *revision = rev;
  return rc;
}

typedef struct {
  int64_t id, key_id, author_id, created_at;
  int format;
  const char *body, *reason, *wellbeing;
  size_t body_len, reason_len, wellbeing_len;
} sealed_revision;

/* Copies the sealed blobs out: opening them may run other statements. The
 * wellbeing blob is copied only for a reader who may see it. */
static rcode fetch_revision(store_ctx *c, const session_row *s, uint32_t revision, int with_wellbeing,
                            sealed_revision *v, char **author)
{
  sqlite3_stmt *st =
      db_prepare(c->db,
                 "SELECT r.id, r.key_id, u.username, r.created_at, r.reason, r.body, r.author_id, r.format, r.wellbeing"
                 " FROM record_revisions r JOIN users u ON u.id = r.author_id WHERE r.session_id = ?1 AND r.revision = "
                 "?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, revision);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_reset(st);
    return RC_NOT_FOUND;
  }
  *v = (sealed_revision){.id = sqlite3_column_int64(st, 0),
                         .key_id = sqlite3_column_int64(st, 1),
                         .author_id = sqlite3_column_int64(st, 6),
                         .created_at = sqlite3_column_int64(st, 3),
                         .format = sqlite3_column_int(st, 7)};
  v->reason_len = (size_t)sqlite3_column_bytes(st, 4);
  v->body_len = (size_t)sqlite3_column_bytes(st, 5);
  v->wellbeing_len = with_wellbeing ? (size_t)sqlite3_column_bytes(st, 8) : 0;
  v->reason = v->reason_len ? arena_strndup(c->a, sqlite3_column_blob(st, 4), v->reason_len) : NULL;
  v->body = arena_strndup(c->a, sqlite3_column_blob(st, 5), v->body_len);
  v->wellbeing = v->wellbeing_len ? arena_strndup(c->a, sqlite3_column_blob(st, 8), v->wellbeing_len) : NULL;
  *author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
  sqlite3_reset(st);
  if (!v->body || !*author || (v->reason_len && !v->reason) || (v->wellbeing_len && !v->wellbeing)) return RC_EXHAUSTED;
  return RC_OK;
}

/* A case section whose case was destroyed under retention: it says that a
 * case was discussed here, and nothing else. present[f] says which texts
 * had been written (the situation stands in when that is not known). */
static void mark_destroyed(record_section *sec, const int present[N_CASE_TEXTS])
{
  int any = 0;
  sec->destroyed = 1;
  for (int f = 0; f < N_CASE_TEXTS; f++) {
    int here = f == 0 || present[f];
    *case_text(sec, f) = here ? RETENTION_DESTROYED : "";
    any |= f > 0 && here;
  }
  if (!any) sec->situation = RETENTION_DESTROYED;
}

typedef struct {
  int64_t case_id, key_id;
  const char *blob[N_CASE_TEXTS];
  size_t len[N_CASE_TEXTS];
} sealed_case;

/* Copied out: opening runs other statements. RC_DATA_LOSS when the row is
 * missing: a placeholder with no texts behind it. */
static rcode fetch_case_section(store_ctx *c, int64_t revision_id, size_t position, sealed_case *out)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT case_id, key_id, reference, situation, analysis, risk, decision, rationale"
                                " FROM record_case_sections WHERE revision_id = ?1 AND position = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, revision_id);
  sqlite3_bind_int64(st, 2, (int64_t)position);
  int step = sqlite3_step(st);
  int rc = step == SQLITE_ROW ? RC_OK : step == SQLITE_DONE ? RC_DATA_LOSS : RC_INTERNAL;
  if (!rc) {
    *out = (sealed_case){.case_id = sqlite3_column_int64(st, 0), .key_id = sqlite3_column_int64(st, 1)};
    for (int f = 0; f < N_CASE_TEXTS; f++) {
      out->len[f] = (size_t)sqlite3_column_bytes(st, 2 + f);
      if (out->len[f] && !(out->blob[f] = arena_strndup(c->a, sqlite3_column_blob(st, 2 + f), out->len[f])))
        rc = RC_EXHAUSTED;
    }
  }
  sqlite3_reset(st);
  if (rc == RC_DATA_LOSS)
    log_line(LOG_ERROR,
             "event=integrity_error table=record_case_sections revision_id=%lld position=%zu"
             " reason=missing",
             (long long)revision_id, position);
  return rc;
}

/* Format 3: the case section at `position` of revision v, from its own
 * row, opened under the case's key, or destroyed. */
static rcode read_case_section(store_ctx *c, const sealed_revision *v, int64_t session_id, uint32_t revision,
                               size_t position, record_section *sec)
{
  sealed_case sc;
  int rc = fetch_case_section(c, v->id, position, &sc);
  if (rc) return rc;
  case_row k;
  rc = store_cases_get(c->db, sc.case_id, &k);
  if (rc == RC_NOT_FOUND) rc = RC_DATA_LOSS;
  /* The placeholder in the body (sealed under the session's key) and the
   * row must name the same case, and the row the case's own key, or
   * destroying that key would not destroy these texts. */
  if (!rc && ((uint64_t)sc.case_id != sec->case_id || sc.key_id != k.key_id)) {
    log_line(LOG_ERROR,
             "event=integrity_error table=record_case_sections revision_id=%lld position=%zu"
             " reason=case_mismatch",
             (long long)v->id, position);
    rc = RC_DATA_LOSS;
  }
  if (rc) return rc;
  int present[N_CASE_TEXTS];
  for (int f = 0; f < N_CASE_TEXTS; f++) present[f] = sc.blob[f] != NULL;
  /* A shredded case's key is never even looked up; a row moved after its
   * case was destroyed has no texts at all. */
  if (k.shredded_at || !sc.blob[0]) {
    mark_destroyed(sec, present);
    return RC_OK;
  }
  char context[128];
  case_context(context, sizeof context, session_id, position, k.id);
  for (int f = 0; f < N_CASE_TEXTS; f++) {
    *case_text(sec, f) = "";
    if (!sc.blob[f]) continue;
    store_slot slot = {"record_case_sections", v->id, case_columns[f], sc.key_id, revision, context};
    char *text = NULL;
    rc = store_keys_open(c->db, c->vault, c->ring, &slot, sc.blob[f], sc.len[f], c->a, &text);
    if (!rc) *case_text(sec, f) = text;
    /* The key went without shredded_at being set: destroyed all the same
     * (as retention_open has it). */
    if (rc == RC_NOT_FOUND) {
      mark_destroyed(sec, present);
      return RC_OK;
    }
    if (rc) return rc;
  }
  return RC_OK;
}

/* Format 2 kept a case section's texts in the body, under the session's
 * key, until store_records_reseal moves them: should its case have been
 * destroyed meanwhile, they are not shown. */
static rcode check_case_in_body(store_ctx *c, record_section *sec)
{
  if (!sec->case_id || sec->case_id > INT64_MAX) return RC_OK;
  case_row k;
  int rc = store_cases_get(c->db, (int64_t)sec->case_id, &k);
  if (rc == RC_NOT_FOUND) return RC_OK;
  if (rc) return rc;
  if (k.shredded_at) {
    int present[N_CASE_TEXTS];
    for (int f = 0; f < N_CASE_TEXTS; f++) present[f] = *case_text_of(sec, f) != '\0';
    mark_destroyed(sec, present);
  }
  return RC_OK;
}

/* Formats 2 and 3: the sections, with the wellbeing text opened or
 * withheld, and (format 3) each case section's texts from its own row. */
static rcode read_sections(store_ctx *c, const sealed_revision *v, const char *b64, int with_wellbeing,
                           int64_t session_id, uint32_t revision, record_read *out)
{
  record_section *sections;
  size_t n;
  int rc = unpack_sections(c, b64, &sections, &n);
  if (rc) return rc;
  for (size_t i = 0; !rc && i < n; i++) {
    record_section *sec = &sections[i];
    if (is_case(sec)) {
      rc = v->format == FORMAT_CASES_APART ? read_case_section(c, v, session_id, revision, i, sec)
                                           : check_case_in_body(c, sec);
      continue;
    }
    if (sec->kind != SECTION_WELLBEING) continue;
    if (!with_wellbeing) {
      sec->withheld = 1;
      continue;
    }
    if (!v->wellbeing) return RC_DATA_LOSS; /* a wellbeing section whose text went missing */
    char context[128];
    revision_context(context, sizeof context, session_id, v->author_id, v->created_at,
                     bound_format(v->format, "wellbeing"));
    store_slot slot = {"record_revisions", v->id, "wellbeing", v->key_id, revision, context};
    char *text = NULL;
    rc = store_keys_open(c->db, c->vault, c->ring, &slot, v->wellbeing, v->wellbeing_len, c->a, &text);
    if (!rc) sec->text = text;
  }
  if (rc) return rc;
  out->sections = sections;
  out->n_sections = n;
  return RC_OK;
}

rcode store_records_read(store_ctx *c, const session_row *s, uint32_t revision, int with_wellbeing, record_read *out)
{
  *out = (record_read){.revision = {.reason = ""}, .body = ""};
  if (revision == 0) {
    int rc = store_records_latest(c->db, s->id, &revision);
    if (rc) return rc;
    if (revision == 0) return RC_NOT_FOUND;
  }
  sealed_revision v;
  char *author;
  int rc = fetch_revision(c, s, revision, with_wellbeing, &v, &author);
  if (rc) return rc;
  if (v.format < FORMAT_TEXT || v.format > FORMAT_CASES_APART) return RC_DATA_LOSS;
  revision_row *r = &out->revision;
  r->revision = revision;
  r->author = author;
  r->created_at = v.created_at;
  char context[128];
  revision_context(context, sizeof context, s->id, v.author_id, v.created_at, bound_format(v.format, "body"));
  store_slot slot = {"record_revisions", v.id, "body", v.key_id, revision, context};
  /* Free text (format 1) may hold wellbeing and nothing tells which part,
   * so for a reader who may not see wellbeing it is withheld whole, and is
   * not even opened. */
  int text_withheld = v.format == FORMAT_TEXT && !with_wellbeing;
  char *body = NULL;
  if (!text_withheld) rc = store_keys_open(c->db, c->vault, c->ring, &slot, v.body, v.body_len, c->a, &body);
  if (!rc && v.reason) {
    char reason_context[128];
    revision_context(reason_context, sizeof reason_context, s->id, v.author_id, v.created_at,
                     bound_format(v.format, "reason"));
    store_slot rs = {"record_revisions", v.id, "reason", v.key_id, revision, reason_context};
    char *reason = NULL;
    rc = store_keys_open(c->db, c->vault, c->ring, &rs, v.reason, v.reason_len, c->a, &reason);
    if (!rc) r->reason = reason;
  }
  if (rc) return rc;
  if (v.format != FORMAT_TEXT) {
    rc = read_sections(c, &v, body, with_wellbeing, s->id, revision, out);
  } else {
    /* Old free text reads as what it was: general notes. */
    record_section *sec = arena_alloc(c->a, sizeof *sec);
    if (!sec) return RC_EXHAUSTED;
    *sec = (record_section){.kind = SECTION_NOTES,
                            .text = "",
                            .case_reference = "",
                            .situation = "",
                            .analysis = "",
                            .risk = "",
                            .decision = "",
                            .rationale = "",
                            .member = ""};
    if (text_withheld) {
      sec->withheld = 1; /* text and body stay "" */
    } else {
      sec->text = body;
      out->body = body;
    }
    out->sections = sec;
    out->n_sections = 1;
  }
  return rc;
}

rcode store_records_revisions(store_ctx *c, const session_row *s, revision_row **out, size_t *n)
{
  enum { MAX = 500 };
  sqlite3_stmt *st =
      db_prepare(c->db, "SELECT r.id, r.revision, u.username, r.created_at, r.author_id, r.key_id, r.reason, r.format"
                        " FROM record_revisions r JOIN users u ON u.id = r.author_id WHERE r.session_id = ?1"
                        " ORDER BY r.revision LIMIT 500");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  revision_row *v = arena_alloc(c->a, sizeof *v * MAX);
  typedef struct {
    int64_t id, author, key_id;
    int format;
    const void *blob;
    size_t len;
  } sealed;
  sealed *reasons = arena_alloc(c->a, sizeof *reasons * MAX);
  size_t k = 0;
  int rc = v && reasons ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < MAX && sqlite3_step(st) == SQLITE_ROW) {
    revision_row *r = &v[k];
    *r = (revision_row){.reason = ""};
    r->revision = (uint32_t)sqlite3_column_int(st, 1);
    r->author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    r->created_at = sqlite3_column_int64(st, 3);
    reasons[k] = (sealed){sqlite3_column_int64(st, 0),
                          sqlite3_column_int64(st, 4),
                          sqlite3_column_int64(st, 5),
                          sqlite3_column_int(st, 7),
                          NULL,
                          (size_t)sqlite3_column_bytes(st, 6)};
    if (reasons[k].len) reasons[k].blob = arena_strndup(c->a, sqlite3_column_blob(st, 6), reasons[k].len);
    if (!r->author || (reasons[k].len && !reasons[k].blob)) {
      rc = RC_EXHAUSTED;
      break;
    }
    k++;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    if (!reasons[i].blob) continue;
    char context[128];
    revision_context(context, sizeof context, s->id, reasons[i].author, v[i].created_at,
                     bound_format(reasons[i].format, "reason"));
    store_slot slot = {"record_revisions", reasons[i].id, "reason", reasons[i].key_id, v[i].revision, context};
    char *reason = NULL;
    rc = store_keys_open(c->db, c->vault, c->ring, &slot, reasons[i].blob, reasons[i].len, c->a, &reason);
    if (!rc) v[i].reason = reason;
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}

/* The case a format-2 section was about: by the id it carries, or (should
 * it carry none) by its reference's blind index. RC_DATA_LOSS if neither
 * finds one: its texts then have no key to go under. */
static rcode reseal_find_case(store_ctx *c, int64_t revision_id, record_section *sec, case_row *k)
{
  int rc = sec->case_id && sec->case_id <= INT64_MAX ? store_cases_get(c->db, (int64_t)sec->case_id, k) : RC_NOT_FOUND;
  if (rc == RC_NOT_FOUND && !sec->case_id && *sec->case_reference) {
    uint8_t idx[VAULT_INDEX_BYTES];
    store_cases_reference_index(c->vault, sec->case_reference, idx);
    rc = store_cases_find(c->db, idx, k);
  }
  if (rc == RC_NOT_FOUND) {
    log_line(LOG_ERROR, "event=integrity_error table=record_revisions row=%lld reason=case_section_without_case",
             (long long)revision_id);
    return RC_DATA_LOSS;
  }
  if (!rc) sec->case_id = (uint64_t)k->id;
  return rc;
}

typedef struct {
  int64_t id, session_id, author_id, created_at, key_id;
  uint32_t revision;
  const char *body;
  size_t body_len;
} old_revision;

static rcode reseal_fetch(store_ctx *c, int64_t id, old_revision *o)
{
  sqlite3_stmt *st = db_prepare(c->db,
                                "SELECT session_id, revision, author_id, created_at, key_id, body FROM record_revisions"
                                " WHERE id = ?1 AND format = 2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, id);
  int step = sqlite3_step(st);
  int rc = step == SQLITE_ROW ? RC_OK : step == SQLITE_DONE ? RC_NOT_FOUND : RC_INTERNAL;
  if (!rc) {
    *o = (old_revision){id,
                        sqlite3_column_int64(st, 0),
                        sqlite3_column_int64(st, 2),
                        sqlite3_column_int64(st, 3),
                        sqlite3_column_int64(st, 4),
                        (uint32_t)sqlite3_column_int64(st, 1),
                        NULL,
                        0};
    o->body_len = (size_t)sqlite3_column_bytes(st, 5);
    if (!(o->body = arena_strndup(c->a, sqlite3_column_blob(st, 5), o->body_len))) rc = RC_EXHAUSTED;
  }
  sqlite3_reset(st);
  return rc;
}

static rcode reseal_replace_body(store_ctx *c, const old_revision *o, const uint8_t *blob, size_t len)
{
  sqlite3_stmt *st =
      db_prepare(c->db, "UPDATE record_revisions SET body = ?2, format = 3 WHERE id = ?1 AND format = 2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, o->id);
  sqlite3_bind_blob(st, 2, blob, (int)len, SQLITE_STATIC);
  int rc = rc_from_sqlite(db_step_done(st));
  sqlite3_clear_bindings(st);
  if (!rc && sqlite3_changes(db_handle(c->db)) != 1) rc = RC_INTERNAL;
  return rc;
}

/* One format-2 revision to format 3. Everything that can fail for this
 * row alone (its body or a case not opening or not found: RC_DATA_LOSS,
 * logged) is settled before anything is written, so a skipped row leaves
 * nothing half-moved in the transaction. */
static rcode reseal_one(store_ctx *c, int64_t id)
{
  old_revision o;
  int rc = reseal_fetch(c, id, &o);
  if (rc) return rc;
  char context[128];
  revision_context(context, sizeof context, o.session_id, o.author_id, o.created_at, FORMAT_SECTIONS);
  store_slot slot = {"record_revisions", o.id, "body", o.key_id, o.revision, context};
  char *b64;
  record_section *sections = NULL;
  size_t n = 0;
  rc = store_keys_open(c->db, c->vault, c->ring, &slot, o.body, o.body_len, c->a, &b64);
  if (!rc) rc = unpack_sections(c, b64, &sections, &n);
  if (rc == RC_DATA_LOSS || rc == RC_NOT_FOUND) {
    log_line(LOG_ERROR, "event=integrity_error table=record_revisions row=%lld reason=reseal_body_does_not_open",
             (long long)o.id);
    return RC_DATA_LOSS;
  }
  if (rc) return rc;
  case_row *cases = arena_alloc(c->a, sizeof *cases * (n ? n : 1));
  if (!cases) return RC_EXHAUSTED;
  for (size_t i = 0; !rc && i < n; i++)
    if (is_case(&sections[i])) rc = reseal_find_case(c, o.id, &sections[i], &cases[i]);
  if (rc) return rc;
  /* From here on every failure fails the batch. */
  case_place base = {o.id, o.session_id, o.revision, 0};
  for (size_t i = 0; !rc && i < n; i++) {
    if (!is_case(&sections[i])) continue;
    case_place p = base;
    p.position = i;
    const case_row *k = cases[i].shredded_at ? NULL : &cases[i];
    rc = insert_case_section(c, &p, k, cases[i].id, cases[i].key_id, 1, &sections[i]);
  }
  const char *wellbeing;
  char *packed = NULL;
  if (!rc) rc = pack_body(c, sections, n, &wellbeing, &packed);
  uint8_t *blob = NULL;
  size_t len = 0;
  if (!rc) {
    revision_context(context, sizeof context, o.session_id, o.author_id, o.created_at, FORMAT_CASES_APART);
    rc = store_keys_seal(c->db, c->vault, c->ring, &slot, packed, &blob, &len);
  }
  if (!rc) rc = reseal_replace_body(c, &o, blob, len);
  free(blob);
  return rc == RC_DATA_LOSS || rc == RC_NOT_FOUND ? RC_INTERNAL : rc;
}

rcode store_records_reseal(store_ctx *c, records_reseal_batch *b)
{
  b->seen = b->moved = b->skipped = 0;
  b->last = b->after;
  sqlite3_stmt *st =
      db_prepare(c->db, "SELECT id FROM record_revisions WHERE format = 2 AND id > ?1 ORDER BY id LIMIT 100");
  if (!st) return RC_INTERNAL;
  _Static_assert(RECORDS_RESEAL_BATCH == 100, "the LIMIT above");
  sqlite3_bind_int64(st, 1, b->after);
  int64_t ids[RECORDS_RESEAL_BATCH];
  size_t n = 0;
  int step = SQLITE_DONE;
  while (n < RECORDS_RESEAL_BATCH && (step = sqlite3_step(st)) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (step != SQLITE_ROW && step != SQLITE_DONE) return RC_INTERNAL;
  arena *keep = c->a;
  for (size_t i = 0; i < n; i++) {
    /* Each row's plaintext lives in a scratch arena wiped at once. */
    arena scratch = {0};
    c->a = &scratch;
    int rc = reseal_one(c, ids[i]);
    c->a = keep;
    arena_reset(&scratch);
    if (rc && rc != RC_DATA_LOSS) return rc;
    b->seen++;
    b->last = ids[i];
    if (rc) b->skipped++;
    else b->moved++;
  }
  return RC_OK;
}
