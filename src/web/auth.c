/*
 * auth.c - passwords, tokens, sessions, CSRF and throttles (auth.h).
 */
#include "web/auth.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "web/html.h"
#include "web/web.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

/* A hash of a random password nobody knows, with the current limits: the
 * work done for a name that has no account. */
static const char dummy_hash[AUTH_HASH_MAX] =
    "$argon2id$v=19$m=65536,t=2,p=1$Q7P9Uq2wVykYj2hEsaxTkA$"
    "bYqBvyzuTHCW/8NBcIibOg2Q+yrxhNoJmzSGAaoHzXg";

/* The visitor of one request, looked up once (r->auth). */
struct auth {
    int signed_in;
    struct store_user user;
    struct store_session session;
    const char *csrf; /* an anonymous visitor's double-submit token, once known */
};

/* ---- names and passwords ---- */

int
auth_name_check(const char *name, struct gz_err *err)
{
    size_t n = name ? strlen(name) : 0;

    if (!n)
        return gz_errf(err, GZ_EINVAL, "choose a name");
    if (n > AUTH_NAME_MAX)
        return gz_errf(err, GZ_EINVAL, "a name has at most %d characters", AUTH_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return gz_errf(err, GZ_EINVAL,
                           "a name may use only the letters A to Z, digits, '_', '.' and '-'");
    }
    return 0;
}

int
auth_password_check(const char *pw, struct gz_err *err)
{
    size_t n = pw ? strlen(pw) : 0;
    size_t chars = 0;

    if (!n)
        return gz_errf(err, GZ_EINVAL, "choose a password");
    if (n > AUTH_PASSWORD_MAX)
        return gz_errf(err, GZ_EINVAL, "a password has at most %d bytes", AUTH_PASSWORD_MAX);
    if (str_utf8_valid_prefix(pw, n) != n)
        return gz_errf(err, GZ_EINVAL, "a password must be UTF-8 text");
    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)pw[i] & 0xc0) != 0x80;
    if (chars < AUTH_PASSWORD_MIN)
        return gz_errf(err, GZ_EINVAL, "a password needs at least %d characters",
                       AUTH_PASSWORD_MIN);
    return 0;
}

int
auth_password_hash(const char *pw, char out[AUTH_HASH_MAX], struct gz_err *err)
{
    _Static_assert(AUTH_HASH_MAX == crypto_pwhash_STRBYTES, "hash buffer size");
    if (crypto_pwhash_str(out, pw, strlen(pw), PWHASH_OPS, PWHASH_MEM))
        return gz_errf(err, GZ_ENOMEM, "cannot hash the password: out of memory");
    return 0;
}

int
auth_password_verify(const char *hash, const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;

    if (n > AUTH_PASSWORD_MAX)
        return 0; /* never hashed; refused before any account is looked at */
    if (!hash) {
        /* the answer is known, the work is done anyway */
        int ignored = crypto_pwhash_str_verify(dummy_hash, pw ? pw : "", n);

        (void)ignored;
        return 0;
    }
    return crypto_pwhash_str_verify(hash, pw ? pw : "", n) == 0;
}

int
auth_password_needs_rehash(const char *hash)
{
    return crypto_pwhash_str_needs_rehash(hash, PWHASH_OPS, PWHASH_MEM) != 0;
}

/* ---- tokens ---- */

void
auth_token_new(char out[AUTH_TOKEN_LEN + 1])
{
    unsigned char b[AUTH_TOKEN_BYTES];

    randombytes_buf(b, sizeof(b));
    sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, b, sizeof(b),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(b, sizeof(b));
}

static int
token_bytes(const char *s, unsigned char b[AUTH_TOKEN_BYTES])
{
    size_t n;
    const char *end = NULL;

    if (!s || strlen(s) != AUTH_TOKEN_LEN)
        return GZ_EINVAL;
    /* libsodium refuses non-canonical trailing bits: one string per token */
    if (sodium_base642bin(b, AUTH_TOKEN_BYTES, s, AUTH_TOKEN_LEN, NULL, &n, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
        n != AUTH_TOKEN_BYTES || end != s + AUTH_TOKEN_LEN)
        return GZ_EINVAL;
    return 0;
}

int
auth_token_valid(const char *s)
{
    unsigned char b[AUTH_TOKEN_BYTES];

    return token_bytes(s, b) == 0;
}

int
auth_token_hash(const char *token, char out[AUTH_TOKEN_HASH_LEN + 1])
{
    unsigned char b[AUTH_TOKEN_BYTES];
    unsigned char h[crypto_hash_sha256_BYTES];

    if (token_bytes(token, b))
        return GZ_EINVAL;
    crypto_hash_sha256(h, b, sizeof(b));
    sodium_bin2hex(out, AUTH_TOKEN_HASH_LEN + 1, h, sizeof(h));
    return 0;
}

int
auth_token_eq(const char *a, const char *b)
{
    size_t n;

    if (!a || !b)
        return 0;
    n = strlen(a);
    if (!n || n != strlen(b))
        return 0;
    return sodium_memcmp(a, b, n) == 0;
}

int
auth_csrf_ok(const char *field, const char *session_csrf, const char *cookie_token,
             int session_only)
{
    if (session_csrf && auth_token_eq(field, session_csrf))
        return 1;
    return !session_only && auth_token_valid(cookie_token) && auth_token_eq(field, cookie_token);
}

const char *
auth_safe_next(const char *next)
{
    size_t n = next ? strlen(next) : 0;

    if (!n || n > 1024 || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return "/";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)next[i];

        if (c < 0x20 || c >= 0x7f || c == '\\')
            return "/";
    }
    return next;
}

void
auth_client_key(const char *addr, char *out, size_t n)
{
    unsigned char a6[16];
    char text[INET6_ADDRSTRLEN];
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (!n)
        return;
    if (addr && inet_pton(AF_INET6, addr, a6) == 1) {
        if (!memcmp(a6, v4mapped, sizeof(v4mapped))) {
            if (inet_ntop(AF_INET, a6 + 12, text, sizeof(text))) {
                snprintf(out, n, "%s", text);
                return;
            }
        } else {
            memset(a6 + 8, 0, 8); /* one client often owns a whole /64 */
            if (inet_ntop(AF_INET6, a6, text, sizeof(text))) {
                snprintf(out, n, "%s/64", text);
                return;
            }
        }
    }
    snprintf(out, n, "%s", addr ? addr : "unknown");
}

/* ---- the visitor ---- */

static const char *
cookie_line(struct req *r, const char *name, const char *value, long max_age, const char *same_site)
{
    char age[48] = "";

    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
    return arena_printf(r->a, "%s=%s; Path=/%s; HttpOnly; SameSite=%s%s", name, value, age,
                        same_site, gz_config && gz_config->secure_cookies ? "; Secure" : "");
}

static void
expire_session_cookie(struct req *r)
{
    web_header(r, "Set-Cookie", cookie_line(r, AUTH_SESSION_COOKIE, "", 0, "Lax"));
    r->flags |= REQ_PRIVATE;
}

static struct auth *
lookup(struct req *r)
{
    struct auth *a = r->auth;
    struct gz_err err = GZ_ERR_INIT;
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    const char *tok;
    int rc;

    if (a)
        return a;
    a = r->auth = ARENA_NEW(r->a, struct auth);
    tok = web_cookie(r, AUTH_SESSION_COOKIE);
    if (!tok || !*tok || !r->st)
        return a;
    if (auth_token_hash(tok, hash)) {
        expire_session_cookie(r);
        return a;
    }
    rc = store_session_get(r->st, hash, r->now, r->a, &a->session, &err);
    if (!rc)
        rc = store_user_get(r->st, a->session.user_id, r->a, &a->user, &err);
    if (rc == GZ_ENOTFOUND) {
        expire_session_cookie(r); /* expired, logged out, or its user deleted */
        return a;
    }
    if (rc) {
        log_error("msg=\"cannot read session\" err=\"%s\"", err.msg);
        return a;
    }
    a->signed_in = 1;
    r->flags |= REQ_PRIVATE;
    return a;
}

const struct store_user *
auth_user(struct req *r)
{
    struct auth *a = lookup(r);

    return a->signed_in ? &a->user : NULL;
}

const char *
auth_session_hash(struct req *r)
{
    struct auth *a = lookup(r);

    return a->signed_in ? a->session.id_hash : NULL;
}

const char *
auth_csrf(struct req *r)
{
    struct auth *a = lookup(r);
    const char *c;
    char *tok;

    if (a->signed_in)
        return a->session.csrf;
    if (a->csrf)
        return a->csrf;
    c = web_cookie(r, AUTH_CSRF_COOKIE);
    if (c && auth_token_valid(c))
        return a->csrf = c;
    tok = arena_alloc(r->a, AUTH_TOKEN_LEN + 1);
    auth_token_new(tok);
    web_header(r, "Set-Cookie", cookie_line(r, AUTH_CSRF_COOKIE, tok, -1, "Strict"));
    r->flags |= REQ_PRIVATE;
    return a->csrf = tok;
}

void
auth_csrf_field(struct req *r)
{
    const char *tok = auth_csrf(r);

    html_lit(&r->out, "<input type=\"hidden\" name=\"" AUTH_CSRF_FIELD "\" value=\"");
    html_attr(&r->out, tok);
    html_lit(&r->out, "\">");
}

static int
refuse(struct req *r, int status, const char *message)
{
    web_error(r, status, message);
    return 1;
}

int
auth_route_check(struct req *r, unsigned flags)
{
    struct auth *a = lookup(r);
    int is_get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    struct gz_err err = GZ_ERR_INIT;
    const char *v;
    int ok;
    int rc;

    if ((flags & ROUTE_ADMIN) && !(a->signed_in && a->user.is_admin))
        return refuse(r, 403, "This page is for moderators only.");
    if ((flags & ROUTE_USER) && !a->signed_in) {
        if (is_get) {
            struct buf loc = BUF_INIT;

            buf_adds(&loc, "/login?next=");
            html_url(&loc, r->path);
            web_redirect(r, 303, arena_strdup(r->a, loc.p));
            buf_release(&loc);
            return 1;
        }
        return refuse(r, 403,
                      "You are not logged in: your session has ended or you logged out. "
                      "Log in and try again.");
    }
    if (!(flags & ROUTE_FORM))
        return 0;
    v = web_req_header(r, "Sec-Fetch-Site");
    if (v && !str_casecmp(v, "cross-site"))
        return refuse(r, 403, "This form was sent from another site, so it was not accepted.");
    v = web_req_header(r, "Content-Type");
    if (!v || str_ncasecmp(v, "application/x-www-form-urlencoded", 33) ||
        (v[33] && v[33] != ';' && v[33] != ' '))
        return refuse(r, 415, "This address accepts only forms from this site's pages.");
    if ((rc = web_form_parse(r, &err))) {
        /* the message may quote a field name: hostile bytes stay out of the log */
        log_info("msg=\"bad form\" route=%s err=\"%s\"", r->path, gz_strerror(rc));
        return refuse(r, 400, "The form could not be read.");
    }
    /* a session's forms need the session's token; log-in and sign-up may use the cookie's */
    ok = auth_csrf_ok(web_form(r, AUTH_CSRF_FIELD), a->signed_in ? a->session.csrf : NULL,
                      web_cookie(r, AUTH_CSRF_COOKIE), (flags & (ROUTE_USER | ROUTE_ADMIN)) != 0);
    if (!ok)
        return refuse(r, 403,
                      "This form has expired or was not sent from this site. Go back, reload "
                      "the page and try again.");
    return 0;
}

int
auth_login(struct req *r, int64_t user_id, struct gz_err *err)
{
    struct auth *a = lookup(r);
    struct store_session s = {0};
    char tok[AUTH_TOKEN_LEN + 1];
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    char csrf[AUTH_TOKEN_LEN + 1];
    int rc;

    auth_token_new(tok);
    auth_token_new(csrf);
    if (auth_token_hash(tok, hash))
        return gz_errf(err, GZ_EINVAL, "cannot hash a new token");
    s.id_hash = hash;
    s.user_id = user_id;
    s.csrf = csrf;
    s.created = r->now;
    s.expires = r->now + AUTH_SESSION_TTL;
    rc = store_begin(r->st, err);
    if (!rc && a->signed_in)
        rc = store_session_delete(r->st, a->session.id_hash, err); /* rotate */
    if (!rc)
        rc = store_session_purge(r->st, r->now, err);
    if (!rc)
        rc = store_session_add(r->st, &s, err);
    if (!rc)
        rc = store_commit(r->st, err);
    else
        store_rollback(r->st);
    if (rc)
        return rc;
    web_header(r, "Set-Cookie", cookie_line(r, AUTH_SESSION_COOKIE, tok, AUTH_SESSION_TTL, "Lax"));
    r->flags |= REQ_PRIVATE;
    a->session.id_hash = arena_strdup(r->a, hash);
    a->session.user_id = user_id;
    a->session.csrf = arena_strdup(r->a, csrf);
    a->session.created = s.created;
    a->session.expires = s.expires;
    rc = store_user_get(r->st, user_id, r->a, &a->user, err);
    a->signed_in = rc == 0;
    sodium_memzero(tok, sizeof(tok));
    return rc;
}

int
auth_logout(struct req *r, struct gz_err *err)
{
    struct auth *a = lookup(r);
    int rc = 0;

    if (a->signed_in)
        rc = store_session_delete(r->st, a->session.id_hash, err);
    if (rc)
        return rc;
    a->signed_in = 0;
    expire_session_cookie(r);
    return 0;
}

/* ---- throttles ---- */

#define SCOPE_LOGIN_NAME "login-name"
#define SCOPE_LOGIN_ADDR "login-addr"
#define SCOPE_SIGNUP_ADDR "signup-addr"
#define THROTTLE_KEEP 86400 /* events older than the longest window are deleted */

static void
name_key(const char *name, char *out, size_t n)
{
    size_t i = 0;

    for (; name && name[i] && i + 1 < n; i++)
        out[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    out[i] = '\0';
}

static void
addr_key(struct req *r, char *out, size_t n)
{
    auth_client_key(web_client_addr(r), out, n);
}

/* 1 with *wait when (scope, key) reached max events in window; 0 when not; or an error. */
static int
over(struct req *r, const char *scope, const char *key, int64_t window, int64_t max, int64_t *wait,
     struct gz_err *err)
{
    int64_t count = 0;
    int64_t oldest = 0;
    int rc = store_throttle_count(r->st, scope, key, r->now - window, &count, &oldest, err);

    if (rc)
        return rc;
    if (count < max)
        return 0;
    if (oldest + window - r->now > *wait)
        *wait = oldest + window - r->now;
    if (*wait < 1)
        *wait = 1;
    return 1;
}

int
auth_login_throttled(struct req *r, const char *name, int64_t *wait, struct gz_err *err)
{
    char nk[AUTH_NAME_MAX + 1];
    char ak[INET6_ADDRSTRLEN + 8];
    int by_name = 0;
    int by_addr;

    *wait = 0;
    if (!auth_name_check(name, NULL)) {
        name_key(name, nk, sizeof(nk));
        by_name =
            over(r, SCOPE_LOGIN_NAME, nk, AUTH_LOGIN_WINDOW, AUTH_LOGIN_MAX_PER_NAME, wait, err);
        if (by_name < 0)
            return by_name;
    }
    addr_key(r, ak, sizeof(ak));
    by_addr = over(r, SCOPE_LOGIN_ADDR, ak, AUTH_LOGIN_WINDOW, AUTH_LOGIN_MAX_PER_ADDR, wait, err);
    if (by_addr < 0)
        return by_addr;
    return by_name || by_addr;
}

int
auth_login_failed(struct req *r, const char *name, struct gz_err *err)
{
    char nk[AUTH_NAME_MAX + 1];
    char ak[INET6_ADDRSTRLEN + 8];
    int rc = 0;

    addr_key(r, ak, sizeof(ak));
    log_info("msg=\"failed log-in\" addr=%s", ak);
    if (!auth_name_check(name, NULL)) {
        name_key(name, nk, sizeof(nk));
        rc = store_throttle_add(r->st, SCOPE_LOGIN_NAME, nk, r->now, err);
    }
    if (!rc)
        rc = store_throttle_add(r->st, SCOPE_LOGIN_ADDR, ak, r->now, err);
    if (!rc)
        rc = store_throttle_purge(r->st, r->now - THROTTLE_KEEP, err);
    return rc;
}

int
auth_login_cleared(struct req *r, const char *name, struct gz_err *err)
{
    char nk[AUTH_NAME_MAX + 1];

    if (auth_name_check(name, NULL))
        return 0;
    name_key(name, nk, sizeof(nk));
    return store_throttle_clear(r->st, SCOPE_LOGIN_NAME, nk, err);
}

int
auth_signup_throttled(struct req *r, int64_t *wait, struct gz_err *err)
{
    char ak[INET6_ADDRSTRLEN + 8];

    *wait = 0;
    addr_key(r, ak, sizeof(ak));
    return over(r, SCOPE_SIGNUP_ADDR, ak, AUTH_SIGNUP_WINDOW, AUTH_SIGNUP_MAX_PER_ADDR, wait, err);
}

int
auth_signup_done(struct req *r, struct gz_err *err)
{
    char ak[INET6_ADDRSTRLEN + 8];

    addr_key(r, ak, sizeof(ak));
    return store_throttle_add(r->st, SCOPE_SIGNUP_ADDR, ak, r->now, err);
}
