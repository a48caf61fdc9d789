/*
 * enrich.h - keyphrases, hashtags, named entities, summaries, key points
 * and "what each source adds", computed locally from the text alone.
 *
 * Everything here is statistical and rule-based: no model is loaded and
 * nothing leaves the machine (the optional LLM client is llm.h).  It runs
 * in the ingest pipeline, once per article and once per story update, and
 * its results are stored: pages only read them.
 *
 * One analysis per document: enrich_article() runs text_analyze() once
 * (analyze.h) and derives keyphrases, entities and the summary from that
 * one struct text_doc.
 *
 * Methods, in brief (the .c files say more):
 *   keyphrases  candidates are stemmed words and 2-4 word phrases of one
 *               sentence without stop words at either end; each is scored
 *               by a log-linear model fitted on a keyphrase dev set, from
 *               frequency, IDF (the corpus table when given), spread over
 *               sentences, word length, use inside longer names, context
 *               (after a determiner, next to other words) and, for
 *               phrases, cohesion (how often the words occur together
 *               rather than apart), in the spirit of YAKE and TopicRank.
 *   entities    capitalized phrases (analyze.h) typed as person, place or
 *               organization by a gazetteer (countries and subdivisions of
 *               ISO 3166 from the iso-codes package, read at enrich_new())
 *               and by context cues: titles before a name ("President",
 *               "Prime Minister", "Archbishop"), words after it ("region",
 *               "Party", "Inc"), verbs of speech ("said"), acronyms; a
 *               surname used alone joins the full name ("Pashinyan" ->
 *               "Nikol Pashinyan").
 *   tags        the top entities and keyphrases as hashtags.
 *   summaries   sentences ranked by centrality (TF-IDF cosine to the
 *               document's centroid and to the title), position and length,
 *               picked greedily without near-repeats; a story ranks the
 *               sentences of all its articles by how much of what they say
 *               the other sources share, and keeps to a word budget.
 *   source diff a sentence is shared when another source has a sentence
 *               saying much the same (TF-IDF cosine and term overlap), and
 *               added by its source when no other source covers its content
 *               words.
 *
 * Languages: the language comes from the caller's hint or from
 * libexttextcat (lang.h) and picks the stemmer and stop words; the cue
 * words of entities and the extra "weak word" list of keyphrases are
 * English and simply never match elsewhere, so other languages get
 * frequency-based keyphrases, capitalized-phrase entities typed by the
 * gazetteer, and summaries.
 *
 * Memory: every result lives in the arena passed to the call; no result
 * points into the caller's title or text.
 *
 * Thread-safety: a struct enrich belongs to one thread at a time (it holds
 * a stemmer, a language detector and work arrays); make one per worker.
 * The df table is only read (see tfidf.h: readers may share it while
 * nobody writes).
 */
#ifndef GZ_ENRICH_ENRICH_H
#define GZ_ENRICH_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include "text/lang.h"

struct arena;
struct buf;
struct gz_err;
struct text_df;

/* Kinds of tags and entities; the values are store.h's enum store_tag_kind. */
enum enrich_kind {
    ENRICH_TOPIC = 0,
    ENRICH_PERSON = 1,
    ENRICH_PLACE = 2,
    ENRICH_ORG = 3,
};

/* "topic", "person", "place", "org" (never NULL; unknown kinds are "topic"). */
const char *enrich_kind_name(int kind);

/* Settings of a handle; zero fields take the defaults in brackets. */
struct enrich_opts {
    int summary_sentences;     /* sentences in a summary [3], at most ENRICH_MAX_SENTENCES;
                                  a story's summary stops early once it holds 20 words for
                                  each sentence asked (long sentences leave room for fewer) */
    int max_keyphrases;        /* keyphrases returned [15], at most 64 */
    int max_tags;              /* tags returned [8], at most 32 */
    int max_key_points;        /* key points returned [4], at most 16 */
    int max_adds;              /* sentences listed per source in the source diff [3] */
    const char *iso_codes_dir; /* [/usr/share/iso-codes/json]; see enrich_new() */
    const char *langid_dir;    /* libexttextcat models [Debian's default] */
};

#define ENRICH_MAX_SENTENCES 20

struct enrich;

/*
 * A handle with opts (NULL: all defaults).  It reads the gazetteer from
 * iso_codes_dir: iso_3166-1.json (countries: names, common and official
 * names) and iso_3166-2.json (subdivisions), about 10 ms; when the files
 * are missing or unreadable the handle still works, without a gazetteer
 * (enrich_has_gazetteer() says so), since places are also found by cues.
 * The language detector is loaded too; without its models the language
 * must come as a hint (else it is unknown: no stemming, no stop words).
 * Returns NULL with GZ_EINVAL in err only for bad opts.  Free it with
 * enrich_free().
 */
struct enrich *enrich_new(const struct enrich_opts *opts, struct gz_err *err);
/* Free the handle; NULL is a no-op. */
void enrich_free(struct enrich *e);
/* Names in the gazetteer (0 when it could not be read). */
size_t enrich_has_gazetteer(const struct enrich *e);

struct enrich_keyphrase {
    const char *text; /* as written in the text ("peace treaty", "Nikol Pashinyan") */
    double score;     /* higher is better; comparable within one document only */
    unsigned words;   /* words in it */
    unsigned count;   /* uses in title and text */
    double idf;       /* mean IDF of its words from the corpus table; 0 without one */
};

struct enrich_tag {
    const char *slug;    /* "peace-treaty", "nikol-pashinyan": folded, ASCII where it can be */
    const char *name;    /* "Peace treaty", "Nikol Pashinyan": for lists and pages */
    const char *hashtag; /* "PeaceTreaty", "NikolPashinyan": without the '#' */
    int kind;            /* enum enrich_kind */
    double score;        /* in (0, 1], rank order */
};

struct enrich_entity {
    const char *name; /* canonical (longest) form: "Nikol Pashinyan" */
    int kind;         /* ENRICH_PERSON, ENRICH_PLACE or ENRICH_ORG */
    unsigned count;   /* mentions, aliases included */
    double score;     /* salience: mentions, title use, earliness */
};

struct enrich_result {
    char lang[TEXT_LANG_MAX]; /* the language used, "" when unknown */
    struct enrich_keyphrase *keyphrases;
    size_t nkeyphrases;
    struct enrich_tag *tags;
    size_t ntags;
    struct enrich_entity *entities; /* by score */
    size_t nentities;
    const char *summary;     /* sentences joined by one space; "" when there is no text */
    const char **key_points; /* short sentences, most important first */
    size_t nkey_points;
    const char *source_diff; /* stories only: the JSON described at enrich_story() */
};

/*
 * Enrich one article: title and text (plain text, paragraphs split by
 * blank lines; either may be NULL or empty) in the language lang_hint
 * (any tag lang.h takes; NULL or "" to detect it from the text).  df is
 * the document-frequency table of the corpus seen so far, or NULL (then
 * IDF comes from the document itself: every word weighs alike).  Results
 * go to *out, allocated from a.  Texts longer than TEXT_ANALYZE_MAX are
 * cut (analyze.h).  Never fails on any input: returns 0.
 */
int enrich_article(struct enrich *e, const char *title, const char *text, const char *lang_hint,
                   const struct text_df *df, struct arena *a, struct enrich_result *out);

/* One article of a story. */
struct enrich_story_article {
    const char *title;
    const char *text;
    const char *lang;   /* hint, may be NULL */
    const char *source; /* publisher's name, may be NULL */
    int64_t article_id; /* the store's id, or any caller's number */
};

/* Articles of a story looked at; the rest are ignored. */
#define ENRICH_STORY_MAX 64

/*
 * Enrich a story from its articles arts[0..n) (n may be 0; past
 * ENRICH_STORY_MAX the rest are ignored).  *out gets a summary that
 * covers what the sources share without repeating itself, key points,
 * keyphrases, tags and entities of the whole story, the language of the
 * first article, and source_diff, a JSON text of exactly this shape:
 *
 *   {"shared": ["sentence", ...],
 *    "sources": [{"source": "Name", "article_id": N, "adds": ["sentence", ...]}, ...]}
 *
 * "shared" holds sentences whose content at least two sources report (one
 * sentence for each such fact); "sources" has one entry per article, in
 * input order, with the sentences only that article reports (at most
 * opts.max_adds, most informative first; possibly none).  A NULL source
 * name becomes "".  The first 30 sentences of each article are compared
 * (the leads carry the facts; the cost is quadratic).  Returns 0.
 */
int enrich_story(struct enrich *e, const struct enrich_story_article *arts, size_t n,
                 const struct text_df *df, struct arena *a, struct enrich_result *out);

/* Fewer bytes than this and the language is not guessed (n-gram guesses go wrong). */
#define ENRICH_LANG_MIN_SAMPLE 200

/*
 * The language enrich_article() uses for title and text into
 * out[TEXT_LANG_MAX]: hint when it names a language (lang.h), else what
 * libexttextcat finds in the text (or, when the text is short, in title
 * and text together), else "" (unknown: also when there are fewer than
 * ENRICH_LANG_MIN_SAMPLE bytes to look at, since a headline alone is too
 * little to tell English from Romanian).  Uses e's detector: same thread
 * rule.
 */
void enrich_detect_lang(struct enrich *e, const char *hint, const char *title, const char *text,
                        char out[TEXT_LANG_MAX]);

/*
 * Append res as one JSON object (no newline) to out: {"id": id (when id is
 * not NULL, as a JSON value text such as "12" or "\"a7\""), "lang",
 * "keyphrases": [text...], "tags": ["#Hashtag"...], "entities": [{"name",
 * "type"}...], "summary", "key_points": [...]} and, for a story,
 * "source_diff": {...}.  Returns 0 or GZ_ELIMIT when out's limit was hit.
 */
int enrich_result_json(const struct enrich_result *res, const char *id, struct buf *out);

/*
 * The slug of a name into out: NFKC-folded, diacritics removed, words of
 * letters and digits joined by '-' ("Peace treaty" -> "peace-treaty",
 * "São Paulo" -> "sao-paulo"); letters without an ASCII form are kept as
 * folded UTF-8.  Returns the length; out is NUL-terminated and cut on a
 * word at cap - 1 bytes.  Pure.
 */
size_t enrich_slug(const char *name, size_t len, char *out, size_t cap);

/*
 * The CamelCase hashtag of a name into out ("peace treaty" ->
 * "PeaceTreaty", "COVID-19 vaccine" -> "COVID19Vaccine"): words of letters
 * and digits, each with its first letter upper-cased, the rest as written.
 * Returns the length; NUL-terminated, cut at cap - 1 bytes on a character.
 * Pure.
 */
size_t enrich_hashtag(const char *name, size_t len, char *out, size_t cap);

#endif
