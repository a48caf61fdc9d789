/*
 * chart.h - charts drawn by the server as inline SVG (no script).
 *
 * The output is an <svg> element that is valid inside an HTML page and
 * well-formed XML on its own; every text in it goes through xml_text().
 * Colours come from classes the stylesheet sets (so dark mode applies).
 *
 * Pure and thread-safe.
 */
#ifndef GZ_WEB_CHART_H
#define GZ_WEB_CHART_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct chart_mark {
    int64_t t;         /* when (Unix seconds); 0: unknown, not drawn */
    size_t row;        /* index into the rows */
    const char *label; /* plain-text tooltip, may be NULL */
};

/* Rows drawn at most; marks of later rows are not drawn. */
#define CHART_MAX_ROWS 40

/*
 * A timeline of coverage: one row per name in rows[0..nrows) (a source),
 * a dot per mark at its time, a time axis below with ticks at round
 * times (UTC).  title is the chart's accessible name.  Writes nothing when
 * no mark has a time.
 */
void chart_timeline(struct buf *b, const char *title, const char *const *rows, size_t nrows,
                    const struct chart_mark *marks, size_t n);

#endif
