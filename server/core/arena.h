/*
 * arena — per-request bump allocator for building a Reply.
 *
 * Contract: everything a handler hangs off the Reply (sub-messages, strings,
 * arrays) comes from the request's arena, so one arena_reset after the
 * reply is packed frees it all. Memory is wiped on reset because replies
 * carry decrypted record content. arena_alloc returns zeroed memory aligned
 * for any type, or NULL when the per-request cap (ARENA_MAX) is reached.
 */
#ifndef REFLECT_ARENA_H
#define REFLECT_ARENA_H

#include <stddef.h>

#define ARENA_MAX (16u * 1024 * 1024)

typedef struct arena_chunk arena_chunk;
typedef struct {
  arena_chunk *head;
  size_t total;
} arena;

void *arena_alloc(arena *a, size_t size);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees and wipes every chunk; the arena can be used again. */
void arena_reset(arena *a);

#endif
