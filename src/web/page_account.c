/*
 * page_account.c - sign up, log in, log out, settings, and the header's
 * account links.
 *
 * Every POST here is a ROUTE_FORM route: the dispatcher has parsed the
 * form and checked its CSRF token before the handler runs (auth.h).  A
 * refused form is shown again with the reason and the status that names
 * it (422 invalid, 403 wrong password, 409 name taken, 429 throttled); a
 * form that worked answers 303 (POST/redirect/GET).
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "web/auth.h"
#include "web/html.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

void
page_notice(struct req *r, const char *kind, const char *msg)
{
    struct buf *b = &r->out;
    size_t n = msg ? strlen(msg) : 0;

    html_lit(b, "<p class=\"notice ");
    html_lit(b, !strcmp(kind, "ok") ? "ok\" role=\"status\">" : "error\" role=\"alert\">");
    if (n && msg[0] >= 'a' && msg[0] <= 'z') {
        buf_addc(b, msg[0] - 'a' + 'A');
        html_textn(b, msg + 1, n - 1);
    } else {
        html_textn(b, msg ? msg : "", n);
    }
    if (n && !strchr(".!?:", msg[n - 1]))
        html_lit(b, ".");
    html_lit(b, "</p>\n");
}

void
page_account_nav(struct req *r)
{
    struct buf *b = &r->out;
    const struct store_user *u = auth_user(r);

    html_lit(b, "<nav class=\"account\" aria-label=\"Account\">\n");
    if (!u) {
        int here = !strcmp(r->method, "GET") && strcmp(r->path, "/login") &&
                   strcmp(r->path, "/signup") && r->status == 200;

        html_lit(b, "<a href=\"/login");
        if (here && strcmp(r->path, "/")) {
            html_lit(b, "?next=");
            html_url(b, r->path);
        }
        html_lit(b, "\">Log in</a> / <a href=\"/signup\">Sign up</a>\n</nav>\n");
        return;
    }
    html_lit(b, "<span class=\"user\">");
    html_text(b, u->name);
    html_lit(b, "</span> \xc2\xb7 ");
    reader_nav_links(r);
    html_lit(b, "<a href=\"/settings\">Settings</a> \xc2\xb7 ");
    if (u->is_admin)
        html_lit(b, "<a href=\"/moderation\">Moderation</a> \xc2\xb7 ");
    html_lit(b, "<form class=\"inline\" method=\"post\" action=\"/logout\">");
    auth_csrf_field(r);
    html_lit(b, "<button type=\"submit\" class=\"link\">Log out</button></form>\n</nav>\n");
}

static void
hidden(struct buf *b, const char *name, const char *value)
{
    html_lit(b, "<input type=\"hidden\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" value=\"");
    html_attr(b, value);
    html_lit(b, "\">");
}

static void
field(struct buf *b, const char *id, const char *label, const char *type, const char *extra,
      const char *value, const char *hint)
{
    html_lit(b, "<p><label for=\"");
    html_lit(b, id);
    html_lit(b, "\">");
    html_lit(b, label);
    html_lit(b, "</label>\n<input id=\"");
    html_lit(b, id);
    html_lit(b, "\" name=\"");
    html_lit(b, id);
    html_lit(b, "\" type=\"");
    html_lit(b, type);
    html_lit(b, "\" required ");
    html_lit(b, extra);
    if (value) {
        html_lit(b, " value=\"");
        html_attr(b, value);
        html_lit(b, "\"");
    }
    if (hint) {
        html_lit(b, " aria-describedby=\"");
        html_lit(b, id);
        html_lit(b, "-hint\">\n<small id=\"");
        html_lit(b, id);
        html_lit(b, "-hint\">");
        html_lit(b, hint);
        html_lit(b, "</small></p>\n");
    } else {
        html_lit(b, "></p>\n");
    }
}

static void
form_begin(struct req *r, const char *title, int status, const char *error)
{
    struct page_meta m = {0};

    m.title = title;
    web_page_begin(r, &m);
    r->status = status;
    html_lit(&r->out, "<section class=\"account-form\">\n<h1>");
    html_text(&r->out, title);
    html_lit(&r->out, "</h1>\n");
    if (error)
        page_notice(r, "error", error);
}

static void
form_end(struct req *r)
{
    html_lit(&r->out, "</section>\n");
    web_page_end(r);
}

/* Seconds as "N minutes" (rounded up), for throttle messages. */
static const char *
minutes(struct req *r, int64_t wait)
{
    int64_t m = (wait + 59) / 60;

    return arena_printf(r->a, "%lld minute%s", (long long)m, m == 1 ? "" : "s");
}

static void
retry_after(struct req *r, int64_t wait)
{
    web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
}

/* ---- log in ---- */

static int
login_page(struct req *r, int status, const char *error, const char *name, const char *next)
{
    struct buf *b = &r->out;

    form_begin(r, "Log in", status, error);
    html_lit(b, "<form method=\"post\" action=\"/login\">\n");
    auth_csrf_field(r);
    hidden(b, "next", next);
    html_lit(b, "\n");
    field(b, "name", "Name", "text",
          "maxlength=\"32\" autocomplete=\"username\" spellcheck=\"false\"", name ? name : "",
          NULL);
    field(b, "password", "Password", "password", "autocomplete=\"current-password\"", NULL, NULL);
    html_lit(b, "<p><button type=\"submit\">Log in</button></p>\n</form>\n"
                "<p>New here? <a href=\"/signup");
    if (strcmp(next, "/")) {
        html_lit(b, "?next=");
        html_url(b, next);
    }
    html_lit(b, "\">Sign up</a>.</p>\n");
    form_end(r);
    return 0;
}

int
page_login(struct req *r, const char *arg)
{
    const char *next = auth_safe_next(web_arg(r, "next"));

    (void)arg;
    if (auth_user(r))
        return web_redirect(r, 303, next);
    return login_page(r, 200, NULL, "", next);
}

int
page_login_post(struct req *r, const char *arg)
{
    const char *name = web_form(r, "name");
    const char *pw = web_form(r, "password");
    const char *next = auth_safe_next(web_form(r, "next"));
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u = {0};
    int64_t wait = 0;
    int found = 0;
    int valid;
    int rc;

    (void)arg;
    if (!name || !*name || !pw || !*pw)
        return login_page(r, 422, "Enter your name and your password.", name, next);
    rc = auth_login_throttled(r, name, &wait, &err);
    if (rc < 0)
        goto fail;
    if (rc) {
        retry_after(r, wait);
        return login_page(r, 429,
                          arena_printf(r->a,
                                       "Too many failed log-in attempts for this account or "
                                       "from your address. Wait %s and try again.",
                                       minutes(r, wait)),
                          name, next);
    }
    valid = !auth_name_check(name, NULL);
    if (valid) {
        rc = store_user_find(r->st, name, r->a, &u, &err);
        if (rc && rc != GZ_ENOTFOUND)
            goto fail;
        found = rc == 0;
    }
    /* a name that cannot exist costs no hashing: its failure says nothing secret */
    if (!valid || !auth_password_verify(found ? u.pass_hash : NULL, pw)) {
        if ((rc = auth_login_failed(r, name, &err)))
            goto fail;
        return login_page(r, 403, "Wrong name or password.", name, next);
    }
    if ((rc = auth_login_cleared(r, name, &err)))
        goto fail;
    /* with two-factor sign-in the password only opens the second step */
    if ((rc = reader_login_second_step(r, &u, next, &err)) < 0)
        goto fail;
    if (rc > 0)
        return 0;
    if (auth_password_needs_rehash(u.pass_hash)) {
        char hash[AUTH_HASH_MAX];

        if (auth_password_hash(pw, hash, &err) || store_user_set_password(r->st, u.id, hash, &err))
            log_warn("msg=\"cannot re-hash password\" user=%lld err=\"%s\"", (long long)u.id,
                     err.msg);
    }
    if ((rc = auth_login(r, u.id, &err)))
        goto fail;
    log_info("msg=\"logged in\" user=%lld", (long long)u.id);
    return web_redirect(r, 303, next);
fail:
    log_error("msg=\"log-in failed\" err=\"%s\"", err.msg);
    return -1;
}

/* ---- sign up ---- */

static int
signup_page(struct req *r, int status, const char *error, const char *name, const char *next)
{
    struct buf *b = &r->out;

    form_begin(r, "Sign up", status, error);
    html_lit(b, "<form method=\"post\" action=\"/signup\">\n");
    auth_csrf_field(r);
    hidden(b, "next", next);
    html_lit(b, "\n");
    field(b, "name", "Name", "text",
          "maxlength=\"32\" pattern=\"[A-Za-z0-9_.\\-]{1,32}\" autocomplete=\"username\" "
          "spellcheck=\"false\"",
          name ? name : "", "1 to 32 letters, digits, &#39;_&#39;, &#39;.&#39; or &#39;-&#39;.");
    field(b, "password", "Password", "password",
          "minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", NULL,
          "At least 8 characters.");
    field(b, "password2", "Password again", "password",
          "minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", NULL, NULL);
    html_lit(b, "<p><button type=\"submit\">Sign up</button></p>\n</form>\n"
                "<p>Have an account? <a href=\"/login");
    if (strcmp(next, "/")) {
        html_lit(b, "?next=");
        html_url(b, next);
    }
    html_lit(b, "\">Log in</a>.</p>\n");
    form_end(r);
    return 0;
}

int
page_signup(struct req *r, const char *arg)
{
    const char *next = auth_safe_next(web_arg(r, "next"));

    (void)arg;
    if (auth_user(r))
        return web_redirect(r, 303, next);
    return signup_page(r, 200, NULL, "", next);
}

int
page_signup_post(struct req *r, const char *arg)
{
    const char *name = web_form(r, "name");
    const char *pw = web_form(r, "password");
    const char *pw2 = web_form(r, "password2");
    const char *next = auth_safe_next(web_form(r, "next"));
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u = {0};
    char hash[AUTH_HASH_MAX];
    int64_t wait = 0;
    int rc;

    (void)arg;
    if (auth_name_check(name, &err) || auth_password_check(pw, &err))
        return signup_page(r, 422, err.msg, name, next);
    if (!pw2 || strcmp(pw, pw2))
        return signup_page(r, 422, "The two passwords differ.", name, next);
    rc = auth_signup_throttled(r, &wait, &err);
    if (rc < 0)
        goto fail;
    if (rc) {
        retry_after(r, wait);
        return signup_page(r, 429,
                           arena_printf(r->a,
                                        "Too many accounts were made from your address. "
                                        "Wait %s and try again.",
                                        minutes(r, wait)),
                           name, next);
    }
    rc = store_user_find(r->st, name, r->a, &u, &err);
    if (rc == 0)
        goto taken; /* spare the hashing; the unique index still decides races */
    if (rc != GZ_ENOTFOUND || (rc = auth_password_hash(pw, hash, &err)))
        goto fail;
    memset(&u, 0, sizeof(u));
    u.name = name;
    u.pass_hash = hash;
    u.created = r->now;
    rc = store_user_add(r->st, &u, &err);
    sodium_memzero(hash, sizeof(hash));
    if (rc == GZ_EEXIST)
        goto taken;
    if (rc || (rc = auth_signup_done(r, &err)) || (rc = auth_login(r, u.id, &err)))
        goto fail;
    log_info("msg=\"signed up\" user=%lld", (long long)u.id);
    return web_redirect(r, 303, next);
taken:
    return signup_page(r, 409, arena_printf(r->a, "The name '%s' is taken: choose another.", name),
                       name, next);
fail:
    log_error("msg=\"sign-up failed\" err=\"%s\"", err.msg);
    return -1;
}

/* ---- log out ---- */

int
page_logout(struct req *r, const char *arg)
{
    struct gz_err err = GZ_ERR_INIT;

    (void)arg;
    if (auth_logout(r, &err)) {
        log_error("msg=\"log-out failed\" err=\"%s\"", err.msg);
        return -1;
    }
    return web_redirect(r, 303, "/");
}

/* ---- settings ---- */

static int
settings_page(struct req *r, int status, const char *error, const char *ok)
{
    struct buf *b = &r->out;
    const struct store_user *u = auth_user(r);

    form_begin(r, "Settings", status, error);
    if (ok)
        page_notice(r, "ok", ok);
    html_lit(b, "<p>You are logged in as <strong>");
    html_text(b, u->name);
    html_lit(b, "</strong>");
    if (u->is_admin)
        html_lit(b, ", a moderator");
    html_lit(b, ".</p>\n<h2>Change your password</h2>\n"
                "<form method=\"post\" action=\"/settings\">\n");
    auth_csrf_field(r);
    html_lit(b, "\n");
    field(b, "current", "Current password", "password", "autocomplete=\"current-password\"", NULL,
          NULL);
    field(b, "password", "New password", "password",
          "minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", NULL,
          "At least 8 characters. Changing it logs you out everywhere else.");
    field(b, "password2", "New password again", "password",
          "minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"", NULL, NULL);
    html_lit(b, "<p><button type=\"submit\">Change password</button></p>\n</form>\n");
    reader_settings_sections(r);
    form_end(r);
    return 0;
}

int
page_settings(struct req *r, const char *arg)
{
    const char *changed = web_arg(r, "changed");

    (void)arg;
    return settings_page(r, 200, NULL,
                         changed && !strcmp(changed, "1") ? "Your password was changed." : NULL);
}

int
page_settings_post(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    const char *cur = web_form(r, "current");
    const char *pw = web_form(r, "password");
    const char *pw2 = web_form(r, "password2");
    struct gz_err err = GZ_ERR_INIT;
    char hash[AUTH_HASH_MAX];
    int64_t wait = 0;
    int64_t uid = u->id;
    int rc;

    (void)arg;
    rc = auth_login_throttled(r, u->name, &wait, &err);
    if (rc < 0)
        goto fail;
    if (rc) {
        retry_after(r, wait);
        return settings_page(r, 429,
                             arena_printf(r->a, "Too many wrong passwords. Wait %s and try again.",
                                          minutes(r, wait)),
                             NULL);
    }
    if (!cur || !auth_password_verify(u->pass_hash, cur)) {
        if ((rc = auth_login_failed(r, u->name, &err)))
            goto fail;
        return settings_page(r, 403, "Your current password is wrong.", NULL);
    }
    if (auth_password_check(pw, &err))
        return settings_page(r, 422, err.msg, NULL);
    if (!pw2 || strcmp(pw, pw2))
        return settings_page(r, 422, "The two new passwords differ.", NULL);
    if ((rc = auth_password_hash(pw, hash, &err)) ||
        (rc = store_user_set_password(r->st, uid, hash, &err)) ||
        (rc = store_session_delete_user(r->st, uid, auth_session_hash(r), &err)) ||
        (rc = auth_login(r, uid, &err)))
        goto fail;
    log_info("msg=\"password changed\" user=%lld", (long long)uid);
    return web_redirect(r, 303, "/settings?changed=1");
fail:
    log_error("msg=\"password change failed\" err=\"%s\"", err.msg);
    return -1;
}
