/*
 * analyze.h - one document's text analysis: tokens, sentences, stemmed
 * terms with counts and positions, and capitalized phrases.
 *
 * text_analyze() is what clustering, keyphrases, entities, summaries and
 * search start from.  It tokenizes the title and the text (text.h),
 * splits the text into sentences, drops stop words, stems (lang.h), and
 * collects:
 *   - every token in order, title first, with its sentence, flags, the
 *     hash of its folded form (for shingles) and its term;
 *   - the distinct terms (stems) with counts, title counts and positions;
 *   - capitalized phrases: runs of capitalized words inside a sentence
 *     ("Nikol Pashinyan", "White House", "Bank of England", "NATO"),
 *     skipping a sentence's first word unless it starts a longer run and is
 *     not a stop word; cues for named entities.
 *
 * Memory: everything in struct text_doc is allocated from the caller's
 * arena and lives as long as it; the title and text are borrowed (token
 * offsets point into them) and must outlive the doc's use.  The work
 * arrays and tables live in the stemmer handle and are reused from one
 * document to the next; nothing is allocated per token.
 *
 * Thread-safety: the stemmer handle is per thread (lang.h); otherwise pure.
 */
#ifndef GZ_TEXT_ANALYZE_H
#define GZ_TEXT_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "text/lang.h"
#include "text/text.h"

struct arena;

/* Bytes of text analysed; the rest is ignored and doc->truncated set. */
#define TEXT_ANALYZE_MAX (1u << 20)
/* Bytes of title analysed. */
#define TEXT_TITLE_MAX 2048
/* Longest capitalized phrase, in words. */
#define TEXT_PHRASE_MAX_WORDS 6

/* The sentence index of title tokens. */
#define TEXT_SENT_TITLE UINT32_MAX

enum text_analyze_flags {
    TEXT_AN_KEEP_STOP = 1 << 0, /* stop words become terms too */
    TEXT_AN_NO_STEM = 1 << 1,   /* terms are folded words, not stems */
    TEXT_AN_NO_PHRASES = 1 << 2 /* skip capitalized phrases */
};

struct text_tok {
    uint32_t off, len; /* bytes in the title (TEXT_TOK_TITLE) or in the text */
    uint32_t flags;    /* enum text_token_flags, with TITLE, STOP, SSTART set here */
    uint32_t sent;     /* index into doc->sents, or TEXT_SENT_TITLE */
    int32_t term;      /* index into doc->terms, or -1 (stop word, or no letter/digit) */
    uint64_t hash;     /* text_word_hash() of the folded form (unstemmed) */
    const char *fold;  /* folded form, NUL-terminated (in the arena) */
};

struct text_term {
    uint64_t id;          /* hash64 of the stem: the term everywhere (DF tables, vectors) */
    const char *stem;     /* NUL-terminated stem */
    const char *word;     /* folded form of the first occurrence, NUL-terminated */
    uint32_t count;       /* occurrences in title and text */
    uint32_t title_count; /* occurrences in the title; > 0 flags a title term */
    uint32_t first;       /* token index of the first occurrence */
    uint32_t *pos;        /* token indexes of all `count` occurrences, ascending */
};

struct text_phrase {
    const char *text;     /* folded words joined by single spaces; "'s" dropped */
    uint64_t id;          /* hash64 of text */
    uint32_t first;       /* token index of the first occurrence */
    uint32_t nwords;      /* tokens in the phrase */
    uint32_t count;       /* occurrences in title and text */
    uint32_t title_count; /* occurrences in the title */
};

struct text_doc {
    const char *title, *text; /* borrowed */
    size_t title_len, text_len;
    char lang[TEXT_LANG_MAX]; /* canonical code used, "" when unknown */
    int truncated;            /* text was longer than TEXT_ANALYZE_MAX */

    struct text_tok *toks;   /* title tokens first, then text tokens */
    size_t ntoks, ntitle;    /* ntitle: how many of toks are the title's */
    struct text_span *sents; /* sentences of the text (not the title) */
    size_t nsents;
    struct text_term *terms; /* in order of first occurrence */
    size_t nterms;
    struct text_phrase *phrases; /* in order of first occurrence */
    size_t nphrases;
};

/*
 * Analyse title[0..title_len) and text[0..text_len) (either may be NULL
 * with length 0) in language lang (any tag text_lang_norm() takes; NULL
 * or "" for unknown: nothing is a stop word, nothing is stemmed) into
 * *doc, with flags from enum text_analyze_flags.  Every array is
 * allocated from a; st is the calling thread's stemmer.
 *
 * Elisions are split for French, Italian, Catalan and Portuguese
 * ("l'homme" gives the term of "homme").  Numbers are terms, unstemmed;
 * tokens without a letter or a digit are never terms.  A title in Title
 * Case gives no capitalized phrases (capitals carry no signal there).
 * Never fails; invalid UTF-8 only loses the bad bytes.
 */
void text_analyze(struct text_stemmer *st, struct arena *a, const char *title, size_t title_len,
                  const char *text, size_t text_len, const char *lang, unsigned flags,
                  struct text_doc *doc);

/* The token's bytes: a pointer into doc->title or doc->text. */
const char *text_tok_ptr(const struct text_doc *doc, const struct text_tok *t);

#endif
