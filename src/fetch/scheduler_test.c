/*
 * scheduler_test.c - the timing of fetches: interval, jitter, backoff,
 * caps, Retry-After.
 */
#include "unit.h"

#include "fetch/scheduler.h"

static void
test_success_interval(void)
{
    /* u = 0.5: no jitter */
    CHECK_INT(sched_delay(1800, 0, -1, 0.5), 1800);
    CHECK_INT(sched_delay(600, 0, -1, 0.5), 600);
    /* the jitter stays within +-10% */
    CHECK_INT(sched_delay(1800, 0, -1, 0.0), 1620);
    CHECK_INT(sched_delay(1800, 0, -1, 1.0), 1980);
    for (int i = 0; i <= 100; i++) {
        int64_t d = sched_delay(3600, 0, -1, i / 100.0);

        CHECK(d >= 3240 && d <= 3960);
    }
    /* out-of-range jitter inputs are clamped */
    CHECK_INT(sched_delay(1800, 0, -1, -3.0), 1620);
    CHECK_INT(sched_delay(1800, 0, -1, 7.0), 1980);
    /* no interval: the default */
    CHECK_INT(sched_delay(0, 0, -1, 0.5), 1800);
    CHECK_INT(sched_delay(-5, 0, -1, 0.5), 1800);
    /* never zero */
    CHECK_INT(sched_delay(1, 0, -1, 0.0), 1);
}

static void
test_backoff(void)
{
    /* doubling per consecutive error */
    CHECK_INT(sched_delay(1800, 1, -1, 0.5), 3600);
    CHECK_INT(sched_delay(1800, 2, -1, 0.5), 7200);
    CHECK_INT(sched_delay(1800, 3, -1, 0.5), 14400);
    CHECK_INT(sched_delay(1800, 4, -1, 0.5), 28800);
    CHECK_INT(sched_delay(1800, 5, -1, 0.5), 57600);
    /* capped at a day */
    CHECK_INT(sched_delay(1800, 6, -1, 0.5), SCHED_BACKOFF_MAX);
    CHECK_INT(sched_delay(1800, 60, -1, 0.5), SCHED_BACKOFF_MAX);
    CHECK_INT(sched_delay(1800, 1000000, -1, 0.5), SCHED_BACKOFF_MAX);
    CHECK(sched_delay(1800, 60, -1, 1.0) <= SCHED_BACKOFF_MAX);
    CHECK(sched_delay(1800, 60, -1, 0.0) >= SCHED_BACKOFF_MAX * 9 / 10);
    /* a source fetched less than daily is never fetched more often for failing */
    CHECK_INT(sched_delay(7 * 86400, 3, -1, 0.5), 7 * 86400);
    /* a short interval backs off from itself */
    CHECK_INT(sched_delay(1, 1, -1, 0.5), 2);
    CHECK_INT(sched_delay(1, 2, -1, 0.5), 4);
    /* monotonic in the error count (without jitter) */
    for (int e = 0; e < 40; e++)
        CHECK(sched_delay(900, e + 1, -1, 0.5) >= sched_delay(900, e, -1, 0.5));
}

static void
test_retry_after(void)
{
    /* a Retry-After longer than the backoff wins, exactly (no jitter below it) */
    CHECK_INT(sched_delay(1800, 1, 7200, 0.0), 7200);
    CHECK_INT(sched_delay(1800, 1, 7200, 0.5), 7200);
    /* a shorter one does not make us come back sooner than the backoff */
    CHECK_INT(sched_delay(1800, 1, 60, 0.5), 3600);
    CHECK_INT(sched_delay(1800, 1, 0, 0.5), 3600);
    /* absurd values are capped at a week */
    CHECK_INT(sched_delay(1800, 1, INT64_C(1) << 40, 0.5), SCHED_RETRY_AFTER_MAX);
    /* beyond the day cap of the backoff */
    CHECK_INT(sched_delay(1800, 9, 3 * 86400, 0.5), 3 * 86400);
}

static const struct unit_test tests[] = {
    {"success_interval", test_success_interval},
    {"backoff", test_backoff},
    {"retry_after", test_retry_after},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
