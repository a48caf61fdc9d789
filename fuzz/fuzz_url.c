/*
 * fuzz_url.c - URL resolution, canonicalization and the link check on
 * arbitrary bytes.  The input is "base\nref" (or just ref, resolved
 * against a fixed page URL).  Besides "no crash, no sanitizer report":
 *
 *   - a resolved http(s) URL is UTF-8, holds no byte <= 0x20 and resolves
 *     to itself;
 *   - url_resolve_iri() writes UTF-8;
 *   - url_canonical() gives an http(s) URL and is idempotent (two spellings
 *     of one article must meet at one key, so the key must be a fixed point);
 *   - a ref that url_is_safe_link() lets through never resolves to a URL
 *     whose scheme is other than http, https (or mailto, when allowed).
 */
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"
#include "util/url.h"

#include <curl/curl.h>
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
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return 0;
}

static void
check_clean(const struct buf *b)
{
    if (str_utf8_valid_prefix(b->p, b->len) != b->len)
        abort(); /* a URL that is not UTF-8 */
    for (size_t i = 0; i < b->len; i++)
        if ((unsigned char)b->p[i] <= 0x20)
            abort(); /* whitespace or a control byte in a resolved URL */
}

static int
scheme_is(const char *url, const char *scheme)
{
    size_t n = strlen(scheme);

    return !str_ncasecmp(url, scheme, n) && url[n] == ':';
}

static void
check_resolve(const char *base, const char *ref)
{
    struct buf out = BUF_INIT;
    struct buf again = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    if (!url_resolve(&out, base, ref, &err) && url_is_http(out.p)) {
        check_clean(&out);
        if (url_resolve(&again, NULL, out.p, &err) || strcmp(again.p, out.p))
            abort(); /* a resolved URL is not a fixed point */
    }
    buf_release(&again);
    buf_reset(&out);
    if (!url_resolve_iri(&out, base, ref, &err) && str_utf8_valid_prefix(out.p, out.len) != out.len)
        abort(); /* an IRI that is not UTF-8 */
    buf_release(&out);
}

static void
check_canonical(const char *url)
{
    struct buf out = BUF_INIT;
    struct buf again = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    if (!url_canonical(&out, url, &err)) {
        if (!url_is_http(out.p))
            abort(); /* canonical form of something other than http(s) */
        check_clean(&out);
        if (url_canonical(&again, out.p, &err) || strcmp(again.p, out.p))
            abort(); /* canonical form is not idempotent */
    }
    buf_release(&again);
    buf_release(&out);
}

static void
check_safe_link(const char *ref)
{
    struct buf out = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    for (int mailto = 0; mailto <= 1; mailto++) {
        if (!url_is_safe_link(ref, mailto))
            continue;
        buf_reset(&out);
        if (url_resolve(&out, "http://example.com/dir/page.html", ref, &err))
            continue;
        if (!scheme_is(out.p, "http") && !scheme_is(out.p, "https") &&
            !(mailto && scheme_is(out.p, "mailto")))
            abort(); /* a link judged safe has another scheme */
    }
    buf_release(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    char *nl;
    const char *base = "http://example.com/dir/page.html?q=1#top";
    const char *ref = s;

    memcpy(s, data, size);
    s[size] = '\0'; /* an embedded NUL ends the string, as it would in C callers */
    nl = strchr(s, '\n');
    if (nl) {
        *nl = '\0';
        base = s;
        ref = nl + 1;
    }
    check_resolve(base, ref);
    check_canonical(ref);
    check_safe_link(ref);
    (void)url_is_http(ref); /* a pure predicate: only "no crash" to check */
    free(s);
    return 0;
}
