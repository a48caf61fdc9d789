/*
 * fuzz_date.c - time_parse() on arbitrary bytes: no crash, no read past
 * the length, and a parsed date formats and parses back to itself.
 */
#include "util/time.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t t;
    int64_t back;
    char iso[TIME_ISO_MAX];
    /* a copy without a terminator, so reading past size is caught */
    char *copy = malloc(size ? size : 1);

    memcpy(copy, data, size);
    if (!time_parse(copy, size, &t) && t > -62135596800LL && t < 253402300800LL) {
        time_format_iso(t, iso);
        if (time_parse(iso, strlen(iso), &back) || back != t)
            abort();
    }
    free(copy);
    return 0;
}
