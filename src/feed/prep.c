/*
 * prep.c - charset detection and decoding, and the cleaning pass that
 * turns feed bytes into XML libxml2 reads safely (see prep.h).
 */
#include "feed/prep.h"

#include "util/buf.h"
#include "util/entity.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

/* ---- charsets ---- */

enum cs {
    CS_UTF8 = 0,
    CS_CP1252, /* also ISO-8859-1 and US-ASCII, as browsers read them */
    CS_ICONV,  /* anything else iconv knows */
};

struct cs_alias {
    const char *name;
    enum cs cs;
    const char *iconv_name; /* for CS_ICONV: the name iconv is given */
};

/* Sorted by name (lower case) for bsearch. */
static const struct cs_alias cs_aliases[] = {
    {"ansi_x3.4-1968", CS_CP1252, NULL},
    {"ascii", CS_CP1252, NULL},
    {"cp1252", CS_CP1252, NULL},
    {"cp819", CS_CP1252, NULL},
    {"gb2312", CS_ICONV, "GB18030"},
    {"gbk", CS_ICONV, "GB18030"},
    {"ibm819", CS_CP1252, NULL},
    {"iso-8859-1", CS_CP1252, NULL},
    {"iso-8859-8-i", CS_ICONV, "ISO-8859-8"},
    {"iso-ir-100", CS_CP1252, NULL},
    {"iso8859-1", CS_CP1252, NULL},
    {"iso88591", CS_CP1252, NULL},
    {"iso_8859-1", CS_CP1252, NULL},
    {"iso_8859-1:1987", CS_CP1252, NULL},
    {"l1", CS_CP1252, NULL},
    {"latin-1", CS_CP1252, NULL},
    {"latin1", CS_CP1252, NULL},
    {"unicode-1-1-utf-8", CS_UTF8, NULL},
    {"us-ascii", CS_CP1252, NULL},
    {"utf-16", CS_UTF8, NULL}, /* declared in bytes we could read as ASCII: it is not */
    {"utf-32", CS_UTF8, NULL},
    {"utf-8", CS_UTF8, NULL},
    {"utf8", CS_UTF8, NULL},
    {"windows-1252", CS_CP1252, NULL},
    {"x-cp1252", CS_CP1252, NULL},
    {"x-gbk", CS_ICONV, "GB18030"},
    {"x-sjis", CS_ICONV, "SHIFT_JIS"},
};

static int
cmp_alias(const void *k, const void *e)
{
    return strcmp(k, ((const struct cs_alias *)e)->name);
}

/* Read a charset name; *iconv_name gets the name to hand iconv for CS_ICONV. */
static enum cs
cs_lookup(const char *name, size_t n, char *iconv_name, size_t iconv_size)
{
    char low[48];
    const struct cs_alias *a;
    size_t k = 0;

    while (n && (*name == ' ' || *name == '"' || *name == '\''))
        name++, n--;
    while (n && (name[n - 1] == ' ' || name[n - 1] == '"' || name[n - 1] == '\''))
        n--;
    if (!n || n >= sizeof(low))
        return CS_UTF8;
    for (; k < n; k++) {
        char c = name[k];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':'))
            return CS_UTF8;
        low[k] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    low[k] = '\0';
    a = bsearch(low, cs_aliases, sizeof(cs_aliases) / sizeof(cs_aliases[0]), sizeof(cs_aliases[0]),
                cmp_alias);
    if (a) {
        if (a->cs == CS_ICONV)
            snprintf(iconv_name, iconv_size, "%s", a->iconv_name);
        return a->cs;
    }
    snprintf(iconv_name, iconv_size, "%s", low);
    return CS_ICONV;
}

const char *
feed_sniff_bom(const char *data, size_t len, size_t *bom)
{
    const unsigned char *p = (const unsigned char *)data;

    *bom = 0;
    if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        *bom = 3;
        return "UTF-8";
    }
    if (len >= 4 && p[0] == 0xff && p[1] == 0xfe && p[2] == 0 && p[3] == 0) {
        *bom = 4;
        return "UTF-32LE";
    }
    if (len >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xfe && p[3] == 0xff) {
        *bom = 4;
        return "UTF-32BE";
    }
    if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
        *bom = 2;
        return "UTF-16LE";
    }
    if (len >= 2 && p[0] == 0xfe && p[1] == 0xff) {
        *bom = 2;
        return "UTF-16BE";
    }
    /* XML's autodetection of '<' '?' without a mark */
    if (len >= 4 && p[0] == '<' && p[1] == 0 && p[2] == '?' && p[3] == 0)
        return "UTF-16LE";
    if (len >= 4 && p[0] == 0 && p[1] == '<' && p[2] == 0 && p[3] == '?')
        return "UTF-16BE";
    return NULL;
}

/* The encoding="..." of an XML declaration at the start of data, as a slice. */
static struct str
xml_decl_encoding(const char *data, size_t len)
{
    struct str none = {NULL, 0};
    const char *p = data;
    const char *end = data + (len < 1024 ? len : 1024);
    const char *close;
    const char *e;

    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (end - p < 6 || memcmp(p, "<?xml", 5))
        return none;
    close = NULL;
    for (const char *q = p; q + 1 < end; q++) {
        if (q[0] == '?' && q[1] == '>') {
            close = q;
            break;
        }
    }
    if (!close)
        return none;
    e = str_casestr(p, (size_t)(close - p), "encoding");
    if (!e)
        return none;
    e += 8;
    while (e < close && (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n'))
        e++;
    if (e >= close || *e != '=')
        return none;
    e++;
    while (e < close && (*e == ' ' || *e == '\t' || *e == '\r' || *e == '\n'))
        e++;
    if (e < close && (*e == '"' || *e == '\'')) {
        const char *q = memchr(e + 1, *e, (size_t)(close - e - 1));

        if (q)
            return (struct str){e + 1, (size_t)(q - e - 1)};
    }
    return none;
}

static void
add_cp(struct buf *out, uint32_t cp)
{
    char u[4];

    buf_add(out, u, entity_utf8(cp, u));
}

/* windows-1252 (and so ISO-8859-1 and ASCII) into UTF-8. */
static void
cp1252_to_utf8(struct buf *out, const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    const unsigned char *end = p + len;

    while (p < end) {
        const unsigned char *q = p;

        while (q < end && *q < 0x80)
            q++;
        buf_add(out, p, (size_t)(q - p));
        if (q < end) {
            add_cp(out, entity_cp1252(*q));
            q++;
        }
        p = q;
    }
}

/* Any charset iconv knows into UTF-8; an undecodable byte becomes U+FFFD. */
static int
iconv_to_utf8(struct buf *out, const char *data, size_t len, const char *name)
{
    iconv_t cd = iconv_open("UTF-8", name);
    char *in = (char *)data;
    size_t inleft = len;

    if (cd == (iconv_t)-1)
        return -1;
    while (inleft) {
        char *o;
        size_t oleft;
        size_t r;

        if (buf_grow(out, inleft * 2 + 16))
            break;
        o = out->p + out->len;
        oleft = out->cap - out->len - 1;
        r = iconv(cd, &in, &inleft, &o, &oleft);
        buf_setlen(out, (size_t)(o - out->p));
        if (r != (size_t)-1)
            break;
        if (errno == E2BIG)
            continue;
        if (errno == EILSEQ) {
            buf_add(out, "\xef\xbf\xbd", 3);
            in++;
            inleft--;
            continue;
        }
        break; /* EINVAL: a sequence cut off by the end */
    }
    iconv_close(cd);
    return 0;
}

/* 1 when data is valid UTF-8 with at least one character beyond ASCII. */
static int
is_utf8_beyond_ascii(const char *data, size_t len)
{
    size_t i = 0;

    while (i < len && (unsigned char)data[i] < 0x80)
        i++;
    return i < len && str_utf8_valid_prefix(data + i, len - i) == len - i;
}

/*
 * Decode the document into UTF-8 in tmp unless it already is UTF-8 (then
 * *p and *n stay as they are and the cleaning pass fixes stray bytes).
 */
static const char *
decode_charset(struct buf *tmp, const char **p, size_t *n, const char *http_charset)
{
    size_t bom = 0;
    const char *sniffed = feed_sniff_bom(*p, *n, &bom);
    char iconv_name[48];
    enum cs cs;
    struct str decl;

    if (sniffed) {
        *p += bom;
        *n -= bom;
        if (!strcmp(sniffed, "UTF-8"))
            return "UTF-8";
        iconv_to_utf8(tmp, *p, *n, sniffed);
        *p = tmp->p;
        *n = tmp->len;
        return sniffed;
    }
    if (http_charset && *http_charset) {
        cs = cs_lookup(http_charset, strlen(http_charset), iconv_name, sizeof(iconv_name));
    } else {
        decl = xml_decl_encoding(*p, *n);
        if (!decl.p)
            return "UTF-8";
        cs = cs_lookup(decl.p, decl.len, iconv_name, sizeof(iconv_name));
    }
    if (cs == CS_UTF8)
        return "UTF-8";
    if (cs == CS_CP1252) {
        if (is_utf8_beyond_ascii(*p, *n))
            return "UTF-8";
        cp1252_to_utf8(tmp, *p, *n);
        *p = tmp->p;
        *n = tmp->len;
        return "windows-1252";
    }
    if (iconv_to_utf8(tmp, *p, *n, iconv_name)) {
        buf_reset(tmp);
        return "UTF-8"; /* a charset nobody knows: hope for UTF-8 */
    }
    *p = tmp->p;
    *n = tmp->len;
    return "iconv";
}

int
feed_to_utf8(struct buf *out, const char *data, size_t len, const char *charset)
{
    struct buf tmp = BUF_INIT;
    const char *p = data;
    size_t n = len;
    const char *used = decode_charset(&tmp, &p, &n, charset);
    size_t i = 0;

    (void)used; /* only the bytes matter here */
    while (i < n) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x80) {
            size_t j = i;

            while (j < n && (unsigned char)p[j] < 0x80 &&
                   ((unsigned char)p[j] >= 0x20 || p[j] == '\t' || p[j] == '\n' || p[j] == '\r'))
                j++;
            buf_add(out, p + i, j - i);
            if (j == i)
                j++; /* a control character: dropped */
            i = j;
        } else {
            size_t k = str_utf8_seq(p + i, n - i);

            if (k) {
                buf_add(out, p + i, k);
                i += k;
            } else {
                add_cp(out, entity_cp1252(c));
                i++;
            }
        }
    }
    buf_release(&tmp);
    return out->overflow ? GZ_ELIMIT : 0;
}

/* ---- the cleaning pass ---- */

#define PREP_MAX_ENTITIES 256
#define PREP_ENT_HASH 512 /* a power of two, above PREP_MAX_ENTITIES */

struct prep_entity {
    const char *name;
    size_t name_len;
    const char *val;
    size_t val_len;
};

/* An open element: its name as written in the output (offsets: out may move). */
struct open_el {
    size_t off;
    size_t len;
};

struct prep {
    struct buf *out;
    const char *in;
    size_t n;
    size_t expanded;
    int nents;
    struct prep_entity ents[PREP_MAX_ENTITIES];
    uint16_t ent_hash[PREP_ENT_HASH]; /* index + 1 into ents, open addressing */
    struct open_el *open;             /* the elements open at this point of the output */
    size_t nopen;
    size_t aopen;
    int raw; /* writing decoded text (to texts->buf), not XML */
    struct prep_texts *texts;
};

/* Byte classes in text: what stops a run of bytes that are copied as they are. */
enum byte_class { C_PLAIN = 0, C_LT, C_AMP, C_CTRL, C_HIGH, C_QUOT, C_APOS, C_GT };

static const unsigned char cls[256] = {
    C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_PLAIN,
    C_PLAIN, C_CTRL,  C_CTRL,  C_PLAIN, C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,
    C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,  C_CTRL,
    C_CTRL,  C_CTRL,  C_PLAIN, C_PLAIN, C_QUOT,  C_PLAIN, C_PLAIN, C_PLAIN, C_AMP,   C_APOS,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_LT,    C_PLAIN, C_GT,    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN,
    C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_PLAIN, C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
    C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,  C_HIGH,
};

/*
 * Scanning: the first index from i on (before end) that may need a look.
 * "Text" stops at '<', '&', bytes below 0x20 (tab, newline and return
 * too: the caller steps over them) and bytes above 0x7f; "chars" (CDATA)
 * stops at the last two only.  SSE2, when there, looks at 16 bytes at once.
 */
static size_t
scan_text(const char *in, size_t i, size_t end)
{
#ifdef __SSE2__
    const __m128i lt = _mm_set1_epi8('<');
    const __m128i amp = _mm_set1_epi8('&');
    const __m128i sp = _mm_set1_epi8(0x20);

    while (i + 16 <= end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lt), _mm_cmpeq_epi8(v, amp)),
                                 _mm_cmplt_epi8(v, sp)); /* signed: >= 0x80 is below too */
        unsigned mask = (unsigned)_mm_movemask_epi8(m);

        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < end && (unsigned)(cls[(unsigned char)in[i]] - C_LT) >= 4 &&
           (unsigned char)in[i] >= 0x20)
        i++;
    return i;
}

static size_t
scan_chars(const char *in, size_t i, size_t end)
{
#ifdef __SSE2__
    const __m128i sp = _mm_set1_epi8(0x20);

    while (i + 16 <= end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, sp));

        if (mask)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < end && (unsigned char)in[i] >= 0x20 && (unsigned char)in[i] < 0x80)
        i++;
    return i;
}

/*
 * Length of the character at in[i] (>= 0x80) when it can be copied as it
 * is: valid UTF-8, not a C1 control (read as windows-1252), not U+FFFE or
 * U+FFFF; else 0.
 */
static size_t
plain_high(const char *in, size_t i, size_t end)
{
    const unsigned char *u = (const unsigned char *)in + i;
    size_t k = str_utf8_seq(in + i, end - i);

    if ((k == 2 && u[0] == 0xc2 && u[1] < 0xa0) ||
        (k == 3 && u[0] == 0xef && u[1] == 0xbf && u[2] >= 0xbe))
        return 0;
    return k;
}

/*
 * The end of a run of bytes that can be copied as they are, from i on:
 * text (chars = 0) or character data (chars = 1); with stop_cr a carriage
 * return ends the run too (decoded text normalizes line ends itself).
 */
static size_t
plain_run(const char *in, size_t i, size_t end, int chars, int stop_cr)
{
    for (;;) {
        unsigned char c;
        size_t k;

        i = chars ? scan_chars(in, i, end) : scan_text(in, i, end);
        if (i >= end)
            return end;
        c = (unsigned char)in[i];
        if (c == '\t' || c == '\n' || (c == '\r' && !stop_cr)) {
            i++;
            continue;
        }
        if (c < 0x80)
            return i;
        k = plain_high(in, i, end);
        if (!k)
            return i;
        i += k;
    }
}

static inline int
is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}

static inline int
is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* 1 when code point cp may appear in an XML document. */
static int
xml_char_ok(uint32_t cp)
{
    if (cp < 0x20)
        return cp == '\t' || cp == '\n' || cp == '\r';
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0;
    return cp != 0xfffe && cp != 0xffff && cp <= 0x10ffff;
}

/* Copy the character at in[i] (>= 0x80); returns the next index. */
static size_t
copy_high(struct prep *pp, size_t i, size_t end)
{
    const char *in = pp->in;
    size_t k = str_utf8_seq(in + i, end - i);

    if (!k) {
        add_cp(pp->out, entity_cp1252((unsigned char)in[i]));
        return i + 1;
    }
    if (k == 2 && (unsigned char)in[i] == 0xc2 && (unsigned char)in[i + 1] < 0xa0) {
        add_cp(pp->out, entity_cp1252((unsigned char)in[i + 1]));
        return i + 2;
    }
    if (k == 3 && (unsigned char)in[i] == 0xef && (unsigned char)in[i + 1] == 0xbf &&
        (unsigned char)in[i + 2] >= 0xbe) {
        buf_add(pp->out, "\xef\xbf\xbd", 3);
        return i + 3;
    }
    buf_add(pp->out, in + i, k);
    return i + k;
}

/*
 * Copy in[i..end) as character data: '&' and '<' kept as they are (CDATA,
 * comments), only forbidden characters and bad bytes fixed.
 */
static void
copy_chars(struct prep *pp, size_t i, size_t end)
{
    const char *in = pp->in;

    while (i < end) {
        size_t j = plain_run(in, i, end, 1, pp->raw);

        buf_add(pp->out, in + i, j - i);
        if (j >= end)
            break;
        if (in[j] == '\r') {
            /* decoded text gets XML's line ends: CR LF and CR are LF */
            buf_addc(pp->out, '\n');
            i = j + 1 + (j + 1 < end && in[j + 1] == '\n');
        } else if (cls[(unsigned char)in[j]] == C_CTRL) {
            i = j + 1;
        } else {
            i = copy_high(pp, j, end);
        }
    }
}

static const char *
find_bytes(const char *p, const char *end, const char *needle, size_t n)
{
    while ((size_t)(end - p) >= n) {
        const char *q = memchr(p, needle[0], (size_t)(end - p) - n + 1);

        if (!q)
            return NULL;
        if (!memcmp(q, needle, n))
            return q;
        p = q + 1;
    }
    return NULL;
}

static unsigned
ent_hash(const char *name, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h & (PREP_ENT_HASH - 1);
}

/* The declared entity named name[0..n), or NULL; a hash keeps many references cheap. */
static const struct prep_entity *
find_entity(const struct prep *pp, const char *name, size_t n)
{
    if (!pp->nents)
        return NULL;
    for (unsigned h = ent_hash(name, n);; h = (h + 1) & (PREP_ENT_HASH - 1)) {
        unsigned k = pp->ent_hash[h];
        const struct prep_entity *e;

        if (!k)
            return NULL;
        e = &pp->ents[k - 1];
        if (e->name_len == n && !memcmp(e->name, name, n))
            return e;
    }
}

/* Remember an entity; the first declaration of a name wins, as in XML. */
static void
add_entity(struct prep *pp, const char *name, size_t name_len, const char *val, size_t val_len)
{
    unsigned h;

    if (pp->nents >= PREP_MAX_ENTITIES || find_entity(pp, name, name_len))
        return;
    pp->ents[pp->nents] = (struct prep_entity){name, name_len, val, val_len};
    pp->nents++;
    for (h = ent_hash(name, name_len); pp->ent_hash[h]; h = (h + 1) & (PREP_ENT_HASH - 1))
        ;
    pp->ent_hash[h] = (uint16_t)pp->nents;
}

/*
 * A character a reference stands for, written as itself (libxml2 reads
 * text faster than references) unless it is markup.
 */
static void
add_char(struct prep *pp, uint32_t cp)
{
    if (pp->raw) {
        add_cp(pp->out, cp);
        return;
    }
    switch (cp) {
    case '<':
        buf_add(pp->out, "&lt;", 4);
        break;
    case '&':
        buf_add(pp->out, "&amp;", 5);
        break;
    case '"':
        buf_add(pp->out, "&quot;", 6);
        break;
    case '>':
        buf_add(pp->out, "&gt;", 4);
        break;
    case '\t':
    case '\n':
    case '\r': {
        /* as themselves they would be normalized (to spaces in attributes) */
        char num[8];

        buf_add(pp->out, num, (size_t)snprintf(num, sizeof(num), "&#%u;", (unsigned)cp));
        break;
    }
    default:
        add_cp(pp->out, cp);
        break;
    }
}

/*
 * A plain-text value (an internal entity's) escaped for XML character
 * data, with the same repairs as the document: controls dropped, bytes
 * that are not UTF-8 read as windows-1252.
 */
static void
add_escaped(struct prep *pp, const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k;

        if (pp->raw && (c == '<' || c == '>' || c == '"' || c == '&'))
            buf_addc(pp->out, c);
        else if (c == '<')
            buf_add(pp->out, "&lt;", 4);
        else if (c == '>')
            buf_add(pp->out, "&gt;", 4);
        else if (c == '"')
            buf_add(pp->out, "&quot;", 6);
        else if (c == '&')
            buf_add(pp->out, "&amp;", 5);
        else if (c >= 0x80) {
            k = plain_high(s, i, n);
            if (k) {
                buf_add(pp->out, s + i, k);
                i += k;
                continue;
            }
            k = str_utf8_seq(s + i, n - i);
            if (k == 2) /* a C1 control */
                add_cp(pp->out, entity_cp1252((unsigned char)s[i + 1]));
            else if (k == 3) /* U+FFFE, U+FFFF */
                buf_add(pp->out, "\xef\xbf\xbd", 3);
            else
                add_cp(pp->out, entity_cp1252(c));
            i += k ? k : 1;
            continue;
        } else if (cls[c] != C_CTRL)
            buf_addc(pp->out, c);
        i++;
    }
}

/* A '&' that is text. */
static void
lit_amp(struct prep *pp)
{
    if (pp->raw)
        buf_addc(pp->out, '&');
    else
        buf_add(pp->out, "&amp;", 5);
}

/* The reference at in[i] == '&'; returns the index after it. */
static size_t
do_ref(struct prep *pp, size_t i, size_t end)
{
    const char *in = pp->in;
    size_t j = i + 1;

    /* the references escaped HTML is made of, first */
    if (end - i >= 4 && in[i + 3] == ';' && in[i + 2] == 't' &&
        (in[i + 1] == 'l' || in[i + 1] == 'g')) {
        if (pp->raw) {
            buf_addc(pp->out, in[i + 1] == 'l' ? '<' : '>');
        } else if (in[i + 1] == 'l') {
            buf_add(pp->out, "&lt;", 4);
        } else if (pp->out->len >= 2 && pp->out->p[pp->out->len - 1] == ']' &&
                   pp->out->p[pp->out->len - 2] == ']') {
            buf_add(pp->out, "&gt;", 4); /* '>' is text, except after "]]" */
        } else {
            buf_addc(pp->out, '>');
        }
        return i + 4;
    }
    if (end - i >= 5 && !memcmp(in + i + 1, "amp;", 4)) {
        lit_amp(pp);
        return i + 5;
    }

    if (j < end && in[j] == '#') {
        uint32_t cp = 0;
        int hex = j + 1 < end && (in[j + 1] == 'x' || in[j + 1] == 'X');
        size_t start;

        j += hex ? 2 : 1;
        start = j;
        for (; j < end; j++) {
            unsigned char c = (unsigned char)in[j];
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
        if (j > start && j < end && in[j] == ';') {
            cp = entity_cp1252(cp);
            if (xml_char_ok(cp))
                add_char(pp, cp);
            return j + 1;
        }
        lit_amp(pp);
        return i + 1;
    }
    if (j < end && is_name_start((unsigned char)in[j])) {
        while (j < end && j - i <= 64 && is_name_char((unsigned char)in[j]))
            j++;
        if (j < end && in[j] == ';') {
            const char *name = in + i + 1;
            size_t n = j - i - 1;
            const struct prep_entity *d;
            const struct entity *e;

            if (n == 2 && !memcmp(name, "gt", 2)) {
                struct buf *o = pp->out;

                /* '>' is text, except after "]]" */
                if (!pp->raw && o->len >= 2 && o->p[o->len - 1] == ']' && o->p[o->len - 2] == ']')
                    buf_add(o, "&gt;", 4);
                else
                    buf_addc(o, '>');
                return j + 1;
            }
            if (n == 4 && !memcmp(name, "apos", 4)) {
                buf_addc(pp->out, '\'');
                return j + 1;
            }
            if ((n == 2 && !memcmp(name, "lt", 2)) || (n == 3 && !memcmp(name, "amp", 3)) ||
                (n == 4 && !memcmp(name, "quot", 4))) {
                if (pp->raw)
                    buf_addc(pp->out, name[0] == 'l' ? '<' : name[0] == 'a' ? '&' : '"');
                else
                    buf_add(pp->out, in + i, n + 2);
                return j + 1;
            }
            d = find_entity(pp, name, n);
            if (d) {
                if (pp->expanded + d->val_len <= PREP_MAX_EXPANSION) {
                    pp->expanded += d->val_len;
                    if (d->val_len && d->val[0] == '&') {
                        char u[8];
                        size_t ul;

                        /* "&#233;": decoded, then written back escaped */
                        if (entity_decode(d->val, d->val_len, 0, u, &ul))
                            add_escaped(pp, u, ul);
                    } else {
                        add_escaped(pp, d->val, d->val_len);
                    }
                }
                return j + 1;
            }
            /* feeds predate HTML5, which moved these two (feedparser keeps HTML 4's) */
            if (n == 4 && (!memcmp(name, "lang", 4) || !memcmp(name, "rang", 4))) {
                add_char(pp, name[0] == 'l' ? 0x2329 : 0x232a);
                return j + 1;
            }
            e = entity_find(name, n);
            if (e) {
                add_char(pp, e->cp1);
                if (e->cp2)
                    add_char(pp, e->cp2);
                return j + 1;
            }
        }
    }
    lit_amp(pp);
    return i + 1;
}

/*
 * Remember an <!ENTITY name "value"> of the internal subset when its
 * value is plain (feedparser's rule); parameter and external entities are
 * ignored.  p points after "<!ENTITY"; returns the position after '>'.
 */
static const char *
entity_decl(struct prep *pp, const char *p, const char *end)
{
    const char *name;
    size_t name_len;

    while (p < end && is_ws((unsigned char)*p))
        p++;
    if (p < end && *p != '%') {
        name = p;
        while (p < end && is_name_char((unsigned char)*p))
            p++;
        name_len = (size_t)(p - name);
        while (p < end && is_ws((unsigned char)*p))
            p++;
        if (name_len && p < end && (*p == '"' || *p == '\'')) {
            const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

            if (q) {
                const char *v = p + 1;
                size_t n = (size_t)(q - v);
                const char *amp = memchr(v, '&', n);
                int safe = !memchr(v, '"', n) && !amp;

                if (amp == v && n >= 4 && v[1] == '#' && v[n - 1] == ';') {
                    safe = 1;
                    for (size_t k = 2; k + 1 < n; k++)
                        if (!((v[k] >= '0' && v[k] <= '9') || (v[k] >= 'a' && v[k] <= 'z') ||
                              (v[k] >= 'A' && v[k] <= 'Z') || v[k] == '_'))
                            safe = 0;
                }
                if (safe)
                    add_entity(pp, name, name_len, v, n);
                p = q + 1;
            }
        }
    }
    /* to the '>' that ends the declaration, outside quotes */
    while (p < end && *p != '>') {
        if (*p == '"' || *p == '\'') {
            const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

            p = q ? q + 1 : end;
        } else {
            p++;
        }
    }
    return p < end ? p + 1 : end;
}

/*
 * A declaration "<!..." other than a comment or CDATA: DOCTYPE (with its
 * internal subset, whose entities are read), ENTITY, ELEMENT, ATTLIST.
 * Returns the position after it; nothing is written.
 */
static const char *
skip_decl(struct prep *pp, const char *p, const char *end)
{
    int in_subset = 0;

    if ((size_t)(end - p) >= 8 && !memcmp(p, "<!ENTITY", 8))
        return entity_decl(pp, p + 8, end);
    p += 2;
    while (p < end) {
        char c = *p;

        if (c == '"' || c == '\'') {
            const char *q = memchr(p + 1, c, (size_t)(end - p - 1));

            p = q ? q + 1 : end;
        } else if (c == '[' && !in_subset) {
            in_subset = 1;
            p++;
        } else if (in_subset && c == ']') {
            in_subset = 0;
            p++;
        } else if (in_subset && c == '<') {
            if ((size_t)(end - p) >= 4 && !memcmp(p, "<!--", 4)) {
                const char *q = find_bytes(p + 4, end, "-->", 3);

                p = q ? q + 3 : end;
            } else if ((size_t)(end - p) >= 8 && !memcmp(p, "<!ENTITY", 8)) {
                p = entity_decl(pp, p + 8, end);
            } else if ((size_t)(end - p) >= 2 && p[1] == '?') {
                const char *q = find_bytes(p + 2, end, "?>", 2);

                p = q ? q + 2 : end;
            } else {
                /* <!ELEMENT ...>, <!ATTLIST ...>: to '>' outside quotes */
                p++;
                while (p < end && *p != '>') {
                    if (*p == '"' || *p == '\'') {
                        const char *q = memchr(p + 1, *p, (size_t)(end - p - 1));

                        p = q ? q + 1 : end;
                    } else {
                        p++;
                    }
                }
                if (p < end)
                    p++;
            }
        } else if (!in_subset && c == '>') {
            return p + 1;
        } else {
            p++;
        }
    }
    return end;
}

/*
 * An attribute value in in[i..) up to the quote q (or, when q is 0, an
 * unquoted value up to a space or '>'), written in double quotes.
 */
static size_t
copy_attr_value(struct prep *pp, size_t i, size_t end, char q)
{
    const char *in = pp->in;

    buf_addc(pp->out, '"');
    while (i < end) {
        size_t j = i;
        unsigned char c;

        /* a run of bytes that need nothing */
        while (j < end) {
            c = (unsigned char)in[j];
            if (cls[c] != C_PLAIN && cls[c] != C_GT && cls[c] != C_APOS)
                break;
            if (q ? c == (unsigned char)q : (is_ws(c) || c == '>' || c == '/'))
                break;
            j++;
        }
        buf_add(pp->out, in + i, j - i);
        i = j;
        if (i >= end)
            break;
        c = (unsigned char)in[i];
        if (q ? c == (unsigned char)q : (is_ws(c) || c == '>')) {
            if (q)
                i++;
            break;
        }
        if (!q && c == '/') {
            if (i + 1 < end && in[i + 1] == '>')
                break;
            buf_addc(pp->out, '/');
            i++;
            continue;
        }
        switch (cls[c]) {
        case C_AMP:
            i = do_ref(pp, i, end);
            continue;
        case C_LT:
            buf_add(pp->out, "&lt;", 4);
            break;
        case C_QUOT:
            buf_add(pp->out, "&quot;", 6);
            break;
        case C_CTRL:
            break;
        case C_HIGH:
            i = copy_high(pp, i, end);
            continue;
        default:
            buf_addc(pp->out, (int)c); /* tab, newline, return */
            break;
        }
        i++;
    }
    buf_addc(pp->out, '"');
    return i;
}

/* Write the end tag of the open element k. */
static void
close_open(struct prep *pp, size_t k)
{
    struct open_el *o = &pp->open[k];

    if (buf_grow(pp->out, o->len + 3))
        return;
    buf_add(pp->out, "</", 2);
    buf_add(pp->out, pp->out->p + o->off, o->len); /* no reallocation: grown above */
    buf_addc(pp->out, '>');
}

/*
 * An end tag whose name was written at out[name_off..name_off+len) (after
 * the tag's start at start_out): it closes the innermost open element of
 * that name and every element opened inside it; one that closes nothing
 * is dropped.  So the output always nests, as HTML parsers repair it.
 */
static void
end_tag(struct prep *pp, size_t start_out, size_t name_off, size_t len)
{
    size_t k = pp->nopen;

    while (k > 0) {
        const struct open_el *o = &pp->open[k - 1];

        if (o->len == len && !memcmp(pp->out->p + o->off, pp->out->p + name_off, len))
            break;
        k--;
    }
    buf_setlen(pp->out, start_out);
    if (!k)
        return;
    while (pp->nopen >= k) {
        close_open(pp, pp->nopen - 1);
        pp->nopen--;
    }
}

/* A start or end tag at in[i] == '<'; returns the index after it. */
static size_t
copy_tag(struct prep *pp, size_t i, size_t end)
{
    const char *in = pp->in;
    int is_end = in[i + 1] == '/';
    size_t j = i + (is_end ? 2 : 1);
    int after_name = 0; /* just read an attribute name: it needs a value */
    int self_closing = 0;
    size_t start_out = pp->out->len;
    size_t name_off;
    size_t name_len;

    buf_add(pp->out, in + i, j - i);
    name_off = pp->out->len;
    while (j < end && is_name_char((unsigned char)in[j])) {
        size_t k = j;

        while (k < end && is_name_char((unsigned char)in[k]) && (unsigned char)in[k] < 0x80)
            k++;
        buf_add(pp->out, in + j, k - j);
        j = k;
        if (j < end && (unsigned char)in[j] >= 0x80)
            j = copy_high(pp, j, end);
    }
    name_len = pp->out->len - name_off;
    while (j < end) {
        unsigned char c = (unsigned char)in[j];

        if (c == '>') {
            j++;
            break;
        }
        if (c == '/' && j + 1 < end && in[j + 1] == '>') {
            self_closing = 1;
            j += 2;
            break;
        }
        if (c == '<')
            break; /* a tag left open: it ends here */
        if (is_ws(c)) {
            size_t k = j;

            while (k < end && is_ws((unsigned char)in[k]))
                k++;
            if (after_name && k < end && in[k] == '=') {
                j = k;
                continue;
            }
            if (after_name)
                buf_add(pp->out, "=\"\"", 3);
            after_name = 0;
            if (!is_end)
                buf_addc(pp->out, ' ');
            j = k;
            continue;
        }
        if (is_end) {
            j++; /* an end tag has no attributes: skip junk */
            continue;
        }
        if (c == '=') {
            size_t k = j + 1;

            after_name = 0;
            while (k < end && is_ws((unsigned char)in[k]))
                k++;
            buf_addc(pp->out, '=');
            if (k < end && (in[k] == '"' || in[k] == '\''))
                j = copy_attr_value(pp, k + 1, end, in[k]);
            else
                j = copy_attr_value(pp, k, end, 0);
            /* attributes need a space between them */
            if (j < end && is_name_start((unsigned char)in[j]))
                buf_addc(pp->out, ' ');
            continue;
        }
        if (is_name_char(c)) {
            if (after_name == 0) {
                size_t k = j;

                while (k < end && is_name_char((unsigned char)in[k]))
                    k++;
                while (j < k) {
                    size_t r = j;

                    while (r < k && (unsigned char)in[r] < 0x80)
                        r++;
                    buf_add(pp->out, in + j, r - j);
                    j = r < k ? copy_high(pp, r, k) : k;
                }
                after_name = 1;
                continue;
            }
            /* "a b": the first one had no value */
            buf_add(pp->out, "=\"\" ", 4);
            after_name = 0;
            continue;
        }
        j++; /* a stray character in a tag */
    }
    if (is_end) {
        end_tag(pp, start_out, name_off, name_len);
        return j;
    }
    if (after_name)
        buf_add(pp->out, "=\"\"", 3);
    if (self_closing) {
        buf_add(pp->out, "/>", 2);
        return j;
    }
    if (pp->nopen >= PREP_MAX_DEPTH) {
        buf_setlen(pp->out, start_out); /* too deep: the tag goes, its text stays */
        return j;
    }
    buf_addc(pp->out, '>');
    ALLOC_GROW(pp->open, pp->nopen + 1, pp->aopen);
    pp->open[pp->nopen].off = name_off;
    pp->open[pp->nopen].len = name_len;
    pp->nopen++;
    return j;
}

/* 1 when the '<' at in[i] starts markup (do_markup() does more than escape it). */
static int
starts_markup(const char *in, size_t i, size_t end)
{
    size_t left = end - i;
    unsigned char c1 = left > 1 ? (unsigned char)in[i + 1] : 0;

    if (c1 == '!')
        return (left >= 4 && in[i + 2] == '-' && in[i + 3] == '-') ||
               (left >= 9 && !memcmp(in + i, "<![CDATA[", 9)) ||
               (left > 2 &&
                ((in[i + 2] >= 'A' && in[i + 2] <= 'Z') || (in[i + 2] >= 'a' && in[i + 2] <= 'z')));
    if (c1 == '?')
        return 1;
    return is_name_start(c1) || (c1 == '/' && left > 2 && is_name_start((unsigned char)in[i + 2]));
}

/* Record a side text and write its <?gz N?> into the document. */
static void
add_text(struct prep *pp, const char *p, size_t off, size_t len)
{
    struct prep_texts *t = pp->texts;
    char pi[32];

    if (!len)
        return;
    size_t k = sizeof(pi);
    size_t v;

    ALLOC_GROW(t->items, t->n + 1, t->alloc);
    t->items[t->n] = (struct prep_text){p, off, len};
    /* "<?gz N?>", the number written by hand: this runs once per text */
    pi[--k] = '>';
    pi[--k] = '?';
    v = t->n;
    do {
        pi[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pi[--k] = ' ';
    k -= sizeof(PREP_TEXT_PI) - 1;
    memcpy(pi + k, PREP_TEXT_PI, sizeof(PREP_TEXT_PI) - 1);
    pi[--k] = '?';
    pi[--k] = '<';
    buf_add(pp->out, pi + k, sizeof(pi) - k);
    t->n++;
}

/*
 * Decode in[i..end) into the side buffer: references, line ends, repairs;
 * chars: CDATA (no references).  Stops at markup; returns where.
 */
static size_t
decode_text(struct prep *pp, size_t i, size_t end, int chars)
{
    const char *in = pp->in;
    struct buf *save = pp->out;
    size_t off = pp->texts->buf.len;

    pp->out = &pp->texts->buf;
    pp->raw = 1;
    if (chars) {
        copy_chars(pp, i, end);
        i = end;
    } else {
        while (i < end) {
            size_t j = plain_run(in, i, end, 0, 1);
            unsigned char c;

            buf_add(pp->out, in + i, j - i);
            i = j;
            if (i >= end)
                break;
            c = (unsigned char)in[i];
            if (c == '<') {
                if (starts_markup(in, i, end))
                    break;
                buf_addc(pp->out, '<');
                i++;
            } else if (c == '&') {
                i = do_ref(pp, i, end);
            } else if (c == '\r') {
                buf_addc(pp->out, '\n');
                i += 1 + (i + 1 < end && in[i + 1] == '\n');
            } else if (cls[c] == C_CTRL) {
                i++;
            } else {
                i = copy_high(pp, i, end);
            }
        }
    }
    pp->raw = 0;
    pp->out = save;
    add_text(pp, NULL, off, pp->texts->buf.len - off);
    return i;
}

/*
 * A text node at in[i] (up to the next markup): short and clean, it stays
 * in the document; long and clean, it is referenced where it is; else it
 * is decoded into the side buffer.
 */
static size_t
text_node(struct prep *pp, size_t i, size_t end)
{
    const char *in = pp->in;
    size_t j = plain_run(in, i, end, 0, 0);

    if (j >= end || (in[j] == '<' && starts_markup(in, j, end))) {
        if (j - i < PREP_TEXT_MIN) {
            buf_add(pp->out, in + i, j - i);
            return j;
        }
        if (!memchr(in + i, '\r', j - i)) {
            add_text(pp, in + i, 0, j - i);
            return j;
        }
    }
    return decode_text(pp, i, end, 0);
}

/* Markup at in[i] == '<'; returns the index after it. */
static size_t
do_markup(struct prep *pp, size_t i, size_t end)
{
    const char *in = pp->in;
    const char *p = in + i;
    const char *e = in + end;
    size_t left = end - i;
    unsigned char c1 = left > 1 ? (unsigned char)p[1] : 0;

    if (c1 == '!') {
        if (left >= 4 && p[2] == '-' && p[3] == '-') {
            const char *q = find_bytes(p + 4, e, "-->", 3);

            return q ? (size_t)(q + 3 - in) : end;
        }
        if (left >= 9 && !memcmp(p, "<![CDATA[", 9)) {
            const char *q = find_bytes(p + 9, e, "]]>", 3);
            size_t stop = q ? (size_t)(q - in) : end;

            if (pp->texts) {
                if (plain_run(in, i + 9, stop, 1, 1) == stop)
                    add_text(pp, in + i + 9, 0, stop - i - 9);
                else
                    decode_text(pp, i + 9, stop, 1);
                return q ? stop + 3 : end;
            }
            buf_add(pp->out, "<![CDATA[", 9);
            copy_chars(pp, i + 9, stop);
            buf_add(pp->out, "]]>", 3);
            return q ? stop + 3 : end;
        }
        if (left > 2 && ((p[2] >= 'A' && p[2] <= 'Z') || (p[2] >= 'a' && p[2] <= 'z')))
            return (size_t)(skip_decl(pp, p, e) - in);
    } else if (c1 == '?') {
        const char *q = find_bytes(p + 2, e, "?>", 2);

        return q ? (size_t)(q + 2 - in) : end;
    } else if (is_name_start(c1) || (c1 == '/' && left > 2 && is_name_start((unsigned char)p[2]))) {
        return copy_tag(pp, i, end);
    }
    buf_add(pp->out, "&lt;", 4);
    return i + 1;
}

void
prep_texts_reset(struct prep_texts *t)
{
    buf_reset(&t->buf);
    buf_reset(&t->input);
    t->n = 0;
}

void
prep_texts_release(struct prep_texts *t)
{
    buf_release(&t->buf);
    buf_release(&t->input);
    free(t->items);
    t->items = NULL;
    t->n = 0;
    t->alloc = 0;
}

int
prep_text_get(const struct prep_texts *t, const char *data, const char **p, size_t *len)
{
    size_t k = 0;
    const struct prep_text *x;

    while (*data == ' ')
        data++;
    if (*data < '0' || *data > '9')
        return -1;
    for (; *data >= '0' && *data <= '9'; data++) {
        k = k * 10 + (size_t)(*data - '0');
        if (k >= t->n)
            return -1;
    }
    x = &t->items[k];
    *p = x->p ? x->p : t->buf.p + x->off;
    *len = x->len;
    return 0;
}

int
feed_xml_prepare(struct buf *out, const char *data, size_t len, const char *http_charset,
                 struct prep_texts *texts, const char **charset, struct gz_err *err)
{
    struct buf tmp = BUF_INIT;
    struct prep *pp;
    const char *p = data;
    size_t n = len;
    const char *used;
    size_t i;

    if (texts) {
        prep_texts_reset(texts);
        /* texts may point into the decoded input: it lives in texts */
        used = decode_charset(&texts->input, &p, &n, http_charset);
    } else {
        used = decode_charset(&tmp, &p, &n, http_charset);
    }
    if (charset)
        *charset = used;
    pp = xcalloc(1, sizeof(*pp));
    pp->texts = texts;
    pp->out = out;
    pp->in = p;
    pp->n = n;
    buf_grow(out, n + n / 16 + 64);
    i = 0;
    {
        const char *lt = memchr(p, '<', n);

        i = lt ? (size_t)(lt - p) : n;
    }
    while (i < n && !out->overflow) {
        size_t j;

        if (texts) {
            i = p[i] == '<' && starts_markup(p, i, n) ? do_markup(pp, i, n) : text_node(pp, i, n);
            continue;
        }
        j = plain_run(p, i, n, 0, 0);
        buf_add(out, p + i, j - i);
        if (j >= n)
            break;
        switch (cls[(unsigned char)p[j]]) {
        case C_LT:
            i = do_markup(pp, j, n);
            break;
        case C_AMP:
            i = do_ref(pp, j, n);
            break;
        case C_CTRL:
            i = j + 1;
            break;
        default:
            i = copy_high(pp, j, n);
            break;
        }
    }
    while (pp->nopen && !out->overflow)
        close_open(pp, --pp->nopen);
    free(pp->open);
    free(pp);
    buf_release(&tmp);
    if (out->overflow)
        return gz_errf(err, GZ_ELIMIT, "document is larger than %zu bytes", out->max);
    return 0;
}
