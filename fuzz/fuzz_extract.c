/*
 * fuzz_extract.c - article extraction on arbitrary bytes.
 *
 * The first byte picks a charset the "server" declares (or none), so the
 * conversion paths are reached too.
 */
#include "extract/extract.h"
#include "util/arena.h"
#include "util/err.h"

#include <libxml/parser.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const charsets[] = {NULL,        NULL,       "utf-8",      "windows-1251",
                                           "shift_jis", "gb2312",   "iso-8859-1", "utf-16le",
                                           "euc-kr",    "bogus-cs", "big5",       NULL};
    static int init;
    struct arena *a;
    struct extract_result r;
    struct gz_err err = GZ_ERR_INIT;
    const char *cs = NULL;

    if (!init) {
        xmlInitParser();
        init = 1;
    }
    if (size) {
        cs = charsets[data[0] % (sizeof(charsets) / sizeof(charsets[0]))];
        data++;
        size--;
    }
    a = arena_new();
    if (!extract_page((const char *)data, size, "http://example.org/a/b.html", cs, a, &r, &err)) {
        /* the result is well-formed: strings are NUL-terminated */
        (void)strlen(r.text);
        (void)strlen(r.html);
    }
    arena_free(a);
    return 0;
}
