/*
 * chart.c - the coverage timeline as SVG.
 */
#include "web/chart.h"

#include "util/buf.h"
#include "util/str.h"
#include "util/time.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

#define W 640                /* viewBox width */
#define LABEL_W 150          /* the row names' column */
#define PLOT_X0 162          /* first x of the plot */
#define PLOT_X1 624          /* last x of the plot */
#define ROW_H 24             /* one source's row */
#define TOP 10               /* above the first row */
#define AXIS_H 30            /* the axis and its labels */
#define NAME_MAX 24          /* bytes of a row name shown */
#define T_MAX 253402300799LL /* 9999-12-31T23:59:59Z: later times are not drawn */

static const int64_t steps[] = {
    300,   900,       1800,      3600,       2 * 3600,   3 * 3600,   6 * 3600,    12 * 3600,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400,
};

static double
x_of(int64_t t, int64_t t0, int64_t t1)
{
    return PLOT_X0 + (double)(t - t0) * (PLOT_X1 - PLOT_X0) / (double)(t1 - t0);
}

static void
tick_label(char *out, size_t n, int64_t t, int64_t span)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int y, mo, d, h, mi, s;

    time_to_civil(t, &y, &mo, &d, &h, &mi, &s);
    if (span <= 2 * 86400 && (h || mi))
        snprintf(out, n, "%02d:%02d", h, mi);
    else if (span <= 400 * 86400)
        snprintf(out, n, "%d %s", d, months[mo - 1]);
    else
        snprintf(out, n, "%s %d", months[mo - 1], y);
}

void
chart_timeline(struct buf *b, const char *title, const char *const *rows, size_t nrows,
               const struct chart_mark *marks, size_t n)
{
    int64_t t0 = 0;
    int64_t t1 = 0;
    int64_t span;
    int64_t step = steps[sizeof(steps) / sizeof(steps[0]) - 1];
    int height;
    int axis_y;

    if (nrows > CHART_MAX_ROWS)
        nrows = CHART_MAX_ROWS;
    for (size_t i = 0; i < n; i++) {
        if (marks[i].t <= 0 || marks[i].t > T_MAX || marks[i].row >= nrows)
            continue;
        if (!t0 || marks[i].t < t0)
            t0 = marks[i].t;
        if (!t1 || marks[i].t > t1)
            t1 = marks[i].t;
    }
    if (!t0)
        return;
    if (t1 - t0 < 3600) {
        /* a burst inside an hour: centre it in an hour's window */
        int64_t mid = t0 + (t1 - t0) / 2;

        t0 = mid - 1800;
        t1 = mid + 1800;
    } else {
        int64_t pad = (t1 - t0) / 40;

        t0 -= pad;
        t1 += pad;
    }
    span = t1 - t0;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (span / steps[i] <= 6) {
            step = steps[i];
            break;
        }
    }
    if (span / step > 12)
        step = span / 6; /* centuries apart: a few ticks, labelled by year */
    axis_y = TOP + (int)nrows * ROW_H + 6;
    height = axis_y + AXIS_H;
    html_litf(b,
              "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" viewBox=\"0 0 %d %d\" "
              "role=\"img\" aria-label=\"",
              W, height);
    xml_attr(b, title);
    html_lit(b, "\"><title>");
    xml_text(b, title);
    html_lit(b, "</title>\n");
    for (size_t r = 0; r < nrows; r++) {
        int y = TOP + (int)r * ROW_H + ROW_H / 2;
        const char *name = rows[r] ? rows[r] : "";
        size_t len = strlen(name);
        size_t cut = str_utf8_cut(name, len, NAME_MAX);
        size_t shown = cut;

        while (shown > 0 && name[shown - 1] == ' ')
            shown--;

        html_litf(b, "<line class=\"lane\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PLOT_X0, y,
                  PLOT_X1, y);
        html_litf(b, "<text class=\"name\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W, y + 4);
        xml_textn(b, name, shown);
        if (cut < len)
            html_lit(b, "\xe2\x80\xa6");
        html_lit(b, "</text>\n");
    }
    html_litf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", PLOT_X0,
              axis_y, PLOT_X1, axis_y);
    for (int64_t t = (t0 / step + 1) * step; t < t1; t += step) {
        char label[32];
        double x = x_of(t, t0, t1);

        tick_label(label, sizeof(label), t, span);
        html_litf(b,
                  "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                  "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                  x, axis_y, x, axis_y + 5, x, axis_y + 19, label);
    }
    for (size_t i = 0; i < n; i++) {
        const struct chart_mark *m = &marks[i];

        if (m->t <= 0 || m->t > T_MAX || m->row >= nrows)
            continue;
        html_litf(b, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%d\" r=\"5\">", x_of(m->t, t0, t1),
                  TOP + (int)m->row * ROW_H + ROW_H / 2);
        if (m->label) {
            html_lit(b, "<title>");
            xml_text(b, m->label);
            html_lit(b, "</title>");
        }
        html_lit(b, "</circle>\n");
    }
    html_lit(b, "</svg>\n");
}
