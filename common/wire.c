#include "wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fields that are not one line: listed here, so that a field added to the
 * proto is one-line (the strictest kind) until someone decides otherwise.
 * tests/unit/common/test_wire.c walks every string field of every message and
 * fails on one that nobody has classified. */
static const struct {
  const ProtobufCMessageDescriptor *message;
  const char *field;
  wire_text_kind kind;
} text_kinds[] = {
    {&reflect__v1__login_request__descriptor, "password", WIRE_TEXT_SECRET},
    {&reflect__v1__password_change_request__descriptor, "current_password", WIRE_TEXT_SECRET},
    {&reflect__v1__password_change_request__descriptor, "new_password", WIRE_TEXT_SECRET},
    {&reflect__v1__password_reset_request__descriptor, "new_password", WIRE_TEXT_SECRET},
    {&reflect__v1__user_add_request__descriptor, "password", WIRE_TEXT_SECRET},
    {&reflect__v1__agreement_add_request__descriptor, "booking", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement_add_request__descriptor, "cancellation", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement_add_request__descriptor, "confidentiality", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement_add_request__descriptor, "record_access", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement_add_request__descriptor, "disagreements", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement__descriptor, "booking", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement__descriptor, "cancellation", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement__descriptor, "confidentiality", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement__descriptor, "record_access", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement__descriptor, "disagreements", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement__descriptor, "end_reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__agreement_end_request__descriptor, "reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__session_reschedule_request__descriptor, "reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__session_status_request__descriptor, "reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__session_change__descriptor, "reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_write_request__descriptor, "body", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_write_request__descriptor, "reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_show_reply__descriptor, "body", WIRE_TEXT_MULTILINE},
    {&reflect__v1__revision__descriptor, "reason", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_section__descriptor, "text", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_section__descriptor, "situation", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_section__descriptor, "analysis", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_section__descriptor, "risk", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_section__descriptor, "decision", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_section__descriptor, "rationale", WIRE_TEXT_MULTILINE},
    {&reflect__v1__record_comment_request__descriptor, "text", WIRE_TEXT_MULTILINE},
    {&reflect__v1__comment__descriptor, "text", WIRE_TEXT_MULTILINE},
    {&reflect__v1__action_add_request__descriptor, "description", WIRE_TEXT_MULTILINE},
    {&reflect__v1__action_add_request__descriptor, "evidence_needed", WIRE_TEXT_MULTILINE},
    {&reflect__v1__action_close_request__descriptor, "evidence", WIRE_TEXT_MULTILINE},
    {&reflect__v1__action__descriptor, "description", WIRE_TEXT_MULTILINE},
    {&reflect__v1__action__descriptor, "evidence_needed", WIRE_TEXT_MULTILINE},
    {&reflect__v1__action__descriptor, "evidence", WIRE_TEXT_MULTILINE},
    {&reflect__v1__rule_add_request__descriptor, "description", WIRE_TEXT_MULTILINE},
    {&reflect__v1__frequency_rule__descriptor, "description", WIRE_TEXT_MULTILINE},
    {&reflect__v1__goal_add_request__descriptor, "description", WIRE_TEXT_MULTILINE},
    {&reflect__v1__goal__descriptor, "description", WIRE_TEXT_MULTILINE},
    {&reflect__v1__indicator__descriptor, "definition", WIRE_TEXT_MULTILINE},
    {&reflect__v1__indicator__descriptor, "measured_how", WIRE_TEXT_MULTILINE},
    {&reflect__v1__kpi_record_request__descriptor, "evidence", WIRE_TEXT_MULTILINE},
    {&reflect__v1__kpi_measurement__descriptor, "evidence", WIRE_TEXT_MULTILINE},
    {&reflect__v1__survey_answer_request__descriptor, "comment", WIRE_TEXT_MULTILINE},
    {&reflect__v1__survey_report__descriptor, "comments", WIRE_TEXT_MULTILINE},
    {&reflect__v1__decision__descriptor, "risk", WIRE_TEXT_MULTILINE},
    {&reflect__v1__decision__descriptor, "decision", WIRE_TEXT_MULTILINE},
    {&reflect__v1__decision__descriptor, "rationale", WIRE_TEXT_MULTILINE},
    {&reflect__v1__case_extract_entry__descriptor, "risk", WIRE_TEXT_MULTILINE},
    {&reflect__v1__case_extract_entry__descriptor, "decision", WIRE_TEXT_MULTILINE},
    {&reflect__v1__case_extract_entry__descriptor, "rationale", WIRE_TEXT_MULTILINE},
};

wire_text_kind wire_field_kind(const ProtobufCMessageDescriptor *m, const ProtobufCFieldDescriptor *f)
{
  for (size_t i = 0; i < sizeof text_kinds / sizeof text_kinds[0]; i++)
    if (text_kinds[i].message == m && strcmp(text_kinds[i].field, f->name) == 0) return text_kinds[i].kind;
  return WIRE_TEXT_LINE;
}

/* Bidirectional overrides and isolates: they reorder what a terminal or a
 * viewer shows (the "Trojan Source" trick). */
static int is_bidi_control(uint32_t cp)
{
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Whether a kind allows code point cp (valid UTF-8 and not NUL already). */
static int kind_allows(wire_text_kind kind, uint32_t cp)
{
  if (cp == 0x7f) return 0;
  if (kind == WIRE_TEXT_SECRET || kind == WIRE_TEXT_ANY) return cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r';
  if (cp < 0x20) return kind == WIRE_TEXT_MULTILINE && (cp == '\t' || cp == '\n');
  if (cp >= 0x80 && cp <= 0x9f) return 0;
  if (is_bidi_control(cp)) return 0;
  if (cp == 0x2028 || cp == 0x2029) return kind == WIRE_TEXT_MULTILINE;
  return 1;
}

/* Decodes one UTF-8 sequence at p (n bytes available): its length, or 0 if
 * it is malformed (overlong, surrogate, past U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
  unsigned c = p[0];
  size_t need;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    v = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    v = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    v = c & 0x07;
  } else return 0;
  if (need >= n) return 0;
  for (size_t i = 1; i <= need; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    v = (v << 6) | (p[i] & 0x3f);
  }
  if ((need == 2 && v < 0x800) || (need == 3 && v < 0x10000)) return 0;
  if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) return 0;
  *cp = v;
  return need + 1;
}

int wire_check_text(const char *s, size_t len, wire_text_kind kind, uint32_t *cp_out)
{
  const unsigned char *p = (const unsigned char *)s;
  if (!s && len) return WIRE_EUTF8;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_next(p + i, len - i, &cp);
    if (n == 0) return WIRE_EUTF8;
    if (cp == 0 || !kind_allows(kind, cp)) {
      if (cp_out) *cp_out = cp;
      return cp == 0 ? WIRE_ENUL : WIRE_ECHAR;
    }
    i += n;
  }
  return WIRE_OK;
}

int wire_check_utf8(const char *s, size_t max_bytes)
{
  if (!s) return WIRE_EUTF8;
  size_t n = strnlen(s, max_bytes + 1);
  if (n > max_bytes) return WIRE_EUTF8;
  return wire_check_text(s, n, WIRE_TEXT_ANY, NULL) ? WIRE_EUTF8 : WIRE_OK;
}

void wire_clean_text(char *s, wire_text_kind kind)
{
  unsigned char *p = (unsigned char *)s, *o = p;
  size_t len = strlen(s);
  int line = kind != WIRE_TEXT_MULTILINE;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_next(p + i, len - i, &cp);
    if (n == 0) { /* cannot happen after decoding; never pass it on */
      *o++ = '?';
      i++;
      continue;
    }
    if (!line && cp == '\r' && i + 1 < len && p[i + 1] == '\n') {
      i++;
      continue;
    }
    if (kind_allows(line ? WIRE_TEXT_LINE : WIRE_TEXT_MULTILINE, cp)) {
      memmove(o, p + i, n);
      o += n;
    } else {
      *o++ = line && (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) ? ' ' : '?';
    }
    i += n;
  }
  *o = '\0';
}

static void clean_message(ProtobufCMessage *m, int depth)
{
  if (depth > WIRE_MAX_DEPTH) return;
  const ProtobufCMessageDescriptor *d = m->descriptor;
  char *base = (char *)m;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t which;
      memcpy(&which, base + f->quantifier_offset, sizeof which);
      if (which != f->id) continue;
    }
    size_t count = 1;
    void **items;
    void *single;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      memcpy(&count, base + f->quantifier_offset, sizeof count);
      memcpy(&items, base + f->offset, sizeof items);
    } else {
      memcpy(&single, base + f->offset, sizeof single);
      items = &single;
    }
    wire_text_kind kind = f->type == PROTOBUF_C_TYPE_STRING ? wire_field_kind(d, f) : WIRE_TEXT_LINE;
    for (size_t k = 0; k < count; k++) {
      if (!items[k]) continue;
      /* The empty default of a proto3 string is a shared constant: it has
       * nothing to clean and must not be written to. */
      if (f->type == PROTOBUF_C_TYPE_STRING) {
        if (*(char *)items[k]) wire_clean_text(items[k], kind);
      } else {
        clean_message(items[k], depth + 1);
      }
    }
  }
}

void wire_clean_strings(ProtobufCMessage *m)
{
  if (m) clean_message(m, 0);
}

/* ---- Checking a frame's strings where protobuf-c cannot see them --------
 * protobuf-c copies a string's bytes and ends them with a NUL, so a string
 * with a NUL inside reads as the part before it, and a non-repeated field
 * sent twice keeps only the last value: the checks run over the frame's own
 * bytes, every occurrence of every string, guided by the descriptors. The
 * frame has already been unpacked, so it is well-formed; the walk still
 * checks every bound. */

typedef struct {
  int classify; /* requests: each field's kind; else ANY */
  wire_error *why;
  const char *names[WIRE_MAX_DEPTH + 2];
  long index[WIRE_MAX_DEPTH + 2]; /* -1: not a repeated field */
} walk;

int wire_read_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
  uint64_t v = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*pos >= len) return -1;
    uint8_t b = p[(*pos)++];
    if (shift == 63 && b > 1) return -1;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return 0;
    }
  }
  return -1;
}

/* The path of the field at fault; for a request, below its operation
 * (level 0 is the Request itself and level 1 names the operation). */
static void walk_fail(walk *w, int depth, int code, uint32_t cp)
{
  wire_error *why = w->why;
  if (!why) return;
  why->code = code;
  why->cp = cp;
  why->field[0] = '\0';
  size_t used = 0;
  for (int d = w->classify && depth >= 2 ? 2 : 1; d <= depth; d++) {
    int n = snprintf(why->field + used, sizeof why->field - used, "%s%s", used ? "." : "", w->names[d]);
    if (n < 0 || (size_t)n >= sizeof why->field - used) break;
    used += (size_t)n;
    if (w->index[d] >= 0) {
      n = snprintf(why->field + used, sizeof why->field - used, "[%ld]", w->index[d]);
      if (n < 0 || (size_t)n >= sizeof why->field - used) break;
      used += (size_t)n;
    }
  }
}

static int walk_frame(walk *w, const ProtobufCMessageDescriptor *d, const uint8_t *p, size_t len, int depth)
{
  if (depth >= WIRE_MAX_DEPTH) return WIRE_EDECODE;
  /* Occurrences so far of each repeated field, for "members[2]". */
  uint32_t seen[128] = {0};
  size_t pos = 0;
  while (pos < len) {
    uint64_t key, v;
    if (wire_read_varint(p, len, &pos, &key)) return WIRE_EDECODE;
    unsigned type = (unsigned)(key & 7);
    if (type == 0) {
      if (wire_read_varint(p, len, &pos, &v)) return WIRE_EDECODE;
      continue;
    }
    if (type == 1 || type == 5) {
      size_t n = type == 1 ? 8 : 4;
      if (n > len - pos) return WIRE_EDECODE;
      pos += n;
      continue;
    }
    if (type != 2) return WIRE_EDECODE;
    if (wire_read_varint(p, len, &pos, &v) || v > len - pos) return WIRE_EDECODE;
    const uint8_t *body = p + pos;
    size_t n = (size_t)v;
    pos += n;
    if (key >> 3 > UINT32_MAX) continue;
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3));
    if (!f || (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE)) continue;
    size_t fi = (size_t)(f - d->fields);
    w->names[depth + 1] = f->name;
    w->index[depth + 1] = f->label == PROTOBUF_C_LABEL_REPEATED && fi < 128 ? (long)seen[fi] : -1;
    if (fi < 128) seen[fi]++;
    int rc;
    if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
      rc = walk_frame(w, f->descriptor, body, n, depth + 1);
      if (rc) return rc;
      continue;
    }
    uint32_t cp = 0;
    rc = wire_check_text((const char *)body, n, w->classify ? wire_field_kind(d, f) : WIRE_TEXT_ANY, &cp);
    if (rc) {
      walk_fail(w, depth + 1, rc, cp);
      return rc;
    }
  }
  return WIRE_OK;
}

/* Each block carries its size in front so the budget can be repaid on free. */
typedef struct {
  size_t used;
  size_t limit;
  int exceeded;
} budget;

typedef union {
  size_t size;
  max_align_t align;
} block_header;

static void *budget_alloc(void *data, size_t size)
{
  budget *b = data;
  if (size > b->limit - b->used) {
    b->exceeded = 1;
    return NULL;
  }
  block_header *h = malloc(sizeof *h + size);
  if (!h) return NULL;
  h->size = size;
  b->used += size;
  return h + 1;
}

static void budget_free(void *data, void *p)
{
  if (!p) return;
  budget *b = data;
  block_header *h = (block_header *)p - 1;
  b->used -= h->size;
  /* Decoded messages carry passwords and record text: wipe before freeing.
   * (A volatile pointer so the stores cannot be elided.) */
  volatile unsigned char *v = (volatile unsigned char *)(h + 1);
  for (size_t i = 0; i < h->size; i++) v[i] = 0;
  free(h);
}

static void allocator_init(ProtobufCAllocator *a, budget *b, size_t limit)
{
  b->used = 0;
  b->limit = limit;
  b->exceeded = 0;
  a->alloc = budget_alloc;
  a->free = budget_free;
  a->allocator_data = b;
}

static int decode_any(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len, ProtobufCMessage **out,
                      int classify, wire_error *why)
{
  *out = NULL;
  if (why) *why = (wire_error){0};
  int rc = WIRE_ETOOBIG;
  if (len <= WIRE_MAX_FRAME) {
    budget b;
    ProtobufCAllocator a;
    allocator_init(&a, &b, WIRE_DECODE_BUDGET);
    ProtobufCMessage *m = protobuf_c_message_unpack(desc, &a, len, data);
    if (!m) {
      rc = b.exceeded ? WIRE_EBUDGET : WIRE_EDECODE;
    } else {
      walk w = {.classify = classify, .why = why};
      rc = walk_frame(&w, desc, data, len, 0);
      if (rc) protobuf_c_message_free_unpacked(m, &a);
      else *out = m;
    }
  }
  if (why) why->code = rc;
  return rc;
}

/* Freeing only needs each block's own header, not the budget it was
 * charged to, so a fresh allocator with room to repay serves. */
static void free_any(ProtobufCMessage *m)
{
  if (!m) return;
  budget b;
  ProtobufCAllocator a;
  allocator_init(&a, &b, WIRE_DECODE_BUDGET);
  b.used = (size_t)-1 / 2;
  protobuf_c_message_free_unpacked(m, &a);
}

int wire_decode_request(const uint8_t *data, size_t len, Reflect__V1__Request **out, wire_error *why)
{
  return decode_any(&reflect__v1__request__descriptor, data, len, (ProtobufCMessage **)out, 1, why);
}

void wire_free_request(Reflect__V1__Request *req)
{
  if (req) free_any(&req->base);
}

int wire_decode_reply(const uint8_t *data, size_t len, Reflect__V1__Reply **out)
{
  return decode_any(&reflect__v1__reply__descriptor, data, len, (ProtobufCMessage **)out, 0, NULL);
}

void wire_free_reply(Reflect__V1__Reply *rep)
{
  if (rep) free_any(&rep->base);
}

int wire_decode_event(const uint8_t *data, size_t len, Reflect__V1__Event **out)
{
  return decode_any(&reflect__v1__event__descriptor, data, len, (ProtobufCMessage **)out, 0, NULL);
}

void wire_free_event(Reflect__V1__Event *ev)
{
  if (ev) free_any(&ev->base);
}

int wire_encode(const ProtobufCMessage *m, uint8_t **out, size_t *out_len)
{
  size_t n = protobuf_c_message_get_packed_size(m);
  if (n > WIRE_MAX_FRAME) return WIRE_ETOOBIG;
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) return WIRE_ENOMEM;
  protobuf_c_message_pack(m, buf);
  *out = buf;
  *out_len = n;
  return WIRE_OK;
}

const char *wire_code_name(Reflect__V1__Code code)
{
  const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(&reflect__v1__code__descriptor, (int)code);
  return v ? v->name : "UNKNOWN";
}

static const char *const role_names[] = {
    [REFLECT__V1__ROLE__ROLE_ADMINISTRATOR] = "administrator", [REFLECT__V1__ROLE__ROLE_MANAGER] = "manager",
    [REFLECT__V1__ROLE__ROLE_SUPERVISOR] = "supervisor",       [REFLECT__V1__ROLE__ROLE_PRACTITIONER] = "practitioner",
    [REFLECT__V1__ROLE__ROLE_INSPECTOR] = "inspector",
};

const char *wire_role_name(Reflect__V1__Role role)
{
  if ((unsigned)role >= sizeof role_names / sizeof role_names[0]) return NULL;
  return role_names[role];
}

int wire_role_parse(const char *name, Reflect__V1__Role *out)
{
  for (unsigned i = 1; i < sizeof role_names / sizeof role_names[0]; i++) {
    if (role_names[i] && strcmp(role_names[i], name) == 0) {
      *out = (Reflect__V1__Role)i;
      return WIRE_OK;
    }
  }
  return WIRE_EDECODE;
}

const char *wire_risk_name(Reflect__V1__RiskLevel r)
{
  switch (r) {
  case REFLECT__V1__RISK_LEVEL__RISK_LOW: return "low";
  case REFLECT__V1__RISK_LEVEL__RISK_MEDIUM: return "medium";
  case REFLECT__V1__RISK_LEVEL__RISK_HIGH: return "high";
  default: return "unknown";
  }
}

const char *wire_comment_kind_name(Reflect__V1__CommentKind kind)
{
  switch (kind) {
  case REFLECT__V1__COMMENT_KIND__COMMENT_DISAGREEMENT: return "disagreement";
  case REFLECT__V1__COMMENT_KIND__COMMENT_RESOLUTION: return "resolution";
  default: return "note";
  }
}
