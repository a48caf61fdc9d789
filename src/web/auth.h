/*
 * auth.h - passwords, tokens, sessions, CSRF and log-in throttling.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str) at the
 * INTERACTIVE limits: 2 passes over 64 MiB, about 160 ms on one core of a
 * small machine.  MODERATE (3 passes, 256 MiB) takes about 2 s there: too
 * slow for a log-in form on a 2-core server, and four parallel log-ins
 * would need 1 GiB.  INTERACTIVE is above OWASP's floor for argon2id
 * (19 MiB, 2 passes).  The hash string records its parameters; a log-in
 * re-hashes a password whose hash was made with other limits, so they can
 * be raised later.  A password has at least 8 characters and at most 1024
 * bytes (a cap, so that no request makes the server hash megabytes).
 *
 * Names: 1 to 32 of [A-Za-z0-9_.-], unique ignoring case (the store's
 * index), shown as typed.
 *
 * Sessions: a token of 32 random bytes (libsodium), base64url in the cookie
 * gz_session: HttpOnly, SameSite=Lax, Path=/, Max-Age 30 days, Secure when
 * the secure-cookies setting is on.  The database keeps only the SHA-256 of
 * the token bytes (hex, sessions.id_hash), so reading the table signs no
 * one in.  A log-in always makes a new token and deletes the old session
 * (no fixation); log-out deletes the row, so the cookie stops working in
 * every server process at once.
 *
 * CSRF: every form that changes state carries a hidden field "csrf".  For
 * a signed-in visitor it must equal the session's token (sessions.csrf).
 * The anonymous forms (log in, sign up) use a double-submit cookie gz_csrf
 * (HttpOnly, SameSite=Strict, Path=/): the field must equal the cookie.  A
 * form POST that the browser labels cross-site (Sec-Fetch-Site) is refused
 * before any token is looked at.
 *
 * Throttles, counted in the database so that every server process sees the
 * same numbers: failed log-ins per account name and per client address
 * (an IPv6 client by its /64) in a sliding 15-minute window.  At 5 failures
 * for a name or 20 from an address, log-in answers 429 without checking
 * the password, until the oldest failure leaves the window; a successful
 * log-in clears the name's failures.  Sign-ups: 10 per address an hour.
 *
 * Thread-safety: the functions without a struct req are pure or use only
 * libsodium (thread-safe after sodium_init(), which must have run); the
 * others belong to the request's thread.
 */
#ifndef GZ_WEB_AUTH_H
#define GZ_WEB_AUTH_H

#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct req;
struct store_user;

#define AUTH_NAME_MAX 32
#define AUTH_PASSWORD_MIN 8    /* characters (code points) */
#define AUTH_PASSWORD_MAX 1024 /* bytes */
#define AUTH_HASH_MAX 128      /* crypto_pwhash_STRBYTES, with the NUL */
#define AUTH_TOKEN_BYTES 32
#define AUTH_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_TOKEN_HASH_LEN 64
#define AUTH_SESSION_TTL (30 * 86400)
#define AUTH_SESSION_COOKIE "gz_session"
#define AUTH_CSRF_COOKIE "gz_csrf"
#define AUTH_CSRF_FIELD "csrf"

#define AUTH_LOGIN_WINDOW (15 * 60)
#define AUTH_LOGIN_MAX_PER_NAME 5
#define AUTH_LOGIN_MAX_PER_ADDR 20
#define AUTH_SIGNUP_WINDOW 3600
#define AUTH_SIGNUP_MAX_PER_ADDR 10

/* ---- names and passwords (pure) ---- */

/* 0 when name is a valid account name; GZ_EINVAL with a sentence for people in err. */
int auth_name_check(const char *name, struct gz_err *err);
/* 0 when pw is an acceptable password (length, UTF-8); GZ_EINVAL with a sentence in err. */
int auth_password_check(const char *pw, struct gz_err *err);
/*
 * Hash pw (checked with auth_password_check first) into out.  GZ_ENOMEM
 * when argon2 cannot get its memory.
 */
int auth_password_hash(const char *pw, char out[AUTH_HASH_MAX], struct gz_err *err);
/*
 * 1 when pw matches hash, else 0.  A NULL hash (no such user) spends the
 * same time on a fixed hash and returns 0, so that timing does not tell
 * which names exist.
 */
int auth_password_verify(const char *hash, const char *pw);
/* 1 when hash was made with other limits than the current ones. */
int auth_password_needs_rehash(const char *hash);

/* ---- tokens (pure but for the random bytes) ---- */

/* A new random token: AUTH_TOKEN_LEN base64url characters and a NUL. */
void auth_token_new(char out[AUTH_TOKEN_LEN + 1]);
/* 1 when s has the shape of a token (length and alphabet), else 0. */
int auth_token_valid(const char *s);
/*
 * The hex SHA-256 of the token's bytes, as sessions.id_hash stores it.
 * GZ_EINVAL when token is not a well-formed token.
 */
int auth_token_hash(const char *token, char out[AUTH_TOKEN_HASH_LEN + 1]);
/* Constant-time equality of two tokens; 0 when either is NULL or empty. */
int auth_token_eq(const char *a, const char *b);

/*
 * The CSRF decision: 1 when field (the form's token) equals session_csrf
 * (the signed-in visitor's, or NULL), or, unless session_only, equals a
 * well-formed double-submit cookie_token; else 0.  Constant-time compares.
 */
int auth_csrf_ok(const char *field, const char *session_csrf, const char *cookie_token,
                 int session_only);
/*
 * next when it is a path on this site ("/article/3#c9"), else "/": never a
 * URL to another host ("//evil", "/\evil", "https://...").
 */
const char *auth_safe_next(const char *next);
/*
 * The throttle key of a client address: an IPv4 address as it is (also
 * when mapped into IPv6), an IPv6 address as its /64 ("2001:db8::/64").
 */
void auth_client_key(const char *addr, char *out, size_t n);

/* ---- the visitor of a request ---- */

/* The signed-in user (borrowed for the request), or NULL. */
const struct store_user *auth_user(struct req *r);
/*
 * The CSRF token for this visitor's forms: the session's, or for an
 * anonymous visitor the gz_csrf cookie's (set when missing).
 */
const char *auth_csrf(struct req *r);
/* Write the hidden CSRF input of a form into r->out. */
void auth_csrf_field(struct req *r);
/*
 * The dispatcher's check of a route's ROUTE_FORM / ROUTE_USER / ROUTE_ADMIN
 * flags (web.h).  0: go on with the handler.  1: refused, and r holds the
 * answer (403 page, 303 to the log-in page, 400, 415).
 */
int auth_route_check(struct req *r, unsigned flags);

/*
 * Sign user_id in: delete the request's old session if any, store a new
 * one and set its cookie.  Used by log-in, sign-up and password change.
 */
int auth_login(struct req *r, int64_t user_id, struct gz_err *err);
/* Delete the request's session in the database and expire its cookie. */
int auth_logout(struct req *r, struct gz_err *err);
/* The hash of the request's live session, or NULL. */
const char *auth_session_hash(struct req *r);

/*
 * Whether a log-in for name from this client may proceed: 0 yes, 1 no
 * (throttled; *wait gets the seconds until it may), or a negative error.
 */
int auth_login_throttled(struct req *r, const char *name, int64_t *wait, struct gz_err *err);
/* Record a failed log-in for name and for the client's address. */
int auth_login_failed(struct req *r, const char *name, struct gz_err *err);
/* Forget the failed log-ins of name (after a successful one). */
int auth_login_cleared(struct req *r, const char *name, struct gz_err *err);
/* Sign-ups: 0 allowed, 1 throttled (*wait set), or a negative error. */
int auth_signup_throttled(struct req *r, int64_t *wait, struct gz_err *err);
/* Record a sign-up from the client's address. */
int auth_signup_done(struct req *r, struct gz_err *err);

#endif
