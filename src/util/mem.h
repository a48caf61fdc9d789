/*
 * mem.h - allocation that never returns NULL.
 *
 * xmalloc() and friends abort the process with a message when memory is
 * exhausted, as git, redis and h2o do: running out of memory is not an
 * input error we can recover from.  Hostile input is kept in check by the
 * size limits of each parser, which return GZ_ELIMIT long before this.
 */
#ifndef GZ_UTIL_MEM_H
#define GZ_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Copy of s (NUL-terminated); s may be NULL, giving NULL. */
char *xstrdup(const char *s);
/* Copy of the first n bytes of p, NUL-terminated. */
char *xstrndup(const char *p, size_t n);

/*
 * Grow an array so that it holds at least `need` elements: used as
 * ALLOC_GROW(arr, n + 1, alloc) before arr[n++] = x (git's idiom).
 */
#define ALLOC_GROW(arr, need, alloc)                                                               \
    do {                                                                                           \
        if ((size_t)(need) > (alloc)) {                                                            \
            size_t alloc_grow_n_ = (alloc) < 8 ? 8 : (alloc)*2;                                    \
            if (alloc_grow_n_ < (size_t)(need))                                                    \
                alloc_grow_n_ = (size_t)(need);                                                    \
            (arr) = xrealloc((arr), alloc_grow_n_ * sizeof(*(arr)));                               \
            (alloc) = alloc_grow_n_;                                                               \
        }                                                                                          \
    } while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
