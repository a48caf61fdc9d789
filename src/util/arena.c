#include "util/arena.h"

#include "util/mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16
/* arena_reset() keeps one block of at most this size */
#define ARENA_KEEP (64 * 1024)

struct block {
    struct block *next;
    size_t size;
    size_t used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
    struct block *head;
    size_t total;
};

struct arena *
arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

static void
free_blocks(struct block *b)
{
    while (b) {
        struct block *next = b->next;

        free(b);
        b = next;
    }
}

void
arena_free(struct arena *a)
{
    if (!a)
        return;
    free_blocks(a->head);
    free(a);
}

void
arena_reset(struct arena *a)
{
    struct block *b = a->head;
    size_t sum = 0;

    if (!b)
        return;
    a->total = 0;
    if (!b->next) {
        b->used = 0;
        return;
    }
    /* Several blocks: replace them with one that holds as much (up to
     * ARENA_KEEP), so that an arena reset for each item of a loop stops
     * allocating once it has seen the largest item. */
    for (struct block *x = b; x; x = x->next)
        sum += x->size;
    free_blocks(b);
    if (sum > ARENA_KEEP)
        sum = ARENA_BLOCK;
    b = xmalloc(sizeof(*b) + sum);
    b->size = sum;
    b->used = 0;
    b->next = NULL;
    a->head = b;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    struct block *b = a->head;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    void *p;

    if (need < n)
        need = n; /* overflow; xmalloc below will fail loudly */
    if (!b || b->size - b->used < need) {
        size_t size = need > ARENA_BLOCK / 2 ? need : ARENA_BLOCK;

        if (b && need > ARENA_BLOCK / 2) {
            /* a large object gets its own block behind the current one */
            struct block *big = xmalloc(sizeof(*big) + size);

            big->size = size;
            big->used = need;
            big->next = b->next;
            b->next = big;
            a->total += need;
            return big->data;
        }
        b = xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    p = b->data + b->used;
    b->used += need;
    a->total += need;
    return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);

    memset(p, 0, n);
    return p;
}

char *
arena_strndup(struct arena *a, const char *p, size_t n)
{
    char *s = arena_alloc(a, n + 1);

    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strndup(a, "", 0);
    s = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

size_t
arena_used(const struct arena *a)
{
    return a->total;
}
