/*
 * bench_text.c - throughput of the text layer on a JSONL corpus.
 *
 *   build/bench/bench_text [FILE.jsonl] [SECONDS] [STAGE]
 *
 * FILE defaults to $GZ_SHARED/corpus/demo/articles.jsonl (or
 * ../shared/corpus/demo/articles.jsonl); each line's "title" and "text"
 * are loaded once.  Every stage then runs over the whole corpus again and
 * again for about SECONDS of CPU time (default 1) and prints articles/s and
 * MB/s of text per CPU second of one core (thread CPU time, not wall time):
 *
 *   tokenize   the iterator with folding only
 *   sentences  sentence splitting only
 *   analyze    text_analyze(): tokens, stop words, stems, terms, phrases
 *   minhash    text_minhash_doc() on an analysed document
 *   full       analyze + minhash + simhash + TF-IDF vector + content hash
 *   lead       full, on the title and the first 500 bytes (the clustering input)
 *   langid     text_langid_detect() (looks at the first 1 KB)
 *
 * STAGE runs only the stage of that name (for profiling).
 */
#include "text/analyze.h"
#include "text/lang.h"
#include "text/sig.h"
#include "text/text.h"
#include "text/tfidf.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct article {
    char *title, *text;
    size_t title_len, text_len;
};

static struct article *arts;
static size_t narts, nbytes;

/* CPU time of this thread: the machine is shared, wall time would measure the neighbours. */
static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
load(const char *path)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t n;

    if (!f) {
        fprintf(stderr, "bench_text: cannot open '%s'\n", path);
        return -1;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)n, 0, &jerr);
        const char *title, *text;

        if (!o)
            continue;
        title = json_string_value(json_object_get(o, "title"));
        text = json_string_value(json_object_get(o, "text"));
        if (text) {
            ALLOC_GROW(arts, narts + 1, alloc);
            arts[narts].title = xstrdup(title ? title : "");
            arts[narts].title_len = strlen(arts[narts].title);
            arts[narts].text = xstrdup(text);
            arts[narts].text_len = strlen(text);
            nbytes += arts[narts].text_len + arts[narts].title_len;
            narts++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return narts ? 0 : -1;
}

enum stage { TOKENIZE, SENTENCES, ANALYZE, MINHASH, FULL, LEAD, LANGID };

static volatile uint64_t sink;

static void
run_one(enum stage st, const struct article *ar, struct text_stemmer *stem, struct text_langid *li,
        struct arena *a, struct text_df *df)
{
    struct text_tokenizer tz;
    struct text_token tok;
    struct text_doc doc;
    struct text_minhash mh;
    struct text_vec vec;
    unsigned char h[TEXT_CONTENT_HASH_LEN];
    uint64_t keys[TEXT_LSH_BANDS];
    size_t len = ar->text_len;

    switch (st) {
    case TOKENIZE:
        text_tokenizer_init(&tz, ar->text, ar->text_len);
        while (text_tokenizer_next(&tz, &tok))
            sink += tok.fold_len;
        break;
    case SENTENCES: {
        size_t pos = 0;
        struct text_span sp;

        while (text_sentence_next(ar->text, ar->text_len, &pos, &sp))
            sink += sp.len;
        break;
    }
    case ANALYZE:
        text_analyze(stem, a, ar->title, ar->title_len, ar->text, len, "en", 0, &doc);
        sink += doc.nterms;
        break;
    case MINHASH:
        text_analyze(stem, a, ar->title, ar->title_len, ar->text, len, "en", 0, &doc);
        text_minhash_init(&mh);
        text_minhash_doc(&mh, &doc, TEXT_SHINGLE);
        sink += mh.v[0];
        break;
    case LEAD:
        if (len > 500)
            len = str_utf8_cut(ar->text, len, 500);
        /* fall through */
    case FULL:
        text_analyze(stem, a, ar->title, ar->title_len, ar->text, len, "en", 0, &doc);
        text_minhash_init(&mh);
        text_minhash_doc(&mh, &doc, TEXT_SHINGLE);
        text_minhash_bands(&mh, keys);
        sink += text_simhash_doc(&doc) + keys[0];
        text_df_add_doc(df, &doc);
        text_vec_from_doc(a, &doc, df, 2.0, 0, &vec);
        text_content_hash(ar->text, len, h);
        sink += h[0] + vec.n;
        break;
    case LANGID:
        sink += (uint64_t)text_langid_detect(li, ar->text, ar->text_len, "")[0];
        break;
    }
}

static const char *only;

static void
bench(const char *name, enum stage st, double seconds, struct text_stemmer *stem,
      struct text_langid *li)
{
    struct arena *a = arena_new();
    struct text_df df;
    double t0 = now(), t;
    size_t docs = 0, bytes = 0;

    if (only && strcmp(only, name)) {
        arena_free(a);
        return;
    }
    text_df_init(&df);
    do {
        for (size_t i = 0; i < narts; i++) {
            run_one(st, &arts[i], stem, li, a, &df);
            arena_reset(a);
            bytes += arts[i].text_len;
        }
        docs += narts;
        t = now() - t0;
    } while (t < seconds);
    if (st == LEAD)
        bytes = docs * 500; /* approximately: every demo text is longer */
    printf("%-10s %9.0f articles/s %8.1f MB/s  (%zu articles in %.2f CPU s)\n", name, docs / t,
           bytes / t / 1e6, docs, t);
    text_df_release(&df);
    arena_free(a);
}

int
main(int argc, char **argv)
{
    char def[4096];
    const char *path = argc > 1 ? argv[1] : NULL;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    struct text_stemmer *stem;
    struct text_langid *li;
    struct gz_err err = GZ_ERR_INIT;
    size_t words = 0;

    if (!path) {
        const char *sh = getenv("GZ_SHARED");

        snprintf(def, sizeof(def), "%s/corpus/demo/articles.jsonl", sh ? sh : "../shared");
        path = def;
    }
    if (seconds <= 0)
        seconds = 1.0;
    only = argc > 3 ? argv[3] : NULL;
    if (load(path) < 0)
        return 1;
    for (size_t i = 0; i < narts; i++) {
        struct text_tokenizer tz;
        struct text_token tok;

        text_tokenizer_init(&tz, arts[i].text, arts[i].text_len);
        while (text_tokenizer_next(&tz, &tok))
            words++;
    }
    printf("corpus: %zu articles, %.2f MB, %.0f words/article\n", narts, nbytes / 1e6,
           (double)words / narts);
    stem = text_stemmer_new();
    li = text_langid_new(NULL, &err);
    if (!li) {
        fprintf(stderr, "bench_text: %s\n", err.msg);
        return 1;
    }
    bench("tokenize", TOKENIZE, seconds, stem, li);
    bench("sentences", SENTENCES, seconds, stem, li);
    bench("analyze", ANALYZE, seconds, stem, li);
    bench("minhash", MINHASH, seconds, stem, li);
    bench("full", FULL, seconds, stem, li);
    bench("lead", LEAD, seconds, stem, li);
    bench("langid", LANGID, seconds, stem, li);
    text_langid_free(li);
    text_stemmer_free(stem);
    for (size_t i = 0; i < narts; i++) {
        free(arts[i].title);
        free(arts[i].text);
    }
    free(arts);
    return 0;
}
