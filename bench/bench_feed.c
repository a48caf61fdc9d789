/*
 * bench_feed.c - feed parsing throughput: every file of a corpus parsed
 * into the full normalized model (decoding, dates, URLs, sanitized HTML),
 * in one process, with all files read into memory before the clock starts.
 *
 *   bench_feed [-r ROUNDS] DIR...
 *
 * Prints one line per round and a summary line with the median round:
 *   feeds N bytes B entries E failed 0 seconds S MB/s M feeds/s F (best S) cpu C
 * (MB = 10^6 bytes; "cpu" is the median round's process CPU time, which
 * other load on the machine disturbs less than the wall clock).  Files
 * named README* are skipped.
 */
#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/time.h"

#include <curl/curl.h>
#include <dirent.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct doc {
    char *p;
    size_t len;
};

static struct doc *docs;
static size_t ndocs;
static size_t adocs;

static void
load(const char *path)
{
    struct stat st;

    if (stat(path, &st))
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *de;
        char **names = NULL;
        size_t n = 0;
        size_t alloc = 0;

        if (!d)
            return;
        while ((de = readdir(d))) {
            if (de->d_name[0] == '.' || !strncmp(de->d_name, "README", 6))
                continue;
            ALLOC_GROW(names, n + 1, alloc);
            names[n++] = xstrdup(de->d_name);
        }
        closedir(d);
        for (size_t i = 0; i < n; i++) {
            char *sub = malloc(strlen(path) + strlen(names[i]) + 2);

            snprintf(sub, strlen(path) + strlen(names[i]) + 2, "%s/%s", path, names[i]);
            load(sub);
            free(sub);
            free(names[i]);
        }
        free(names);
        return;
    }
    {
        struct buf b = BUF_INIT;

        if (buf_read_file(&b, path, NULL))
            return;
        ALLOC_GROW(docs, ndocs + 1, adocs);
        docs[ndocs].len = b.len;
        docs[ndocs].p = buf_detach(&b, NULL);
        ndocs++;
    }
}

static double
clock_s(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
    int rounds = 5;
    size_t bytes = 0;
    size_t entries = 0;
    size_t failed = 0;
    double *secs;
    double *cpu;
    struct arena *a;
    struct feed_parser *fp;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-r") && i + 1 < argc)
            rounds = (int)strtol(argv[++i], NULL, 10);
        else
            load(argv[i]);
    }
    if (!ndocs || rounds < 1) {
        fprintf(stderr, "usage: bench_feed [-r ROUNDS] DIR...\n");
        return 2;
    }
    for (size_t i = 0; i < ndocs; i++)
        bytes += docs[i].len;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    a = arena_new();
    fp = feed_parser_new();
    secs = calloc((size_t)rounds, sizeof(double));
    cpu = calloc((size_t)rounds, sizeof(double));
    for (int r = 0; r < rounds; r++) {
        double t0 = clock_s(CLOCK_MONOTONIC);
        double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);

        entries = 0;
        failed = 0;
        for (size_t i = 0; i < ndocs; i++) {
            struct feed *f;

            if (feed_parser_parse(fp, docs[i].p, docs[i].len, NULL, NULL, a, &f, NULL))
                failed++;
            else
                entries += f->nentries;
            arena_reset(a);
        }
        secs[r] = clock_s(CLOCK_MONOTONIC) - t0;
        cpu[r] = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        printf("round %d: %.3f s (cpu %.3f s)\n", r + 1, secs[r], cpu[r]);
    }
    qsort(secs, (size_t)rounds, sizeof(double), cmp_double);
    qsort(cpu, (size_t)rounds, sizeof(double), cmp_double);
    printf("feeds %zu bytes %zu entries %zu failed %zu seconds %.3f MB/s %.1f feeds/s %.0f "
           "(best %.3f s) cpu %.3f\n",
           ndocs, bytes, entries, failed, secs[rounds / 2], (double)bytes / 1e6 / secs[rounds / 2],
           (double)ndocs / secs[rounds / 2], secs[0], cpu[rounds / 2]);
    arena_free(a);
    feed_parser_free(fp);
    free(secs);
    free(cpu);
    for (size_t i = 0; i < ndocs; i++)
        free(docs[i].p);
    free(docs);
    xmlCleanupParser();
    curl_global_cleanup();
    return failed ? 1 : 0;
}
