/*
 * rc — the status codes server modules return: the wire's gRPC-style Code,
 * under short names, and the one mapping from SQLite result codes to it.
 * A header only; no state.
 */
#ifndef REFLECT_RC_H
#define REFLECT_RC_H

#include <sqlite3.h>

#include "reflect.pb-c.h"

typedef Reflect__V1__Code rcode;
#define RC_OK REFLECT__V1__CODE__OK
#define RC_INVALID REFLECT__V1__CODE__INVALID_ARGUMENT
#define RC_NOT_FOUND REFLECT__V1__CODE__NOT_FOUND
#define RC_EXISTS REFLECT__V1__CODE__ALREADY_EXISTS
#define RC_DENIED REFLECT__V1__CODE__PERMISSION_DENIED
#define RC_EXHAUSTED REFLECT__V1__CODE__RESOURCE_EXHAUSTED
#define RC_PRECONDITION REFLECT__V1__CODE__FAILED_PRECONDITION
#define RC_UNIMPLEMENTED REFLECT__V1__CODE__UNIMPLEMENTED
#define RC_INTERNAL REFLECT__V1__CODE__INTERNAL
#define RC_UNAVAILABLE REFLECT__V1__CODE__UNAVAILABLE
#define RC_DATA_LOSS REFLECT__V1__CODE__DATA_LOSS
#define RC_UNAUTHENTICATED REFLECT__V1__CODE__UNAUTHENTICATED

/* RC_MUST_CHECK goes after the parameter list of a function returning an
 * rcode whose failure the caller must not ignore: one that fills an
 * out-parameter the caller then reads, writes to the database, seals or
 * opens a value, or appends to the audit log (as libsodium marks its
 * decrypt functions). A caller that truly has nothing to do on failure
 * says why beside the call; the compiler then holds everyone else to it.
 * Not for pure mappings such as rc_from_sqlite, nor for functions that
 * return SQLite codes, -1/0, counts or booleans. */
#define RC_MUST_CHECK __attribute__((warn_unused_result))

/* A full disk is the caller's to report as such; anything else unexpected
 * from SQLite is an internal error. */
static inline rcode rc_from_sqlite(int sqlite_rc)
{
  switch (sqlite_rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_DONE:
  case SQLITE_ROW: return RC_OK;
  case SQLITE_FULL: return RC_EXHAUSTED;
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return RC_UNAVAILABLE;
  default: return RC_INTERNAL;
  }
}

#endif
