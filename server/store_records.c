#include "store_records.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FORMAT_TEXT = 1, FORMAT_SECTIONS = 2 };
#define B64 sodium_base64_VARIANT_ORIGINAL_NO_PADDING

/* A revision is bound to its session, author and time as well as its row,
 * so none of them can be changed in the file without the value failing;
 * format 2 also to its format, so it cannot be re-labelled as text. */
static void revision_context(char *buf, size_t size, int64_t session, int64_t author, int64_t at, int format)
{
  int n = snprintf(buf, size, "session=%lld;author=%lld;at=%lld", (long long)session, (long long)author,
                   (long long)at);
  if (format == FORMAT_SECTIONS && n > 0 && (size_t)n < size) snprintf(buf + n, size - (size_t)n, ";format=2");
}

int store_records_latest(db *d, int64_t session_id, uint32_t *revision)
{
  sqlite3_stmt *st = db_prepare(d, "SELECT coalesce(max(revision), 0) FROM record_revisions WHERE session_id = ?1");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, session_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) *revision = (uint32_t)sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? RC_OK : RC_INTERNAL;
}

/* The sections packed as a StoredRecord, wellbeing text taken out. The
 * packed form is binary and store_keys seals C strings, so it is sealed as
 * base64; every intermediate copy lives in the (wiped) arena. */
static int pack_sections(call *c, Reflect__V1__RecordSection *const *sections, size_t n, const char **wellbeing,
                         char **out)
{
  Reflect__V1__RecordSection **ptrs = arena_alloc(c->a, sizeof *ptrs * n);
  Reflect__V1__RecordSection *cells = arena_alloc(c->a, sizeof *cells * n);
  if (!ptrs || !cells) return RC_EXHAUSTED;
  *wellbeing = NULL;
  for (size_t i = 0; i < n; i++) {
    cells[i] = *sections[i];
    cells[i].withheld = 0;
    if (cells[i].kind == REFLECT__V1__SECTION_KIND__SECTION_WELLBEING) {
      *wellbeing = cells[i].text;
      cells[i].text = (char *)"";
    }
    ptrs[i] = &cells[i];
  }
  Reflect__V1__StoredRecord rec = REFLECT__V1__STORED_RECORD__INIT;
  rec.sections = ptrs;
  rec.n_sections = n;
  size_t len = reflect__v1__stored_record__get_packed_size(&rec);
  size_t b64_len = sodium_base64_ENCODED_LEN(len, B64);
  uint8_t *packed = arena_alloc(c->a, len + 1);
  char *b64 = arena_alloc(c->a, b64_len);
  if (!packed || !b64) return RC_EXHAUSTED;
  reflect__v1__stored_record__pack(&rec, packed);
  sodium_bin2base64(b64, b64_len, packed, len, B64);
  *out = b64;
  return RC_OK;
}

static void *arena_pb_alloc(void *data, size_t size) { return arena_alloc(data, size); }
static void arena_pb_free(void *data, void *p) { (void)data; (void)p; }

static int unpack_sections(call *c, const char *b64, Reflect__V1__StoredRecord **out)
{
  size_t n = strlen(b64), len = 0;
  uint8_t *bin = arena_alloc(c->a, n + 1);
  if (!bin) return RC_EXHAUSTED;
  if (sodium_base642bin(bin, n + 1, b64, n, NULL, &len, NULL, B64) != 0) return RC_DATA_LOSS;
  ProtobufCAllocator al = {arena_pb_alloc, arena_pb_free, c->a};
  *out = reflect__v1__stored_record__unpack(&al, len, bin);
  return *out ? RC_OK : RC_DATA_LOSS;
}

static int insert_revision(call *c, const session_row *s, int64_t id, uint32_t rev, const uint8_t *const blobs[3],
                           const size_t lens[3])
{
  sqlite3_stmt *st = db_prepare(c->s->db,
      "INSERT INTO record_revisions(id, session_id, revision, author_id, created_at, key_id, reason, body, format,"
      " wellbeing) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 2, ?9)");
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

int store_records_append(call *c, const session_row *s, Reflect__V1__RecordSection *const *sections, size_t n,
                         const char *reason, uint32_t *revision)
{
  db *d = c->s->db;
  uint32_t latest;
  int rc = store_records_latest(d, s->id, &latest);
  if (rc) return rc;
  int64_t id;
  if (db_next_id(d, "SELECT coalesce(max(id), 0) + 1 FROM record_revisions", &id)) return RC_INTERNAL;
  uint32_t rev = latest + 1;
  const char *wellbeing;
  char *packed;
  rc = pack_sections(c, sections, n, &wellbeing, &packed);
  if (rc) return rc;

  char context[128];
  revision_context(context, sizeof context, s->id, c->who->user_id, c->now, FORMAT_SECTIONS);
  const char *columns[3] = {"body", "reason", "wellbeing"};
  const char *texts[3] = {packed, *reason ? reason : NULL, wellbeing};
  uint8_t *blobs[3] = {NULL, NULL, NULL};
  size_t lens[3] = {0, 0, 0};
  for (int i = 0; !rc && i < 3; i++) {
    if (!texts[i]) continue;
    store_slot slot = {"record_revisions", id, columns[i], s->key_id, rev, context};
    rc = store_keys_seal(d, c->s->vault, c->ring, &slot, texts[i], &blobs[i], &lens[i]);
  }
  if (!rc) rc = insert_revision(c, s, id, rev, (const uint8_t *const *)blobs, lens);
  for (int i = 0; i < 3; i++) free(blobs[i]);
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
static int fetch_revision(call *c, const session_row *s, uint32_t revision, int with_wellbeing,
                          sealed_revision *v, char **author)
{
  sqlite3_stmt *st = db_prepare(c->s->db,
      "SELECT r.id, r.key_id, u.username, r.created_at, r.reason, r.body, r.author_id, r.format, r.wellbeing"
      " FROM record_revisions r JOIN users u ON u.id = r.author_id WHERE r.session_id = ?1 AND r.revision = ?2");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  sqlite3_bind_int64(st, 2, revision);
  if (sqlite3_step(st) != SQLITE_ROW) { sqlite3_reset(st); return RC_NOT_FOUND; }
  *v = (sealed_revision){.id = sqlite3_column_int64(st, 0), .key_id = sqlite3_column_int64(st, 1),
                         .author_id = sqlite3_column_int64(st, 6), .created_at = sqlite3_column_int64(st, 3),
                         .format = sqlite3_column_int(st, 7)};
  v->reason_len = (size_t)sqlite3_column_bytes(st, 4);
  v->body_len = (size_t)sqlite3_column_bytes(st, 5);
  v->wellbeing_len = with_wellbeing ? (size_t)sqlite3_column_bytes(st, 8) : 0;
  v->reason = v->reason_len ? arena_strndup(c->a, sqlite3_column_blob(st, 4), v->reason_len) : NULL;
  v->body = arena_strndup(c->a, sqlite3_column_blob(st, 5), v->body_len);
  v->wellbeing = v->wellbeing_len ? arena_strndup(c->a, sqlite3_column_blob(st, 8), v->wellbeing_len) : NULL;
  *author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
  sqlite3_reset(st);
  if (!v->body || !*author || (v->reason_len && !v->reason) || (v->wellbeing_len && !v->wellbeing))
    return RC_EXHAUSTED;
  return RC_OK;
}

/* Format 2: the sections, with the wellbeing text opened or withheld. */
static int read_sections(call *c, const sealed_revision *v, store_slot *slot, const char *b64, int with_wellbeing,
                         Reflect__V1__RecordShowReply *out)
{
  Reflect__V1__StoredRecord *rec;
  int rc = unpack_sections(c, b64, &rec);
  if (rc) return rc;
  for (size_t i = 0; i < rec->n_sections; i++) {
    Reflect__V1__RecordSection *sec = rec->sections[i];
    if (sec->kind != REFLECT__V1__SECTION_KIND__SECTION_WELLBEING) continue;
    if (!with_wellbeing) {
      sec->withheld = 1;
      continue;
    }
    if (!v->wellbeing) return RC_DATA_LOSS; /* a wellbeing section whose text went missing */
    slot->column = "wellbeing";
    rc = store_keys_open(c->s->db, c->s->vault, c->ring, slot, v->wellbeing, v->wellbeing_len, c->a, &sec->text);
    if (rc) return rc;
  }
  out->sections = rec->sections;
  out->n_sections = rec->n_sections;
  return RC_OK;
}

int store_records_read(call *c, const session_row *s, uint32_t revision, int with_wellbeing,
                       Reflect__V1__RecordShowReply *out)
{
  if (revision == 0) {
    int rc = store_records_latest(c->s->db, s->id, &revision);
    if (rc) return rc;
    if (revision == 0) return RC_NOT_FOUND;
  }
  sealed_revision v;
  char *author;
  int rc = fetch_revision(c, s, revision, with_wellbeing, &v, &author);
  if (rc) return rc;
  if (v.format != FORMAT_TEXT && v.format != FORMAT_SECTIONS) return RC_DATA_LOSS;
  Reflect__V1__Revision *r = arena_alloc(c->a, sizeof *r);
  if (!r) return RC_EXHAUSTED;
  reflect__v1__revision__init(r);
  r->revision = revision;
  r->author = author;
  r->created_at = v.created_at;
  char context[128];
  revision_context(context, sizeof context, s->id, v.author_id, v.created_at, v.format);
  store_slot slot = {"record_revisions", v.id, "body", v.key_id, revision, context};
  /* Free text (format 1) may hold wellbeing and nothing tells which part,
   * so for a reader who may not see wellbeing it is withheld whole, and is
   * not even opened. */
  int text_withheld = v.format == FORMAT_TEXT && !with_wellbeing;
  char *body = NULL;
  if (!text_withheld) rc = store_keys_open(c->s->db, c->s->vault, c->ring, &slot, v.body, v.body_len, c->a, &body);
  if (!rc && v.reason) {
    slot.column = "reason";
    rc = store_keys_open(c->s->db, c->s->vault, c->ring, &slot, v.reason, v.reason_len, c->a, &r->reason);
  }
  if (rc) return rc;
  if (v.format == FORMAT_SECTIONS) {
    rc = read_sections(c, &v, &slot, body, with_wellbeing, out);
  } else {
    /* Old free text reads as what it was: general notes. */
    Reflect__V1__RecordSection **one = arena_alloc(c->a, sizeof *one);
    Reflect__V1__RecordSection *sec = arena_alloc(c->a, sizeof *sec);
    if (!one || !sec) return RC_EXHAUSTED;
    reflect__v1__record_section__init(sec);
    sec->kind = REFLECT__V1__SECTION_KIND__SECTION_NOTES;
    if (text_withheld) {
      sec->withheld = 1; /* text and body stay "" */
    } else {
      sec->text = body;
      out->body = body;
    }
    one[0] = sec;
    out->sections = one;
    out->n_sections = 1;
  }
  if (rc) return rc;
  out->session_id = (uint64_t)s->id;
  out->revision = r;
  return RC_OK;
}

int store_records_revisions(call *c, const session_row *s, Reflect__V1__Revision ***out, size_t *n)
{
  enum { MAX = 500 };
  sqlite3_stmt *st = db_prepare(c->s->db,
      "SELECT r.id, r.revision, u.username, r.created_at, r.author_id, r.key_id, r.reason, r.format"
      " FROM record_revisions r JOIN users u ON u.id = r.author_id WHERE r.session_id = ?1"
      " ORDER BY r.revision LIMIT 500");
  if (!st) return RC_INTERNAL;
  sqlite3_bind_int64(st, 1, s->id);
  Reflect__V1__Revision **v = arena_alloc(c->a, sizeof *v * MAX);
  typedef struct { int64_t id, author, key_id; int format; const void *blob; size_t len; } sealed;
  sealed *reasons = arena_alloc(c->a, sizeof *reasons * MAX);
  size_t k = 0;
  int rc = v && reasons ? RC_OK : RC_EXHAUSTED;
  while (rc == RC_OK && k < MAX && sqlite3_step(st) == SQLITE_ROW) {
    Reflect__V1__Revision *r = arena_alloc(c->a, sizeof *r);
    if (!r) { rc = RC_EXHAUSTED; break; }
    reflect__v1__revision__init(r);
    r->revision = (uint32_t)sqlite3_column_int(st, 1);
    r->author = arena_strdup(c->a, (const char *)sqlite3_column_text(st, 2));
    r->created_at = sqlite3_column_int64(st, 3);
    reasons[k] = (sealed){sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                          sqlite3_column_int(st, 7), NULL, (size_t)sqlite3_column_bytes(st, 6)};
    if (reasons[k].len) reasons[k].blob = arena_strndup(c->a, sqlite3_column_blob(st, 6), reasons[k].len);
    if (!r->author || (reasons[k].len && !reasons[k].blob)) { rc = RC_EXHAUSTED; break; }
    v[k++] = r;
  }
  sqlite3_reset(st);
  for (size_t i = 0; rc == RC_OK && i < k; i++) {
    if (!reasons[i].blob) continue;
    char context[128];
    revision_context(context, sizeof context, s->id, reasons[i].author, v[i]->created_at, reasons[i].format);
    store_slot slot = {"record_revisions", reasons[i].id, "reason", reasons[i].key_id, v[i]->revision, context};
    rc = store_keys_open(c->s->db, c->s->vault, c->ring, &slot, reasons[i].blob, reasons[i].len, c->a,
                         &v[i]->reason);
  }
  if (rc) return rc;
  *out = v;
  *n = k;
  return RC_OK;
}
