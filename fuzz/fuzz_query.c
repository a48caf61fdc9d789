/*
 * fuzz_query.c - the search language: any bytes must parse or give an
 * error, and what parses must become an FTS5 query in which no user text
 * stands outside quotes, and which the index runs without a syntax error.
 */
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "web/query.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static struct store *st;

/* Outside quoted strings, a MATCH text may hold only ( ) spaces and NOT. */
static void
check_quoted(const struct buf *m)
{
    const char *p = m->p;

    while (*p) {
        if (*p == '"') {
            for (p++;; p++) {
                if (!*p)
                    abort(); /* unterminated string */
                if (*p == '"' && p[1] == '"') {
                    p++;
                    continue;
                }
                if (*p == '"')
                    break;
            }
            p++;
        } else if (*p == '(' || *p == ')' || *p == ' ') {
            p++;
        } else if (!strncmp(p, "NOT ", 4)) {
            p += 4;
        } else {
            abort(); /* user text outside quotes */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a;
    char *text;
    struct query q;
    struct gz_err err = GZ_ERR_INIT;

    if (!st && store_open(&st, ":memory:", 0, &err))
        abort();
    a = arena_new();
    text = arena_strndup(a, (const char *)data, size);
    if (query_parse(text, a, &q, &err) == 0) {
        struct store_search s = {0};
        struct buf m = BUF_INIT;
        struct store_hit *hits;
        size_t n;
        int rc;

        query_to_search(&q, &s);
        store_fts_match(&m, &s);
        check_quoted(&m);
        buf_release(&m);
        rc = store_search(st, &s, a, &hits, &n, &err);
        if (rc && rc != GZ_EINVAL)
            abort(); /* the index refused what the parser made */
    } else if (!err.msg[0]) {
        abort(); /* an error must say what to change */
    }
    arena_free(a);
    return 0;
}
