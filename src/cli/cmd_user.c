/*
 * cmd_user.c - `gazette user`: make accounts, set passwords, list users.
 *
 *   gazette user add NAME [--admin] --password-stdin
 *   gazette user passwd NAME --password-stdin
 *   gazette user admin NAME [--off]
 *   gazette user api-password NAME (--password-stdin | --off)
 *   gazette user list
 *
 * Passwords are read from standard input only (first line, without its line
 * break), never from the command line where other users of the machine
 * could read them in the process list.  The rules are the website's
 * (web/auth.h).  Changing a password signs the user out everywhere.
 *
 * The API password is what reading apps use (Fever and Google Reader
 * APIs, reader/reader.h): separate from the log-in password, so that an
 * app never holds the main one.  Until one is set the APIs refuse the
 * user; --off removes it.
 */
#include "cli/cli.h"

#include "reader/reader.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"
#include "web/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"password-stdin", OPT_BOOL, NULL, "read the password from standard input"},
    {"admin", OPT_BOOL, NULL, "add: make the user an admin (moderator)"},
    {"off", OPT_BOOL, NULL, "admin: take the admin right away; api-password: remove it"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_user_spec = {
    "gazette user (add NAME [--admin] | passwd NAME) --password-stdin | admin NAME [--off] | "
    "api-password NAME (--password-stdin | --off) | list",
    opts, 1, 2};

/* The first line of stdin into out (without CR LF); 0, or 1 after printing an error. */
static int
read_password(struct buf *out)
{
    int c;

    while ((c = getchar()) != EOF && c != '\n') {
        if (out->len > AUTH_PASSWORD_MAX)
            break;
        buf_addc(out, c);
    }
    if (out->len && out->p[out->len - 1] == '\r')
        buf_setlen(out, out->len - 1);
    if (memchr(out->p, '\0', out->len))
        return cli_error("the password contains a NUL byte");
    return 0;
}

static int
get_password(struct cli_ctx *ctx, char hash[AUTH_HASH_MAX])
{
    struct buf pw = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    if (!cli_has(ctx, "password-stdin")) {
        fprintf(stderr,
                "error: give the password on standard input with --password-stdin\n"
                "usage: %s\n",
                ctx->spec->usage);
        return 2;
    }
    rc = read_password(&pw);
    if (!rc && auth_password_check(pw.p, &err))
        rc = cli_error("%s", err.msg);
    if (!rc && auth_password_hash(pw.p, hash, &err))
        rc = cli_error("%s", err.msg);
    sodium_memzero(pw.p, pw.len);
    buf_release(&pw);
    return rc;
}

static int
user_add(struct cli_ctx *ctx, const char *name)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u = {0};
    char hash[AUTH_HASH_MAX];
    int rc;

    if (auth_name_check(name, &err))
        return cli_error("%s", err.msg);
    if ((rc = get_password(ctx, hash)))
        return rc;
    u.name = name;
    u.pass_hash = hash;
    u.is_admin = cli_has(ctx, "admin");
    u.created = time_now();
    if (store_user_add(ctx->store, &u, &err))
        return cli_error("%s", err.msg);
    printf("added user '%s' (id %lld)%s\n", name, (long long)u.id,
           u.is_admin ? " as an admin" : "");
    return 0;
}

static int
user_passwd(struct cli_ctx *ctx, const char *name)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u;
    char hash[AUTH_HASH_MAX];
    int rc;

    if (store_user_find(ctx->store, name, ctx->arena, &u, &err))
        return cli_error("%s", err.msg);
    if ((rc = get_password(ctx, hash)))
        return rc;
    if (store_user_set_password(ctx->store, u.id, hash, &err) ||
        store_session_delete_user(ctx->store, u.id, NULL, &err))
        return cli_error("%s", err.msg);
    printf("changed the password of '%s'; their sessions were ended\n", u.name);
    return 0;
}

static int
user_admin(struct cli_ctx *ctx, const char *name)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u;
    int on = !cli_has(ctx, "off");

    if (store_user_find(ctx->store, name, ctx->arena, &u, &err) ||
        store_user_set_admin(ctx->store, u.id, on, &err))
        return cli_error("%s", err.msg);
    printf("'%s' is %s\n", u.name, on ? "an admin" : "no longer an admin");
    return 0;
}

static int
user_api_password(struct cli_ctx *ctx, const char *name)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u;
    struct buf pw = BUF_INIT;
    int rc;

    if (store_user_find(ctx->store, name, ctx->arena, &u, &err))
        return cli_error("%s", err.msg);
    if (cli_has(ctx, "off")) {
        if (reader_set_api_password(ctx->store, u.id, u.name, NULL, &err))
            return cli_error("%s", err.msg);
        printf("'%s' has no API password now: apps are refused\n", u.name);
        return 0;
    }
    if (!cli_has(ctx, "password-stdin")) {
        fprintf(stderr,
                "error: give the API password on standard input with --password-stdin\n"
                "usage: %s\n",
                ctx->spec->usage);
        return 2;
    }
    rc = read_password(&pw);
    if (!rc && reader_set_api_password(ctx->store, u.id, u.name, pw.p, &err))
        rc = cli_error("%s", err.msg);
    sodium_memzero(pw.p, pw.len);
    buf_release(&pw);
    if (!rc)
        printf("set the API password of '%s'; apps sign in with it and the name '%s'\n", u.name,
               u.name);
    return rc;
}

static int
user_list(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    struct store_user *u;
    size_t n;

    if (store_user_list(ctx->store, ctx->arena, &u, &n, &err))
        return cli_error("%s", err.msg);
    printf("%-6s %-32s %-5s %s\n", "id", "name", "admin", "created");
    for (size_t i = 0; i < n; i++) {
        char when[TIME_ISO_MAX];

        time_format_iso(u[i].created, when);
        printf("%-6lld %-32s %-5s %s\n", (long long)u[i].id, u[i].name,
               u[i].is_admin ? "yes" : "no", when);
    }
    return 0;
}

int
cmd_user(struct cli_ctx *ctx)
{
    const char *sub = ctx->argv[0];
    int wants_name = !strcmp(sub, "add") || !strcmp(sub, "passwd") || !strcmp(sub, "admin") ||
                     !strcmp(sub, "api-password");

    if (!wants_name && strcmp(sub, "list")) {
        fprintf(stderr, "error: unknown subcommand '%s'\nusage: %s\n", sub, ctx->spec->usage);
        return 2;
    }
    if (wants_name != (ctx->argc == 2)) {
        fprintf(stderr, "error: '%s' %s\nusage: %s\n", sub,
                wants_name ? "needs a NAME" : "takes no NAME", ctx->spec->usage);
        return 2;
    }
    if (!strcmp(sub, "add"))
        return user_add(ctx, ctx->argv[1]);
    if (!strcmp(sub, "passwd"))
        return user_passwd(ctx, ctx->argv[1]);
    if (!strcmp(sub, "admin"))
        return user_admin(ctx, ctx->argv[1]);
    if (!strcmp(sub, "api-password"))
        return user_api_password(ctx, ctx->argv[1]);
    return user_list(ctx);
}
