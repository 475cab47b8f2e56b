/*
 * rc — the status codes server modules return, and the one mapping from
 * SQLite result codes to them. A header only; no state.
 *
 * The values are the wire's gRPC-style Code numbers, so a code crosses
 * into a reply unchanged; the layers below the request context never see
 * the wire, and call.c checks at compile time that the two agree.
 */
#ifndef REFLECT_RC_H
#define REFLECT_RC_H

#include <sqlite3.h>

typedef enum {
  RC_OK = 0,
  RC_INVALID = 3,         /* INVALID_ARGUMENT */
  RC_NOT_FOUND = 5,       /* NOT_FOUND, and what the caller may not see */
  RC_EXISTS = 6,          /* ALREADY_EXISTS */
  RC_DENIED = 7,          /* PERMISSION_DENIED */
  RC_EXHAUSTED = 8,       /* RESOURCE_EXHAUSTED: a bound, a full disk, memory */
  RC_PRECONDITION = 9,    /* FAILED_PRECONDITION */
  RC_UNIMPLEMENTED = 12,  /* UNIMPLEMENTED */
  RC_INTERNAL = 13,       /* INTERNAL */
  RC_UNAVAILABLE = 14,    /* UNAVAILABLE: busy, try again */
  RC_DATA_LOSS = 15,      /* DATA_LOSS: a value that fails to open */
  RC_UNAUTHENTICATED = 16 /* UNAUTHENTICATED */
} rcode;

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
