/*
 * cmd_import.c - `gazette import PATH...`: bring local files in through the
 * same ingest pipeline the network uses.
 *
 * PATH is a JSON-lines file of articles (*.jsonl: one object a line with
 * id, source, url, published, title, author, text; also html, lang, image,
 * categories; `publisher` is accepted for `source`), a feed file (RSS,
 * Atom, JSON Feed), or a folder holding such files (read recursively, in
 * name order).
 *
 * A JSON-lines record may carry a `story` key (a string or a number):
 * records with the same label become one story, as a labelled corpus has
 * them, instead of the story clustering would choose.  At the end the
 * stories of the active window are refined (ingest_refine()).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli/cli.h"

#include "feed/feed.h"
#include "ingest/ingest.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/time.h"
#include "util/url.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const struct cli_opt opts[] = {
    {"source", OPT_STR, "NAME", "source name for records (or feeds) that have none"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_import_spec = {"gazette import PATH... [--source NAME]", opts, 1, -1};

/* Records of one source are stored in batches of this many. */
#define IMPORT_BATCH 200
/* Longest JSON line accepted. */
#define IMPORT_MAX_LINE (32u << 20)

/* Source name -> id, so each record does not go to the database for it. */
struct source_cache {
    char **names;
    int64_t *ids;
    size_t cap; /* power of two; 0 when empty */
    size_t n;
};

struct import {
    struct cli_ctx *ctx;
    struct source_cache sources;
    struct ingest *ig;
    struct ingest_stats stats;
    size_t files;
    int failures; /* files or batches that failed as a whole */
    int stop;     /* a failure that later work cannot get past */
};

static const char *
jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

static uint64_t
name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The slot of name in the cache: where it is, or where it would go. */
static size_t
cache_slot(const struct source_cache *c, const char *name)
{
    size_t i = (size_t)name_hash(name) & (c->cap - 1);

    while (c->names[i] && strcmp(c->names[i], name))
        i = (i + 1) & (c->cap - 1);
    return i;
}

static void
cache_put(struct source_cache *c, const char *name, int64_t id)
{
    size_t i;

    if ((c->n + 1) * 2 > c->cap) {
        struct source_cache bigger = {0};

        bigger.cap = c->cap ? c->cap * 2 : 64;
        bigger.names = xcalloc(bigger.cap, sizeof(char *));
        bigger.ids = xcalloc(bigger.cap, sizeof(int64_t));
        for (size_t k = 0; k < c->cap; k++) {
            if (!c->names[k])
                continue;
            i = cache_slot(&bigger, c->names[k]);
            bigger.names[i] = c->names[k];
            bigger.ids[i] = c->ids[k];
        }
        bigger.n = c->n;
        free(c->names);
        free(c->ids);
        *c = bigger;
    }
    i = cache_slot(c, name);
    c->names[i] = xstrdup(name);
    c->ids[i] = id;
    c->n++;
}

static void
cache_release(struct source_cache *c)
{
    for (size_t k = 0; k < c->cap; k++)
        free(c->names[k]);
    free(c->names);
    free(c->ids);
    memset(c, 0, sizeof(*c));
}

/* The source a JSON-lines record belongs to, created on first sight. */
static int
jsonl_source(struct import *im, const char *name, const char *article_url, int64_t *id,
             struct gz_err *err)
{
    struct store_source src;
    struct buf site = BUF_INIT;
    int rc;

    if (im->sources.cap) {
        size_t i = cache_slot(&im->sources, name);

        if (im->sources.names[i]) {
            *id = im->sources.ids[i];
            return 0;
        }
    }

    memset(&src, 0, sizeof(src));
    src.url = arena_printf(im->ctx->arena, "import:%s", name);
    src.title = name;
    if (article_url && url_is_http(article_url) && !url_resolve(&site, article_url, "/", NULL))
        src.site_url = site.p;
    rc = store_source_add(im->ctx->store, &src, id, err);
    buf_release(&site);
    if (!rc)
        cache_put(&im->sources, name, *id);
    return rc;
}

struct pending {
    struct ingest_item items[IMPORT_BATCH];
    json_t *objs[IMPORT_BATCH];
    struct arena *a;
    size_t n;
    size_t first_line;
};

static void
flush(struct import *im, struct pending *p, const char *path)
{
    struct gz_err err = GZ_ERR_INIT;

    if (p->n && ingest_batch(im->ig, 0, p->items, p->n, &im->stats, &err)) {
        fprintf(stderr, "error: %s: lines %zu-%zu not imported: %s\n", path, p->first_line,
                p->first_line + p->n - 1, err.msg);
        im->failures++;
        if (err.code == GZ_EIO)
            im->stop = 1; /* the disk is full or failing: later batches would fail too */
    }
    for (size_t i = 0; i < p->n; i++)
        json_decref(p->objs[i]);
    p->n = 0;
    arena_reset(p->a);
}

static int64_t
jtime(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    int64_t t = 0;

    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_string(v) && time_parse(json_string_value(v), json_string_length(v), &t) == 0)
        return t;
    return 0;
}

/* The record's `story` label (a string, or a number written as one), or NULL. */
static const char *
jlabel(json_t *o, struct arena *a)
{
    json_t *v = json_object_get(o, "story");

    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    return jstr(o, "story");
}

static void
jcategories(json_t *o, struct arena *a, struct ingest_item *it)
{
    json_t *v = json_object_get(o, "categories");
    size_t n = json_array_size(v);
    size_t k = 0;
    const char **cats;

    if (!n)
        return;
    cats = ARENA_NEWN(a, const char *, n);
    for (size_t i = 0; i < n; i++)
        if (json_is_string(json_array_get(v, i)))
            cats[k++] = json_string_value(json_array_get(v, i));
    it->categories = cats;
    it->ncategories = k;
}

static void
import_jsonl(struct import *im, const char *path)
{
    FILE *f = fopen(path, "r");
    struct pending *p;
    struct buf line;
    size_t lineno = 0;
    const char *fallback = cli_str(im->ctx, "source", NULL);
    int c;

    if (!f) {
        fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
        im->failures++;
        return;
    }
    p = xcalloc(1, sizeof(*p));
    p->a = arena_new();
    buf_init(&line, IMPORT_MAX_LINE);
    while (!im->stop) {
        json_t *o;
        json_error_t jerr;
        const char *name;
        int64_t sid = 0;
        struct gz_err err = GZ_ERR_INIT;
        struct ingest_item *it;
        int too_long = 0;

        buf_reset(&line);
        while ((c = getc(f)) != EOF && c != '\n')
            if (buf_addc(&line, c))
                too_long = 1;
        if (c == EOF && !line.len)
            break;
        lineno++;
        if (too_long) {
            fprintf(stderr, "error: %s:%zu: line longer than %u bytes, skipped\n", path, lineno,
                    IMPORT_MAX_LINE);
            im->stats.failed++;
            continue;
        }
        if (!str_trim((struct str){line.p, line.len}).len)
            continue;
        o = json_loadb(line.p, line.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!json_is_object(o)) {
            fprintf(stderr, "error: %s:%zu: not a JSON object: %s\n", path, lineno,
                    o ? "wrong type" : jerr.text);
            json_decref(o);
            im->stats.failed++;
            continue;
        }
        name = jstr(o, "source");
        if (!name)
            name = jstr(o, "publisher");
        if (!name)
            name = fallback;
        if (!name) {
            fprintf(stderr, "error: %s:%zu: record has no source (use --source NAME)\n", path,
                    lineno);
            json_decref(o);
            im->stats.failed++;
            continue;
        }
        if (jsonl_source(im, name, jstr(o, "url"), &sid, &err)) {
            fprintf(stderr, "error: %s:%zu: %s\n", path, lineno, err.msg);
            json_decref(o);
            im->failures++;
            continue;
        }
        if (!p->n)
            p->first_line = lineno;
        it = &p->items[p->n];
        memset(it, 0, sizeof(*it));
        it->source_id = sid;
        it->guid = jstr(o, "id");
        it->url = jstr(o, "url");
        it->title = jstr(o, "title");
        it->author = jstr(o, "author");
        it->text = jstr(o, "text");
        it->html = jstr(o, "html");
        it->lang = jstr(o, "lang") ? jstr(o, "lang") : jstr(o, "language");
        it->image = jstr(o, "image");
        it->published = jtime(o, "published");
        if (!it->published)
            it->published = jtime(o, "time");
        jcategories(o, p->a, it);
        it->story_label = jlabel(o, p->a);
        p->objs[p->n++] = o;
        if (p->n == IMPORT_BATCH)
            flush(im, p, path);
        if (lineno % 1000 == 0)
            cli_progress(im->ctx, "%s: %zu lines", path, lineno);
    }
    flush(im, p, path);
    if (ferror(f)) {
        fprintf(stderr, "error: cannot read '%s': %s\n", path, strerror(errno));
        im->failures++;
    }
    fclose(f);
    buf_release(&line);
    arena_free(p->a);
    free(p);
    im->files++;
}

static void
import_feed(struct import *im, const char *path)
{
    struct gz_err err = GZ_ERR_INIT;
    struct buf data;
    struct arena *a = arena_new();
    struct feed *feed;
    struct store_source src;
    struct ingest_item *items;
    size_t n;
    int64_t sid;
    char abs[PATH_MAX];

    buf_init(&data, FEED_MAX_BYTES);
    if (buf_read_file(&data, path, &err) ||
        feed_parse(data.p, data.len, NULL, NULL, a, &feed, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        im->failures++;
        goto out;
    }
    memset(&src, 0, sizeof(src));
    src.url = arena_printf(a, "file:%s", realpath(path, abs) ? abs : path);
    src.title = feed->title ? feed->title : cli_str(im->ctx, "source", path);
    src.site_url = feed->link;
    if (store_source_add(im->ctx->store, &src, &sid, &err)) {
        fprintf(stderr, "error: %s: %s\n", path, err.msg);
        im->failures++;
        goto out;
    }
    ingest_items_from_feed(feed, a, &items, &n);
    if (ingest_batch(im->ig, sid, items, n, &im->stats, &err)) {
        fprintf(stderr, "error: %s: not imported: %s\n", path, err.msg);
        im->failures++;
    }
    im->files++;
out:
    buf_release(&data);
    arena_free(a);
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void import_path(struct import *im, const char *path, int depth);

static void
import_dir(struct import *im, const char *path, int depth)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    size_t alloc = 0;

    if (!d) {
        fprintf(stderr, "error: cannot open folder '%s': %s\n", path, strerror(errno));
        im->failures++;
        return;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        ALLOC_GROW(names, n + 1, alloc);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        char *child = arena_printf(im->ctx->arena, "%s/%s", path, names[i]);

        import_path(im, child, depth + 1);
        free(names[i]);
    }
    free(names);
}

static int
is_feed_name(const char *name)
{
    static const char *const exts[] = {".xml", ".rss", ".atom", ".rdf", ".json", ".feed"};

    for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
        if (str_has_suffix(name, exts[i]))
            return 1;
    return 0;
}

static void
import_path(struct import *im, const char *path, int depth)
{
    struct stat sb;

    if (stat(path, &sb)) {
        fprintf(stderr, "error: cannot read '%s': %s\n", path, strerror(errno));
        im->failures++;
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        if (depth < 16)
            import_dir(im, path, depth);
        return;
    }
    if (str_has_suffix(path, ".jsonl") || str_has_suffix(path, ".ndjson"))
        import_jsonl(im, path);
    else if (depth == 0 || is_feed_name(path))
        import_feed(im, path);
    /* inside folders, other files (HTML pages, READMEs) are not feeds */
}

int
cmd_import(struct cli_ctx *ctx)
{
    struct import im;
    struct gz_err err = GZ_ERR_INIT;

    memset(&im, 0, sizeof(im));
    im.ctx = ctx;
    if (ingest_new(&im.ig, ctx->store, &err))
        return cli_error("%s", err.msg);
    for (int i = 0; i < ctx->argc && !im.stop; i++)
        import_path(&im, ctx->argv[i], 0);
    if (im.stop)
        fprintf(stderr, "error: import stopped; what was committed before is intact, run the "
                        "import again once the problem is fixed\n");
    /* the whole window at once groups better than one article at a time */
    if (!im.stop && im.stats.added && ingest_refine(im.ig, &err))
        fprintf(stderr, "warning: stories not refined: %s\n", err.msg);
    cli_progress_done(ctx);
    ingest_free(im.ig);
    cache_release(&im.sources);
    printf("imported %zu files: %zu new articles, %zu already stored, %zu failed\n", im.files,
           im.stats.added, im.stats.duplicates, im.stats.failed);
    return im.failures || im.stats.failed ? 1 : 0;
}
