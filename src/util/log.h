/*
 * log.h - one line per event on stderr, logfmt style:
 *
 *   ts=2025-08-07T14:03:00Z level=warn msg="fetch failed" ...
 *
 * The level is set once at start-up (log_set_level) and only read after;
 * writing a line is thread-safe (one fprintf per line).
 */
#ifndef GZ_UTIL_LOG_H
#define GZ_UTIL_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3, LOG_QUIET = 4 };

void log_set_level(enum log_level level);
/* "debug", "info", "warn", "error", "quiet" to a level; -1 when unknown. */
int log_level_parse(const char *s);
int log_enabled(enum log_level level);

/* fmt is the key=value tail of the line, after ts and level. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
