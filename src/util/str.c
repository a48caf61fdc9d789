#include "util/str.h"

#include "util/err.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct str
str_from(const char *s)
{
    struct str r = {s, s ? strlen(s) : 0};

    return r;
}

int
str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || !memcmp(a.p, b.p, a.len));
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
str_ieq(struct str a, const char *s)
{
    size_t n = strlen(s);

    return a.len == n && !str_ncasecmp(a.p, s, n);
}

int
str_starts_with(struct str s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && !memcmp(s.p, prefix, n);
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

struct str
str_trim(struct str s)
{
    while (s.len && is_space((unsigned char)s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_space((unsigned char)s.p[s.len - 1]))
        s.len--;
    return s;
}

int
str_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = lower((unsigned char)*a);
        int cb = lower((unsigned char)*b);

        if (ca != cb || !ca)
            return ca - cb;
    }
}

int
str_ncasecmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        int ca = lower((unsigned char)*a);
        int cb = lower((unsigned char)*b);

        if (ca != cb || !ca)
            return ca - cb;
    }
    return 0;
}

int
str_has_prefix(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

int
str_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);

    return n >= m && !memcmp(s + n - m, suffix, m);
}

const char *
str_casestr(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    size_t i;

    if (!n)
        return hay;
    for (i = 0; i + n <= len; i++)
        if (!str_ncasecmp(hay + i, needle, n))
            return hay + i;
    return NULL;
}

int
str_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    long long v;

    if (!s)
        return GZ_EINVAL;
    while (is_space((unsigned char)*s))
        s++;
    if (!*s)
        return GZ_EINVAL;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s)
        return GZ_EINVAL;
    while (is_space((unsigned char)*end))
        end++;
    if (*end || v < min || v > max)
        return GZ_EINVAL;
    *out = v;
    return 0;
}

size_t
str_utf8_seq(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    unsigned char c = p[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
            return 0;
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
            return 0;
        return 4;
    }
    return 0;
}

size_t
str_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned cp;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + n >= len)
            return i;
        for (size_t k = 1; k <= n; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += n + 1;
    }
    return len;
}

size_t
str_utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

const void *
str_bsearch(const char *key, const void *table, size_t n, size_t stride)
{
    const unsigned char *base = table;
    unsigned char k0 = (unsigned char)key[0];
    size_t lo = 0;
    size_t hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const void *e = base + mid * stride;
        const char *name;
        int c;

        memcpy(&name, e, sizeof(name));
        c = (int)k0 - (int)(unsigned char)name[0];
        if (!c && k0)
            c = strcmp(key + 1, name + 1);
        if (!c)
            return e;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}
