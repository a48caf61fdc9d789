#include "util/buf.h"

#include "util/err.h"
#include "util/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char buf_slop[1];

void
buf_init(struct buf *b, size_t max)
{
    b->p = buf_slop;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->overflow = 0;
}

void
buf_release(struct buf *b)
{
    size_t max = b->max;

    if (b->cap)
        free(b->p);
    buf_init(b, max);
}

char *
buf_detach(struct buf *b, size_t *len)
{
    char *p;

    if (len)
        *len = b->len;
    if (b->cap)
        p = b->p;
    else
        p = xstrndup("", 0);
    buf_init(b, b->max);
    return p;
}

int
buf_grow(struct buf *b, size_t n)
{
    size_t need;

    if (n > SIZE_MAX - b->len - 1 || (b->max && b->len + n > b->max)) {
        b->overflow = 1;
        return GZ_ELIMIT;
    }
    need = b->len + n + 1;
    if (need <= b->cap)
        return 0;
    if (!b->cap) {
        size_t cap = need < 64 ? 64 : need;

        b->p = xmalloc(cap);
        b->p[0] = '\0';
        b->cap = cap;
        return 0;
    }
    {
        size_t cap = b->cap * 2;

        if (cap < need)
            cap = need;
        b->p = xrealloc(b->p, cap);
        b->cap = cap;
    }
    return 0;
}

void
buf_setlen(struct buf *b, size_t len)
{
    if (!b->cap)
        return; /* only len 0 possible */
    if (len >= b->cap)
        len = b->cap - 1;
    b->len = len;
    b->p[len] = '\0';
}

void
buf_reset(struct buf *b)
{
    buf_setlen(b, 0);
    b->overflow = 0;
}

int
buf_add_grow(struct buf *b, const void *p, size_t n)
{
    int rc;

    if (!n)
        return 0;
    rc = buf_grow(b, n);
    if (rc)
        return rc;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;
    int rc;

    va_copy(cp, ap);
    n = vsnprintf(b->p + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return GZ_EINVAL;
    if (b->cap && (size_t)n < b->cap - b->len) {
        if (b->max && b->len + (size_t)n > b->max) {
            b->p[b->len] = '\0';
            b->overflow = 1;
            return GZ_ELIMIT;
        }
        b->len += (size_t)n;
        return 0;
    }
    rc = buf_grow(b, (size_t)n);
    if (rc) {
        if (b->cap)
            b->p[b->len] = '\0';
        return rc;
    }
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

static int
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void
buf_trim(struct buf *b)
{
    size_t start = 0;
    size_t end = b->len;

    while (start < end && is_space(b->p[start]))
        start++;
    while (end > start && is_space(b->p[end - 1]))
        end--;
    if (start)
        memmove(b->p, b->p + start, end - start);
    buf_setlen(b, end - start);
}

int
buf_read_file(struct buf *b, const char *path, struct gz_err *err)
{
    FILE *f;
    char chunk[65536];
    size_t n;
    int rc = 0;

    if (!strcmp(path, "-"))
        f = stdin;
    else
        f = fopen(path, "rb");
    if (!f)
        return gz_errf(err, GZ_EIO, "cannot open '%s': %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        rc = buf_add(b, chunk, n);
        if (rc) {
            gz_errf(err, rc, "'%s' is larger than the limit of %zu bytes", path, b->max);
            break;
        }
    }
    if (!rc && ferror(f))
        rc = gz_errf(err, GZ_EIO, "cannot read '%s': %s", path, strerror(errno));
    if (f != stdin)
        fclose(f);
    return rc;
}
