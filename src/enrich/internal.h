/*
 * internal.h - what the files of src/enrich/ share and nobody else uses.
 *
 * The handle (struct enrich) holds the per-thread text handles, the
 * gazetteer and the options.  Each step works on one analysed document
 * (struct text_doc) and writes into the caller's arena.
 */
#ifndef GZ_ENRICH_INTERNAL_H
#define GZ_ENRICH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "enrich/enrich.h"
#include "text/analyze.h"
#include "util/hmap.h"

struct text_df;

struct enrich {
    struct enrich_opts o; /* defaults filled in */
    struct text_stemmer *st;
    struct text_langid *lid;
    /* gazetteer: hash of the slug of a name -> GAZ_COUNTRY or GAZ_SUBDIV */
    struct hmap gaz;
    /* word lists: text_word_hash() of a folded word -> enum enrich_word_class bits */
    struct hmap words;
};

/* Values of e->gaz. */
#define GAZ_COUNTRY 1
#define GAZ_SUBDIV 2

/* The lists of words.c a word is in. */
enum enrich_word_class {
    EW_WEAK = 1 << 0,
    EW_TITLE = 1 << 1,
    EW_ROLE = 1 << 2,
    EW_ORG = 1 << 3,
    EW_ORGCUE = 1 << 4,
    EW_PLACE = 1 << 5,
    EW_SPEECH = 1 << 6,
    EW_NOTNAME = 1 << 7,
    EW_CONNECTOR = 1 << 8,
    EW_DET = 1 << 9,
};

/* Fill m with every listed word: text_word_hash(word) -> its classes. */
void enrich_words_load(struct hmap *m);

/* The classes of the word whose text_word_hash() is h (a token's hash); 0 for none. */
static inline unsigned
enrich_wc(const struct enrich *e, uint64_t h)
{
    const uint64_t *v = hmap_get(&e->words, h);

    return v ? (unsigned)*v : 0;
}

/* ---- word lists (words.c); every word folded, every check pure ---- */

/* A word that says little on its own in news English ("said", "year"). */
int enrich_weak_word(const char *fold);
/* A title or role written before a name: "president", "minister", "archbishop". */
int enrich_title_word(const char *fold);
/* A lowercase role noun before a name: "spokesman", "actor", "leader". */
int enrich_role_word(const char *fold);
/* A last word that makes a name an organization: "party", "church", "inc". */
int enrich_org_word(const char *fold);
/* A lowercase word before a name that makes it an organization: "group", "firm". */
int enrich_org_cue(const char *fold);
/* A word after a name that makes it a place: "region", "province", "exclave". */
int enrich_place_cue(const char *fold);
/* A verb of speech after a name: "said", "told". */
int enrich_speech_word(const char *fold);
/* Days, months and other capitalized words that are not names. */
int enrich_not_name(const char *fold);
/* Short lowercase words allowed inside a name: "of", "de", "bin". */
int enrich_connector(const char *fold);
/* Place names and aliases the ISO lists lack or spell otherwise ("us", "uk", "europe"). */
const char *const *enrich_extra_places(size_t *n);

/* ---- gazetteer (gazetteer.c) ---- */

/* Load the ISO 3166 names from dir into e->gaz; quietly empty on failure. */
void enrich_gazetteer_load(struct enrich *e, const char *dir);
/* The kind of the name (any case/form), or -1 when it is not in the gazetteer. */
int enrich_gazetteer_find(const struct enrich *e, const char *name, size_t len);

/* ---- steps ---- */

/* Working view of one analysed document shared by the steps. */
struct enrich_doc {
    struct text_doc d;
    const struct text_df *df;
    double *idf;     /* per term */
    uint32_t *nsent; /* per term: distinct sentences (title counts as one) */
};

/* Fill ed->idf and ed->nsent from ed->d and ed->df (arena a). */
void enrich_doc_prepare(struct enrich_doc *ed, const struct text_df *df, struct arena *a);

/* Ranked keyphrases of one document, at most max. */
void enrich_keyphrases(struct enrich *e, const struct enrich_doc *ed, struct arena *a, size_t max,
                       struct enrich_keyphrase **out, size_t *n);

/* Typed, merged entities of one document, by score. */
void enrich_entities(struct enrich *e, const struct enrich_doc *ed, struct arena *a,
                     struct enrich_entity **out, size_t *n);

/*
 * Tags from entities and keyphrases, at most max; ndocs is the size of
 * the corpus behind the keyphrases' idf (0: none).
 */
void enrich_make_tags(const struct enrich_entity *ents, size_t nents,
                      const struct enrich_keyphrase *kps, size_t nkps, uint64_t ndocs, size_t max,
                      struct arena *a, struct enrich_tag **out, size_t *n);

/* Extractive summary and key points of one document into res. */
void enrich_summarize(struct enrich *e, const struct enrich_doc *ed, struct arena *a,
                      struct enrich_result *res);

/* Story summary, key points and source diff of analysed articles docs[0..n). */
void enrich_story_summarize(struct enrich *e, const struct enrich_doc *docs,
                            const struct enrich_story_article *arts, size_t n, struct arena *a,
                            struct enrich_result *res);

/* ---- helpers ---- */

/* Only blanks (spaces, no-break spaces, tabs) between src[a..b). */
int enrich_only_blanks(const char *src, size_t a, size_t b);
/* A copy of p[0..len) with runs of whitespace made one space and the ends trimmed. */
char *enrich_clean_sentence(struct arena *a, const char *p, size_t len);

#endif
