/*
 * fuzz_form.c - form_parse() (form bodies and query strings) on any bytes.
 *
 * Checks what the parser promises: on success every name and value is a
 * NUL-free UTF-8 C string of the stated length, within the limits, and
 * findable by name; on failure the form is empty.
 */
#include "util/arena.h"
#include "util/str.h"
#include "web/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = arena_new();
    struct form f;
    int rc = form_parse(a, (const char *)data, size, &f, NULL);

    if (rc && f.n)
        abort();
    if (!rc) {
        if (f.n > FORM_MAX_FIELDS)
            abort();
        for (size_t i = 0; i < f.n; i++) {
            const struct form_field *x = &f.f[i];
            size_t nl = strlen(x->name);

            if (strlen(x->value) != x->len || x->len > FORM_MAX_VALUE || nl > FORM_MAX_NAME)
                abort();
            if (str_utf8_valid_prefix(x->value, x->len) != x->len ||
                str_utf8_valid_prefix(x->name, nl) != nl)
                abort();
            if (!form_get(&f, x->name))
                abort();
        }
    }
    arena_free(a);
    return 0;
}
