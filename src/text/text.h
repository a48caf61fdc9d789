/*
 * text.h - Unicode normalization, case folding, word tokens, sentences and
 * text hashes: the layer every later stage reads text through.
 *
 * Related headers of the module:
 *   lang.h     language identification, stop words, stemming
 *   analyze.h  (title, text, lang) -> tokens, terms, capitalized phrases
 *   sig.h      MinHash (with LSH band keys) and SimHash signatures
 *   tfidf.h    document frequencies and sparse TF-IDF vectors
 *
 * Input is UTF-8 and never trusted: invalid bytes are never a crash.  The
 * tokenizer and sentence splitter treat an invalid byte as a separator;
 * text_normalize() replaces it with U+FFFD.  Nothing reads past len and
 * nothing needs a terminating NUL.
 *
 * "Folded" text, everywhere in this module, is NFKC + full Unicode case
 * folding (utf8proc: "Straße" -> "strasse", "ＡＢＣ" -> "abc", "ﬁ" -> "fi")
 * with default-ignorable characters (soft hyphen, zero-width joiners)
 * removed and typographic apostrophes (U+2019, U+02BC) and hyphens
 * (U+2010, U+2011) turned into ASCII "'" and "-", so that "don’t" and
 * "don't" are one word.  Diacritics are kept unless asked otherwise:
 * stemmers need them.
 *
 * All functions here are pure and thread-safe (no hidden state).
 */
#ifndef GZ_TEXT_TEXT_H
#define GZ_TEXT_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct arena;

/* ---- normalization and folding ---- */

enum text_norm_flags {
    TEXT_NORM_FOLD = 1 << 0,        /* case fold, drop ignorables, unify apostrophes/hyphens */
    TEXT_NORM_STRIP_MARKS = 1 << 1, /* also remove combining marks: "café" -> "cafe" */
};

/*
 * Append the NFKC normalization of p[0..len) to out; with TEXT_NORM_FOLD
 * also fold it as described above.  Invalid UTF-8 bytes come out as
 * U+FFFD.  Returns 0, or GZ_ELIMIT when out's limit was reached (out then
 * holds a prefix).  Allocates a scratch array per call, never per char.
 */
int text_normalize(const char *p, size_t len, unsigned flags, struct buf *out);

/* text_normalize(p, len, TEXT_NORM_FOLD, out): lowercase/fold into out. */
int text_fold(const char *p, size_t len, struct buf *out);

/*
 * Fold one short string (a word) into out[0..cap): the folded form of
 * p[0..len), cut on a character boundary so it fits in cap - 1 bytes, and
 * NUL-terminated.  Returns the length written; *truncated (when non-NULL)
 * is set when input or output had to be cut.  Uses no heap; input longer
 * than TEXT_TOKEN_MAX bytes is cut first.  cap must be at least 1.
 */
size_t text_fold_word(const char *p, size_t len, char *out, size_t cap, int *truncated);

/* ---- word tokens ---- */

/*
 * A token is a run of letters, combining marks and digits (Unicode
 * categories L*, M*, N* as utf8proc reports them), joined across:
 *   - an apostrophe (', U+2019, U+02BC) between a letter or digit and a
 *     letter: "don't", "O'Brien", "Obama's", "l'homme" (splitting French
 *     elisions is language work: see analyze.h);
 *   - a hyphen (-, U+2010, U+2011) between letters/digits: "state-run",
 *     "COVID-19" (dashes U+2013/U+2014 separate);
 *   - a full stop between digits ("3.5", "1.000") or in dotted
 *     single-letter abbreviations, final stop included ("U.S.", "e.g.");
 *   - a comma followed by exactly three digits inside a number ("1,000");
 *   - ZWJ/ZWNJ/soft hyphen between letters (Persian, hyphenated text).
 * Han ideographs and kana make a token of one character each, as written
 * Chinese and Japanese have no spaces; other scripts without spaces (Thai,
 * Lao, Khmer, Myanmar) come out as long runs.  Emoji, symbols and
 * punctuation separate tokens and make none.
 */

/* Longest folded form kept per token, in bytes (longer ones are cut). */
#define TEXT_TOKEN_MAX 120

enum text_token_flags {
    TEXT_TOK_ALPHA = 1 << 0,  /* has a letter */
    TEXT_TOK_DIGIT = 1 << 1,  /* has a digit */
    TEXT_TOK_CAP = 1 << 2,    /* first character is an upper- or titlecase letter */
    TEXT_TOK_UPPER = 1 << 3,  /* >= 2 cased letters, all uppercase: "NATO", "U.S." */
    TEXT_TOK_IDEO = 1 << 4,   /* one Han ideograph or kana */
    TEXT_TOK_ABBR = 1 << 5,   /* dotted abbreviation: "U.S.", "e.g." */
    TEXT_TOK_HYPHEN = 1 << 6, /* has an internal hyphen */
    TEXT_TOK_APOS = 1 << 7,   /* has an internal apostrophe */
    TEXT_TOK_TRUNC = 1 << 8,  /* the folded form was cut to TEXT_TOKEN_MAX */
    /* set by text_analyze() only (analyze.h) */
    TEXT_TOK_TITLE = 1 << 9,  /* the token is in the title, offsets are into the title */
    TEXT_TOK_STOP = 1 << 10,  /* a stop word of the document's language */
    TEXT_TOK_SSTART = 1 << 11 /* first token of its sentence (or of the title) */
};

struct text_token {
    size_t off, len;  /* bytes in the source */
    unsigned flags;   /* enum text_token_flags */
    const char *fold; /* folded form, NUL-terminated; borrowed from the tokenizer */
    size_t fold_len;  /* bytes in fold, <= TEXT_TOKEN_MAX */
};

/*
 * The zero-allocation iterator: a struct on the caller's stack.
 *
 *   struct text_tokenizer tz;
 *   struct text_token tok;
 *   text_tokenizer_init(&tz, p, len);
 *   while (text_tokenizer_next(&tz, &tok))
 *       use(tok.off, tok.len, tok.fold);
 *
 * tok.fold points into tz and is valid until the next call.  The source
 * must outlive the tokenizer.  One tokenizer belongs to one thread.
 */
struct text_tokenizer {
    const char *p;
    size_t len, pos;
    char fold[TEXT_TOKEN_MAX + 8];
};

void text_tokenizer_init(struct text_tokenizer *t, const char *p, size_t len);
/* 1 and the next token in *tok, or 0 at the end. */
int text_tokenizer_next(struct text_tokenizer *t, struct text_token *tok);

/* ---- sentences ---- */

struct text_span {
    size_t off, len;
};

/*
 * The next sentence of p[0..len) starting at *pos (start with 0): 1 and
 * its span, trimmed of surrounding whitespace, or 0 when only whitespace
 * is left.  *pos moves past the sentence.
 *
 * Rules: a sentence ends after . ! ? … (and 。！？ ؟ ।) plus any closing
 * quotes or brackets, when whitespace or the end follows and the next word
 * does not start with a lowercase letter.  A full stop does not end one
 * after a title ("Mr.", "Dr.", "Gen.", "Sen." ...), before a number after
 * "No.", "Jan." ..., inside a number ("3.5") or inside a word
 * ("example.com"); after an initial ("J.") or a dotted or company
 * abbreviation ("U.S.", "Inc.", "St.") it ends one only when the next word
 * is a common English sentence opener ("The", "He", "But" ...).  A blank
 * line (paragraph break) or U+2029 always ends a sentence, even without
 * punctuation; a single newline does not.  The rules are tuned for
 * English and work for most European languages.
 */
int text_sentence_next(const char *p, size_t len, size_t *pos, struct text_span *out);

/*
 * Every sentence of p[0..len) in an array allocated from a; *n gets the
 * count.  Returns NULL (and *n = 0) when there is none.
 */
struct text_span *text_sentences(struct arena *a, const char *p, size_t len, size_t *n);

/* Longest paragraph text_is_caption() takes for a caption, in bytes. */
#define TEXT_CAPTION_MAX 400

/*
 * Whether the paragraph p[0..len) is a picture's caption or credit, as
 * plain-text article bodies keep them between paragraphs: at most
 * TEXT_CAPTION_MAX bytes, and either its last sentence is a credit line
 * ("Image: UK Government.", "Photo: ...", "Photo credit: ...", "Picture:
 * ...", "Credit: ...") or it ends in a parenthesised one ("(AP Photo/Evan
 * Vucci)", "(Photo: Reuters)", "(Getty Images)").  English labels only.
 */
int text_is_caption(const char *p, size_t len);

/* ---- hashes ---- */

/* hash64() of a token's folded form: the id of an unstemmed word. */
uint64_t text_word_hash(const char *fold, size_t len);

#define TEXT_CONTENT_HASH_LEN 32

/*
 * The content hash for exact-duplicate detection: BLAKE2b-256 (libsodium
 * crypto_generichash) of the token sequence, each token folded with its
 * internal punctuation (' - . ,) removed, tokens separated by one space.
 * So it ignores case, Unicode form, whitespace and punctuation:
 * "The U.S. said: hello!" and "the US said hello" hash alike.  Writes
 * TEXT_CONTENT_HASH_LEN bytes into out.
 */
void text_content_hash(const char *p, size_t len, unsigned char out[TEXT_CONTENT_HASH_LEN]);

/* The same as 64 lowercase hex characters plus a NUL in hex[65]. */
void text_content_hash_hex(const char *p, size_t len, char hex[2 * TEXT_CONTENT_HASH_LEN + 1]);

#endif
