#include "util/time.h"

#include "util/err.h"
#include "util/str.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
time_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

int64_t
time_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t
time_from_civil(int year, int mon, int day, int hour, int min, int sec)
{
    return days_from_civil(year, mon, day) * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
}

void
time_to_civil(int64_t t, int *year, int *mon, int *day, int *hour, int *min, int *sec)
{
    int64_t z = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - z * 86400;
    int64_t era;
    int64_t doe;
    int64_t yoe;
    int64_t y;
    int64_t doy;
    int64_t mp;
    int64_t d;
    int64_t m;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp + (mp < 10 ? 3 : -9);
    *year = (int)(y + (m <= 2));
    *mon = (int)m;
    *day = (int)d;
    *hour = (int)(secs / 3600);
    *min = (int)(secs / 60 % 60);
    *sec = (int)(secs % 60);
}

static int
digits(const char *s, size_t len, size_t *i, int n, int *out)
{
    int v = 0;

    for (int k = 0; k < n; k++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
        (*i)++;
    }
    *out = v;
    return 0;
}

static int
valid_civil(int y, int mo, int d, int h, int mi, int se)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 0;
    return mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] && h >= 0 && h <= 24 && mi >= 0 &&
           mi <= 59 && se >= 0 && se <= 60;
}

/* ISO 8601 / RFC 3339: the whole string must be consumed. */
static int
parse_iso(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int y;
    int mo = 1;
    int d = 1;
    int h = 0;
    int mi = 0;
    int se = 0;
    int off = 0;
    int basic;

    if (digits(s, len, &i, 4, &y))
        return -1;
    if (i == len)
        goto done; /* "2025" */
    basic = s[i] != '-';
    if (!basic)
        i++;
    if (digits(s, len, &i, 2, &mo))
        return -1;
    if (i == len)
        goto done;
    if (!basic) {
        if (s[i] != '-')
            return -1;
        i++;
    }
    if (digits(s, len, &i, 2, &d))
        return -1;
    if (i == len)
        goto done;
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return -1;
    i++;
    if (i + 1 < len && s[i] >= '0' && s[i] <= '9' && s[i + 1] == ':') {
        h = s[i] - '0'; /* "T9:48": a one-digit hour, as some feeds write it */
        i++;
    } else if (digits(s, len, &i, 2, &h)) {
        return -1;
    }
    if (i < len && s[i] == ':')
        i++;
    if (digits(s, len, &i, 2, &mi))
        return -1;
    if (i < len && (s[i] == ':' || (s[i] >= '0' && s[i] <= '9'))) {
        if (s[i] == ':')
            i++;
        if (digits(s, len, &i, 2, &se))
            return -1;
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            i++;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
        }
    }
    while (i < len && s[i] == ' ')
        i++;
    if (i < len) {
        if (s[i] == 'Z' || s[i] == 'z') {
            i++;
        } else if (s[i] == '+' || s[i] == '-') {
            int sign = s[i] == '-' ? -1 : 1;
            int oh;
            int om = 0;

            i++;
            if (digits(s, len, &i, 2, &oh))
                return -1;
            if (i < len && s[i] == ':')
                i++;
            if (i < len && digits(s, len, &i, 2, &om))
                return -1;
            off = sign * (oh * 3600 + om * 60);
        } else if (len - i == 3 && !str_ncasecmp(s + i, "UTC", 3)) {
            i += 3;
        } else if (len - i == 3 && !str_ncasecmp(s + i, "GMT", 3)) {
            i += 3;
        } else {
            return -1;
        }
    }
    if (i != len)
        return -1;
done:
    if (!valid_civil(y, mo, d, h, mi, se))
        return -2; /* the shape of a date, but no such day: no second guess */
    *out = time_from_civil(y, mo, d, h, mi, se) - off;
    return 0;
}

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};

static int
month_index(const char *p, size_t n)
{
    if (n < 3)
        return -1;
    for (int m = 0; m < 12; m++)
        if (!str_ncasecmp(p, month_names[m], 3))
            return m + 1;
    return -1;
}

struct zone {
    const char *name;
    int minutes; /* offset east of UTC */
};

/*
 * Zone names RFC 822 allows plus the ones feeds use (feedparser's table and
 * the common abbreviations of North America, Europe, Asia and Oceania).
 * Ambiguous names take their most common meaning in English-language feeds.
 */
static const struct zone zones[] = {
    {"UT", 0},      {"UTC", 0},    {"GMT", 0},    {"Z", 0},      {"WET", 0},    {"WEST", 60},
    {"BST", 60},    {"IST", 60},   {"CET", 60},   {"MET", 60},   {"CEST", 120}, {"MEST", 120},
    {"EET", 120},   {"EEST", 180}, {"MSK", 180},  {"SGT", 480},  {"HKT", 480},  {"AWST", 480},
    {"JST", 540},   {"KST", 540},  {"ACST", 570}, {"ACDT", 630}, {"AEST", 600}, {"AEDT", 660},
    {"NZST", 720},  {"NZDT", 780}, {"AT", -240},  {"AST", -240}, {"ADT", -180}, {"ET", -300},
    {"EST", -300},  {"EDT", -240}, {"CT", -360},  {"CST", -360}, {"CDT", -300}, {"MT", -420},
    {"MST", -420},  {"MDT", -360}, {"PT", -480},  {"PST", -480}, {"PDT", -420}, {"AKST", -540},
    {"AKDT", -480}, {"HST", -600}, {"A", -60},    {"M", -720},   {"N", 60},     {"Y", 720},
};

/* A zone token: "GMT", "+0200", "-05:00", "GMT+2", "UTC-0500", "Etc/GMT", "EST". */
static int
parse_zone(const char *z, int *off)
{
    int found = 0;

    if (!str_ncasecmp(z, "Etc/", 4))
        z += 4;
    if (!str_ncasecmp(z, "GMT", 3) || !str_ncasecmp(z, "UTC", 3)) {
        if (z[3])
            z += 3; /* "GMT+2", "UTC-0500" */
        else
            found = 1;
    }
    if (!found && (z[0] == '+' || z[0] == '-')) {
        int sign = z[0] == '-' ? -1 : 1;
        size_t n = strlen(z + 1);
        int64_t v;

        if (str_to_i64(z + 1, 0, 9999, &v)) {
            int oh;
            int om;
            size_t k = 0;

            if (n != 5 || digits(z + 1, n, &k, 2, &oh) || z[3] != ':')
                return -1;
            k++;
            if (digits(z + 1, n, &k, 2, &om))
                return -1;
            *off = sign * (oh * 3600 + om * 60);
        } else if (n <= 2) {
            *off = sign * (int)v * 3600;
        } else {
            *off = sign * (int)(v / 100 * 3600 + v % 100 * 60);
        }
        if (*off > 18 * 3600 || *off < -18 * 3600)
            return -1;
        return 0;
    }
    for (size_t k = 0; !found && k < sizeof(zones) / sizeof(zones[0]); k++) {
        if (!str_casecmp(z, zones[k].name)) {
            *off = zones[k].minutes * 60;
            return 0;
        }
    }
    /* an unknown zone name is taken as UTC, as feedparser does */
    *off = 0;
    return 0;
}

/* "14:03", "14:03:00", "9:05" into h, mi, se; -1 when tok is not a time. */
static int
parse_clock(const char *tok, int *h, int *mi, int *se)
{
    size_t k = 0;
    size_t n = strlen(tok);

    *se = 0;
    if (digits(tok, n, &k, 2, h) && (k = 0, digits(tok, n, &k, 1, h)))
        return -1;
    if (k < n && tok[k] == ':') {
        k++;
        if (digits(tok, n, &k, 2, mi))
            return -1;
        if (k < n && tok[k] == ':') {
            k++;
            if (digits(tok, n, &k, 2, se))
                return -1;
            if (k < n && (tok[k] == '.' || tok[k] == ',')) {
                k++;
                while (k < n && tok[k] >= '0' && tok[k] <= '9')
                    k++;
            }
        }
    } else {
        return -1;
    }
    return k == n ? 0 : -1;
}

/*
 * RFC 822 and its variants: [Wdy[,]] DD Mon YY[YY] [HH:MM[:SS]] [zone],
 * the month and day swapped ("Aug 07 2025"), and asctime's order
 * ([Wdy] Mon DD HH:MM:SS [zone] YYYY).  Tokens are separated by spaces and
 * commas, and by dashes or slashes inside the date part.
 */
static int
parse_rfc822(const char *s, size_t len, int64_t *out)
{
    char tok[8][32];
    int ntok = 0;
    size_t i = 0;
    int t = 0;
    int d = -1;
    int mo = -1;
    int y = -1;
    int h = 0;
    int mi = 0;
    int se = 0;
    int off = 0;
    int64_t v;

    while (i < len && ntok < 8) {
        size_t n = 0;
        int split;

        while (i < len && (s[i] == ' ' || s[i] == ',' || s[i] == '\t'))
            i++;
        if (i >= len)
            break;
        /* "07-Aug-2025" splits at dashes; "-0500" and "GMT-5" do not */
        split = s[i] != '+' && s[i] != '-' &&
                (len - i < 3 || (str_ncasecmp(s + i, "GMT", 3) && str_ncasecmp(s + i, "UTC", 3) &&
                                 str_ncasecmp(s + i, "Etc", 3)));
        while (i < len && s[i] != ' ' && s[i] != ',' && s[i] != '\t') {
            if (split && (s[i] == '-' || s[i] == '/') && n > 0) {
                i++;
                break;
            }
            if (n < sizeof(tok[0]) - 1)
                tok[ntok][n++] = s[i];
            i++;
        }
        tok[ntok][n] = '\0';
        ntok++;
    }
    if (i < len && ntok == 8)
        return -1;
    if (ntok < 3)
        return -1;
    /* optional weekday, "Thu" or "Thursday" */
    if (month_index(tok[0], strlen(tok[0])) < 0 && (tok[0][0] < '0' || tok[0][0] > '9'))
        t = 1;
    if (ntok - t < 3)
        return -1;
    if (!str_to_i64(tok[t], 1, 31, &v)) {
        d = (int)v;
        mo = month_index(tok[t + 1], strlen(tok[t + 1]));
    } else {
        mo = month_index(tok[t], strlen(tok[t]));
        if (str_to_i64(tok[t + 1], 1, 31, &v))
            return -1;
        d = (int)v;
        if (mo > 0 && strchr(tok[t + 2], ':')) {
            /* asctime: Mon DD HH:MM:SS [zone] YYYY */
            if (parse_clock(tok[t + 2], &h, &mi, &se))
                return -1;
            t += 3;
            if (t < ntok - 1) {
                if (parse_zone(tok[t], &off))
                    return -1;
                t++;
            }
            if (t != ntok - 1 || str_to_i64(tok[t], 1000, 9999, &v))
                return -1;
            y = (int)v;
            goto done;
        }
    }
    if (mo < 0)
        return -1;
    if (str_to_i64(tok[t + 2], 0, 9999, &v))
        return -1;
    y = (int)v;
    if (strlen(tok[t + 2]) <= 2)
        y += y < 50 ? 2000 : 1900;
    else if (strlen(tok[t + 2]) == 3)
        y += 1900;
    t += 3;
    if (t < ntok) {
        if (parse_clock(tok[t], &h, &mi, &se))
            return -1;
        t++;
    }
    if (t < ntok && parse_zone(tok[t], &off))
        return -1;
done:
    if (!valid_civil(y, mo, d, h, mi, se))
        return -2; /* the shape of a date, but no such day: no second guess */
    *out = time_from_civil(y, mo, d, h, mi, se) - off;
    return 0;
}

int
time_parse(const char *s, size_t len, int64_t *out)
{
    struct str t = str_trim((struct str){s, len});
    char tmp[128];
    time_t ct;

    if (!t.len || t.len >= sizeof(tmp))
        return GZ_EPARSE;
    if (!parse_iso(t.p, t.len, out))
        return 0;
    switch (parse_rfc822(t.p, t.len, out)) {
    case 0:
        return 0;
    case -2:
        return GZ_EPARSE;
    default:
        break;
    }
    memcpy(tmp, t.p, t.len);
    tmp[t.len] = '\0';
    ct = curl_getdate(tmp, NULL);
    if (ct == -1)
        return GZ_EPARSE;
    *out = (int64_t)ct;
    return 0;
}

void
time_format_iso(int64_t t, char *out)
{
    int y;
    int mo;
    int d;
    int h;
    int mi;
    int se;

    time_to_civil(t, &y, &mo, &d, &h, &mi, &se);
    snprintf(out, TIME_ISO_MAX, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, se);
}

void
time_format_day(int64_t t, char *out)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y;
    int mo;
    int d;
    int h;
    int mi;
    int se;

    time_to_civil(t, &y, &mo, &d, &h, &mi, &se);
    snprintf(out, TIME_ISO_MAX, "%d %s %d", d, names[mo - 1], y);
}

void
time_format_relative(int64_t t, int64_t now, char *out, size_t n)
{
    int64_t d = now - t;

    if (d < 60) {
        snprintf(out, n, "just now");
    } else if (d < 3600) {
        int64_t m = d / 60;

        if (m == 1)
            snprintf(out, n, "a minute ago");
        else
            snprintf(out, n, "%lld minutes ago", (long long)m);
    } else if (d < 86400) {
        int64_t h = d / 3600;

        if (h == 1)
            snprintf(out, n, "an hour ago");
        else
            snprintf(out, n, "%lld hours ago", (long long)h);
    } else if (d < 2 * 86400) {
        snprintf(out, n, "yesterday");
    } else if (d < 28 * 86400) {
        snprintf(out, n, "%lld days ago", (long long)(d / 86400));
    } else {
        char day[TIME_ISO_MAX];

        time_format_day(t, day);
        snprintf(out, n, "%s", day);
    }
}
