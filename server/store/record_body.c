#include "record_body.h"

#include <string.h>

/* Each put_* only counts when out is NULL. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };
enum { F_KIND = 1, F_TEXT = 2, F_MEMBER = 9, F_WITHHELD = 10, F_CASE_ID = 11, F_KPI = 12, F_DESTROYED = 14 };

static size_t put_varint(uint8_t *out, uint64_t v)
{
  size_t n = 0;
  do {
    uint8_t b = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (out) out[n] = (uint8_t)(b | (v ? 0x80 : 0));
    n++;
  } while (v);
  return n;
}

static size_t put_tag(uint8_t *out, int field, int wire_type)
{
  return put_varint(out, (uint64_t)field << 3 | (uint64_t)wire_type);
}

static size_t put_len(uint8_t *out, int field, size_t len)
{
  size_t n = put_tag(out, field, WT_LEN);
  return n + put_varint(out ? out + n : NULL, len);
}

static size_t put_string(uint8_t *out, int field, const char *s)
{
  if (!s || !*s) return 0;
  size_t len = strlen(s), n = put_len(out, field, len);
  if (out) memcpy(out + n, s, len);
  return n + len;
}

/* The strings of fields 2 (text) to 9 (member), in field order. */
static const char **section_string(record_section *sec, int field)
{
  const char **strings[] = {&sec->text, &sec->case_reference, &sec->situation, &sec->analysis,
                            &sec->risk, &sec->decision,       &sec->rationale, &sec->member};
  return strings[field - F_TEXT];
}

static const char *section_string_of(const record_section *sec, int field)
{
  const char *const strings[] = {sec->text, sec->case_reference, sec->situation, sec->analysis,
                                 sec->risk, sec->decision,       sec->rationale, sec->member};
  return strings[field - F_TEXT];
}

static size_t put_section(uint8_t *out, const record_section *s)
{
  size_t n = 0;
  /* An enum is an int32: a negative one takes ten bytes, as protobuf-c writes it. */
  if (s->kind) {
    n += put_tag(out, F_KIND, WT_VARINT);
    n += put_varint(out ? out + n : NULL, (uint64_t)(int64_t)s->kind);
  }
  for (int f = F_TEXT; f <= F_MEMBER; f++) n += put_string(out ? out + n : NULL, f, section_string_of(s, f));
  if (s->withheld) {
    n += put_tag(out ? out + n : NULL, F_WITHHELD, WT_VARINT);
    n += put_varint(out ? out + n : NULL, 1);
  }
  if (s->case_id) {
    n += put_tag(out ? out + n : NULL, F_CASE_ID, WT_VARINT);
    n += put_varint(out ? out + n : NULL, s->case_id);
  }
  if (s->n_kpi_measurements) {
    size_t len = 0;
    for (size_t i = 0; i < s->n_kpi_measurements; i++) len += put_varint(NULL, s->kpi_measurements[i]);
    n += put_len(out ? out + n : NULL, F_KPI, len);
    for (size_t i = 0; i < s->n_kpi_measurements; i++) n += put_varint(out ? out + n : NULL, s->kpi_measurements[i]);
  }
  if (s->destroyed) {
    n += put_tag(out ? out + n : NULL, F_DESTROYED, WT_VARINT);
    n += put_varint(out ? out + n : NULL, 1);
  }
  return n;
}

static size_t put_record(uint8_t *out, const record_section *sections, size_t n_sections)
{
  size_t n = 0;
  for (size_t i = 0; i < n_sections; i++) {
    size_t len = put_section(NULL, &sections[i]);
    n += put_len(out ? out + n : NULL, 1, len);
    n += put_section(out ? out + n : NULL, &sections[i]);
  }
  return n;
}

typedef struct {
  const uint8_t *p, *end;
} reader;

static int get_varint(reader *r, uint64_t *v)
{
  uint64_t x = 0;
  for (int i = 0; i < 10 && r->p < r->end; i++) {
    uint8_t b = *r->p++;
    x |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      *v = x;
      return 0;
    }
  }
  return -1;
}

static int get_bytes(reader *r, reader *inner)
{
  uint64_t len;
  if (get_varint(r, &len) || len > (uint64_t)(r->end - r->p)) return -1;
  *inner = (reader){r->p, r->p + len};
  r->p += len;
  return 0;
}

/* Steps over a field this reader does not keep (protobuf-c kept unknown
 * ones; none is ever written). */
static int skip_field(reader *r, int wire_type)
{
  uint64_t v;
  reader inner;
  size_t fixed = wire_type == WT_I64 ? 8 : 4;
  switch (wire_type) {
  case WT_VARINT: return get_varint(r, &v);
  case WT_LEN: return get_bytes(r, &inner);
  case WT_I64:
  case WT_I32:
    if ((size_t)(r->end - r->p) < fixed) return -1;
    r->p += fixed;
    return 0;
  default: return -1;
  }
}

/* The measurement ids of one field, packed or not, after those read so far. */
static rcode get_kpi(arena *a, reader *r, int wire_type, record_section *sec)
{
  reader in = *r;
  size_t more = 0;
  uint64_t v;
  if (wire_type == WT_LEN) {
    if (get_bytes(r, &in)) return RC_DATA_LOSS;
    for (reader count = in; count.p < count.end; more++)
      if (get_varint(&count, &v)) return RC_DATA_LOSS;
  } else if (wire_type == WT_VARINT) {
    if (get_varint(r, &v)) return RC_DATA_LOSS;
    more = 1;
  } else {
    return RC_DATA_LOSS;
  }
  uint64_t *ids = arena_alloc(a, sizeof *ids * (sec->n_kpi_measurements + more + 1));
  if (!ids) return RC_EXHAUSTED;
  if (sec->n_kpi_measurements) memcpy(ids, sec->kpi_measurements, sizeof *ids * sec->n_kpi_measurements);
  for (size_t i = 0; i < more; i++)
    if (get_varint(&in, &ids[sec->n_kpi_measurements + i])) return RC_DATA_LOSS;
  sec->kpi_measurements = ids;
  sec->n_kpi_measurements += more;
  return RC_OK;
}

static rcode get_section(arena *a, reader r, record_section *sec)
{
  *sec = (record_section){.kind = 0};
  for (int f = F_TEXT; f <= F_MEMBER; f++) *section_string(sec, f) = "";
  while (r.p < r.end) {
    uint64_t tag, v;
    if (get_varint(&r, &tag) || tag >> 3 == 0 || tag >> 3 > INT32_MAX) return RC_DATA_LOSS;
    int field = (int)(tag >> 3), wire_type = (int)(tag & 7);
    if (field == F_KPI) {
      int rc = get_kpi(a, &r, wire_type, sec);
      if (rc) return rc;
      continue;
    }
    int known = field == F_KIND || (field >= F_TEXT && field <= F_MEMBER) || field == F_WITHHELD ||
                field == F_CASE_ID || field == F_DESTROYED;
    if (!known) {
      if (skip_field(&r, wire_type)) return RC_DATA_LOSS;
      continue;
    }
    if (field >= F_TEXT && field <= F_MEMBER) {
      reader in;
      if (wire_type != WT_LEN || get_bytes(&r, &in)) return RC_DATA_LOSS;
      const char *str = arena_strndup(a, (const char *)in.p, (size_t)(in.end - in.p));
      if (!str) return RC_EXHAUSTED;
      *section_string(sec, field) = str;
      continue;
    }
    if (wire_type != WT_VARINT || get_varint(&r, &v)) return RC_DATA_LOSS;
    if (field == F_KIND) sec->kind = (int)(int32_t)(uint32_t)v;
    else if (field == F_WITHHELD) sec->withheld = v != 0;
    else if (field == F_CASE_ID) sec->case_id = v;
    else sec->destroyed = v != 0;
  }
  return RC_OK;
}

static rcode get_record(arena *a, reader r, record_section **out, size_t *n)
{
  size_t count = 0;
  for (reader scan = r; scan.p < scan.end;) {
    uint64_t tag;
    reader in;
    if (get_varint(&scan, &tag) || tag >> 3 == 0) return RC_DATA_LOSS;
    if (tag >> 3 != 1) {
      if (skip_field(&scan, (int)(tag & 7))) return RC_DATA_LOSS;
      continue;
    }
    if ((tag & 7) != WT_LEN || get_bytes(&scan, &in)) return RC_DATA_LOSS;
    count++;
  }
  record_section *v = arena_alloc(a, sizeof *v * (count ? count : 1));
  if (!v) return RC_EXHAUSTED;
  size_t k = 0;
  while (r.p < r.end) {
    uint64_t tag;
    reader in;
    if (get_varint(&r, &tag)) return RC_DATA_LOSS;
    if (tag >> 3 != 1) {
      if (skip_field(&r, (int)(tag & 7))) return RC_DATA_LOSS;
      continue;
    }
    if (get_bytes(&r, &in)) return RC_DATA_LOSS;
    int rc = get_section(a, in, &v[k++]);
    if (rc) return rc;
  }
  *out = v;
  *n = k;
  return RC_OK;
}

rcode record_body_pack(arena *a, const record_section *sections, size_t n, uint8_t **out, size_t *len)
{
  size_t size = put_record(NULL, sections, n);
  uint8_t *buf = arena_alloc(a, size + 1);
  if (!buf) return RC_EXHAUSTED;
  put_record(buf, sections, n);
  *out = buf;
  *len = size;
  return RC_OK;
}

rcode record_body_unpack(arena *a, const uint8_t *body, size_t len, record_section **out, size_t *n)
{
  return get_record(a, (reader){body, body + len}, out, n);
}
