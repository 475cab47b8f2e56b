#include "wire.h"

#include <stdlib.h>
#include <string.h>

int wire_check_utf8(const char *s, size_t max_bytes)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t n = 0;
  if (!s) return WIRE_EUTF8;
  while (*p) {
    unsigned c = *p;
    size_t need;
    unsigned cp;
    if (++n > max_bytes) return WIRE_EUTF8;
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return WIRE_EUTF8;
      if (c == 0x7f) return WIRE_EUTF8;
      p++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; }
    else return WIRE_EUTF8;
    p++;
    for (size_t i = 0; i < need; i++, p++) {
      if ((*p & 0xc0) != 0x80) return WIRE_EUTF8;
      cp = (cp << 6) | (*p & 0x3f);
      if (++n > max_bytes) return WIRE_EUTF8;
    }
    /* Reject overlong forms, UTF-16 surrogates and code points past U+10FFFF. */
    if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)) return WIRE_EUTF8;
    if (cp >= 0xd800 && cp <= 0xdfff) return WIRE_EUTF8;
    if (cp > 0x10ffff) return WIRE_EUTF8;
  }
  return WIRE_OK;
}

static int field_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
  const char *base = (const char *)m;
  if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
    uint32_t which;
    memcpy(&which, base + f->quantifier_offset, sizeof which);
    return which == f->id;
  }
  return 1;
}

static int check_message(const ProtobufCMessage *m, int depth, const char **bad)
{
  if (depth > WIRE_MAX_DEPTH) return WIRE_EDECODE;
  const ProtobufCMessageDescriptor *d = m->descriptor;
  const char *base = (const char *)m;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    if (f->type != PROTOBUF_C_TYPE_STRING && f->type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if (!field_present(m, f)) continue;
    size_t count = 1;
    const void *const *items;
    const void *single;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      memcpy(&count, base + f->quantifier_offset, sizeof count);
      memcpy(&items, base + f->offset, sizeof items);
    } else {
      memcpy(&single, base + f->offset, sizeof single);
      items = &single;
    }
    for (size_t k = 0; k < count; k++) {
      const void *v = items[k];
      if (!v) continue;
      int rc = f->type == PROTOBUF_C_TYPE_STRING
                   ? wire_check_utf8(v, WIRE_MAX_FRAME)
                   : check_message(v, depth + 1, bad);
      if (rc) {
        if (bad && !*bad) *bad = f->name;
        return rc;
      }
    }
  }
  return WIRE_OK;
}

int wire_check_strings(const ProtobufCMessage *m, const char **bad_field)
{
  if (bad_field) *bad_field = NULL;
  return check_message(m, 0, bad_field);
}

/* Each block carries its size in front so the budget can be repaid on free. */
typedef struct {
  size_t used;
  size_t limit;
  int exceeded;
} budget;

typedef union { size_t size; max_align_t align; } block_header;

static void *budget_alloc(void *data, size_t size)
{
  budget *b = data;
  if (size > b->limit - b->used) { b->exceeded = 1; return NULL; }
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

static int decode_any(const ProtobufCMessageDescriptor *desc, const uint8_t *data, size_t len,
                      ProtobufCMessage **out)
{
  *out = NULL;
  if (len > WIRE_MAX_FRAME) return WIRE_ETOOBIG;
  budget b;
  ProtobufCAllocator a;
  allocator_init(&a, &b, WIRE_DECODE_BUDGET);
  ProtobufCMessage *m = protobuf_c_message_unpack(desc, &a, len, data);
  if (!m) return b.exceeded ? WIRE_EBUDGET : WIRE_EDECODE;
  int rc = wire_check_strings(m, NULL);
  if (rc) {
    protobuf_c_message_free_unpacked(m, &a);
    return rc;
  }
  *out = m;
  return WIRE_OK;
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

int wire_decode_request(const uint8_t *data, size_t len, Reflect__V1__Request **out)
{
  return decode_any(&reflect__v1__request__descriptor, data, len, (ProtobufCMessage **)out);
}

void wire_free_request(Reflect__V1__Request *req) { if (req) free_any(&req->base); }

int wire_decode_reply(const uint8_t *data, size_t len, Reflect__V1__Reply **out)
{
  return decode_any(&reflect__v1__reply__descriptor, data, len, (ProtobufCMessage **)out);
}

void wire_free_reply(Reflect__V1__Reply *rep) { if (rep) free_any(&rep->base); }

int wire_decode_event(const uint8_t *data, size_t len, Reflect__V1__Event **out)
{
  return decode_any(&reflect__v1__event__descriptor, data, len, (ProtobufCMessage **)out);
}

void wire_free_event(Reflect__V1__Event *ev) { if (ev) free_any(&ev->base); }

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
  const ProtobufCEnumValue *v =
      protobuf_c_enum_descriptor_get_value(&reflect__v1__code__descriptor, (int)code);
  return v ? v->name : "UNKNOWN";
}

static const char *const role_names[] = {
    [REFLECT__V1__ROLE__ROLE_ADMINISTRATOR] = "administrator",
    [REFLECT__V1__ROLE__ROLE_MANAGER] = "manager",
    [REFLECT__V1__ROLE__ROLE_SUPERVISOR] = "supervisor",
    [REFLECT__V1__ROLE__ROLE_PRACTITIONER] = "practitioner",
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
