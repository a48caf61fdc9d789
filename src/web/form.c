/*
 * form.c - form bodies, query strings and cookies (form.h), and the
 * request's accessors for them (web.h).
 */
#include "web/form.h"

#include "util/arena.h"
#include "util/err.h"
#include "util/str.h"
#include "web/web.h"

#include <microhttpd.h>
#include <string.h>

static int
hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode p[0..n) into a new arena string; *out_len gets its length. */
static char *
decode(struct arena *a, const char *p, size_t n, size_t *out_len)
{
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c == '+') {
            out[o++] = ' ';
        } else if (c == '%' && i + 2 < n && hexval((unsigned char)p[i + 1]) >= 0 &&
                   hexval((unsigned char)p[i + 2]) >= 0) {
            out[o++] =
                (char)(hexval((unsigned char)p[i + 1]) * 16 + hexval((unsigned char)p[i + 2]));
            i += 2;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static int
clean_text(const char *s, size_t n)
{
    return !memchr(s, '\0', n) && str_utf8_valid_prefix(s, n) == n;
}

int
form_parse(struct arena *a, const char *p, size_t len, struct form *out, struct gz_err *err)
{
    size_t cap = 1;
    size_t i = 0;

    out->f = NULL;
    out->n = 0;
    for (size_t k = 0; k < len && cap <= FORM_MAX_FIELDS; k++)
        cap += p[k] == '&';
    if (cap > FORM_MAX_FIELDS)
        cap = FORM_MAX_FIELDS;
    out->f = arena_alloc(a, cap * sizeof(*out->f));
    while (i < len) {
        const char *field = p + i;
        const char *amp = memchr(field, '&', len - i);
        size_t n = amp ? (size_t)(amp - field) : len - i;
        const char *eq = memchr(field, '=', n);
        size_t nn = eq ? (size_t)(eq - field) : n;
        struct form_field *f;

        i += n + (amp != NULL);
        if (!n)
            continue;
        if (out->n == FORM_MAX_FIELDS) {
            out->n = 0;
            return gz_errf(err, GZ_ELIMIT, "form has more than %d fields", FORM_MAX_FIELDS);
        }
        f = &out->f[out->n];
        if (nn > FORM_MAX_NAME * 3 || n - nn > FORM_MAX_VALUE * 3 + 1) {
            out->n = 0;
            return gz_errf(err, GZ_ELIMIT, "form field is too large");
        }
        {
            size_t name_len;

            f->name = decode(a, field, nn, &name_len);
            if (name_len > FORM_MAX_NAME) {
                out->n = 0;
                return gz_errf(err, GZ_ELIMIT, "form field name is longer than %d bytes",
                               FORM_MAX_NAME);
            }
            if (!clean_text(f->name, name_len)) {
                out->n = 0;
                return gz_errf(err, GZ_EPARSE, "form field name is not UTF-8 text");
            }
        }
        if (eq)
            f->value = decode(a, eq + 1, n - nn - 1, &f->len);
        else
            f->value = "", f->len = 0;
        if (f->len > FORM_MAX_VALUE) {
            out->n = 0;
            return gz_errf(err, GZ_ELIMIT, "form field '%s' is longer than %u bytes", f->name,
                           FORM_MAX_VALUE);
        }
        if (!clean_text(f->value, f->len)) {
            out->n = 0;
            return gz_errf(err, GZ_EPARSE, "form field '%s' is not UTF-8 text", f->name);
        }
        out->n++;
    }
    return 0;
}

static int
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

void
cookie_parse(struct arena *a, const char *header, size_t len, struct form *out)
{
    size_t i = 0;

    out->n = 0;
    out->f = arena_alloc(a, COOKIE_MAX_PAIRS * sizeof(*out->f));
    if (!header)
        return;
    if (len > COOKIE_MAX_HEADER)
        len = COOKIE_MAX_HEADER;
    while (i < len && out->n < COOKIE_MAX_PAIRS) {
        const char *pair = header + i;
        const char *semi = memchr(pair, ';', len - i);
        size_t n = semi ? (size_t)(semi - pair) : len - i;
        const char *eq = memchr(pair, '=', n);
        struct str name;
        struct str value;
        int bad = 0;

        i += n + (semi != NULL);
        if (!eq)
            continue;
        name = (struct str){pair, (size_t)(eq - pair)};
        value = (struct str){eq + 1, n - name.len - 1};
        while (name.len && is_blank(name.p[0]))
            name.p++, name.len--;
        while (name.len && is_blank(name.p[name.len - 1]))
            name.len--;
        while (value.len && is_blank(value.p[0]))
            value.p++, value.len--;
        while (value.len && is_blank(value.p[value.len - 1]))
            value.len--;
        if (value.len >= 2 && value.p[0] == '"' && value.p[value.len - 1] == '"')
            value.p++, value.len -= 2;
        if (!name.len)
            continue;
        for (size_t k = 0; k < n; k++)
            if ((unsigned char)pair[k] < 0x20 || pair[k] == 0x7f)
                bad = 1;
        if (bad)
            continue;
        out->f[out->n].name = arena_strndup(a, name.p, name.len);
        out->f[out->n].value = arena_strndup(a, value.p, value.len);
        out->f[out->n].len = value.len;
        out->n++;
    }
}

const char *
form_get(const struct form *f, const char *name)
{
    if (!f || !name)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->f[i].name, name))
            return f->f[i].value;
    return NULL;
}

/* ---- the request's accessors (web.h) ---- */

int
web_form_parse(struct req *r, struct gz_err *err)
{
    if (!r->form) {
        r->form = ARENA_NEW(r->a, struct form);
        r->form_rc =
            form_parse(r->a, r->body ? r->body : "", r->body ? r->body_len : 0, r->form, err);
        return r->form_rc;
    }
    if (r->form_rc)
        return gz_errf(err, r->form_rc, "the form could not be read");
    return 0;
}

const char *
web_form(struct req *r, const char *name)
{
    if (web_form_parse(r, NULL))
        return NULL;
    return form_get(r->form, name);
}

static enum MHD_Result
add_cookie_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    struct buf *b = cls;

    (void)kind;
    if (value && !str_casecmp(key, "Cookie") && b->len + 2 < COOKIE_MAX_HEADER) {
        size_t n = strlen(value);

        if (b->len)
            buf_add(b, "; ", 2);
        if (n > COOKIE_MAX_HEADER - b->len)
            n = COOKIE_MAX_HEADER - b->len; /* cookie_parse ignores the rest anyway */
        buf_add(b, value, n);
    }
    return MHD_YES;
}

const char *
web_cookie(struct req *r, const char *name)
{
    if (!r->cookies) {
        struct buf all = BUF_INIT;

        r->cookies = ARENA_NEW(r->a, struct form);
        /* a request may carry several Cookie headers (HTTP/2 proxies split them) */
        if (r->conn)
            MHD_get_connection_values(r->conn, MHD_HEADER_KIND, add_cookie_header, &all);
        cookie_parse(r->a, all.p, all.len, r->cookies);
        buf_release(&all);
        r->flags |= REQ_READ_COOKIES;
    }
    return form_get(r->cookies, name);
}
