/*
 * comment.c - comment text and thread layout (comment.h).
 */
#include "web/comment.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "web/html.h"

#include <string.h>

/* ---- normalising ---- */

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

char *
comment_normalize(struct arena *a, const char *body, size_t *chars)
{
    size_t n = body ? strlen(body) : 0;
    char *clean = arena_alloc(a, n + 1);
    char *out = arena_alloc(a, n + 1);
    size_t m = 0;
    size_t o = 0;
    size_t blank_lines = 0;
    size_t count = 0;

    /* line breaks to LF, control characters out (C0 but tab and LF, DEL, C1) */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)body[i];

        if (c == '\r') {
            clean[m++] = '\n';
            if (i + 1 < n && body[i + 1] == '\n')
                i++;
        } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            continue;
        } else if (c == 0xc2 && i + 1 < n && (unsigned char)body[i + 1] >= 0x80 &&
                   (unsigned char)body[i + 1] <= 0x9f) {
            i++; /* U+0080..U+009F */
        } else {
            clean[m++] = (char)c;
        }
    }
    /* line by line: trailing blanks off, blank lines squeezed and trimmed at both ends */
    for (size_t i = 0; i < m;) {
        const char *nl = memchr(clean + i, '\n', m - i);
        size_t len = nl ? (size_t)(nl - (clean + i)) : m - i;
        size_t keep = len;

        while (keep && is_blank(clean[i + keep - 1]))
            keep--;
        if (!keep) {
            blank_lines += o > 0; /* leading blank lines are dropped */
        } else {
            if (o)
                out[o++] = '\n';
            if (o && blank_lines)
                out[o++] = '\n';
            blank_lines = 0;
            memcpy(out + o, clean + i, keep);
            o += keep;
        }
        i += len + (nl != NULL);
    }
    out[o] = '\0';
    for (size_t i = 0; i < o; i++)
        count += ((unsigned char)out[i] & 0xc0) != 0x80;
    if (chars)
        *chars = count;
    return out;
}

/* ---- rendering ---- */

static int
is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Length of the scheme prefix ("http://", "https://") at p, or 0. */
static size_t
scheme_at(const char *p, size_t n)
{
    if (n >= 7 && !str_ncasecmp(p, "http://", 7))
        return 7;
    if (n >= 8 && !str_ncasecmp(p, "https://", 8))
        return 8;
    return 0;
}

static size_t
count_char(const char *p, size_t n, char c)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += p[i] == c;
    return k;
}

/* The length of the URL starting at p (with its scheme of length s), or 0 when none. */
static size_t
url_len(const char *p, size_t n, size_t s)
{
    size_t j = s;

    while (j < n) {
        unsigned char c = (unsigned char)p[j];

        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == '`')
            break;
        if (c == 0xc2 && j + 1 < n && (unsigned char)p[j + 1] == 0xa0)
            break; /* no-break space */
        j++;
    }
    for (;;) {
        char last = j > s ? p[j - 1] : 0;

        if (last && strchr(".,;:!?'*", last))
            j--;
        else if (last == ')' && count_char(p, j, '(') < count_char(p, j, ')'))
            j--;
        else if (last == ']' && count_char(p, j, '[') < count_char(p, j, ']'))
            j--;
        else if (last == '}' && count_char(p, j, '{') < count_char(p, j, '}'))
            j--;
        else
            break;
    }
    /* a host must follow the scheme */
    if (j == s || !(is_alnum((unsigned char)p[s]) || p[s] == '[' || (unsigned char)p[s] >= 0x80))
        return 0;
    return j;
}

/* One line of text: escaped, with its URLs as links. */
static void
line_html(struct buf *b, const char *p, size_t n)
{
    size_t run = 0;
    size_t i = 0;

    while (i < n) {
        size_t s = (i == 0 || !is_alnum((unsigned char)p[i - 1])) ? scheme_at(p + i, n - i) : 0;
        size_t len = s ? url_len(p + i, n - i, s) : 0;

        if (!len) {
            i++;
            continue;
        }
        html_textn(b, p + run, i - run);
        html_lit(b, "<a href=\"");
        html_textn(b, p + i, len); /* attribute-safe escapes; the scheme is http(s) */
        html_lit(b, "\" rel=\"nofollow ugc noopener\">");
        html_textn(b, p + i, len);
        html_lit(b, "</a>");
        i += len;
        run = i;
    }
    html_textn(b, p + run, n - run);
}

void
comment_html(struct buf *b, const char *text)
{
    const char *p = text ? text : "";
    const char *end = p + strlen(p);
    int in_para = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        size_t k = 0;

        while (k < len && (is_blank(p[k]) || p[k] == '\r'))
            k++;
        if (k == len) {
            if (in_para)
                html_lit(b, "</p>\n");
            in_para = 0;
        } else {
            html_lit(b, in_para ? "<br>\n" : "<p>");
            in_para = 1;
            if (len && p[len - 1] == '\r')
                len--;
            line_html(b, p, len);
        }
        p += len;
        while (p < end && *p == '\r')
            p++;
        if (p < end && *p == '\n')
            p++;
    }
    if (in_para)
        html_lit(b, "</p>\n");
}

/* ---- thread layout ---- */

static int
by_id_cmp(const struct store_comment *c, size_t a, size_t b)
{
    return c[a].id < c[b].id ? -1 : c[a].id > c[b].id;
}

static int
by_time_cmp(const struct store_comment *c, size_t a, size_t b)
{
    if (c[a].created != c[b].created)
        return c[a].created < c[b].created ? -1 : 1;
    return by_id_cmp(c, a, b);
}

/* A stable merge sort of indices into c (qsort has no context argument). */
static void
sort_idx(const struct store_comment *c, size_t *v, size_t *tmp, size_t n,
         int (*cmp)(const struct store_comment *, size_t, size_t))
{
    size_t h;
    size_t i;
    size_t j;
    size_t k;

    if (n < 2)
        return;
    h = n / 2;
    sort_idx(c, v, tmp, h, cmp);
    sort_idx(c, v + h, tmp, n - h, cmp);
    for (i = 0, j = h, k = 0; i < h || j < n;)
        tmp[k++] = (j >= n || (i < h && cmp(c, v[i], v[j]) <= 0)) ? v[i++] : v[j++];
    memcpy(v, tmp, n * sizeof(*v));
}

void
comment_thread(struct arena *a, const struct store_comment *c, size_t n, struct comment_slot **out,
               size_t *nout)
{
    const size_t none = (size_t)-1;
    size_t *order = ARENA_NEWN(a, size_t, n + 1);
    size_t *byid = ARENA_NEWN(a, size_t, n + 1);
    size_t *tmp = ARENA_NEWN(a, size_t, n + 1);
    size_t *parent = ARENA_NEWN(a, size_t, n + 1);
    size_t *first = ARENA_NEWN(a, size_t, n + 1);
    size_t *next = ARENA_NEWN(a, size_t, n + 1);
    size_t *pre = ARENA_NEWN(a, size_t, n + 1);
    int *depth = ARENA_NEWN(a, int, n + 1);
    char *shown = ARENA_NEWN(a, char, n + 1);
    char *seen = ARENA_NEWN(a, char, n + 1);
    size_t *stack = ARENA_NEWN(a, size_t, n + 1);
    size_t roots = none;
    size_t npre = 0;
    size_t sp = 0;

    for (size_t i = 0; i < n; i++) {
        order[i] = byid[i] = i;
        first[i] = next[i] = none;
    }
    sort_idx(c, order, tmp, n, by_time_cmp);
    sort_idx(c, byid, tmp, n, by_id_cmp);
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0;
        size_t hi = n;

        parent[i] = none;
        if (!c[i].parent_id || c[i].parent_id == c[i].id)
            continue;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (c[byid[mid]].id < c[i].parent_id)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && c[byid[lo]].id == c[i].parent_id)
            parent[i] = byid[lo];
    }
    /* children lists in time order: push newest first */
    for (size_t k = n; k-- > 0;) {
        size_t i = order[k];

        if (parent[i] == none) {
            next[i] = roots;
            roots = i;
        } else {
            next[i] = first[parent[i]];
            first[parent[i]] = i;
        }
    }
    /* depth-first, pre-order, without recursion (a thread may be deep) */
    for (size_t root = roots; root != none; root = next[root]) {
        stack[sp++] = root;
        depth[root] = 0;
        while (sp) {
            size_t i = stack[--sp];
            size_t kids = 0;

            if (seen[i])
                continue;
            seen[i] = 1;
            pre[npre++] = i;
            /* push children so that the oldest pops first */
            for (size_t ch = first[i]; ch != none; ch = next[ch])
                kids++;
            if (sp + kids > n)
                continue; /* cannot happen: each comment is pushed once */
            {
                size_t at = sp + kids;

                for (size_t ch = first[i]; ch != none; ch = next[ch]) {
                    stack[--at] = ch;
                    depth[ch] = depth[i] + 1;
                }
                sp += kids;
            }
        }
    }
    /* a comment shows when it is visible or has a reply that shows */
    for (size_t k = npre; k-- > 0;) {
        size_t i = pre[k];

        if (c[i].status == COMMENT_VISIBLE)
            shown[i] = 1;
        if (shown[i] && parent[i] != none)
            shown[parent[i]] = 1;
    }
    *out = ARENA_NEWN(a, struct comment_slot, npre + 1);
    *nout = 0;
    for (size_t k = 0; k < npre; k++) {
        size_t i = pre[k];

        if (!shown[i])
            continue;
        (*out)[*nout].index = i;
        (*out)[*nout].depth = depth[i] < COMMENT_MAX_DEPTH ? depth[i] : COMMENT_MAX_DEPTH;
        (*nout)++;
    }
}
