/*
 * form_test.c - form bodies, query strings and cookies, with hostile input:
 * malformed percent-encoding, NULs, bad UTF-8, huge and numerous fields.
 */
#include "unit.h"

#include "util/arena.h"
#include "util/err.h"
#include "web/form.h"

static struct arena *a;

static int
parse(const char *s, struct form *f)
{
    return form_parse(a, s, strlen(s), f, NULL);
}

static void
test_basic(void)
{
    struct form f;

    CHECK_INT(parse("name=alice&password=s3cret", &f), 0);
    CHECK_INT(f.n, 2);
    CHECK_STR(form_get(&f, "name"), "alice");
    CHECK_STR(form_get(&f, "password"), "s3cret");
    CHECK(form_get(&f, "missing") == NULL);
    CHECK(form_get(NULL, "name") == NULL);

    CHECK_INT(parse("", &f), 0);
    CHECK_INT(f.n, 0);
    CHECK_INT(parse("&&&", &f), 0);
    CHECK_INT(f.n, 0);
    CHECK_INT(parse("a&b=&=c", &f), 0);
    CHECK_INT(f.n, 3);
    CHECK_STR(form_get(&f, "a"), "");
    CHECK_STR(form_get(&f, "b"), "");
    CHECK_STR(form_get(&f, ""), "c");
    /* the first of a name wins */
    CHECK_INT(parse("csrf=good&csrf=evil", &f), 0);
    CHECK_STR(form_get(&f, "csrf"), "good");
    /* '=' inside a value stays */
    CHECK_INT(parse("q=a=b==c", &f), 0);
    CHECK_STR(form_get(&f, "q"), "a=b==c");
}

static void
test_decoding(void)
{
    struct form f;

    CHECK_INT(parse("body=Hello+world%21%0D%0Anext+line&x%20y=%C3%A9t%C3%A9", &f), 0);
    CHECK_STR(form_get(&f, "body"), "Hello world!\r\nnext line");
    CHECK_STR(form_get(&f, "x y"), "\xc3\xa9t\xc3\xa9");
    /* '+' encoded is a plus; %2B too */
    CHECK_INT(parse("a=1%2B1+%3D+2", &f), 0);
    CHECK_STR(form_get(&f, "a"), "1+1 = 2");
    /* malformed escapes stay literal, as browsers treat them */
    CHECK_INT(parse("a=100%&b=%zz&c=%4&d=%%41&e=%4g", &f), 0);
    CHECK_STR(form_get(&f, "a"), "100%");
    CHECK_STR(form_get(&f, "b"), "%zz");
    CHECK_STR(form_get(&f, "c"), "%4");
    CHECK_STR(form_get(&f, "d"), "%A");
    CHECK_STR(form_get(&f, "e"), "%4g");
    /* the length is exact and in bytes */
    CHECK_INT(parse("v=%E2%82%AC", &f), 0);
    CHECK_INT(f.f[0].len, 3);
    /* a field ending the input mid-escape */
    CHECK_INT(parse("v=abc%", &f), 0);
    CHECK_STR(form_get(&f, "v"), "abc%");
    CHECK_INT(parse("v=abc%4", &f), 0);
    CHECK_STR(form_get(&f, "v"), "abc%4");
}

static void
test_hostile(void)
{
    struct form f;
    struct gz_err err = GZ_ERR_INIT;
    char *big;
    size_t n;

    /* NUL bytes, encoded or raw, fail the form */
    CHECK_INT(form_parse(a, "a=x%00y", 7, &f, &err), GZ_EPARSE);
    CHECK_CONTAINS(err.msg, "'a'");
    CHECK_INT(f.n, 0);
    CHECK_INT(form_parse(a, "a=x\0y", 5, &f, NULL), GZ_EPARSE);
    CHECK_INT(form_parse(a, "a%00=x", 6, &f, NULL), GZ_EPARSE);
    /* bad UTF-8: stray continuation, overlong, surrogate, truncated */
    CHECK_INT(parse("a=%80", &f), GZ_EPARSE);
    CHECK_INT(parse("a=%C0%AF", &f), GZ_EPARSE);
    CHECK_INT(parse("a=%ED%A0%80", &f), GZ_EPARSE);
    CHECK_INT(parse("a=%E2%82", &f), GZ_EPARSE);
    CHECK_INT(parse("%FF=1", &f), GZ_EPARSE);
    CHECK_INT(parse("a=\xff", &f), GZ_EPARSE);
    /* the input need not be NUL-terminated: only len bytes are read */
    CHECK_INT(form_parse(a, "a=12345", 4, &f, NULL), 0);
    CHECK_STR(form_get(&f, "a"), "12");

    /* too many fields */
    {
        char many[FORM_MAX_FIELDS * 4 + 8];
        size_t k = 0;

        for (int i = 0; i < FORM_MAX_FIELDS; i++) {
            many[k++] = 'a';
            many[k++] = '=';
            many[k++] = '1';
            many[k++] = '&';
        }
        many[k] = '\0';
        CHECK_INT(parse(many, &f), 0);
        CHECK_INT(f.n, FORM_MAX_FIELDS);
        many[k++] = 'b';
        many[k] = '\0';
        CHECK_INT(form_parse(a, many, k, &f, &err), GZ_ELIMIT);
        CHECK_INT(f.n, 0);
    }
    /* a long name */
    n = FORM_MAX_NAME + 1;
    big = calloc(n + 8, 1);
    memset(big, 'n', n);
    memcpy(big + n, "=1", 2);
    CHECK_INT(form_parse(a, big, n + 2, &f, NULL), GZ_ELIMIT);
    CHECK_INT(form_parse(a, big + 1, n + 1, &f, NULL), 0); /* exactly the limit */
    free(big);
    /* a huge value: over the limit fails, at the limit (encoded as %XX) passes */
    n = FORM_MAX_VALUE + 1;
    big = malloc(n + 3);
    memcpy(big, "v=", 2);
    memset(big + 2, 'x', n);
    CHECK_INT(form_parse(a, big, n + 2, &f, &err), GZ_ELIMIT);
    CHECK_INT(form_parse(a, big, n + 1, &f, NULL), 0);
    CHECK_INT(f.f[0].len, FORM_MAX_VALUE);
    free(big);
    n = (size_t)FORM_MAX_VALUE * 3;
    big = malloc(n + 3);
    memcpy(big, "v=", 2);
    for (size_t i = 0; i < n; i += 3)
        memcpy(big + 2 + i, "%41", 3);
    CHECK_INT(form_parse(a, big, n + 2, &f, NULL), 0);
    CHECK_INT(f.f[0].len, FORM_MAX_VALUE);
    free(big);
}

/* Random bytes must never crash the parsers, and what they accept is clean. */
static void
test_garbage(void)
{
    unsigned int seed = 12345;
    char in[256];

    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % 200);
        struct form f;

        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            in[i] = "a=&%+;\"\x00\xc3\xa9 9F"[(seed >> 16) % 14];
        }
        if (form_parse(a, in, n, &f, NULL) == 0)
            for (size_t i = 0; i < f.n; i++)
                CHECK(strlen(f.f[i].value) == f.f[i].len);
        cookie_parse(a, in, n, &f);
        CHECK(f.n <= COOKIE_MAX_PAIRS);
        if (round % 500 == 0)
            arena_reset(a);
    }
}

static void
test_cookies(void)
{
    struct form f;
    const char *h;

    h = "gz_session=abc_DEF-123; gz_csrf=tok";
    cookie_parse(a, h, strlen(h), &f);
    CHECK_INT(f.n, 2);
    CHECK_STR(form_get(&f, "gz_session"), "abc_DEF-123");
    CHECK_STR(form_get(&f, "gz_csrf"), "tok");

    /* blanks, quotes, missing '=', empty names, values with '=' */
    h = "  a = 1 ;b=\"quoted\";novalue; =x;c=d=e;;  ;e=";
    cookie_parse(a, h, strlen(h), &f);
    CHECK_STR(form_get(&f, "a"), "1");
    CHECK_STR(form_get(&f, "b"), "quoted");
    CHECK(form_get(&f, "novalue") == NULL);
    CHECK(form_get(&f, "") == NULL);
    CHECK_STR(form_get(&f, "c"), "d=e");
    CHECK_STR(form_get(&f, "e"), "");
    /* the first of a name wins (the most specific path comes first) */
    h = "s=first; s=second";
    cookie_parse(a, h, strlen(h), &f);
    CHECK_STR(form_get(&f, "s"), "first");
    /* no decoding */
    h = "s=a%20b+c";
    cookie_parse(a, h, strlen(h), &f);
    CHECK_STR(form_get(&f, "s"), "a%20b+c");
    /* control characters spoil only their pair */
    h = "x=a\x01b; y=ok; z=\x7f";
    cookie_parse(a, h, strlen(h), &f);
    CHECK(form_get(&f, "x") == NULL);
    CHECK(form_get(&f, "z") == NULL);
    CHECK_STR(form_get(&f, "y"), "ok");
    /* NULL and empty headers */
    cookie_parse(a, NULL, 0, &f);
    CHECK_INT(f.n, 0);
    cookie_parse(a, "", 0, &f);
    CHECK_INT(f.n, 0);
    /* only len bytes are read */
    cookie_parse(a, "k=value", 4, &f);
    CHECK_STR(form_get(&f, "k"), "va");
    /* a lone quote is not a quoted value */
    h = "q=\"";
    cookie_parse(a, h, strlen(h), &f);
    CHECK_STR(form_get(&f, "q"), "\"");
}

static void
test_cookie_limits(void)
{
    struct form f;
    char *h;
    size_t n = 0;
    size_t cap = COOKIE_MAX_HEADER * 4;

    /* more pairs than the limit: the first COOKIE_MAX_PAIRS are kept */
    h = malloc(cap);
    for (int i = 0; i < COOKIE_MAX_PAIRS + 10; i++)
        n += (size_t)snprintf(h + n, cap - n, "c%d=%d; ", i, i);
    cookie_parse(a, h, n, &f);
    CHECK_INT(f.n, COOKIE_MAX_PAIRS);
    CHECK_STR(form_get(&f, "c0"), "0");
    CHECK(form_get(&f, "c70") == NULL);
    /* a huge header: bytes past the limit are ignored, no failure */
    memset(h, 'x', cap - 1);
    memcpy(h, "big=", 4);
    memcpy(h + cap - 16, "; late=1", 8);
    cookie_parse(a, h, cap - 8, &f);
    CHECK_INT(f.n, 1);
    CHECK_INT(f.f[0].len, COOKIE_MAX_HEADER - 4);
    CHECK(form_get(&f, "late") == NULL);
    free(h);
}

static const struct unit_test tests[] = {
    {"basic", test_basic},
    {"decoding", test_decoding},
    {"hostile", test_hostile},
    {"garbage", test_garbage},
    {"cookies", test_cookies},
    {"cookie_limits", test_cookie_limits},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    a = arena_new();
    rc = unit_main(argc, argv, tests);
    arena_free(a);
    return rc;
}
