#include "text/analyze.h"

#include "text/internal.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/hmap.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* Lowercase words allowed inside a capitalized phrase: "Bank of England". */
static const char *const connectors[] = {
    "al", "bin", "da", "de", "del", "della", "der", "des",
    "di", "du",  "la", "le", "of",  "van",   "von",
};

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int
is_connector(const char *w)
{
    return bsearch(&w, connectors, ARRAY_SIZE(connectors), sizeof(*connectors), cmp_str) != NULL;
}

struct an {
    struct text_stemmer *st;
    struct arena *a;
    struct text_doc *doc;
    const struct text_stoplist *stop;
    unsigned flags;
    int elide;
    struct text_scratch *sc;
    /*
     * While the document is analysed, arrays live in the scratch and every
     * string (folds, stems, phrases) in sc->pool; struct fields that will
     * hold string pointers hold pool offsets until finish() copies it all
     * into the arena.
     */
    struct text_tok *toks;
    size_t ntoks;
    struct text_term *terms;
    size_t nterms;
    struct text_word_slot *words; /* the word cache, NULL when not usable */
    uint64_t ctx;                 /* doc->lang's bytes, the cache's context */
};

#define OFF(x) ((const char *)(uintptr_t)(x))
#define UNOFF(p) ((size_t)(uintptr_t)(p))

/* Copy p[0..n) and a NUL into the pool; returns its offset. */
static size_t
pool_add(struct text_scratch *sc, const char *p, size_t n)
{
    size_t off = sc->pool_len;

    if (sc->pool_cap - sc->pool_len < n + 1) {
        size_t cap = sc->pool_cap ? sc->pool_cap : 4096;

        while (cap - sc->pool_len < n + 1)
            cap *= 2;
        sc->pool = xrealloc(sc->pool, cap);
        sc->pool_cap = cap;
    }
    memcpy(sc->pool + off, p, n);
    sc->pool[off + n] = '\0';
    sc->pool_len += n + 1;
    return off;
}

/* The scratch array arr (element size sz, *alloc elements) grown to hold need. */
static void *
grow(void *arr, size_t *alloc, size_t need, size_t sz)
{
    if (need <= *alloc)
        return arr;
    *alloc = need < 64 ? 64 : need * 2;
    return xrealloc(arr, *alloc * sz);
}

/* "l'homme" -> "homme" for languages that elide articles and pronouns. */
static const char *
strip_elision(const char *w, size_t *len)
{
    const char *q = memchr(w, '\'', *len);

    if (!q || q - w > 6 || (size_t)(q - w) + 3 > *len)
        return w;
    *len -= (size_t)(q + 1 - w);
    return q + 1;
}

/*
 * What a word gives in a language, remembered across documents: whether
 * it is a stop word, how much elision strips, its stem and the stem's id.
 * Hits skip the stop-word search, the stemmer and hashing the stem.  A
 * slot is only used for the same folded word (compared in full), the
 * same language and the same flags that decide the outcome.
 */
#define WORD_SLOTS 32768
#define WORD_W 17

struct text_word_slot {
    uint64_t hash;                        /* text_word_hash() of the fold */
    uint64_t ctx;                         /* the language code's bytes */
    uint64_t id;                          /* hash64() of the stem */
    uint16_t key;                         /* deciding token and analysis flags */
    unsigned char flen, slen, skip, stop; /* flen 0: empty; skip: bytes elided */
    char fold[WORD_W];
    char stem[WORD_W];
};

#define WORD_TOK_FLAGS (TEXT_TOK_APOS | TEXT_TOK_DIGIT | TEXT_TOK_ABBR | TEXT_TOK_IDEO)

/* Fill slot ws with what the folded token tok gives: w is where the word
 * starts after elision, stem[0..sl) its stem (none for a stop word). */
static void
word_remember(struct text_word_slot *ws, const struct an *an, uint64_t hash, uint16_t key,
              const struct text_token *tok, const char *w, int stop, const char *stem, size_t sl,
              uint64_t id)
{
    ws->hash = hash;
    ws->ctx = an->ctx;
    ws->key = key;
    ws->flen = (unsigned char)tok->fold_len;
    ws->skip = (unsigned char)(w - tok->fold);
    ws->stop = (unsigned char)stop;
    ws->slen = (unsigned char)sl;
    ws->id = id;
    memcpy(ws->fold, tok->fold, tok->fold_len);
    if (sl)
        memcpy(ws->stem, stem, sl);
}

static void
add_token(struct an *an, const struct text_token *tok, unsigned extra, uint32_t sent)
{
    struct text_scratch *sc = an->sc;
    struct text_tok *t;
    struct text_word_slot *ws = NULL;
    const char *w = tok->fold, *stem;
    size_t wl = tok->fold_len, fold_off, sl;
    uint16_t key = (uint16_t)((tok->flags & WORD_TOK_FLAGS) | (an->flags << 12));
    uint64_t id, *slot;
    int stop = 0, inserted;

    if (an->ntoks == sc->atoks) {
        sc->toks = grow(sc->toks, &sc->atoks, an->ntoks + 1, sizeof(*an->toks));
        an->toks = sc->toks;
    }
    t = &an->toks[an->ntoks];
    t->off = (uint32_t)tok->off;
    t->len = (uint32_t)tok->len;
    t->flags = tok->flags | extra;
    t->sent = sent;
    t->term = -1;
    t->hash = text_word_hash(tok->fold, tok->fold_len);
    fold_off = pool_add(sc, tok->fold, tok->fold_len);
    t->fold = OFF(fold_off);

    if (an->words && wl && wl <= WORD_W) {
        ws = &an->words[t->hash & (WORD_SLOTS - 1)];
        if (ws->flen == wl && ws->hash == t->hash && ws->ctx == an->ctx && ws->key == key &&
            !memcmp(ws->fold, tok->fold, wl)) {
            w += ws->skip;
            wl -= ws->skip;
            if (ws->stop)
                t->flags |= TEXT_TOK_STOP;
            if (ws->stop && !(an->flags & TEXT_AN_KEEP_STOP)) {
                an->ntoks++;
                return;
            }
            stem = ws->stem;
            sl = ws->slen;
            id = ws->id;
            goto term;
        }
    }

    if (an->elide && (tok->flags & TEXT_TOK_APOS))
        w = strip_elision(w, &wl);
    if (an->stop && text_stoplist_has(an->stop, w, wl)) {
        t->flags |= TEXT_TOK_STOP;
        stop = 1;
    }
    if (stop && !(an->flags & TEXT_AN_KEEP_STOP)) {
        if (ws)
            word_remember(ws, an, t->hash, key, tok, w, 1, NULL, 0, 0);
        an->ntoks++;
        return;
    }
    stem = w;
    sl = wl;
    if (!(an->flags & TEXT_AN_NO_STEM) &&
        !(tok->flags & (TEXT_TOK_DIGIT | TEXT_TOK_ABBR | TEXT_TOK_IDEO)))
        stem = text_stem(an->st, an->doc->lang, w, wl, &sl);
    id = hash64(stem, sl, 0);
    if (ws) {
        if (sl <= WORD_W)
            word_remember(ws, an, t->hash, key, tok, w, stop, stem, sl, id);
        else
            ws->flen = 0;
    }
term:
    slot = hmap_put(&sc->term_ids, id, &inserted);
    if (inserted) {
        struct text_term *term;

        if (an->nterms == sc->aterms) {
            sc->terms = grow(sc->terms, &sc->aterms, an->nterms + 1, sizeof(*an->terms));
            an->terms = sc->terms;
        }
        term = &an->terms[an->nterms];
        memset(term, 0, sizeof(*term));
        term->id = id;
        /* stem may point into the tokenizer, the stemmer, the word cache or the pool: copy first */
        term->stem = OFF(pool_add(sc, stem, sl));
        term->word = w == tok->fold ? OFF(fold_off) : OFF(pool_add(sc, w, wl));
        term->first = (uint32_t)an->ntoks;
        *slot = an->nterms++;
    }
    t->term = (int32_t)*slot;
    an->terms[*slot].count++;
    if (extra & TEXT_TOK_TITLE)
        an->terms[*slot].title_count++;
    an->ntoks++;
}

/* ---- capitalized phrases ---- */

static int
is_cap_word(const struct text_tok *t)
{
    return (t->flags & TEXT_TOK_ALPHA) && (t->flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)) &&
           !(t->flags & TEXT_TOK_IDEO);
}

/* Only spaces (ASCII or no-break) between src[a..b). */
static int
only_spaces(const char *src, uint32_t a, uint32_t b)
{
    if (b < a || b - a > 8)
        return 0;
    for (uint32_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c == ' ')
            continue;
        if (c == 0xC2 && i + 1 < b && (unsigned char)src[i + 1] == 0xA0) {
            i++;
            continue;
        }
        return 0;
    }
    return 1;
}

/* The token follows an opening quote or a colon: it starts a quotation. */
static int
after_opener(const char *src, uint32_t off)
{
    const unsigned char *p = (const unsigned char *)src;
    uint32_t i = off;

    while (i > 0 && p[i - 1] == ' ')
        i--;
    if (i == 0)
        return 0;
    if (p[i - 1] == '"' || p[i - 1] == ':' || p[i - 1] == '\'')
        return 1;
    /* “ (E2 80 9C), ‘ (E2 80 98), « (C2 AB) */
    if (i >= 3 && p[i - 3] == 0xE2 && p[i - 2] == 0x80 && (p[i - 1] == 0x9C || p[i - 1] == 0x98))
        return 1;
    return i >= 2 && p[i - 2] == 0xC2 && p[i - 1] == 0xAB;
}

/* The fold of toks[i] while the pool is still the scratch's. */
static const char *
tok_fold(const struct an *an, size_t i)
{
    return an->sc->pool + UNOFF(an->toks[i].fold);
}

static void
add_phrase(struct an *an, size_t from, size_t to, int title)
{
    struct text_scratch *sc = an->sc;
    struct text_phrase *ph = sc->phrases;
    char text[TEXT_PHRASE_MAX_WORDS * (TEXT_TOKEN_MAX + 1) + 1];
    size_t n = 0;
    uint64_t id, *slot;
    int inserted;

    for (size_t i = from; i < to; i++) {
        const char *w = tok_fold(an, i);
        size_t wl = strlen(w);

        if (i + 1 == to && wl > 2 && w[wl - 2] == '\'' && w[wl - 1] == 's')
            wl -= 2;
        if (n)
            text[n++] = ' ';
        memcpy(text + n, w, wl);
        n += wl;
    }
    text[n] = '\0';
    if (to - from == 1 && (an->toks[from].flags & TEXT_TOK_STOP))
        return;
    id = hash64(text, n, 0);
    slot = hmap_put(&sc->phrase_ids, id, &inserted);
    if (inserted) {
        struct text_phrase *p;
        size_t np = hmap_len(&sc->phrase_ids) - 1;

        if (np == sc->aphrases) {
            sc->phrases = grow(sc->phrases, &sc->aphrases, np + 1, sizeof(*ph));
            ph = sc->phrases;
        }
        p = &ph[np];
        memset(p, 0, sizeof(*p));
        p->text = OFF(pool_add(sc, text, n));
        p->id = id;
        p->first = (uint32_t)from;
        p->nwords = (uint32_t)(to - from);
        *slot = np;
    }
    ph[*slot].count++;
    if (title)
        ph[*slot].title_count++;
}

/*
 * Is toks[from..to) (one sentence or the title) written in Title Case or
 * capitals, i.e. are at most a tenth of its content words lowercase?  Then
 * capitals carry no signal.
 */
static int
mostly_capitalized(const struct text_tok *toks, size_t from, size_t to)
{
    size_t words = 0, lower = 0;

    for (size_t i = from; i < to; i++) {
        if (!(toks[i].flags & TEXT_TOK_ALPHA) || (toks[i].flags & TEXT_TOK_STOP))
            continue;
        words++;
        if (!(toks[i].flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)))
            lower++;
    }
    return words >= 3 && lower * 10 <= words;
}

/* "Armenia's" ends a phrase: "Armenia's Prime Minister" is two. */
static int
possessive(const char *w)
{
    size_t n = strlen(w);

    return n > 2 && w[n - 2] == '\'' && w[n - 1] == 's';
}

/* Phrases of one sentence (or the title): toks[from..to). */
static void
sentence_phrases(struct an *an, size_t from, size_t to, int title)
{
    const char *src = title ? an->doc->title : an->doc->text;
    const struct text_tok *t = an->toks;
    size_t i = from;

    if (mostly_capitalized(t, from, to))
        return;
    while (i < to) {
        size_t j, end, last_cap, next;
        int initial;

        if (!is_cap_word(&t[i])) {
            i++;
            continue;
        }
        initial = i == from || after_opener(src, t[i].off);
        /* extend: capitalized words, or a connector before one, only spaces between */
        j = i + 1;
        last_cap = i;
        while (j < to && j - i < TEXT_PHRASE_MAX_WORDS && !possessive(tok_fold(an, j - 1)) &&
               only_spaces(src, t[j - 1].off + t[j - 1].len, t[j].off)) {
            if (is_cap_word(&t[j])) {
                last_cap = j;
                j++;
                continue;
            }
            if (is_connector(tok_fold(an, j)) && j + 1 < to && is_cap_word(&t[j + 1]) &&
                j + 1 - i < TEXT_PHRASE_MAX_WORDS &&
                only_spaces(src, t[j].off + t[j].len, t[j + 1].off)) {
                j++;
                continue;
            }
            break;
        }
        end = last_cap + 1;
        next = end;
        /* a capitalized stop word ("The", "In") never starts a phrase */
        while (i < end && (t[i].flags & TEXT_TOK_STOP)) {
            i++;
            initial = 0; /* what follows is not sentence-initial by itself */
            while (i < end && !is_cap_word(&t[i]))
                i++;
        }
        if (i < end && initial) {
            /* a sentence's first word counts only as part of a longer run */
            if (end - i < 2)
                i = end;
        }
        if (i < end)
            add_phrase(an, i, end, title);
        i = next;
    }
}

static size_t
find_phrases(struct an *an)
{
    struct text_doc *doc = an->doc;
    size_t i;

    if (doc->ntitle)
        sentence_phrases(an, 0, doc->ntitle, 1);
    i = doc->ntitle;
    while (i < an->ntoks) {
        size_t j = i + 1;

        while (j < an->ntoks && an->toks[j].sent == an->toks[i].sent)
            j++;
        sentence_phrases(an, i, j, 0);
        i = j;
    }
    return hmap_len(&an->sc->phrase_ids);
}

/* ---- the document ---- */

/* Move the results from the scratch into the arena, offsets turned into pointers. */
static void
finish(struct an *an, size_t nphrases)
{
    struct text_doc *doc = an->doc;
    struct text_scratch *sc = an->sc;
    struct arena *a = an->a;
    const struct text_phrase *ph = sc->phrases;
    char *pool = NULL;
    size_t total = 0;
    uint32_t *pos;

    if (sc->pool_len) {
        pool = arena_alloc(a, sc->pool_len);
        memcpy(pool, sc->pool, sc->pool_len);
    }
    if (an->ntoks) {
        doc->toks = arena_alloc(a, an->ntoks * sizeof(*doc->toks));
        doc->ntoks = an->ntoks;
        for (size_t i = 0; i < an->ntoks; i++) {
            doc->toks[i] = an->toks[i];
            doc->toks[i].fold = pool + UNOFF(an->toks[i].fold);
        }
    }
    if (an->nterms) {
        doc->terms = arena_alloc(a, an->nterms * sizeof(*doc->terms));
        doc->nterms = an->nterms;
        for (size_t i = 0; i < an->nterms; i++)
            total += an->terms[i].count;
        pos = arena_alloc(a, total * sizeof(*pos));
        for (size_t i = 0; i < an->nterms; i++) {
            struct text_term *t = &doc->terms[i];

            *t = an->terms[i];
            t->stem = pool + UNOFF(t->stem);
            t->word = pool + UNOFF(t->word);
            t->pos = pos;
            pos += t->count;
            t->count = 0; /* counted again while the positions are filled */
        }
        for (size_t i = 0; i < doc->ntoks; i++) {
            int32_t t = doc->toks[i].term;

            if (t >= 0)
                doc->terms[t].pos[doc->terms[t].count++] = (uint32_t)i;
        }
    }
    if (nphrases) {
        doc->phrases = arena_alloc(a, nphrases * sizeof(*doc->phrases));
        doc->nphrases = nphrases;
        for (size_t i = 0; i < nphrases; i++) {
            doc->phrases[i] = ph[i];
            doc->phrases[i].text = pool + UNOFF(ph[i].text);
        }
    }
}

/* Ready the scratch for a document; very large tables from a big one are dropped. */
static void
scratch_reset(struct text_scratch *sc)
{
    sc->pool_len = 0;
    if (sc->term_ids.cap > (1u << 16))
        hmap_release(&sc->term_ids);
    else
        hmap_clear(&sc->term_ids);
    if (sc->phrase_ids.cap > (1u << 14))
        hmap_release(&sc->phrase_ids);
    else
        hmap_clear(&sc->phrase_ids);
}

void
text_analyze(struct text_stemmer *st, struct arena *a, const char *title, size_t title_len,
             const char *text, size_t text_len, const char *lang, unsigned flags,
             struct text_doc *doc)
{
    struct an an;
    struct text_tokenizer tz;
    struct text_token tok;
    size_t k = 0, nphrases = 0;
    int first = 1;

    memset(doc, 0, sizeof(*doc));
    if (!title)
        title_len = 0;
    if (!text)
        text_len = 0;
    if (title_len > TEXT_TITLE_MAX)
        title_len = str_utf8_cut(title, title_len, TEXT_TITLE_MAX);
    if (text_len > TEXT_ANALYZE_MAX) {
        text_len = str_utf8_cut(text, text_len, TEXT_ANALYZE_MAX);
        doc->truncated = 1;
    }
    doc->title = title ? title : "";
    doc->title_len = title_len;
    doc->text = text ? text : "";
    doc->text_len = text_len;
    text_lang_norm(lang, doc->lang);

    memset(&an, 0, sizeof(an));
    an.st = st;
    an.a = a;
    an.doc = doc;
    an.flags = flags;
    an.stop = text_stoplist_find(doc->lang);
    an.elide = !strcmp(doc->lang, "fr") || !strcmp(doc->lang, "it") || !strcmp(doc->lang, "ca") ||
               !strcmp(doc->lang, "pt");
    an.sc = text_stemmer_scratch(st);
    an.toks = an.sc->toks;
    an.terms = an.sc->terms;
    scratch_reset(an.sc);
    /* the word cache: its flags field has room for the analysis flags of today */
    if (!(flags >> 4)) {
        if (!an.sc->words)
            an.sc->words = xcalloc(WORD_SLOTS, sizeof(*an.sc->words));
        an.words = an.sc->words;
        memcpy(&an.ctx, doc->lang, strnlen(doc->lang, sizeof(an.ctx)));
    }

    text_tokenizer_init(&tz, doc->title, title_len);
    while (text_tokenizer_next(&tz, &tok)) {
        add_token(&an, &tok, TEXT_TOK_TITLE | (first ? TEXT_TOK_SSTART : 0), TEXT_SENT_TITLE);
        first = 0;
    }
    doc->ntitle = an.ntoks;

    doc->sents = text_sentences(a, doc->text, text_len, &doc->nsents);
    text_tokenizer_init(&tz, doc->text, text_len);
    first = 1;
    while (text_tokenizer_next(&tz, &tok)) {
        /* sentences are in order and cover every token */
        while (k + 1 < doc->nsents && tok.off >= doc->sents[k].off + doc->sents[k].len) {
            k++;
            first = 1;
        }
        add_token(&an, &tok, first ? TEXT_TOK_SSTART : 0, (uint32_t)k);
        first = 0;
    }
    if (!(flags & TEXT_AN_NO_PHRASES))
        nphrases = find_phrases(&an);
    finish(&an, nphrases);
}

const char *
text_tok_ptr(const struct text_doc *doc, const struct text_tok *t)
{
    return ((t->flags & TEXT_TOK_TITLE) ? doc->title : doc->text) + t->off;
}
