/*
 * str.h - borrowed byte slices and small string helpers.
 *
 * A struct str points into memory someone else owns (a parser's input, a
 * buffer, an arena); it is valid as long as that memory is.  Slices are
 * not NUL-terminated.
 *
 * All functions are pure and thread-safe.
 */
#ifndef GZ_UTIL_STR_H
#define GZ_UTIL_STR_H

#include <stddef.h>
#include <stdint.h>

struct str {
    const char *p;
    size_t len;
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})

struct str str_from(const char *s);
int str_eq(struct str a, struct str b);
/* ASCII case-insensitive equality with a C string. */
int str_ieq(struct str a, const char *s);
int str_starts_with(struct str s, const char *prefix);
/* ASCII whitespace removed from both ends. */
struct str str_trim(struct str s);

/* ASCII-only helpers that do not depend on the locale. */
int str_casecmp(const char *a, const char *b);
int str_ncasecmp(const char *a, const char *b, size_t n);
int str_has_prefix(const char *s, const char *prefix);
int str_has_suffix(const char *s, const char *suffix);
/* First case-insensitive occurrence of needle in hay[0..len), or NULL. */
const char *str_casestr(const char *hay, size_t len, const char *needle);

/*
 * Binary search for key in a table of n structs of stride bytes each whose
 * first member is a const char * (the name), sorted bytewise by it: the
 * entry, or NULL.  For the lookup tables parsers are made of (bsearch()
 * with a strcmp() per probe costs more than the search itself).
 */
const void *str_bsearch(const char *key, const void *table, size_t n, size_t stride);

/*
 * Parse a decimal integer from all of s (leading/trailing spaces allowed).
 * 0 on success; GZ_EINVAL when s is not a number or out of [min, max].
 */
int str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/*
 * Length of the longest prefix of p[0..len) that is valid UTF-8 (shortest
 * forms, no surrogates, at most U+10FFFF).  Returns len when all is valid.
 */
size_t str_utf8_valid_prefix(const char *p, size_t len);
/*
 * Length (1 to 4) of the valid UTF-8 character that starts p[0..len), or 0
 * when the bytes there are not one (len must be at least 1).
 */
size_t str_utf8_seq(const char *p, size_t len);
/*
 * Cut s to at most max bytes on a UTF-8 character boundary (the cut point
 * moves back over continuation bytes).  Returns the new length.
 */
size_t str_utf8_cut(const char *s, size_t len, size_t max);

#endif
