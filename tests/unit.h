/*
 * unit.h - the unit-test harness, header only.
 *
 * A test file next to its module (src/feed/feed_test.c) lists its cases in
 * one table and hands it to test_main():
 *
 *   static void test_dates(void) { CHECK_INT(parse("..."), 0); }
 *   static const struct unit_test tests[] = { {"dates", test_dates}, {NULL, NULL} };
 *   int main(int argc, char **argv) { return unit_main(argc, argv, tests); }
 *
 * CHECK* macros record a failure with file and line and go on; the binary
 * exits 1 when any check failed.  `prog NAME` runs only the named case.
 * CMake builds each *_test.c into its own binary and registers it with ctest.
 */
#ifndef GZ_TESTS_UNIT_H
#define GZ_TESTS_UNIT_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unit_test {
    const char *name;
    void (*fn)(void);
};

static int unit_failures;
static int unit_checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        unit_checks++;                                                                             \
        if (!(cond)) {                                                                             \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long unit_a_ = (long long)(a);                                                        \
        long long unit_b_ = (long long)(b);                                                        \
        unit_checks++;                                                                             \
        if (unit_a_ != unit_b_) {                                                                  \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, unit_a_, \
                    unit_b_);                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *unit_a_ = (a);                                                                 \
        const char *unit_b_ = (b);                                                                 \
        unit_checks++;                                                                             \
        if (!unit_a_ || !unit_b_ || strcmp(unit_a_, unit_b_)) {                                    \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,      \
                    unit_a_ ? unit_a_ : "(null)", unit_b_ ? unit_b_ : "(null)");                   \
        }                                                                                          \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *unit_h_ = (hay);                                                               \
        const char *unit_n_ = (needle);                                                            \
        unit_checks++;                                                                             \
        if (!unit_h_ || !strstr(unit_h_, unit_n_)) {                                               \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s does not contain \"%s\": \"%.400s\"\n", __FILE__, __LINE__, \
                    #hay, unit_n_, unit_h_ ? unit_h_ : "(null)");                                  \
        }                                                                                          \
    } while (0)

#define CHECK_NOT_CONTAINS(hay, needle)                                                            \
    do {                                                                                           \
        const char *unit_h_ = (hay);                                                               \
        const char *unit_n_ = (needle);                                                            \
        unit_checks++;                                                                             \
        if (unit_h_ && strstr(unit_h_, unit_n_)) {                                                 \
            unit_failures++;                                                                       \
            fprintf(stderr, "%s:%d: %s contains \"%s\": \"%.400s\"\n", __FILE__, __LINE__, #hay,   \
                    unit_n_, unit_h_);                                                             \
        }                                                                                          \
    } while (0)

static inline int
unit_main(int argc, char **argv, const struct unit_test *tests)
{
    int ran = 0;

    for (const struct unit_test *t = tests; t->name; t++) {
        int before = unit_failures;

        if (argc > 1 && strcmp(argv[1], t->name))
            continue;
        t->fn();
        ran++;
        fprintf(stderr, "%s %s\n", unit_failures == before ? "ok  " : "FAIL", t->name);
    }
    if (argc > 1 && !ran) {
        fprintf(stderr, "no test named '%s'\n", argv[1]);
        return 2;
    }
    fprintf(stderr, "%d tests, %d checks, %d failures\n", ran, unit_checks, unit_failures);
    return unit_failures ? 1 : 0;
}

#endif
