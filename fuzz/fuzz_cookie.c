/*
 * fuzz_cookie.c - cookie_parse() on any Cookie header.
 *
 * Checks: never more than COOKIE_MAX_PAIRS, names non-empty, no control
 * characters and no ';' in what is returned, values of the stated length.
 */
#include "util/arena.h"
#include "web/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == ';')
            return 0;
    return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct form f;

    cookie_parse(a, (const char *)data, size, &f);
    if (f.n > COOKIE_MAX_PAIRS)
        abort();
    for (size_t i = 0; i < f.n; i++) {
        const struct form_field *x = &f.f[i];

        if (!*x->name || !clean(x->name) || !clean(x->value) || strlen(x->value) != x->len ||
            strchr(x->name, '=') || !form_get(&f, x->name))
            abort();
    }
    arena_free(a);
    return 0;
}
