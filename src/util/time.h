/*
 * time.h - instants as int64 Unix seconds (UTC), parsing and formatting.
 *
 * All functions are pure and thread-safe (no gmtime, no static buffers).
 */
#ifndef GZ_UTIL_TIME_H
#define GZ_UTIL_TIME_H

#include <stddef.h>
#include <stdint.h>

#define TIME_ISO_MAX 32

/* Current time in Unix seconds. */
int64_t time_now(void);
/* Current time in milliseconds since an arbitrary monotonic origin. */
int64_t time_mono_ms(void);

/* Seconds since the epoch for a UTC civil date and time (any year). */
int64_t time_from_civil(int year, int mon, int day, int hour, int min, int sec);
/* The UTC civil date and time of t. */
void time_to_civil(int64_t t, int *year, int *mon, int *day, int *hour, int *min, int *sec);

/*
 * Parse a date as found in feeds, pages and HTTP headers: ISO 8601 / RFC
 * 3339 in their common forms ("2025-08-07", "2025-08-07T14:03:00+02:00",
 * "2025-08-07 14:03:00Z", "20250807T140300Z"), RFC 822 / RFC 1123 and
 * their variants (two-digit years, missing weekday or seconds, named and
 * military zones, "GMT+2"), and what curl_getdate() knows besides.  A date
 * without a zone is taken as UTC.  0 on success with *out set;
 * GZ_EPARSE when s is not a date we understand.
 */
int time_parse(const char *s, size_t len, int64_t *out);

/* "2025-08-07T14:03:00Z" into out (at least TIME_ISO_MAX bytes). */
void time_format_iso(int64_t t, char *out);
/* "7 Aug 2025" into out (at least TIME_ISO_MAX bytes). */
void time_format_day(int64_t t, char *out);

/*
 * How long ago t was, seen at now, the way news sites say it: "just now",
 * "1 minute ago", "44 minutes ago", "an hour ago", "5 hours ago",
 * "yesterday", "3 days ago", and beyond four weeks the date ("7 Aug 2025").
 * A time in the future reads "just now".  Writes at most n bytes.
 */
void time_format_relative(int64_t t, int64_t now, char *out, size_t n);

#endif
