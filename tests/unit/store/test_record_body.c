/* record_body: the store's own writer and reader of StoredRecord agree
 * with protobuf-c, byte for byte, on every kind of section; a body
 * protobuf-c wrote reads back whole; a field the reader does not keep is
 * stepped over; and no byte string, however malformed, makes it read out
 * of bounds (run under ASan) or return anything but OK or DATA_LOSS. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "record_body.h"
#include "reflect.pb-c.h"

static arena a;

static void teardown(void)
{
  arena_reset(&a);
}

TestSuite(record_body, .fini = teardown);

/* What protobuf-c packs for the same sections. */
static uint8_t *protobuf_c_pack(const record_section *s, size_t n, size_t *len)
{
  Reflect__V1__RecordSection m[8], *ptrs[8];
  for (size_t i = 0; i < n; i++) {
    reflect__v1__record_section__init(&m[i]);
    m[i].kind = (Reflect__V1__SectionKind)s[i].kind;
    m[i].text = (char *)s[i].text;
    m[i].case_reference = (char *)s[i].case_reference;
    m[i].situation = (char *)s[i].situation;
    m[i].analysis = (char *)s[i].analysis;
    m[i].risk = (char *)s[i].risk;
    m[i].decision = (char *)s[i].decision;
    m[i].rationale = (char *)s[i].rationale;
    m[i].member = (char *)s[i].member;
    m[i].withheld = s[i].withheld;
    m[i].case_id = s[i].case_id;
    m[i].kpi_measurements = (uint64_t *)s[i].kpi_measurements;
    m[i].n_kpi_measurements = s[i].n_kpi_measurements;
    m[i].destroyed = s[i].destroyed;
    ptrs[i] = &m[i];
  }
  Reflect__V1__StoredRecord r = REFLECT__V1__STORED_RECORD__INIT;
  r.sections = ptrs;
  r.n_sections = n;
  *len = reflect__v1__stored_record__get_packed_size(&r);
  uint8_t *buf = malloc(*len + 1);
  reflect__v1__stored_record__pack(&r, buf);
  return buf;
}

static const uint64_t kpis[] = {1, 127, 128, 300, 1ull << 40, UINT64_MAX};

static record_section sample[] = {
    {.kind = 1,
     .text = "coping, just",
     .case_reference = "",
     .situation = "",
     .analysis = "",
     .risk = "",
     .decision = "",
     .rationale = "",
     .member = ""},
    {.kind = 2,
     .text = "",
     .case_reference = "CH-1",
     .situation = "s\nline two",
     .analysis = "",
     .risk = "r",
     .decision = "d",
     .rationale = "why ✓",
     .member = "",
     .case_id = 99,
     .withheld = 1,
     .destroyed = 1},
    {.kind = 4,
     .text = "figures",
     .case_reference = "",
     .situation = "",
     .analysis = "",
     .risk = "",
     .decision = "",
     .rationale = "",
     .member = "",
     .kpi_measurements = kpis,
     .n_kpi_measurements = 6},
    {.kind = 7,
     .text = "mine",
     .case_reference = "",
     .situation = "",
     .analysis = "",
     .risk = "",
     .decision = "",
     .rationale = "",
     .member = "pat"},
    {.kind = 0,
     .text = "",
     .case_reference = "",
     .situation = "",
     .analysis = "",
     .risk = "",
     .decision = "",
     .rationale = "",
     .member = ""},
};
#define N_SAMPLE (sizeof sample / sizeof sample[0])

Test(record_body, packs_as_protobuf_c_packs_byte_for_byte)
{
  for (size_t n = 0; n <= N_SAMPLE; n++) {
    size_t want_len, len;
    uint8_t *want = protobuf_c_pack(sample, n, &want_len);
    uint8_t *got;
    cr_assert_eq(record_body_pack(&a, sample, n, &got, &len), RC_OK);
    cr_assert_eq(len, want_len, "%zu sections: %zu bytes, protobuf-c %zu", n, len, want_len);
    cr_assert_eq(memcmp(got, want, len), 0, "%zu sections", n);
    free(want);
  }
}

Test(record_body, reads_back_what_protobuf_c_wrote)
{
  size_t len;
  uint8_t *buf = protobuf_c_pack(sample, N_SAMPLE, &len);
  record_section *v;
  size_t n;
  cr_assert_eq(record_body_unpack(&a, buf, len, &v, &n), RC_OK);
  cr_assert_eq(n, N_SAMPLE);
  cr_assert_str_eq(v[0].text, "coping, just");
  cr_assert_str_eq(v[1].situation, "s\nline two");
  cr_assert_str_eq(v[1].rationale, "why ✓");
  cr_assert_eq(v[1].case_id, 99);
  cr_assert(v[1].withheld && v[1].destroyed);
  cr_assert_eq(v[2].n_kpi_measurements, 6);
  for (size_t i = 0; i < 6; i++) cr_assert_eq(v[2].kpi_measurements[i], kpis[i]);
  cr_assert_str_eq(v[3].member, "pat");
  cr_assert_eq(v[4].kind, 0);
  cr_assert_str_eq(v[4].text, "", "an absent string reads as empty, not NULL");
  free(buf);
}

Test(record_body, steps_over_fields_it_does_not_keep)
{
  /* Section 1: kind 6, an unknown varint field 20, an unknown string field
   * 21, a fixed64 field 22, a fixed32 field 23, then text "x". */
  static const uint8_t body[] = {0x0a, 22, 0x08, 0x06, 0xa0, 0x01, 0x05, 0xaa, 0x01, 0x02, 'h', 'i', 0xb1, 0x01, 1,  2,
                                 3,    4,  5,    6,    7,    8,    0xbd, 0x01, 1,    2,    3,   4,   0x12, 0x01, 'x'};
  record_section *v;
  size_t n;
  /* The outer length above is 22 but the section holds 29 bytes: fix it. */
  uint8_t copy[sizeof body];
  memcpy(copy, body, sizeof body);
  copy[1] = (uint8_t)(sizeof body - 2);
  cr_assert_eq(record_body_unpack(&a, copy, sizeof copy, &v, &n), RC_OK);
  cr_assert_eq(n, 1);
  cr_assert_eq(v[0].kind, 6);
  cr_assert_str_eq(v[0].text, "x");
}

Test(record_body, malformed_bodies_are_data_loss_never_an_overread)
{
  static const uint8_t cut_varint[] = {0x0a, 0x02, 0x08, 0x80};
  static const uint8_t long_len[] = {0x0a, 0x7f, 0x08};
  static const uint8_t bad_wire_type[] = {0x0a, 0x02, 0x0f, 0x00};
  static const uint8_t field_zero[] = {0x0a, 0x02, 0x00, 0x00};
  static const uint8_t string_as_varint[] = {0x0a, 0x02, 0x10, 0x01};
  const struct {
    const uint8_t *p;
    size_t n;
  } bad[] = {{cut_varint, sizeof cut_varint},
             {long_len, sizeof long_len},
             {bad_wire_type, sizeof bad_wire_type},
             {field_zero, sizeof field_zero},
             {string_as_varint, sizeof string_as_varint}};
  record_section *v;
  size_t n;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    /* Copied to the heap at its exact size, so ASan sees a byte too far. */
    uint8_t *b = malloc(bad[i].n);
    memcpy(b, bad[i].p, bad[i].n);
    cr_assert_eq(record_body_unpack(&a, b, bad[i].n, &v, &n), RC_DATA_LOSS, "case %zu", i);
    free(b);
  }
  /* And random bytes, and every cut of a real body. */
  srand(7);
  for (int round = 0; round < 20000; round++) {
    size_t len = (size_t)(rand() % 64);
    uint8_t *b = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++) b[i] = (uint8_t)rand();
    rcode rc = record_body_unpack(&a, b, len, &v, &n);
    cr_assert(rc == RC_OK || rc == RC_DATA_LOSS || rc == RC_EXHAUSTED, "round %d: %d", round, rc);
    free(b);
    if (round % 1000 == 0) arena_reset(&a);
  }
  size_t len;
  uint8_t *whole = protobuf_c_pack(sample, N_SAMPLE, &len);
  for (size_t cut = 0; cut < len; cut++) {
    uint8_t *b = malloc(cut ? cut : 1);
    memcpy(b, whole, cut);
    rcode rc = record_body_unpack(&a, b, cut, &v, &n);
    cr_assert(rc == RC_OK || rc == RC_DATA_LOSS, "cut at %zu: %d", cut, rc);
    free(b);
  }
  free(whole);
}
