/*
 * form.h - what a browser sends besides the path: form bodies, query
 * strings and cookies, parsed by small pure functions.
 *
 * form_parse() reads application/x-www-form-urlencoded text, which is both
 * a POST body and a URL query string: fields split on '&', a field's name
 * and value split on its first '=' (no '=': the value is empty), '+' is a
 * space and %XX a byte.  A '%' that is not followed by two hex digits stays
 * a literal '%', as browsers treat it.  Every decoded name and value must
 * be valid UTF-8 and hold no NUL byte, so handlers receive ordinary C
 * strings; anything else fails the whole form with GZ_EPARSE.  Empty
 * fields ("a=1&&b=2") are skipped.
 *
 * cookie_parse() reads a Cookie request header (RFC 6265, 5.4): pairs split
 * on ';', name and value on the first '=', blanks around both trimmed and
 * one pair of double quotes around a value removed; nothing is decoded.  As
 * browsers do, a pair without '=' or with an empty name is skipped, and so
 * is one with a control character; parsing never fails: past the limits
 * below, the rest of the header is ignored.
 *
 * Lookups return the first field of a name (a later duplicate cannot
 * override an earlier one).
 *
 * Memory: results are allocated from the caller's arena and live as long
 * as it does; the input is not kept.  All functions are pure and
 * thread-safe.
 */
#ifndef GZ_WEB_FORM_H
#define GZ_WEB_FORM_H

#include <stddef.h>

struct arena;
struct gz_err;

#define FORM_MAX_FIELDS 64        /* more is GZ_ELIMIT */
#define FORM_MAX_NAME 128         /* bytes of a decoded name; more is GZ_ELIMIT */
#define FORM_MAX_VALUE (1u << 20) /* bytes of a decoded value; more is GZ_ELIMIT */
#define COOKIE_MAX_PAIRS 64       /* later pairs are ignored */
#define COOKIE_MAX_HEADER 16384   /* later bytes are ignored */

struct form_field {
    const char *name;
    const char *value; /* NUL-terminated, len bytes, never NULL */
    size_t len;
};

struct form {
    struct form_field *f;
    size_t n;
};

/*
 * Parse len bytes at p (need not be NUL-terminated) into *out.  0 on
 * success; GZ_EPARSE (bad UTF-8, a NUL) or GZ_ELIMIT (see the limits above)
 * with a message in err, and *out empty.
 */
int form_parse(struct arena *a, const char *p, size_t len, struct form *out, struct gz_err *err);

/* Parse a Cookie header value (NULL is no cookies) into *out; never fails. */
void cookie_parse(struct arena *a, const char *header, size_t len, struct form *out);

/* The value of the first field called name, or NULL. */
const char *form_get(const struct form *f, const char *name);

#endif
