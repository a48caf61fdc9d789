/*
 * cmd_cluster.c - `gazette cluster FILE.jsonl` and `gazette related
 * FILE.jsonl [--k N]`: the story clusterer on files, for evaluation.
 *
 * FILE holds one JSON object a line: id (string or number), time (ISO
 * 8601 / RFC 822 string, Unix seconds, or null), source (string or null),
 * title, text, lang (optional); other fields are ignored.  Articles are
 * fed to one cluster_index in file order, as a stream, exactly as ingest
 * feeds it: cluster_assign(), a new label when it says "new story",
 * cluster_insert(), cluster_merge() when an article bridges two stories.
 *
 * `cluster` prints "id<TAB>story" for every article in file order, the
 * story being the final label (merges followed).  `related` prints
 * "id<TAB>id1,id2,..." (best first), each list taken when the article
 * leaves the index's window or at the end of the file, whichever comes
 * first.  A line that is not an object with an id is skipped with a
 * warning, and so is a repeated id; the exit status is 1 only when the
 * file cannot be read.
 */
#include "cli/cli.h"

#include "cluster/cluster.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/hmap.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_opt cluster_opts[] = {
    {NULL, 0, NULL, NULL},
};

static const struct cli_opt related_opts[] = {
    {"k", OPT_INT, "N", "related ids per article (default 10, at most 100)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_cluster_spec = {"gazette cluster FILE.jsonl", cluster_opts, 1, 1};
const struct cli_spec cmd_related_spec = {"gazette related FILE.jsonl [--k N]", related_opts, 1, 1};

/* Clock seconds between two refinements of a dated stream. */
#define REFINE_EVERY (24 * 3600)
/* Labels of groups split off by a refinement start here (article numbers are below). */
#define REFINE_LABEL0 ((int64_t)1 << 40)

/* Longest line read. */
#define CLUSTER_MAX_LINE (16u << 20)

struct rec {
    char *id;      /* as the file spells it */
    int64_t label; /* story label given at insert */
    char *related; /* comma-separated ids, for `related` */
};

struct run {
    struct rec *recs;
    size_t n, cap;
    struct hmap seen;      /* hash of id string -> rec index + 1 */
    struct hmap redirects; /* merged label -> label kept */
    struct cluster_index *ci;
    size_t k;
    int want_related;
    int64_t next_label; /* labels for groups a refinement splits off */
    int64_t refined_at; /* index clock at the last refinement */
};

static int64_t
final_label(const struct run *r, int64_t label)
{
    uint64_t *v;

    while ((v = hmap_get(&r->redirects, (uint64_t)label)))
        label = (int64_t)*v;
    return label;
}

/* Take article id (index + 1)'s related list now. */
static void
take_related(struct run *r, int64_t doc_id)
{
    int64_t ids[CLUSTER_RELATED_MAX];
    size_t n = 0;
    struct buf b = BUF_INIT;
    struct rec *rec = &r->recs[doc_id - 1];

    if (rec->related)
        return;
    if (cluster_related(r->ci, doc_id, r->k, ids, NULL, &n, NULL) < 0)
        n = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addc(&b, ',');
        buf_adds(&b, r->recs[ids[i] - 1].id);
    }
    rec->related = buf_detach(&b, NULL);
}

static int64_t
new_label(void *ctx)
{
    struct run *r = ctx;

    return r->next_label++;
}

/* Re-cluster the index's window and record where articles went. */
static void
refine(struct run *r)
{
    struct cluster_move *mv;
    size_t n;
    struct gz_err err = GZ_ERR_INIT;

    if (cluster_refine(r->ci, new_label, r, &mv, &n, &err) < 0) {
        fprintf(stderr, "warning: %s\n", err.msg);
        return;
    }
    for (size_t i = 0; i < n; i++)
        r->recs[mv[i].doc_id - 1].label = mv[i].to;
    free(mv);
    r->refined_at = cluster_clock(r->ci);
}

static void
on_expire(int64_t doc_id, void *ctx)
{
    take_related(ctx, doc_id);
}

static const char *
jstr(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_string(v)) {
        *len = 0;
        return NULL;
    }
    *len = json_string_length(v);
    return json_string_value(v);
}

/* The article's id as text, or NULL. */
static char *
rec_id(json_t *o)
{
    json_t *v = json_object_get(o, "id");
    char num[32];

    if (json_is_string(v) && json_string_length(v))
        return xstrndup(json_string_value(v), json_string_length(v));
    if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        return xstrdup(num);
    }
    return NULL;
}

static int64_t
rec_time(json_t *o)
{
    json_t *v = json_object_get(o, "time");
    int64_t t = 0;

    if (json_is_integer(v))
        return json_integer_value(v) > 0 ? (int64_t)json_integer_value(v) : 0;
    if (json_is_string(v) && time_parse(json_string_value(v), json_string_length(v), &t) == 0)
        return t > 0 ? t : 0;
    return 0;
}

static void
one_line(struct run *r, const char *line, size_t len, size_t lineno)
{
    json_error_t jerr;
    json_t *o = json_loadb(line, len, 0, &jerr);
    struct cluster_doc doc;
    struct cluster_result res;
    struct gz_err err = GZ_ERR_INIT;
    char *id;
    uint64_t key;
    int inserted;
    uint64_t *slot;
    const char *src;
    size_t srclen;
    char *srcz;

    if (!o || !json_is_object(o)) {
        fprintf(stderr, "warning: line %zu: not a JSON object, skipped\n", lineno);
        json_decref(o);
        return;
    }
    id = rec_id(o);
    if (!id) {
        fprintf(stderr, "warning: line %zu: no id, skipped\n", lineno);
        json_decref(o);
        return;
    }
    /* Probe with another seed when two different ids share a hash. */
    for (uint64_t seed = 0;; seed++) {
        key = hash64(id, strlen(id), seed);
        slot = hmap_put(&r->seen, key, &inserted);
        if (inserted || !strcmp(r->recs[*slot - 1].id, id))
            break;
    }
    if (!inserted) {
        fprintf(stderr, "warning: line %zu: id '%s' seen before, skipped\n", lineno, id);
        free(id);
        json_decref(o);
        return;
    }
    ALLOC_GROW(r->recs, r->n + 1, r->cap);
    memset(&r->recs[r->n], 0, sizeof(r->recs[r->n]));
    r->recs[r->n].id = id;
    *slot = r->n + 1;

    memset(&doc, 0, sizeof(doc));
    doc.id = (int64_t)(r->n + 1);
    r->n++;
    doc.time = rec_time(o);
    src = jstr(o, "source", &srclen);
    srcz = src ? xstrndup(src, srclen) : NULL;
    doc.source = cluster_source_key(srcz);
    free(srcz);
    doc.title = jstr(o, "title", &doc.title_len);
    doc.text = jstr(o, "text", &doc.text_len);
    {
        size_t ll;

        doc.lang = jstr(o, "lang", &ll);
    }
    if (cluster_assign(r->ci, &doc, &res, &err) == 0) {
        int64_t label = res.story ? res.story : doc.id;

        /* A new story is labelled with its first article's number: unique. */
        if (cluster_insert(r->ci, &doc, label, res.dup_of, &err) == 0) {
            r->recs[doc.id - 1].label = label;
            if (res.merge_from && cluster_merge(r->ci, res.merge_from, res.merge_into, &err) == 0)
                hmap_set(&r->redirects, (uint64_t)res.merge_from, (uint64_t)res.merge_into);
        }
    }
    if (err.code)
        fprintf(stderr, "warning: line %zu: %s\n", lineno, err.msg);
    if (!r->recs[doc.id - 1].label)
        r->recs[doc.id - 1].label = doc.id;
    json_decref(o);
}

static int
run_file(struct cli_ctx *ctx, int want_related)
{
    struct run r;
    struct gz_err err = GZ_ERR_INIT;
    FILE *f;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    const char *path = ctx->argv[0];
    long k = cli_int(ctx, "k", 10);

    if (want_related && (k < 1 || k > CLUSTER_RELATED_MAX))
        return cli_error("--k must be 1..%d", CLUSTER_RELATED_MAX);
    memset(&r, 0, sizeof(r));
    r.k = (size_t)k;
    r.want_related = want_related;
    r.next_label = REFINE_LABEL0;
    f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f)
        return cli_error("cannot open '%s': %s", path, strerror(errno));
    r.ci = cluster_index_new(NULL, &err);
    if (!r.ci) {
        if (f != stdin)
            fclose(f);
        return cli_error("%s", err.msg);
    }
    hmap_init(&r.seen, 1024);
    hmap_init(&r.redirects, 16);
    if (want_related)
        cluster_on_expire(r.ci, on_expire, &r);

    while ((got = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)got;

        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (!str_trim((struct str){line, len}).len)
            continue;
        if (len > CLUSTER_MAX_LINE) {
            fprintf(stderr, "warning: line %zu: longer than %u bytes, skipped\n", lineno,
                    CLUSTER_MAX_LINE);
            continue;
        }
        one_line(&r, line, len, lineno);
        /* a dated stream is refined each time its clock moves on by a day */
        if (cluster_clock(r.ci) - r.refined_at >= REFINE_EVERY) {
            if (r.refined_at)
                refine(&r);
            else
                r.refined_at = cluster_clock(r.ci);
        }
        if (lineno % 1000 == 0)
            cli_progress(ctx, "%zu articles", r.n);
    }
    cli_progress_done(ctx);
    free(line);
    if (ferror(f)) {
        if (f != stdin)
            fclose(f);
        cluster_index_free(r.ci);
        return cli_error("cannot read '%s'", path);
    }
    if (f != stdin)
        fclose(f);
    refine(&r);

    for (size_t i = 0; i < r.n; i++) {
        if (want_related) {
            take_related(&r, (int64_t)(i + 1));
            printf("%s\t%s\n", r.recs[i].id, r.recs[i].related ? r.recs[i].related : "");
        } else {
            printf("%s\t%lld\n", r.recs[i].id, (long long)final_label(&r, r.recs[i].label));
        }
    }
    cluster_index_free(r.ci);
    for (size_t i = 0; i < r.n; i++) {
        free(r.recs[i].id);
        free(r.recs[i].related);
    }
    free(r.recs);
    hmap_release(&r.seen);
    hmap_release(&r.redirects);
    return fflush(stdout) ? cli_error("cannot write the output") : 0;
}

int
cmd_cluster(struct cli_ctx *ctx)
{
    return run_file(ctx, 0);
}

int
cmd_related(struct cli_ctx *ctx)
{
    return run_file(ctx, 1);
}
