#include "util/log.h"

#include "util/time.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum log_level log_level = LOG_INFO;

void
log_set_level(enum log_level level)
{
    log_level = level;
}

int
log_level_parse(const char *s)
{
    static const char *const names[] = {"debug", "info", "warn", "error", "quiet"};

    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

int
log_enabled(enum log_level level)
{
    return level >= log_level;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warn", "error", "quiet"};
    char ts[TIME_ISO_MAX];
    char line[2048];
    va_list ap;
    int n;

    if (level < log_level)
        return;
    time_format_iso(time_now(), ts);
    n = snprintf(line, sizeof(line), "ts=%s level=%s ", ts, names[level]);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(line))
        vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line);
}
