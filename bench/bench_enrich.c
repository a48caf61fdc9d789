/*
 * bench_enrich.c - articles enriched per CPU second of one core.
 *
 *   build/bench/bench_enrich [FILE.jsonl] [SECONDS] [WORDS]
 *
 * FILE defaults to $GZ_SHARED/corpus/demo/articles.jsonl (or
 * ../shared/corpus/demo/articles.jsonl).  Each line's "title" and "text"
 * are loaded once; with WORDS (default 800) each text is cut after that
 * many words and shorter ones are left out (0: whole texts, all of them),
 * so the figure is for articles of that length.  A document-frequency table of the whole corpus is
 * built first, as the pipeline has one.  Then enrich_article() runs over the corpus again and again
 * for about SECONDS of thread CPU time (default 2), once with the language given (as a feed or page
 * usually gives it) and once detected, and prints articles/s for each; then enrich_story() on
 * groups of three articles.
 */
#include "enrich/enrich.h"
#include "text/analyze.h"
#include "text/tfidf.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct article {
    char *title, *text;
};

static struct article *arts;
static size_t narts, nwords;

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Cut s after max words (runs of non-space), counting them into nwords. */
static void
cut_words(char *s, long max)
{
    long w = 0;
    char *p = s;

    while (*p) {
        while (*p == ' ' || *p == '\n' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (max && w == max) {
            *p = '\0';
            break;
        }
        w++;
        while (*p && *p != ' ' && *p != '\n' && *p != '\t')
            p++;
    }
    nwords += (size_t)w;
}

static long
count_words(const char *s)
{
    long w = 0;
    int in = 0;

    for (; *s; s++) {
        int sp = *s == ' ' || *s == '\n' || *s == '\t';

        w += !sp && !in;
        in = !sp;
    }
    return w;
}

static int
load(const char *path, long words)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t n;

    if (!f) {
        fprintf(stderr, "bench_enrich: cannot open '%s'\n", path);
        return -1;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        json_t *o = json_loadb(line, (size_t)n, 0, NULL);
        const char *title, *text;

        if (!o)
            continue;
        title = json_string_value(json_object_get(o, "title"));
        text = json_string_value(json_object_get(o, "text"));
        if (text && words && count_words(text) < words)
            text = NULL; /* shorter than the length measured */
        if (text) {
            ALLOC_GROW(arts, narts + 1, alloc);
            arts[narts].title = xstrdup(title ? title : "");
            arts[narts].text = xstrdup(text);
            cut_words(arts[narts].text, words);
            narts++;
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
    return narts ? 0 : -1;
}

int
main(int argc, char **argv)
{
    const char *shared = getenv("GZ_SHARED");
    char def[4096];
    const char *path = argc > 1 ? argv[1] : NULL;
    double secs = argc > 2 ? atof(argv[2]) : 2.0;
    long words = argc > 3 ? atol(argv[3]) : 800;
    struct gz_err err = GZ_ERR_INIT;
    struct enrich *e = enrich_new(NULL, &err);
    struct text_stemmer *st = text_stemmer_new();
    struct text_df df;
    struct arena *a = arena_new();

    if (!path) {
        snprintf(def, sizeof(def), "%s/corpus/demo/articles.jsonl", shared ? shared : "../shared");
        path = def;
    }
    if (!e || load(path, words))
        return 1;
    text_df_init(&df);
    for (size_t i = 0; i < narts; i++) {
        struct text_doc d;

        text_analyze(st, a, arts[i].title, strlen(arts[i].title), arts[i].text,
                     strlen(arts[i].text), "en", TEXT_AN_NO_PHRASES, &d);
        text_df_add_doc(&df, &d);
        arena_reset(a);
    }
    printf("corpus: %s, %zu articles, %.0f words per article\n", path, narts,
           (double)nwords / (double)narts);
    for (int detect = 0; detect < 2; detect++) {
        double t0 = now(), t;
        size_t done = 0;

        do {
            for (size_t i = 0; i < narts; i++) {
                struct enrich_result r;

                enrich_article(e, arts[i].title, arts[i].text, detect ? NULL : "en", &df, a, &r);
                arena_reset(a);
            }
            done += narts;
            t = now() - t0;
        } while (t < secs);
        printf("article (%s): %.0f articles/s (%.3f ms each)\n",
               detect ? "language detected" : "language given", (double)done / t,
               1000.0 * t / (double)done);
    }
    {
        double t0 = now(), t;
        size_t done = 0;

        do {
            for (size_t i = 0; i + 3 <= narts; i += 3) {
                struct enrich_story_article sa[3];
                struct enrich_result r;

                for (int k = 0; k < 3; k++) {
                    sa[k].title = arts[i + k].title;
                    sa[k].text = arts[i + k].text;
                    sa[k].lang = "en";
                    sa[k].source = "S";
                    sa[k].article_id = (int64_t)(i + k);
                }
                enrich_story(e, sa, 3, &df, a, &r);
                arena_reset(a);
                done++;
            }
            t = now() - t0;
        } while (t < secs);
        printf("story of 3 articles: %.0f stories/s (%.3f ms each)\n", (double)done / t,
               1000.0 * t / (double)done);
    }
    text_df_release(&df);
    text_stemmer_free(st);
    enrich_free(e);
    arena_free(a);
    for (size_t i = 0; i < narts; i++) {
        free(arts[i].title);
        free(arts[i].text);
    }
    free(arts);
    return 0;
}
