/*
 * fuzz_sanitize.c - the allowlist sanitizer and html_to_text on arbitrary bytes.
 */
#include "extract/sanitize.h"
#include "util/buf.h"
#include "util/err.h"

#include <libxml/parser.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct buf out = BUF_INIT, again = BUF_INIT;
    unsigned flags;

    if (!init) {
        xmlInitParser();
        init = 1;
    }
    if (!size)
        return 0;
    flags = data[0] & 3;
    data++;
    size--;
    buf_init(&out, 1 << 20);
    if (!sanitize_html(&out, (const char *)data, size, "http://example.org/x/", flags, NULL)) {
        /* sanitizing sanitized output must not crash either */
        (void)sanitize_html(&again, out.p, out.len, NULL, flags, NULL);
    }
    buf_release(&again);
    buf_reset(&out);
    (void)html_to_text(&out, (const char *)data, size, NULL);
    buf_release(&out);
    return 0;
}
