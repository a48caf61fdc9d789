/*
 * arena.h - a region allocator for work with one lifetime.
 *
 * One arena per HTTP request, per ingest batch, per CLI run: everything
 * allocated from it is freed at once by arena_free().  Objects are never
 * freed one by one.  Allocation never fails (xmalloc underneath).
 *
 * Thread-safety: an arena belongs to one thread at a time.
 */
#ifndef GZ_UTIL_ARENA_H
#define GZ_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/* A new, empty arena; free it with arena_free(). */
struct arena *arena_new(void);
/* Free the arena and everything allocated from it.  NULL is a no-op. */
void arena_free(struct arena *a);
/*
 * Free everything allocated so far but keep one block for reuse: as large
 * as all the blocks were together, up to 64 KB, so that an arena reset
 * per item of a loop stops calling malloc() after the largest item.
 */
void arena_reset(struct arena *a);

/* n bytes aligned for any type; contents undefined. */
void *arena_alloc(struct arena *a, size_t n);
/* n zeroed bytes. */
void *arena_zalloc(struct arena *a, size_t n);
/* Copies owned by the arena; NULL in gives NULL out. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *p, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#define ARENA_NEW(a, type) ((type *)arena_zalloc((a), sizeof(type)))
#define ARENA_NEWN(a, type, n) ((type *)arena_zalloc((a), sizeof(type) * (n)))

#endif
