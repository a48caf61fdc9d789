#include "text/text.h"

#include "text/lang.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ---- characters ---- */

enum cclass {
    C_OTHER,
    C_SPACE,
    C_LETTER,
    C_MARK,
    C_DIGIT,
    C_IDEO,
    C_APOS,
    C_HYPHEN,
    C_DOT,
    C_COMMA,
    C_JOINER,
};

enum ccase { K_NONE, K_UPPER, K_LOWER };

/* Decode one character at p[i] (i < len); *n gets its length.  -1 for an invalid byte. */
static inline int32_t
decode(const unsigned char *p, size_t len, size_t i, size_t *n)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t r;

    if (p[i] < 0x80) {
        *n = 1;
        return p[i];
    }
    r = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
    if (r <= 0 || cp < 0) {
        *n = 1;
        return -1;
    }
    *n = (size_t)r;
    return cp;
}

static int
is_ideo(int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
           (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFF9F) ||
           (cp >= 0x20000 && cp <= 0x3134F) || cp == 0x3005;
}

/* Class and case of each ASCII character, as char_class() gives them. */
#define L_UP (C_LETTER | (K_UPPER << 4))
#define L_LO (C_LETTER | (K_LOWER << 4))
static const unsigned char ascii_cls[128] = {
    ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE, ['\r'] = C_SPACE,
    [' '] = C_SPACE,  ['\''] = C_APOS,  ['-'] = C_HYPHEN, ['.'] = C_DOT,    [','] = C_COMMA,
    ['0'] = C_DIGIT,  ['1'] = C_DIGIT,  ['2'] = C_DIGIT,  ['3'] = C_DIGIT,  ['4'] = C_DIGIT,
    ['5'] = C_DIGIT,  ['6'] = C_DIGIT,  ['7'] = C_DIGIT,  ['8'] = C_DIGIT,  ['9'] = C_DIGIT,
    ['A'] = L_UP,     ['B'] = L_UP,     ['C'] = L_UP,     ['D'] = L_UP,     ['E'] = L_UP,
    ['F'] = L_UP,     ['G'] = L_UP,     ['H'] = L_UP,     ['I'] = L_UP,     ['J'] = L_UP,
    ['K'] = L_UP,     ['L'] = L_UP,     ['M'] = L_UP,     ['N'] = L_UP,     ['O'] = L_UP,
    ['P'] = L_UP,     ['Q'] = L_UP,     ['R'] = L_UP,     ['S'] = L_UP,     ['T'] = L_UP,
    ['U'] = L_UP,     ['V'] = L_UP,     ['W'] = L_UP,     ['X'] = L_UP,     ['Y'] = L_UP,
    ['Z'] = L_UP,     ['a'] = L_LO,     ['b'] = L_LO,     ['c'] = L_LO,     ['d'] = L_LO,
    ['e'] = L_LO,     ['f'] = L_LO,     ['g'] = L_LO,     ['h'] = L_LO,     ['i'] = L_LO,
    ['j'] = L_LO,     ['k'] = L_LO,     ['l'] = L_LO,     ['m'] = L_LO,     ['n'] = L_LO,
    ['o'] = L_LO,     ['p'] = L_LO,     ['q'] = L_LO,     ['r'] = L_LO,     ['s'] = L_LO,
    ['t'] = L_LO,     ['u'] = L_LO,     ['v'] = L_LO,     ['w'] = L_LO,     ['x'] = L_LO,
    ['y'] = L_LO,     ['z'] = L_LO,
};

static inline enum cclass
char_class(int32_t cp, enum ccase *k)
{
    if (cp < 0x80) {
        if (cp < 0) {
            *k = K_NONE;
            return C_OTHER;
        }
        *k = (enum ccase)(ascii_cls[cp] >> 4);
        return (enum cclass)(ascii_cls[cp] & 15);
    }
    *k = K_NONE;
    switch (cp) {
    case 0x2019:
    case 0x02BC:
        return C_APOS;
    case 0x2010:
    case 0x2011:
        return C_HYPHEN;
    case 0x00AD:
    case 0x200C:
    case 0x200D:
        return C_JOINER;
    default:
        break;
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT:
        *k = K_UPPER;
        return C_LETTER;
    case UTF8PROC_CATEGORY_LL:
        *k = K_LOWER;
        return C_LETTER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        return is_ideo(cp) ? C_IDEO : C_LETTER;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
        return C_SPACE;
    default:
        return C_OTHER;
    }
}

/* ---- folding ---- */

/* utf8proc decomposes only when COMPOSE (or DECOMPOSE) is among the options */
#define FOLD_OPTS                                                                                  \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

static utf8proc_option_t
norm_options(unsigned flags)
{
    utf8proc_option_t o = UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE;

    if (flags & TEXT_NORM_FOLD)
        o |= UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
    if (flags & TEXT_NORM_STRIP_MARKS)
        o |= UTF8PROC_STRIPMARK;
    return o;
}

/*
 * Decompose s[0..len) with opts into cps[0..cap).  With case folding, a
 * character whose folded form still has a compatibility decomposition
 * (fullwidth and circled capitals, Roman numerals, the "Dž" digraphs) is
 * decomposed once more through tmp[0..cap), as NFKC_Casefold requires.
 * Returns the count, a count >= cap when the buffers are too small, or a
 * negative utf8proc error.
 */
static utf8proc_ssize_t
decompose(const unsigned char *s, size_t len, utf8proc_int32_t *cps, size_t cap,
          utf8proc_int32_t *tmp, utf8proc_option_t opts)
{
    utf8proc_ssize_t n, m = 0;
    int again = 0;

    n = utf8proc_decompose(s, (utf8proc_ssize_t)len, cps, (utf8proc_ssize_t)cap, opts);
    if (n < 0 || (size_t)n >= cap || !(opts & UTF8PROC_CASEFOLD))
        return n;
    for (utf8proc_ssize_t i = 0; i < n && !again; i++)
        again = cps[i] >= 0x80 && utf8proc_get_property(cps[i])->decomp_seqindex != UINT16_MAX;
    if (!again)
        return n;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int bound = 0;
        utf8proc_ssize_t r =
            utf8proc_decompose_char(cps[i], tmp + m, (utf8proc_ssize_t)cap - m, opts, &bound);

        if (r < 0)
            return r;
        if ((size_t)(m + r) >= cap)
            return (utf8proc_ssize_t)cap * 2;
        m += r;
    }
    memcpy(cps, tmp, (size_t)m * sizeof(*cps));
    return m;
}

/*
 * Rewrite typographic apostrophes and hyphens to ASCII in place; returns
 * the new length.  ’ (E2 80 99), ʼ (CA BC), ‐ (E2 80 90), ‑ (E2 80 91).
 */
static size_t
unify_punct(char *s, size_t n)
{
    size_t i = 0, o = 0;

    while (i < n) {
        unsigned char c = (unsigned char)s[i];

        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80) {
            unsigned char d = (unsigned char)s[i + 2];

            if (d == 0x99 || d == 0x90 || d == 0x91) {
                s[o++] = d == 0x99 ? '\'' : '-';
                i += 3;
                continue;
            }
        } else if (c == 0xCA && i + 1 < n && (unsigned char)s[i + 1] == 0xBC) {
            s[o++] = '\'';
            i += 2;
            continue;
        }
        s[o++] = s[i++];
    }
    return o;
}

int
text_normalize(const char *p, size_t len, unsigned flags, struct buf *out)
{
    const unsigned char *s = (const unsigned char *)p;
    utf8proc_option_t opts = norm_options(flags);
    utf8proc_int32_t *cps = NULL, *tmp = NULL;
    size_t cap = 0, i = 0;
    int rc = 0;

    while (i < len && rc == 0) {
        size_t v = str_utf8_valid_prefix(p + i, len - i), ascii = 0;

        /* an all-ASCII stretch needs no Unicode work */
        while (ascii < v && s[i + ascii] < 0x80)
            ascii++;
        /* leave the last ASCII character to the Unicode path when more
         * follows: it may be the base of a combining mark ("e" U+0301) */
        if (ascii && ascii < v)
            ascii--;
        if (ascii && (flags & TEXT_NORM_FOLD)) {
            size_t start = out->len;

            rc = buf_grow(out, ascii);
            if (rc)
                break;
            for (size_t j = 0; j < ascii; j++) {
                unsigned char c = s[i + j];
                out->p[start + j] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            buf_setlen(out, start + ascii);
            i += ascii;
            v -= ascii;
        } else if (ascii) {
            rc = buf_add(out, p + i, ascii);
            i += ascii;
            v -= ascii;
        }
        if (rc)
            break;
        if (v) {
            utf8proc_ssize_t need;

            for (;;) {
                need = decompose(s + i, v, cps, cap, tmp, opts);
                if (need < 0)
                    break; /* cannot happen on valid input; copy it through */
                if ((size_t)need < cap)
                    break;
                cap = (size_t)need + 1 + cap / 2;
                free(cps);
                free(tmp);
                cps = xmalloc(cap * sizeof(*cps));
                tmp = xmalloc(cap * sizeof(*tmp));
            }
            if (need < 0) {
                rc = buf_add(out, p + i, v);
            } else {
                utf8proc_ssize_t bytes = utf8proc_reencode(cps, need, opts);

                if (bytes < 0) {
                    rc = buf_add(out, p + i, v);
                } else {
                    size_t n = (size_t)bytes;

                    if (flags & TEXT_NORM_FOLD)
                        n = unify_punct((char *)cps, n);
                    rc = buf_add(out, cps, n);
                }
            }
            i += v;
        }
        if (rc == 0 && i < len && str_utf8_valid_prefix(p + i, len - i) == 0) {
            rc = buf_add(out, "\xEF\xBF\xBD", 3);
            i++;
        }
    }
    free(cps);
    free(tmp);
    return rc;
}

int
text_fold(const char *p, size_t len, struct buf *out)
{
    return text_normalize(p, len, TEXT_NORM_FOLD, out);
}

/* Largest n' <= n that does not cut a UTF-8 character of s. */
static size_t
utf8_floor(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    return str_utf8_cut(s, n, max);
}

size_t
text_fold_word(const char *p, size_t len, char *out, size_t cap, int *truncated)
{
    const unsigned char *s = (const unsigned char *)p;
    utf8proc_int32_t cps[TEXT_TOKEN_MAX * 4 + 1], tmp[TEXT_TOKEN_MAX * 4 + 1];
    size_t i, n, max = cap - 1;
    int trunc = 0, ascii = 1;

    if (len > TEXT_TOKEN_MAX) {
        len = utf8_floor(p, len, TEXT_TOKEN_MAX);
        trunc = 1;
    }
    for (i = 0; i < len; i++) {
        if (s[i] >= 0x80) {
            ascii = 0;
            break;
        }
    }
    if (ascii) {
        n = len < max ? len : max;
        if (n < len)
            trunc = 1;
        for (i = 0; i < n; i++)
            out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
        out[n] = '\0';
        if (truncated)
            *truncated = trunc;
        return n;
    }
    for (;;) {
        utf8proc_ssize_t need = decompose(s, len, cps, ARRAY_SIZE(cps), tmp, FOLD_OPTS);
        utf8proc_ssize_t bytes;

        if (need < 0) {
            /* invalid UTF-8: keep the bytes, lowercased where ASCII */
            n = utf8_floor(p, len, max);
            for (i = 0; i < n; i++)
                out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
            out[n] = '\0';
            if (truncated)
                *truncated = trunc || n < len;
            return n;
        }
        if ((size_t)need >= ARRAY_SIZE(cps)) {
            /* expands too much (compatibility ligatures): fold less of it */
            len = str_utf8_cut(p, len, len / 2);
            trunc = 1;
            continue;
        }
        bytes = utf8proc_reencode(cps, need, FOLD_OPTS);
        if (bytes < 0)
            bytes = 0;
        n = unify_punct((char *)cps, (size_t)bytes);
        if (n > max) {
            n = str_utf8_cut((const char *)cps, n, max);
            trunc = 1;
        }
        memcpy(out, cps, n);
        out[n] = '\0';
        if (truncated)
            *truncated = trunc;
        return n;
    }
}

/* ---- tokenizer ---- */

void
text_tokenizer_init(struct text_tokenizer *t, const char *p, size_t len)
{
    t->p = p;
    t->len = p ? len : 0;
    t->pos = 0;
    t->fold[0] = '\0';
}

static int
is_word_class(enum cclass c)
{
    return c == C_LETTER || c == C_DIGIT || c == C_MARK;
}

int
text_tokenizer_next(struct text_tokenizer *t, struct text_token *tok)
{
    const unsigned char *p = (const unsigned char *)t->p;
    size_t len = t->len, i = t->pos, n, start, seglen = 0;
    unsigned flags = 0;
    int32_t cp;
    enum cclass c, last = C_OTHER;
    enum ccase k;
    int nupper = 0, nlower = 0, first = 1, abbr = 0, trunc = 0;

    for (;;) {
        while (i < len && p[i] < 0x80 && (ascii_cls[p[i]] & 15) != C_LETTER &&
               ascii_cls[p[i]] != C_DIGIT)
            i++;
        if (i >= len) {
            t->pos = len;
            return 0;
        }
        cp = decode(p, len, i, &n);
        c = char_class(cp, &k);
        if (c == C_LETTER || c == C_DIGIT || c == C_IDEO)
            break;
        i += n;
    }
    start = i;
    if (c == C_IDEO) {
        i += n;
        while (i < len) {
            cp = decode(p, len, i, &n);
            if (char_class(cp, &k) != C_MARK)
                break;
            i += n;
        }
        flags = TEXT_TOK_ALPHA | TEXT_TOK_IDEO;
        goto done;
    }
    for (;;) {
        /* consume the word character c (length n) at i */
        if (c == C_LETTER) {
            flags |= TEXT_TOK_ALPHA;
            if (k == K_UPPER) {
                nupper++;
                if (first)
                    flags |= TEXT_TOK_CAP;
            } else if (k == K_LOWER) {
                nlower++;
            }
        } else if (c == C_DIGIT) {
            flags |= TEXT_TOK_DIGIT;
        }
        if (c != C_MARK) {
            seglen++;
            first = 0;
        }
        last = c == C_MARK ? last : c;
        i += n;
        /* fast path: a run of ASCII letters and digits */
        while (i < len && p[i] < 0x80) {
            unsigned char a = ascii_cls[p[i]];

            if ((a & 15) == C_LETTER) {
                flags |= TEXT_TOK_ALPHA;
                if ((a >> 4) == K_UPPER)
                    nupper++;
                else
                    nlower++;
                last = C_LETTER;
            } else if (a == C_DIGIT) {
                flags |= TEXT_TOK_DIGIT;
                last = C_DIGIT;
            } else {
                break;
            }
            seglen++;
            i++;
        }
        if (i >= len)
            break;
        cp = decode(p, len, i, &n);
        c = char_class(cp, &k);
        if (is_word_class(c))
            continue;
        if (c == C_APOS || c == C_HYPHEN || c == C_DOT || c == C_COMMA || c == C_JOINER) {
            size_t j = i + n, n2, m;
            int32_t cp2;
            enum cclass c2;
            enum ccase k2;
            int ok = 0;

            if (j >= len) {
                if (abbr && c == C_DOT && seglen == 1 && last == C_LETTER)
                    i = j;
                break;
            }
            cp2 = decode(p, len, j, &n2);
            c2 = char_class(cp2, &k2);
            switch (c) {
            case C_APOS:
                ok = c2 == C_LETTER;
                if (ok)
                    flags |= TEXT_TOK_APOS;
                break;
            case C_HYPHEN:
                ok = c2 == C_LETTER || c2 == C_DIGIT;
                if (ok)
                    flags |= TEXT_TOK_HYPHEN;
                break;
            case C_DOT:
                if (last == C_DIGIT && c2 == C_DIGIT && !abbr) {
                    ok = 1;
                } else if (seglen == 1 && last == C_LETTER && c2 == C_LETTER) {
                    m = j + n2;
                    if (m < len && p[m] == '.') {
                        ok = 1;
                        abbr = 1;
                        flags |= TEXT_TOK_ABBR;
                    }
                }
                break;
            case C_COMMA:
                /* thousands: ",ddd" not followed by another digit */
                if (last == C_DIGIT && j + 3 <= len) {
                    ok = p[j] >= '0' && p[j] <= '9' && p[j + 1] >= '0' && p[j + 1] <= '9' &&
                         p[j + 2] >= '0' && p[j + 2] <= '9' &&
                         (j + 3 == len || p[j + 3] < '0' || p[j + 3] > '9');
                }
                break;
            case C_JOINER:
                ok = last == C_LETTER && c2 == C_LETTER;
                break;
            default:
                break;
            }
            if (!ok) {
                if (abbr && c == C_DOT && seglen == 1 && last == C_LETTER)
                    i = j; /* the final stop of "U.S." */
                break;
            }
            if (c2 == C_MARK || c2 == C_IDEO)
                break;
            seglen = 0;
            i = j;
            c = c2;
            k = k2;
            n = n2;
            continue;
        }
        break;
    }
    if (nupper >= 2 && nlower == 0)
        flags |= TEXT_TOK_UPPER;
done:
    tok->off = start;
    tok->len = i - start;
    /* cap the fold at TEXT_TOKEN_MAX, not at the array (folding can lengthen a word) */
    tok->fold_len = text_fold_word(t->p + start, i - start, t->fold, TEXT_TOKEN_MAX + 1, &trunc);
    tok->fold = t->fold;
    if (trunc)
        flags |= TEXT_TOK_TRUNC;
    tok->flags = flags;
    t->pos = i;
    return 1;
}

/* ---- sentences ---- */

/* Sorted (strcmp) lists of lowercase abbreviations, without the stop. */
static const char *const abbr_title[] = {
    "adm",  "capt", "cmdr", "col", "cpl",    "det",  "dott", "dr",  "gen",  "gov",  "hon",  "hr",
    "hrn",  "insp", "lt",   "maj", "messrs", "mlle", "mme",  "mr",  "mrs",  "ms",   "msgr", "pres",
    "prof", "pvt",  "rep",  "rev", "sen",    "sgt",  "sig",  "sra", "srta", "supt", "vs",
};
static const char *const abbr_number[] = {
    "art", "ch", "fig", "no", "nos", "nr", "op", "p", "para", "pp", "sec", "tel", "vol",
};
static const char *const abbr_month[] = {
    "apr", "aug", "dec", "feb", "jan", "jul", "jun", "mar", "nov", "oct", "sep", "sept",
};
static const char *const abbr_soft[] = {
    "approx", "assn", "ave", "blvd", "bros", "co",  "corp", "dept", "est", "etc",
    "inc",    "jr",   "llc", "ltd",  "mt",   "plc", "rd",   "sr",   "st",  "univ",
};
/* Words that open an English sentence after an abbreviation ends one. */
static const char *const openers[] = {
    "a",    "after", "all",   "an",    "and",   "as",    "at",   "but",   "for",   "he",
    "her",  "his",   "how",   "i",     "if",    "in",    "it",   "its",   "many",  "meanwhile",
    "more", "most",  "my",    "no",    "on",    "our",   "she",  "since", "so",    "some",
    "that", "the",   "their", "then",  "there", "these", "they", "this",  "those", "though",
    "we",   "what",  "when",  "where", "while", "who",   "why",  "yet",   "you",
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
in_list(const char *const *list, size_t n, const char *w)
{
    return bsearch(&w, list, n, sizeof(*list), cmp_str) != NULL;
}

#define IN(list, w) in_list((list), ARRAY_SIZE(list), (w))

static int
is_terminator(int32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026 || cp == 0x3002 || cp == 0xFF01 ||
           cp == 0xFF1F || cp == 0x061F || cp == 0x0964 || cp == 0x0965 || cp == 0xFF0E;
}

static int
is_cjk_terminator(int32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
}

static int
is_closer(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '}' || cp == 0x201D ||
           cp == 0x2019 || cp == 0x00BB || cp == 0x203A || cp == 0x300D || cp == 0x300F ||
           cp == 0xFF09 || cp == 0x201C; /* some texts close with an opening quote */
}

static int
is_opener(int32_t cp)
{
    return cp == '"' || cp == '\'' || cp == '(' || cp == '[' || cp == 0x201C || cp == 0x2018 ||
           cp == 0x00AB || cp == 0x2039 || cp == 0x300C || cp == 0x300E || cp == 0xFF08 ||
           cp == 0x00BF || cp == 0x00A1;
}

static int
is_space_cp(int32_t cp)
{
    enum ccase k;

    return cp >= 0 && char_class(cp, &k) == C_SPACE;
}

/*
 * At p[i] after whitespace: is there a paragraph break, i.e. a newline, then
 * only blanks, then another newline, between from and i?  Checked by the
 * caller over the whitespace run.
 */
static int
has_blank_line(const unsigned char *p, size_t from, size_t to)
{
    int nl = 0;

    for (size_t i = from; i < to; i++) {
        if (p[i] == '\n') {
            if (++nl >= 2)
                return 1;
        } else if (p[i] == 0xE2 && i + 2 < to && p[i + 1] == 0x80 && p[i + 2] == 0xA9) {
            return 1; /* U+2029 paragraph separator */
        }
    }
    return 0;
}

/* The word (letters and dots) that ends just before the stop at p[dot], folded into w. */
static size_t
word_before(const unsigned char *p, size_t dot, char *w, size_t cap, int *inner_dot,
            int *upper_initial)
{
    size_t b = dot, n = 0;

    *inner_dot = 0;
    while (b > 0 && dot - b < 24) {
        unsigned char c = p[b - 1];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.') {
            b--;
            continue;
        }
        break;
    }
    /* a non-ASCII letter right before means a word we do not know */
    if (b > 0 && p[b - 1] >= 0x80)
        return 0;
    *upper_initial = dot - b == 1 && p[b] >= 'A' && p[b] <= 'Z';
    for (size_t i = b; i < dot && n + 1 < cap; i++) {
        unsigned char c = p[i];

        if (c == '.') {
            if (n)
                *inner_dot = 1;
            continue;
        }
        w[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    w[n] = '\0';
    return n;
}

/* The next word at p[i..) (ASCII letters only), folded into w; 0 if none. */
static size_t
word_at(const unsigned char *p, size_t len, size_t i, char *w, size_t cap)
{
    size_t n = 0;

    while (i < len && n + 1 < cap &&
           ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z'))) {
        w[n++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
        i++;
    }
    if (i < len && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z')))
        return 0; /* too long to be an opener */
    w[n] = '\0';
    return n;
}

/*
 * Decide whether the terminator run p[t0..t1) (closers included up to
 * after) ends a sentence, given that whitespace follows up to next (the
 * first non-space character, or len).
 */
static int
ends_sentence(const unsigned char *p, size_t len, size_t t0, size_t t1, size_t next)
{
    size_t i = next, n;
    int32_t cp;
    enum ccase k;
    enum cclass c;
    char w[32], nw[32];
    int inner_dot = 0, initial = 0, single_stop;

    if (next >= len)
        return 1;
    /* look past opening quotes and brackets to the first letter */
    for (;;) {
        cp = decode(p, len, i, &n);
        if (!is_opener(cp) || i + n >= len)
            break;
        i += n;
    }
    c = char_class(cp, &k);
    if (c == C_LETTER && k == K_LOWER)
        return 0;
    single_stop = t1 - t0 == 1 && p[t0] == '.';
    if (!single_stop)
        return 1;
    if (!word_before(p, t0, w, sizeof(w), &inner_dot, &initial))
        return 1;
    if (IN(abbr_title, w))
        return 0;
    if ((IN(abbr_number, w) || IN(abbr_month, w)) && c == C_DIGIT)
        return 0;
    if (inner_dot || initial || IN(abbr_soft, w) || IN(abbr_month, w)) {
        /* ambiguous: a sentence ends only if a common opener follows */
        if (c != C_LETTER || !word_at(p, len, i, nw, sizeof(nw)))
            return 0;
        return IN(openers, nw);
    }
    return 1;
}

/* ASCII bytes the sentence splitter must look at: spaces, terminators, closers. */
static const unsigned char sent_special[128] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, ['.'] = 1,
    ['!'] = 1,  ['?'] = 1,  ['"'] = 1,  ['\''] = 1, [')'] = 1,  [']'] = 1, ['}'] = 1,
};

int
text_sentence_next(const char *src, size_t len, size_t *pos, struct text_span *out)
{
    const unsigned char *p = (const unsigned char *)src;
    size_t i = *pos, start, n, last_end;
    int32_t cp;

    if (!src)
        return 0;
    /* skip leading whitespace */
    while (i < len) {
        cp = decode(p, len, i, &n);
        if (!is_space_cp(cp))
            break;
        i += n;
    }
    if (i >= len) {
        *pos = len;
        return 0;
    }
    start = i;
    last_end = i;
    while (i < len) {
        if (p[i] < 0x80 && !sent_special[p[i]]) {
            i++;
            continue;
        }
        /* one space between words: no paragraph break, nothing to cut */
        if (p[i] == ' ' && i + 1 < len && p[i + 1] < 0x80 && !sent_special[p[i + 1]]) {
            i += 2;
            continue;
        }
        cp = decode(p, len, i, &n);
        if (is_space_cp(cp)) {
            size_t ws = i;

            while (i < len) {
                cp = decode(p, len, i, &n);
                if (!is_space_cp(cp))
                    break;
                i += n;
            }
            if (has_blank_line(p, ws, i))
                goto cut;
            continue;
        }
        if (is_terminator(cp)) {
            size_t t0 = i, t1, j;
            int cjk = is_cjk_terminator(cp);

            i += n;
            while (i < len) {
                cp = decode(p, len, i, &n);
                if (!is_terminator(cp))
                    break;
                cjk |= is_cjk_terminator(cp);
                i += n;
            }
            t1 = i;
            while (i < len) {
                cp = decode(p, len, i, &n);
                if (!is_closer(cp))
                    break;
                i += n;
            }
            last_end = i;
            if (cjk)
                goto cut;
            if (i < len && !is_space_cp(cp))
                continue; /* "3.5", "example.com", "U.S.-led" */
            j = i;
            while (j < len) {
                cp = decode(p, len, j, &n);
                if (!is_space_cp(cp))
                    break;
                j += n;
            }
            if (has_blank_line(p, i, j) || ends_sentence(p, len, t0, t1, j))
                goto cut;
            continue;
        }
        i += n;
        last_end = i;
    }
    last_end = i;
cut:
    /* trim trailing whitespace from [start, last_end) */
    {
        size_t e = i < last_end ? last_end : i;

        while (e > start) {
            size_t b = e - 1;

            while (b > start && (p[b] & 0xC0) == 0x80)
                b--;
            cp = decode(p, len, b, &n);
            if (cp >= 0 && !is_space_cp(cp))
                break;
            e = b;
        }
        out->off = start;
        out->len = e - start;
    }
    *pos = i;
    return 1;
}

struct text_span *
text_sentences(struct arena *a, const char *p, size_t len, size_t *n)
{
    struct text_span s, *v = NULL, *nv;
    size_t pos = 0, cnt = 0, cap = 0;

    while (text_sentence_next(p, len, &pos, &s)) {
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 32;

            nv = ARENA_NEWN(a, struct text_span, ncap);
            if (cnt)
                memcpy(nv, v, cnt * sizeof(*v));
            v = nv;
            cap = ncap;
        }
        v[cnt++] = s;
    }
    *n = cnt;
    return v;
}

/* ---- captions ---- */

/* Whether p[0..len) starts with a credit label and a colon ("Photo credit:"). */
static int
credit_label(const char *p, size_t len)
{
    static const char *const labels[] = {
        "image credit", "photo credit", "picture credit", "images",  "image",  "photos",
        "photograph",   "photo",        "pictures",       "picture", "credit",
    };

    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        size_t n = strlen(labels[i]);

        if (len > n && !str_ncasecmp(p, labels[i], n)) {
            size_t j = n;

            while (j < len && p[j] == ' ')
                j++;
            return j < len && p[j] == ':';
        }
    }
    return 0;
}

/* Whether p[0..len) ends in a parenthesised credit: "(AP Photo/...)", "(Getty Images)". */
static int
credit_paren(const char *p, size_t len)
{
    size_t open;

    while (len && (p[len - 1] == '.' || p[len - 1] == ' '))
        len--;
    if (!len || p[len - 1] != ')')
        return 0;
    open = len - 1;
    while (open > 0 && p[open] != '(')
        open--;
    if (p[open] != '(')
        return 0;
    for (size_t i = open + 1; i + 5 <= len - 1; i++)
        if (!str_ncasecmp(p + i, "photo", 5) || !str_ncasecmp(p + i, "image", 5))
            return 1;
    return 0;
}

int
text_is_caption(const char *p, size_t len)
{
    struct text_span s, last = {0, 0};
    size_t pos = 0;

    if (len > TEXT_CAPTION_MAX)
        return 0;
    while (text_sentence_next(p, len, &pos, &s))
        last = s;
    if (!last.len)
        return 0;
    return credit_label(p + last.off, last.len) || credit_paren(p + last.off, last.len);
}

/* ---- hashes ---- */

uint64_t
text_word_hash(const char *fold, size_t len)
{
    return hash64(fold, len, 0);
}

void
text_content_hash(const char *p, size_t len, unsigned char out[TEXT_CONTENT_HASH_LEN])
{
    crypto_generichash_state st;
    struct text_tokenizer tz;
    struct text_token tok;
    char chunk[1024];
    size_t n = 0;
    int any = 0;

    crypto_generichash_init(&st, NULL, 0, TEXT_CONTENT_HASH_LEN);
    text_tokenizer_init(&tz, p, len);
    while (text_tokenizer_next(&tz, &tok)) {
        if (n + tok.fold_len + 1 > sizeof(chunk)) {
            crypto_generichash_update(&st, (const unsigned char *)chunk, n);
            n = 0;
        }
        if (any)
            chunk[n++] = ' ';
        any = 1;
        for (size_t i = 0; i < tok.fold_len; i++) {
            char c = tok.fold[i];

            if (c == '\'' || c == '-' || c == '.' || c == ',')
                continue;
            chunk[n++] = c;
        }
    }
    if (n)
        crypto_generichash_update(&st, (const unsigned char *)chunk, n);
    crypto_generichash_final(&st, out, TEXT_CONTENT_HASH_LEN);
}

void
text_content_hash_hex(const char *p, size_t len, char hex[2 * TEXT_CONTENT_HASH_LEN + 1])
{
    unsigned char h[TEXT_CONTENT_HASH_LEN];

    text_content_hash(p, len, h);
    sodium_bin2hex(hex, 2 * TEXT_CONTENT_HASH_LEN + 1, h, sizeof(h));
}
