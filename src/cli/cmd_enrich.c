/*
 * cmd_enrich.c - `gazette enrich FILE.jsonl`: keyphrases, hashtags,
 * entities, summary and key points of articles and stories in a file.
 *
 * Each line is an object with "id" and either "title" and "text" (an
 * article) or "articles": [{"title", "text", "source"?, "article_id"?},
 * ...] (a story); "lang" is a language hint.  Each is printed as one JSON
 * object a line (enrich.h, enrich_result_json()).
 *
 * Document frequencies come from the file itself: every article of the
 * file is analysed once to count them before anything is enriched (an
 * article of a story counts as one document), as the pipeline uses those
 * of the corpus it has seen.  --no-df enriches each record on its own.
 */
#include "cli/cli.h"

#include "enrich/enrich.h"
#include "text/analyze.h"
#include "text/tfidf.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"sentences", OPT_INT, "N",
     "sentences in each summary (default: the summary-sentences setting)"},
    {"no-df", OPT_BOOL, NULL, "do not count document frequencies over the file"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_enrich_spec = {"gazette enrich FILE.jsonl [--sentences N] [--no-df]",
                                         opts, 1, 1};

/* Largest input file. */
#define ENRICH_MAX_FILE (1u << 30)

static const char *
jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The articles of a record: itself, or its "articles" list (at most max). */
static size_t
record_articles(json_t *rec, struct enrich_story_article *arts, size_t max, int *story)
{
    json_t *list = json_object_get(rec, "articles");
    size_t n = 0, i;
    json_t *v;

    *story = json_is_array(list);
    if (!*story) {
        arts[0].title = jstr(rec, "title");
        arts[0].text = jstr(rec, "text");
        arts[0].lang = jstr(rec, "lang");
        arts[0].source = jstr(rec, "source");
        arts[0].article_id = 0;
        return arts[0].title || arts[0].text ? 1 : 0;
    }
    json_array_foreach(list, i, v)
    {
        json_t *aid;

        if (n == max)
            break;
        if (!json_is_object(v))
            continue;
        arts[n].title = jstr(v, "title");
        arts[n].text = jstr(v, "text");
        arts[n].lang = jstr(v, "lang") ? jstr(v, "lang") : jstr(rec, "lang");
        arts[n].source = jstr(v, "source");
        aid = json_object_get(v, "article_id");
        if (!aid)
            aid = json_object_get(v, "id");
        arts[n].article_id = json_is_integer(aid) ? (int64_t)json_integer_value(aid) : (int64_t)n;
        n++;
    }
    return n;
}

struct line {
    char *p;
    size_t len;
    size_t no;
};

/* Split buf into non-blank lines (NUL-terminated in place). */
static struct line *
split_lines(struct buf *b, size_t *n)
{
    struct line *l = NULL;
    size_t alloc = 0, no = 0;
    char *p = b->p, *end = b->p + b->len;

    *n = 0;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;

        no++;
        *e = '\0';
        if (strspn(p, " \t\r") != (size_t)(e - p)) {
            ALLOC_GROW(l, *n + 1, alloc);
            l[*n].p = p;
            l[*n].len = (size_t)(e - p);
            l[*n].no = no;
            (*n)++;
        }
        p = e + 1;
    }
    return l;
}

int
cmd_enrich(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct buf in, out = BUF_INIT;
    struct enrich_opts eo;
    struct enrich *e;
    struct text_df df;
    struct line *lines;
    size_t nlines;
    int failed = 0, use_df = !cli_has(ctx, "no-df");
    long sentences = cli_int(ctx, "sentences", gz_config ? gz_config->summary_sentences : 3);
    struct enrich_story_article *arts = xmalloc(ENRICH_STORY_MAX * sizeof(*arts));

    if (sentences < 1 || sentences > ENRICH_MAX_SENTENCES) {
        free(arts);
        return cli_error("--sentences must be 1 to %d", ENRICH_MAX_SENTENCES);
    }
    buf_init(&in, ENRICH_MAX_FILE);
    if (buf_read_file(&in, ctx->argv[0], &err)) {
        free(arts);
        buf_release(&in);
        return cli_error("%s", err.code == GZ_ELIMIT ? "input file is larger than 1 GiB" : err.msg);
    }
    memset(&eo, 0, sizeof(eo));
    eo.summary_sentences = (int)sentences;
    e = enrich_new(&eo, &err);
    if (!e) {
        free(arts);
        buf_release(&in);
        return cli_error("%s", err.msg);
    }
    lines = split_lines(&in, &nlines);
    json_t **recs = xcalloc(nlines + 1, sizeof(*recs));

    for (size_t i = 0; i < nlines; i++) {
        json_error_t jerr;

        recs[i] = json_loadb(lines[i].p, lines[i].len, 0, &jerr);
        if (!json_is_object(recs[i])) {
            fprintf(stderr, "error: %s:%zu: not a JSON object\n", ctx->argv[0], lines[i].no);
            json_decref(recs[i]);
            recs[i] = NULL;
            failed = 1;
        }
    }

    /* document frequencies over the file */
    text_df_init(&df);
    if (use_df) {
        struct text_stemmer *st = text_stemmer_new();
        struct arena *a = arena_new();

        for (size_t i = 0; i < nlines; i++) {
            int story;
            size_t n = recs[i] ? record_articles(recs[i], arts, ENRICH_STORY_MAX, &story) : 0;

            for (size_t k = 0; k < n; k++) {
                char lang[TEXT_LANG_MAX];
                struct text_doc d;

                /* the language as enrichment will pick it */
                enrich_detect_lang(e, arts[k].lang, arts[k].title, arts[k].text, lang);
                text_analyze(st, a, arts[k].title, arts[k].title ? strlen(arts[k].title) : 0,
                             arts[k].text, arts[k].text ? strlen(arts[k].text) : 0, lang,
                             TEXT_AN_NO_PHRASES, &d);
                text_df_add_doc(&df, &d);
                arena_reset(a);
            }
        }
        arena_free(a);
        text_stemmer_free(st);
    }

    for (size_t i = 0; i < nlines; i++) {
        struct arena *a;
        struct enrich_result res;
        json_t *id;
        char *idtext = NULL;
        int story;
        size_t n;

        if (!recs[i])
            continue;
        id = json_object_get(recs[i], "id");
        n = record_articles(recs[i], arts, ENRICH_STORY_MAX, &story);
        if (!id || (!n && !story)) {
            fprintf(stderr, "error: %s:%zu: needs \"id\" and \"title\"/\"text\" or \"articles\"\n",
                    ctx->argv[0], lines[i].no);
            failed = 1;
            continue;
        }
        idtext = json_dumps(id, JSON_ENCODE_ANY);
        a = arena_new();
        if (story)
            enrich_story(e, arts, n, use_df ? &df : NULL, a, &res);
        else
            enrich_article(e, arts[0].title, arts[0].text, arts[0].lang, use_df ? &df : NULL, a,
                           &res);
        buf_reset(&out);
        if (enrich_result_json(&res, idtext, &out) == 0) {
            fwrite(out.p, 1, out.len, stdout);
            fputc('\n', stdout);
        }
        free(idtext);
        arena_free(a);
        cli_progress(ctx, "%zu/%zu", i + 1, nlines);
    }
    cli_progress_done(ctx);
    for (size_t i = 0; i < nlines; i++)
        json_decref(recs[i]);
    free(recs);
    free(lines);
    free(arts);
    text_df_release(&df);
    enrich_free(e);
    buf_release(&in);
    buf_release(&out);
    if (fflush(stdout))
        return cli_error("cannot write the output");
    return failed;
}
