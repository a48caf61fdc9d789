#include "util/entity.h"

#include <stdlib.h>
#include <string.h>

static const uint16_t cp1252_c1[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

uint32_t
entity_cp1252(uint32_t cp)
{
    return cp >= 0x80 && cp <= 0x9f ? cp1252_c1[cp - 0x80] : cp;
}

size_t
entity_utf8(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

struct key {
    const char *p;
    size_t len;
};

static int
cmp_entity(const void *k, const void *e)
{
    const struct key *key = k;
    const char *name = ((const struct entity *)e)->name;
    size_t n = strlen(name);
    int c = memcmp(key->p, name, key->len < n ? key->len : n);

    if (c)
        return c;
    return key->len < n ? -1 : key->len > n;
}

const struct entity *
entity_find(const char *name, size_t len)
{
    struct key k = {name, len};

    if (!len || len > 32)
        return NULL;
    return bsearch(&k, entity_table, entity_count, sizeof(entity_table[0]), cmp_entity);
}

static int
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

size_t
entity_decode(const char *p, size_t len, int legacy_ok, char out[8], size_t *outlen)
{
    size_t i = 1;

    *outlen = 0;
    if (len < 3 || p[0] != '&')
        return 0;
    if (p[1] == '#') {
        uint32_t cp = 0;
        int hex = i + 1 < len && (p[2] == 'x' || p[2] == 'X');
        size_t start;

        i = hex ? 3 : 2;
        start = i;
        for (; i < len; i++) {
            unsigned char c = (unsigned char)p[i];
            uint32_t d;

            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (hex && c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (hex && c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                break;
            if (cp <= 0x10ffff)
                cp = cp * (hex ? 16 : 10) + d;
        }
        if (i == start)
            return 0;
        if (i < len && p[i] == ';')
            i++;
        cp = entity_cp1252(cp);
        if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            cp = 0xfffd;
        *outlen = entity_utf8(cp, out);
        return i;
    }
    while (i < len && i <= 33 && is_alnum((unsigned char)p[i]))
        i++;
    if (i == 1)
        return 0;
    if (i < len && p[i] == ';') {
        const struct entity *e = entity_find(p + 1, i - 1);

        if (e) {
            *outlen = entity_utf8(e->cp1, out);
            if (e->cp2)
                *outlen += entity_utf8(e->cp2, out + *outlen);
            return i + 1;
        }
    }
    if (legacy_ok) {
        /* the longest legacy name that prefixes the run ("&copy2025") */
        for (size_t n = i - 1 < 6 ? i - 1 : 6; n >= 2; n--) {
            const struct entity *e = entity_find(p + 1, n);

            if (e && e->legacy) {
                *outlen = entity_utf8(e->cp1, out);
                return n + 1;
            }
        }
    }
    return 0;
}
