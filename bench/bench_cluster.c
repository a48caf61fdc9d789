/*
 * bench_cluster.c - streaming story clustering: articles per second as
 * the stream grows, and peak memory.
 *
 *   bench_cluster [--rate N] [--analysis-only] COUNT[,COUNT...] FILE.jsonl...
 *
 * Input synthesis (deterministic, in memory, so that a million articles
 * need no file): every title and every sentence of the `title`/`text`
 * fields of FILE.jsonl (the demo corpus and the clustering dev sets) go
 * into two pools.  The stream is a sequence of events: an event draws a
 * headline and six sentences from the pools; each of its articles (1 to
 * 8, about 3 on average) is the event's headline (or another headline
 * with the event's first words) and three to five of the event's
 * sentences plus one or two unrelated ones, 400-1,200 bytes, from one of
 * 60 publishers, in time order with --rate articles per hour of simulated
 * time (default 200: 4,800 a day, so the 4-day window holds ~19,000
 * articles).  Every fifth article of an event is an exact or edited copy
 * of an earlier one.
 *
 * Timed: cluster_assign() + cluster_insert() (+ cluster_merge()) per
 * article, on one thread, as per-thread CPU time; the synthesis is not
 * timed.  At each COUNT it prints the articles per second of the last
 * segment and overall, the index size, and the peak RSS of the process.
 * At each COUNT (unless --analysis-only or --refine-daily) it also times
 * one cluster_refine() of the whole window, apart from the rates.
 * --refine-daily refines the window each simulated day instead, inside
 * the timed stream, as `gazette cluster` does with a dated file.
 * --analysis-only times cluster_assign() on an index that stays empty:
 * the text analysis, vector, MinHash and content hash of each article,
 * i.e. the part of the cost that comes from the text layer.
 */
#include "cluster/cluster.h"
#include "text/text.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct pool {
    char **s;
    size_t n, cap;
};

static void
pool_add(struct pool *p, const char *s, size_t len)
{
    if (len < 20 || len > 600)
        return;
    ALLOC_GROW(p->s, p->n + 1, p->cap);
    p->s[p->n++] = xstrndup(s, len);
}

static void
load(const char *path, struct pool *titles, struct pool *sents)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;

    if (!f) {
        perror(path);
        exit(2);
    }
    while (getline(&line, &cap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        json_t *t, *x;

        if (!o)
            continue;
        t = json_object_get(o, "title");
        x = json_object_get(o, "text");
        if (json_is_string(t))
            pool_add(titles, json_string_value(t), json_string_length(t));
        if (json_is_string(x)) {
            const char *p = json_string_value(x);
            size_t len = json_string_length(x), pos = 0;
            struct text_span sp;

            while (text_sentence_next(p, len, &pos, &sp))
                pool_add(sents, p + sp.off, sp.len);
        }
        json_decref(o);
    }
    free(line);
    fclose(f);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t
pick(size_t n)
{
    return (size_t)(next() % n);
}

struct event {
    int64_t start;
    const char *title;
    const char *sent[6];
    int left;             /* articles still to come */
    int made;             /* articles so far */
    struct buf last_text; /* for copies */
};

static double
cpu_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t
bench_label(void *ctx)
{
    return (*(int64_t *)ctx)++;
}

/* Refine the index's window; the seconds it took. */
static double
refine_now(struct cluster_index *ci, int64_t *next_label, size_t *moved)
{
    struct cluster_move *mv;
    size_t n = 0;
    struct gz_err err = GZ_ERR_INIT;
    double t0 = cpu_now();

    if (cluster_refine(ci, bench_label, next_label, &mv, &n, &err) == 0)
        free(mv);
    *moved += n;
    return cpu_now() - t0;
}

static long
peak_rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int
main(int argc, char **argv)
{
    struct pool titles = {0}, sents = {0};
    size_t counts[16], ncounts = 0, total;
    double rate = 200;
    int ai = 1;
    struct cluster_index *ci;
    struct gz_err err = GZ_ERR_INIT;
    struct event *ev = NULL;
    size_t nev = 0, cev = 0, first_open = 0;
    struct buf title = BUF_INIT, text = BUF_INIT;
    double cpu = 0, seg_cpu = 0;
    size_t seg_start = 0, copies = 0, joins = 0, news = 0;
    int64_t now = 1754524800, next_label = 1;

    int analysis_only = 0, daily = 0;
    int64_t refined_at = now;
    size_t moved = 0;

    for (;;) {
        if (argc > ai + 1 && !strcmp(argv[ai], "--rate")) {
            rate = strtod(argv[ai + 1], NULL);
            ai += 2;
        } else if (argc > ai && !strcmp(argv[ai], "--refine-daily")) {
            daily = 1;
            ai++;
        } else if (argc > ai && !strcmp(argv[ai], "--analysis-only")) {
            analysis_only = 1;
            ai++;
        } else {
            break;
        }
    }
    if (argc - ai < 2 || rate <= 0) {
        fprintf(
            stderr,
            "usage: bench_cluster [--rate N] [--analysis-only] [--refine-daily] COUNT[,COUNT...] "
            "FILE.jsonl...\n");
        return 2;
    }
    for (char *p = argv[ai]; *p && ncounts < 16;) {
        counts[ncounts++] = strtoull(p, &p, 10);
        if (*p == ',')
            p++;
    }
    total = counts[ncounts - 1];
    for (int i = ai + 1; i < argc; i++)
        load(argv[i], &titles, &sents);
    if (titles.n < 10 || sents.n < 100) {
        fprintf(stderr, "not enough text in the input files\n");
        return 2;
    }
    printf("pools: %zu titles, %zu sentences; rate %.0f articles/hour\n", titles.n, sents.n, rate);
    printf("%10s %12s %12s %10s %9s %10s %10s\n", "articles", "segment/s", "overall/s", "held",
           "stories", "peak RSS", "refine ms");
    ci = cluster_index_new(NULL, &err);
    if (!ci) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }

    for (size_t i = 0, ck = 0; i < total; i++) {
        struct event *e;
        struct cluster_doc d;
        struct cluster_result r;
        double t0;
        char src[32];

        now += (int64_t)(3600.0 / rate);
        /* a new event a third of the time, or when none is open */
        while (first_open < nev &&
               (ev[first_open].left == 0 || now - ev[first_open].start > 18 * 3600)) {
            buf_release(&ev[first_open].last_text);
            first_open++;
        }
        if (first_open > 4096) {
            memmove(ev, ev + first_open, (nev - first_open) * sizeof(*ev));
            nev -= first_open;
            first_open = 0;
        }
        if (first_open == nev || next() % 3 == 0) {
            ALLOC_GROW(ev, nev + 1, cev);
            e = &ev[nev++];
            memset(e, 0, sizeof(*e));
            e->start = now;
            e->title = titles.s[pick(titles.n)];
            for (int k = 0; k < 6; k++)
                e->sent[k] = sents.s[pick(sents.n)];
            e->left = 1 + (int)pick(8);
            if (e->left > 3 && next() % 2)
                e->left -= 2;
            buf_init(&e->last_text, 0);
        } else {
            e = &ev[first_open + pick(nev - first_open)];
            if (!e->left)
                e = &ev[nev - 1];
        }
        if (e->left)
            e->left--;

        buf_reset(&title);
        buf_reset(&text);
        if (e->made && next() % 5 == 0 && e->last_text.len) {
            /* a copy: the same text, maybe another headline and an added sentence */
            buf_adds(&title, next() % 2 ? e->title : titles.s[pick(titles.n)]);
            buf_add(&text, e->last_text.p, e->last_text.len);
            if (next() % 2) {
                buf_adds(&text, " ");
                buf_adds(&text, sents.s[pick(sents.n)]);
            }
        } else {
            if (next() % 2) {
                buf_adds(&title, e->title);
            } else {
                const char *t = e->title;
                int words = 0;

                while (*t && words < 4)
                    if (*t++ == ' ')
                        words++;
                buf_add(&title, e->title, (size_t)(t - e->title));
                buf_adds(&title, titles.s[pick(titles.n)]);
            }
            for (int k = 0, n = 3 + (int)pick(3); k < n; k++) {
                buf_adds(&text, e->sent[(k + e->made) % 6]);
                buf_addc(&text, ' ');
            }
            for (int k = 0, n = 1 + (int)pick(2); k < n; k++) {
                buf_adds(&text, sents.s[pick(sents.n)]);
                buf_addc(&text, ' ');
            }
            if (text.len > 1200)
                buf_setlen(&text, 1200);
            buf_reset(&e->last_text);
            buf_add(&e->last_text, text.p, text.len);
        }
        e->made++;
        snprintf(src, sizeof(src), "source %d", (int)pick(60));

        memset(&d, 0, sizeof(d));
        d.id = (int64_t)i + 1;
        d.time = now;
        d.source = cluster_source_key(src);
        d.title = title.p;
        d.title_len = title.len;
        d.text = text.p;
        d.text_len = text.len;
        d.lang = "en";

        t0 = cpu_now();
        if (analysis_only) {
            (void)cluster_assign(ci, &d, &r, &err); /* timed only; nothing inserted */
        } else if (cluster_assign(ci, &d, &r, &err) == 0) {
            int64_t label = r.story ? r.story : next_label++;

            if (cluster_insert(ci, &d, label, r.dup_of, &err) == 0 && r.merge_from)
                (void)cluster_merge(ci, r.merge_from, r.merge_into, &err); /* counted only */
        }
        if (daily && !analysis_only && now - refined_at >= 24 * 3600) {
            (void)refine_now(ci, &next_label, &moved); /* timed as part of the stream */
            refined_at = now;
        }
        seg_cpu += cpu_now() - t0;
        copies += r.dup_of != 0;
        joins += r.story != 0 && !r.dup_of;
        news += r.story == 0;

        if (i + 1 == counts[ck]) {
            size_t held, nst;

            held = cluster_size(ci, &nst);
            cpu += seg_cpu;
            printf("%10zu %12.0f %12.0f %10zu %9zu %7ld MB", i + 1,
                   (double)(i + 1 - seg_start) / seg_cpu, (double)(i + 1) / cpu, held, nst,
                   peak_rss_kb() / 1024);
            /* one refinement of the whole window, timed apart (not in the rates) */
            if (!analysis_only && !daily)
                printf(" %10.0f", 1000 * refine_now(ci, &next_label, &moved));
            printf("\n");
            fflush(stdout);
            seg_cpu = 0;
            seg_start = i + 1;
            ck++;
        }
    }
    printf("decisions: %zu new stories, %zu joins, %zu copies; %zu moved by refinements\n", news,
           joins, copies, moved);
    cluster_index_free(ci);
    for (size_t i = first_open; i < nev; i++)
        buf_release(&ev[i].last_text);
    free(ev);
    buf_release(&title);
    buf_release(&text);
    for (size_t i = 0; i < titles.n; i++)
        free(titles.s[i]);
    for (size_t i = 0; i < sents.n; i++)
        free(sents.s[i]);
    free(titles.s);
    free(sents.s);
    return 0;
}
