/*
 * cmd_extract.c - `gazette extract`: a saved page in, its article out.
 *
 *   gazette extract FILE [--url URL] [--charset CS] [--json]
 *   gazette extract --batch LIST [--out-dir DIR] [--repeat N]
 *
 * The batch form reads LIST (lines "ID<TAB>FILE<TAB>URL") and extracts
 * every page in this one process, writing DIR/ID.txt (ID.json with
 * --json) when --out-dir is given; it reports pages per second and peak memory on stderr.  It is
 * what the extraction benchmark and the scoring script run.
 */
#include "cli/cli.h"

#include "extract/extract.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const struct cli_opt opts[] = {
    {"url", OPT_STR, "URL", "the page's address (base for links, fallback canonical URL)"},
    {"charset", OPT_STR, "CS", "the charset the server declared (wins over the page's)"},
    {"json", OPT_BOOL, NULL, "print metadata, text and sanitized html as JSON"},
    {"batch", OPT_STR, "LIST", "extract every page listed as ID<TAB>FILE<TAB>URL lines"},
    {"out-dir", OPT_STR, "DIR", "with --batch: write DIR/ID.txt (DIR/ID.json with --json)"},
    {"repeat", OPT_INT, "N", "with --batch: run the list N times (for timing)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_extract_spec = {
    "gazette extract FILE [--url URL] [--charset CS] [--json] | --batch LIST [--out-dir DIR]", opts,
    0, 1};

static void
set_str(json_t *o, const char *key, const char *v)
{
    json_object_set_new(o, key, v ? json_string(v) : json_null());
}

/* The result as JSON text (free() it), or NULL. */
static char *
result_json(const struct extract_result *r)
{
    json_t *o = json_object();
    char iso[TIME_ISO_MAX];
    char *s;

    set_str(o, "title", r->title);
    set_str(o, "byline", r->byline);
    if (r->published) {
        time_format_iso(r->published, iso);
        set_str(o, "published", iso);
    } else {
        set_str(o, "published", NULL);
    }
    set_str(o, "published_raw", r->published_raw);
    set_str(o, "site_name", r->site_name);
    set_str(o, "lang", r->lang);
    set_str(o, "dir", r->dir);
    set_str(o, "image", r->image);
    set_str(o, "canonical_url", r->canonical_url);
    set_str(o, "excerpt", r->excerpt);
    set_str(o, "text", r->text);
    set_str(o, "html", r->html);
    s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static int
print_json(const struct extract_result *r)
{
    char *s = result_json(r);

    if (!s)
        return cli_error("cannot encode the result as json");
    puts(s);
    free(s);
    return 0;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct item {
    char *id, *path, *url;
};

static int
run_batch(struct cli_ctx *ctx, const char *list)
{
    struct buf lb = BUF_INIT, page = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;
    struct item *items = NULL;
    size_t n = 0, alloc = 0, pages = 0, bytes = 0, failed = 0;
    const char *dir = cli_str(ctx, "out-dir", NULL);
    long repeat = cli_int(ctx, "repeat", 1);
    struct arena *a = arena_new();
    double t0, cpu, spent = 0, wall0 = now_s();
    struct rusage ru;
    char *line, *save = NULL;

    if (buf_read_file(&lb, list, &err))
        return cli_error("%s", err.msg);
    for (line = strtok_r(lb.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *t1 = strchr(line, '\t'), *t2;

        if (!t1)
            continue;
        *t1++ = 0;
        t2 = strchr(t1, '\t');
        if (t2)
            *t2++ = 0;
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            items = realloc(items, alloc * sizeof(*items));
            if (!items)
                return cli_error("out of memory");
        }
        items[n].id = line;
        items[n].path = t1;
        items[n].url = t2 && *t2 ? t2 : NULL;
        n++;
    }
    if (repeat < 1)
        repeat = 1;
    for (long r = 0; r < repeat; r++) {
        for (size_t i = 0; i < n; i++) {
            struct extract_result res;

            buf_reset(&page);
            page.max = 0;
            if (buf_read_file(&page, items[i].path, &err)) {
                fprintf(stderr, "error: %s\n", err.msg);
                failed++;
                continue;
            }
            t0 = now_s();
            if (extract_page(page.p, page.len, items[i].url, NULL, a, &res, &err)) {
                fprintf(stderr, "error: %s: %s\n", items[i].path, err.msg);
                failed++;
            }
            spent += now_s() - t0;
            pages++;
            bytes += page.len;
            if (dir && r == 0) {
                char path[4096];
                FILE *f;

                int json = cli_has(ctx, "json");
                char *js = json ? result_json(&res) : NULL;

                snprintf(path, sizeof(path), "%s/%s.%s", dir, items[i].id, json ? "json" : "txt");
                f = fopen(path, "w");
                if (!f) {
                    fprintf(stderr, "error: cannot write '%s'\n", path);
                    failed++;
                } else {
                    fputs(js ? js : res.text, f);
                    fputc('\n', f);
                    fclose(f);
                }
                free(js);
            }
            arena_reset(a);
            cli_progress(ctx, "%zu pages", pages);
        }
    }
    cli_progress_done(ctx);
    getrusage(RUSAGE_SELF, &ru);
    t0 = now_s() - wall0;
    cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
          (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    /* CPU time too: on a shared machine wall time also counts waiting for a core */
    fprintf(stderr,
            "extract: %zu pages, %.1f MB, %.3f s wall, %.1f pages/s wall, %.1f pages/s in "
            "extract_page, %.1f pages/s cpu, peak rss %ld MB, %zu failed\n",
            pages, (double)bytes / 1e6, t0, t0 > 0 ? (double)pages / t0 : 0.0,
            spent > 0 ? (double)pages / spent : 0.0, cpu > 0 ? (double)pages / cpu : 0.0,
            ru.ru_maxrss / 1024, failed);
    free(items);
    buf_release(&lb);
    buf_release(&page);
    arena_free(a);
    return failed ? 1 : 0;
}

int
cmd_extract(struct cli_ctx *ctx)
{
    struct buf page = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;
    struct extract_result res;
    const char *batch = cli_str(ctx, "batch", NULL);
    int rc;

    if (batch)
        return run_batch(ctx, batch);
    if (ctx->argc != 1)
        return cli_error("extract needs a FILE (or --batch LIST)");
    /* read a little more than the cap: extract_page cuts, we only bound memory */
    buf_init(&page, EXTRACT_MAX_BYTES * 4);
    if (buf_read_file(&page, ctx->argv[0], &err)) {
        buf_release(&page);
        return cli_error("%s", err.msg);
    }
    if (extract_page(page.p, page.len, cli_str(ctx, "url", NULL), cli_str(ctx, "charset", NULL),
                     ctx->arena, &res, &err)) {
        buf_release(&page);
        return cli_error("%s", err.msg);
    }
    buf_release(&page);
    if (cli_has(ctx, "json"))
        return print_json(&res);
    rc = fputs(res.text, stdout) < 0;
    if (*res.text)
        putchar('\n');
    return rc;
}
