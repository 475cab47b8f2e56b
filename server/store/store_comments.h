/*
 * store_comments — what the parties say about a record after it is
 * written: notes, a recorded disagreement, and how it was resolved. The
 * text is sealed under the session's data key; comments are append-only,
 * so a disagreement is recorded, never erased.
 *
 * Bounds (docs/architecture.md#d9-traps: whatever one user can add without bound will be):
 * store_comments_room says whether one more comment of a kind fits them.
 * The numbers are far above what a real team writes on one record (a
 * handful of comments) or in a day, and low enough that the worst case
 * stays small: one person adds at most COMMENTS_PER_PERSON_DAY comments of
 * COMMENT_TEXT_MAX bytes in 24 hours (800 KiB), and the disagreements and
 * resolutions of one record (at most 2 x COMMENT_DISAGREEMENTS_PER_RECORD,
 * 525 KiB) fit in one reply beside a record at its text limit
 * (RECORD_BODY_MAX). Per-person bounds mean no party can use up another's
 * room; the record-wide bound on disagreements takes seven people to
 * reach.
 *
 * Reading: store_comments_page returns one page: every disagreement and
 * resolution (from the oldest, as many as fit the page's key budget, which
 * under these bounds is all of them), then notes after a cursor, oldest
 * first, up to a count and a byte budget, so the reply that carries them
 * stays under the frame. A disagreement that did not fit (possible only
 * for a record written before the bounds, or one whose citations fill
 * much of the frame) comes later in the stream of notes instead: every
 * comment is reachable by paging, and no read fails for their number. `through` limits a page to the
 * comments every party signed (store_signoffs_comments_signed).
 *
 * Kinds are comment_kind: the numbers are the wire's CommentKind, which
 * is what the column has always held (ops_records.c checks that they
 * agree).
 *
 * Contract: writers run in the caller's write transaction; a page (its
 * items and their strings) is allocated from the store_ctx's arena.
 * Functions return 0 or a Reflect Code.
 */
#ifndef REFLECT_STORE_COMMENTS_H
#define REFLECT_STORE_COMMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store_sessions.h"

#define COMMENT_TEXT_MAX 8192
#define COMMENT_NOTES_PER_PERSON 50        /* on one record */
#define COMMENT_DISAGREEMENTS_PER_PERSON 5 /* on one record */
#define COMMENT_DISAGREEMENTS_PER_RECORD 32
#define COMMENTS_PER_PERSON_DAY 100 /* of any kind, in any 24 hours */
#define COMMENTS_DAY_SECONDS 86400
#define COMMENTS_PAGE_DEFAULT 50
#define COMMENTS_PAGE_MAX 200
/* The most one comment can add to a reply (text, author, the rest). */
#define COMMENT_WIRE_MAX (COMMENT_TEXT_MAX + USERNAME_MAX + 128)

typedef enum {
  COMMENT_NOTE = 1,
  COMMENT_DISAGREEMENT = 2, /* a party disagrees with the record */
  COMMENT_RESOLUTION = 3,   /* how a disagreement was resolved */
} comment_kind;

typedef enum {
  COMMENT_ROOM = 0,
  COMMENT_FULL_DAY,           /* the author's COMMENTS_PER_PERSON_DAY */
  COMMENT_FULL_NOTES,         /* the author's notes on this record */
  COMMENT_FULL_DISAGREEMENTS, /* the author's disagreements on this record */
  COMMENT_FULL_RECORD,        /* the record's disagreements */
  COMMENT_RESOLVED,           /* that disagreement already has its resolution */
} comment_room;

/* kind is a comment_kind. */
rcode store_comments_add(store_ctx *c, const session_row *s, uint32_t revision, int kind, int64_t resolves,
                         const char *text, int64_t *id) RC_MUST_CHECK;
/* The kind of comment id on session_id, or RC_NOT_FOUND. */
rcode store_comments_kind(db *d, int64_t id, int64_t session_id, int *kind) RC_MUST_CHECK;
/* Whether c's user may add one more comment of `kind` (resolving
 * `resolves`) to session s now; for COMMENT_RESOLVED, *resolution is the
 * resolution already recorded. */
rcode store_comments_room(store_ctx *c, const session_row *s, int kind, int64_t resolves, comment_room *room,
                          int64_t *resolution) RC_MUST_CHECK;

typedef struct {
  uint64_t after;  /* notes after this comment id; 0 from the first */
  uint32_t limit;  /* notes at most, 1..COMMENTS_PAGE_MAX */
  size_t budget;   /* encoded bytes the page's comments may take; at least 2 x COMMENT_WIRE_MAX */
  int64_t through; /* only comments with an id up to this (INT64_MAX: all) */
} comments_query;

typedef struct {
  int64_t id;
  uint32_t revision;  /* the revision it was made on */
  const char *author; /* username */
  int64_t at;
  int kind; /* comment_kind */
  const char *text;
  int64_t resolves; /* a resolution's disagreement; else 0 */
} comment_item;

typedef struct {
  comment_item *v; /* by id */
  size_t n;
  uint64_t next;        /* 0, or the cursor for the next page */
  uint32_t notes_total; /* notes up to `through` */
  uint32_t hidden;      /* comments after `through` */
} comments_page;

rcode store_comments_page(store_ctx *c, const session_row *s, const comments_query *q,
                          comments_page *out) RC_MUST_CHECK;

#endif
