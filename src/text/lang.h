/*
 * lang.h - language codes, language identification, stop words, stemming.
 *
 * Languages are named by ISO 639-1 codes ("en", "fr"); "no" stands for
 * Norwegian (Bokmål and Nynorsk alike).  Functions that take a language
 * accept any case and a region or script suffix ("en-US", "pt_BR",
 * "sr-Latn") and the ISO 639-2 codes of the supported languages ("eng",
 * "deu", "fra"...).  NULL or "" means "unknown": no stop words, no
 * stemming.
 *
 * Supported for stop words and stemming (Snowball via libstemmer):
 *   en fr de es it pt nl ru sv da no fi
 * Stemming only (no stop list yet):
 *   ar hy eu ca el hi hu id ga lt ne ro sr ta tr yi
 *
 * Handles here are not thread-safe: the libstemmer and libexttextcat
 * objects inside keep per-call state.  Create one text_stemmer and one
 * text_langid per worker thread and reuse them for every document.
 */
#ifndef GZ_TEXT_LANG_H
#define GZ_TEXT_LANG_H

#include <stddef.h>

struct gz_err;

/* Room for any code this module returns, NUL included. */
#define TEXT_LANG_MAX 8

/*
 * Canonical form of a language tag into out[TEXT_LANG_MAX]: lowercase
 * primary subtag, ISO 639-2 codes of supported languages mapped to 639-1,
 * "nb"/"nn"/"nob"/"nno" to "no".  Returns out; out is "" when tag is NULL,
 * empty or not a plausible code.  Pure.
 */
char *text_lang_norm(const char *tag, char out[TEXT_LANG_MAX]);

/* ---- language identification ---- */

struct text_langid;

/*
 * Load the libexttextcat fingerprints from dir (NULL: the Debian default,
 * /usr/share/libexttextcat) into a new detector; free it with
 * text_langid_free().  Loading takes some 10 ms: do it once per thread.
 * A missing model file is skipped; NULL with GZ_EIO in err when no model
 * of a script group can be read.
 *
 * Only the languages common in news are loaded (about 60, grouped by
 * script), so a text in a rarer language of the same script is reported
 * as its nearest loaded neighbour or as unsure.
 */
struct text_langid *text_langid_new(const char *dir, struct gz_err *err);
/* Free a detector; NULL is a no-op. */
void text_langid_free(struct text_langid *l);

/* Bytes of input text_langid_detect() looks at (a prefix, cut on a character). */
#define TEXT_LANGID_SAMPLE 1024
/* Fewer letters than this in the sample and the answer is the fallback. */
#define TEXT_LANGID_MIN_LETTERS 30

/*
 * The language of p[0..len): an ISO 639-1 code in static storage ("en"),
 * or fallback (which may be NULL, giving "") when the text is too short or
 * the guess is unsure.  Scripts that name their language (Greek, Hangul,
 * kana, Han, Thai, Hebrew, Armenian, Georgian, most Indic scripts) are
 * decided by counting characters; Latin, Cyrillic, Arabic and Devanagari
 * text goes to libexttextcat's n-gram classifier.  Looks at the first
 * TEXT_LANGID_SAMPLE bytes only.  Not thread-safe: one detector per thread.
 */
const char *text_langid_detect(struct text_langid *l, const char *p, size_t len,
                               const char *fallback);

/* ---- stop words ---- */

/*
 * 1 when word[0..len) (folded, as text_fold_word() makes it) is a stop word
 * of lang, else 0.  Languages without a list have no stop words.  Pure and
 * thread-safe; a binary search over a static table.
 */
int text_is_stopword(const char *lang, const char *word, size_t len);

/* 1 when lang has a stop list. */
int text_has_stopwords(const char *lang);

/* ---- stemming ---- */

struct text_stemmer;

/*
 * A stemming handle: one libstemmer object per language, created when
 * first needed, and a cache of recent words (4096 entries, direct-mapped)
 * that makes repeated words cost a hash and a memcmp.  It is also the
 * per-thread workspace of text_analyze() (analyze.h).  Free it with
 * text_stemmer_free().  Not thread-safe: one per thread.
 */
struct text_stemmer *text_stemmer_new(void);
/* Free the handle and its stemmers; NULL is a no-op. */
void text_stemmer_free(struct text_stemmer *s);

/* 1 when libstemmer has an algorithm for lang. */
int text_stem_supported(const char *lang);

/*
 * The stem of the folded word[0..len) in lang, *out_len bytes, not
 * NUL-terminated.  Borrowed: valid until the next call on s (it may point
 * at word itself).  When lang has no stemmer, or the word has a digit, the
 * word is returned unchanged.  Never NULL.
 */
const char *text_stem(struct text_stemmer *s, const char *lang, const char *word, size_t len,
                      size_t *out_len);

#endif
