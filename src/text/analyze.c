#include "text/analyze.h"

#include "text/stopwords.h"
#include "util/arena.h"
#include "util/hash.h"
#include "util/hmap.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* Lowercase words allowed inside a capitalized phrase: "Bank of England". */
static const char *const connectors[] = {
    "al", "bin", "da", "de", "del", "della", "der", "des", "di", "du", "la", "le", "of", "van", "von",
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
    /* growing arrays, malloc'ed, copied into the arena at the end */
    struct text_tok *toks;
    size_t ntoks, atoks;
    struct text_term *terms;
    size_t nterms, aterms;
    struct hmap term_ids; /* term id -> index */
};

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

static void
add_token(struct an *an, const char *src, const struct text_token *tok, unsigned extra,
          uint32_t sent)
{
    struct text_tok *t;
    const char *w = tok->fold;
    size_t wl = tok->fold_len;
    int stop = 0;

    (void)src;
    ALLOC_GROW(an->toks, an->ntoks + 1, an->atoks);
    t = &an->toks[an->ntoks];
    t->off = (uint32_t)tok->off;
    t->len = (uint32_t)tok->len;
    t->flags = tok->flags | extra;
    t->sent = sent;
    t->term = -1;
    t->hash = text_word_hash(tok->fold, tok->fold_len);
    t->fold = arena_strndup(an->a, tok->fold, tok->fold_len);

    if (an->elide && (tok->flags & TEXT_TOK_APOS))
        w = strip_elision(w, &wl);
    if (an->stop && text_stoplist_has(an->stop, w)) {
        t->flags |= TEXT_TOK_STOP;
        stop = 1;
    }
    if (!stop || (an->flags & TEXT_AN_KEEP_STOP)) {
        const char *stem = w;
        size_t sl = wl;
        uint64_t id, *slot;
        int inserted;

        if (!(an->flags & TEXT_AN_NO_STEM) &&
            !(tok->flags & (TEXT_TOK_DIGIT | TEXT_TOK_ABBR | TEXT_TOK_IDEO)))
            stem = text_stem(an->st, an->doc->lang, w, wl, &sl);
        id = hash64(stem, sl, 0);
        slot = hmap_put(&an->term_ids, id, &inserted);
        if (inserted) {
            struct text_term *term;

            ALLOC_GROW(an->terms, an->nterms + 1, an->aterms);
            term = &an->terms[an->nterms];
            memset(term, 0, sizeof(*term));
            term->id = id;
            term->stem = arena_strndup(an->a, stem, sl);
            term->word = stop || w != tok->fold ? arena_strndup(an->a, w, wl) : t->fold;
            term->first = (uint32_t)an->ntoks;
            *slot = an->nterms++;
        }
        t->term = (int32_t)*slot;
        an->terms[*slot].count++;
        if (extra & TEXT_TOK_TITLE)
            an->terms[*slot].title_count++;
    }
    an->ntoks++;
}

/* ---- capitalized phrases ---- */

struct ph {
    struct text_phrase *v;
    size_t n, alloc;
    struct hmap ids;
};

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

static void
add_phrase(struct an *an, struct ph *ph, size_t from, size_t to, int title)
{
    char text[TEXT_PHRASE_MAX_WORDS * (TEXT_TOKEN_MAX + 1) + 1];
    size_t n = 0;
    uint64_t id, *slot;
    int inserted;

    for (size_t i = from; i < to; i++) {
        const char *w = an->toks[i].fold;
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
    slot = hmap_put(&ph->ids, id, &inserted);
    if (inserted) {
        struct text_phrase *p;

        ALLOC_GROW(ph->v, ph->n + 1, ph->alloc);
        p = &ph->v[ph->n];
        memset(p, 0, sizeof(*p));
        p->text = arena_strndup(an->a, text, n);
        p->id = id;
        p->first = (uint32_t)from;
        p->nwords = (uint32_t)(to - from);
        *slot = ph->n++;
    }
    ph->v[*slot].count++;
    if (title)
        ph->v[*slot].title_count++;
}

/*
 * Is toks[from..to) (one sentence or the title) written in Title Case or
 * capitals?  Then capitals carry no signal.
 */
static int
mostly_capitalized(const struct text_tok *toks, size_t from, size_t to)
{
    size_t words = 0, caps = 0;

    for (size_t i = from; i < to; i++) {
        if (!(toks[i].flags & TEXT_TOK_ALPHA) || (toks[i].flags & TEXT_TOK_STOP))
            continue;
        words++;
        if (toks[i].flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER))
            caps++;
    }
    return words >= 3 && caps * 10 >= words * 8;
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
sentence_phrases(struct an *an, struct ph *ph, size_t from, size_t to, int title)
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
        while (j < to && j - i < TEXT_PHRASE_MAX_WORDS && !possessive(t[j - 1].fold) &&
               only_spaces(src, t[j - 1].off + t[j - 1].len, t[j].off)) {
            if (is_cap_word(&t[j])) {
                last_cap = j;
                j++;
                continue;
            }
            if (is_connector(t[j].fold) && j + 1 < to && is_cap_word(&t[j + 1]) &&
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
            add_phrase(an, ph, i, end, title);
        i = next;
    }
}

static void
find_phrases(struct an *an)
{
    struct text_doc *doc = an->doc;
    struct ph ph = {NULL, 0, 0, HMAP_INIT};
    size_t i = 0;

    hmap_init(&ph.ids, 64);
    if (doc->ntitle)
        sentence_phrases(an, &ph, 0, doc->ntitle, 1);
    i = doc->ntitle;
    while (i < an->ntoks) {
        size_t j = i + 1;

        while (j < an->ntoks && an->toks[j].sent == an->toks[i].sent)
            j++;
        sentence_phrases(an, &ph, i, j, 0);
        i = j;
    }
    if (ph.n) {
        doc->phrases = ARENA_NEWN(an->a, struct text_phrase, ph.n);
        memcpy(doc->phrases, ph.v, ph.n * sizeof(*ph.v));
        doc->nphrases = ph.n;
    }
    free(ph.v);
    hmap_release(&ph.ids);
}

/* ---- the document ---- */

void
text_analyze(struct text_stemmer *st, struct arena *a, const char *title, size_t title_len,
             const char *text, size_t text_len, const char *lang, unsigned flags,
             struct text_doc *doc)
{
    struct an an;
    struct text_tokenizer tz;
    struct text_token tok;
    size_t k = 0, total = 0;
    uint32_t *pool;
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
    an.elide = !strcmp(doc->lang, "fr") || !strcmp(doc->lang, "it") ||
               !strcmp(doc->lang, "ca") || !strcmp(doc->lang, "pt");
    hmap_init(&an.term_ids, 256);

    text_tokenizer_init(&tz, doc->title, title_len);
    while (text_tokenizer_next(&tz, &tok)) {
        add_token(&an, doc->title, &tok, TEXT_TOK_TITLE | (first ? TEXT_TOK_SSTART : 0),
                  TEXT_SENT_TITLE);
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
        add_token(&an, doc->text, &tok, first ? TEXT_TOK_SSTART : 0, (uint32_t)k);
        first = 0;
    }

    if (an.ntoks) {
        doc->toks = ARENA_NEWN(a, struct text_tok, an.ntoks);
        memcpy(doc->toks, an.toks, an.ntoks * sizeof(*an.toks));
        doc->ntoks = an.ntoks;
    }
    if (an.nterms) {
        doc->terms = ARENA_NEWN(a, struct text_term, an.nterms);
        memcpy(doc->terms, an.terms, an.nterms * sizeof(*an.terms));
        doc->nterms = an.nterms;
        for (size_t i = 0; i < an.nterms; i++)
            total += an.terms[i].count;
        pool = ARENA_NEWN(a, uint32_t, total);
        for (size_t i = 0; i < an.nterms; i++) {
            doc->terms[i].pos = pool;
            pool += doc->terms[i].count;
            doc->terms[i].count = 0; /* recounted while filling */
        }
        for (size_t i = 0; i < doc->ntoks; i++) {
            int32_t t = doc->toks[i].term;

            if (t >= 0)
                doc->terms[t].pos[doc->terms[t].count++] = (uint32_t)i;
        }
    }
    if (!(flags & TEXT_AN_NO_PHRASES))
        find_phrases(&an);

    free(an.toks);
    free(an.terms);
    hmap_release(&an.term_ids);
}

const char *
text_tok_ptr(const struct text_doc *doc, const struct text_tok *t)
{
    return ((t->flags & TEXT_TOK_TITLE) ? doc->title : doc->text) + t->off;
}
