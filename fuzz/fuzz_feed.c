/*
 * fuzz_feed.c - feed_parse() on arbitrary bytes (RSS, Atom, JSON Feed,
 * broken XML, every charset path), then the model written as JSON.  The
 * first byte picks a transport charset, so that path is fuzzed too.
 */
#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const charsets[] = {
        NULL, NULL, NULL, NULL, "utf-8", "iso-8859-1", "windows-1251", "gb2312", "utf-16", "bogus"};
    struct arena *a = arena_new();
    struct feed *f;
    const char *cs = size ? charsets[data[0] % (sizeof(charsets) / sizeof(charsets[0]))] : NULL;

    if (!feed_parse((const char *)data, size, "http://example.com/dir/feed.xml", cs, a, &f, NULL)) {
        struct buf b = BUF_INIT;
        json_t *j;

        /* whatever came in, what comes out is JSON (so every string is UTF-8) */
        feed_write_json(&b, f);
        j = json_loadb(b.p, b.len, 0, NULL);
        if (!j)
            abort();
        json_decref(j);
        buf_release(&b);
    }
    arena_free(a);
    return 0;
}
