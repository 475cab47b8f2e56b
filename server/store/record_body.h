/*
 * record_body — the binary form a record revision's sections are sealed
 * in: a StoredRecord in the protocol buffers encoding (reflect.proto),
 * which is what every revision on disk holds, whoever wrote it.
 *
 * Contract:
 *  - record_body_pack writes sections as protobuf-c wrote them (fields in
 *    number order, empty ones left out, measurement ids packed), so a body
 *    written before the store stopped using protobuf-c and one written
 *    after read the same (tests/unit/store/test_record_body.c checks the
 *    bytes against protobuf-c's). Only fields 1-12 and 14 exist at rest.
 *  - record_body_unpack reads one back: sections, strings and ids in the
 *    arena; a field it does not keep is skipped; anything malformed is
 *    RC_DATA_LOSS (a body is only read after it has been opened, so a
 *    malformed one means a bug, not an attacker).
 *  - It is the store's own format, kept here so the store needs nothing of
 *    the wire: reflect.proto's StoredRecord documents it, and changing it
 *    means changing both.
 */
#ifndef REFLECT_RECORD_BODY_H
#define REFLECT_RECORD_BODY_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "rc.h"
#include "store_records.h"

rcode record_body_pack(arena *a, const record_section *sections, size_t n, uint8_t **out, size_t *len) RC_MUST_CHECK;
rcode record_body_unpack(arena *a, const uint8_t *body, size_t len, record_section **out, size_t *n) RC_MUST_CHECK;

#endif
