/*
 * buf.h - the one growable byte buffer.
 *
 * Invariants (git's strbuf): b->p is never NULL and b->p[b->len] is always
 * '\0', so b->p can be used as a C string as soon as the buffer is
 * initialised, even when empty.  Bytes may include NULs; len is the truth.
 *
 * Limit (curl's dynbuf): b->max is the largest len the buffer may reach;
 * 0 means unlimited.  An append that would cross it appends nothing and
 * returns GZ_ELIMIT; the buffer stays valid and keeps what it had, and
 * b->overflow is set so a writer can append freely and check once.
 *
 * Ownership: the buffer owns b->p.  buf_release() frees it and leaves an
 * empty, reusable buffer; buf_detach() hands the bytes to the caller, who
 * frees them with free().
 *
 * Thread-safety: a buffer belongs to one thread at a time.
 */
#ifndef GZ_UTIL_BUF_H
#define GZ_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
    char *p;
    size_t len;
    size_t cap; /* 0 while p points at the shared empty string */
    size_t max; /* 0 = no limit */
    int overflow;
};

extern char buf_slop[1];
#define BUF_INIT                                                                                   \
    {                                                                                              \
        buf_slop, 0, 0, 0, 0                                                                       \
    }

/* Initialise an empty buffer that may hold at most max bytes (0: no limit). */
void buf_init(struct buf *b, size_t max);
/* Free the bytes; b is empty and reusable afterwards (max is kept). */
void buf_release(struct buf *b);
/* Give up ownership: returns a malloc'ed NUL-terminated copy holder; b is reset. */
char *buf_detach(struct buf *b, size_t *len);
/* Make room for n more bytes.  GZ_ELIMIT when len + n would exceed max. */
int buf_grow(struct buf *b, size_t n);
/* Truncate or extend (with the bytes already there) to len; len <= cap. */
void buf_setlen(struct buf *b, size_t len);
/* Empty the buffer, keeping its memory. */
void buf_reset(struct buf *b);

/* Append n bytes / a string / one byte.  0, or GZ_ELIMIT (nothing appended). */
static inline int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
static inline int buf_addc(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Remove leading and trailing ASCII whitespace in place. */
void buf_trim(struct buf *b);

/*
 * Read a whole file (path "-" is stdin) into b, appending.  GZ_ELIMIT when
 * the file is larger than b->max; GZ_EIO with a message naming the file
 * when it cannot be read.
 */
struct gz_err;
int buf_read_file(struct buf *b, const char *path, struct gz_err *err);

/* The slow paths of buf_add() and buf_addc(): growing, limits. */
int buf_add_grow(struct buf *b, const void *p, size_t n);

/* Inline: parsers append a few bytes at a time, millions of times. */
static inline int
buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n < b->cap && (!b->max || b->len + n <= b->max)) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        b->p[b->len] = '\0';
        return 0;
    }
    return buf_add_grow(b, p, n);
}

static inline int
buf_addc(struct buf *b, int c)
{
    char ch = (char)c;

    if (b->len + 1 < b->cap && (!b->max || b->len < b->max)) {
        b->p[b->len++] = ch;
        b->p[b->len] = '\0';
        return 0;
    }
    return buf_add_grow(b, &ch, 1);
}

#endif
