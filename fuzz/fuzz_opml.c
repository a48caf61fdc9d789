/*
 * fuzz_opml.c - opml_parse() on arbitrary bytes; what it reads is written
 * back with opml_write(), read again, and must give the same feeds.
 */
#include "feed/opml.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#include <libxml/parser.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    return 0;
}

static void
check_utf8(const char *s)
{
    if (s && str_utf8_valid_prefix(s, strlen(s)) != strlen(s))
        abort();
}

static int
same(const char *x, const char *y)
{
    return (!x && !y) || (x && y && !strcmp(x, y));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct opml *o;
    struct opml *o2;

    if (!opml_parse((const char *)data, size, a, &o, NULL)) {
        struct buf b = BUF_INIT;

        check_utf8(o->title);
        for (size_t i = 0; i < o->nfeeds; i++) {
            check_utf8(o->feeds[i].title);
            check_utf8(o->feeds[i].xml_url);
            check_utf8(o->feeds[i].html_url);
            check_utf8(o->feeds[i].category);
        }
        opml_write(&b, o->title, o->feeds, o->nfeeds);
        if (opml_parse(b.p, b.len, a, &o2, NULL) || o2->nfeeds != o->nfeeds)
            abort();
        /* the writer groups by category, so compare as sets of feeds */
        for (size_t i = 0; i < o->nfeeds; i++) {
            const struct opml_feed *f = &o->feeds[i];
            int found = 0;

            for (size_t k = 0; k < o2->nfeeds && !found; k++) {
                const struct opml_feed *g = &o2->feeds[k];

                found = same(f->xml_url, g->xml_url) && same(f->title, g->title) &&
                        same(f->html_url, g->html_url) && same(f->category, g->category);
            }
            if (!found)
                abort();
        }
        if (!same(o->title, o2->title))
            abort();
        buf_release(&b);
    }
    arena_free(a);
    return 0;
}
