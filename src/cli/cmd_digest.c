/*
 * cmd_digest.c - `gazette digest`: readers' e-mail digests.
 *
 *   gazette digest                       list whose digest is due and its size
 *   gazette digest --send                send every due digest (run it hourly from cron)
 *   gazette digest --user NAME --dry-run print NAME's digest as it would be sent
 *   gazette digest --user NAME --send    send NAME's digest now, due or not
 *
 * A digest with no stories is not sent (and stays due).  Messages go to
 * the smtp-url server from smtp-from; links point at base-url.  Exit 1
 * when a digest could not be built or sent.
 */
#include "cli/cli.h"

#include "reader/digest.h"
#include "reader/reader.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/time.h"

#include <stdio.h>
#include <string.h>

static const struct cli_opt opts[] = {
    {"user", OPT_STR, "NAME", "only this reader's digest (due or not)"},
    {"dry-run", OPT_BOOL, NULL, "print the message instead of sending it"},
    {"send", OPT_BOOL, NULL, "send the digests (without it, only list them)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_digest_spec = {
    "gazette digest [--send] | --user NAME (--dry-run | --send)", opts, 0, 0};

/* Build (and print or send) one reader's digest; 0, or 1 after printing an error. */
static int
one(struct cli_ctx *ctx, int64_t user_id, int force, int64_t now)
{
    struct arena *a = arena_new();
    struct gz_err err = GZ_ERR_INIT;
    struct reader_user u;
    struct digest d;
    struct buf msg = BUF_INIT;
    const char *to;
    int64_t since = 0;
    int due;
    int rc = 0;

    if (reader_user_load(ctx->store, user_id, a, &u, &err)) {
        arena_free(a);
        return cli_error("%s", err.msg);
    }
    due = digest_due(&u.prefs, now, &since);
    if (!due && !force)
        goto out;
    if (digest_build(ctx->store, &u, since, now, a, &d, &err)) {
        rc = cli_error("digest of '%s': %s", u.name, err.msg);
        goto out;
    }
    to = u.prefs.email;
    if (cli_has(ctx, "dry-run")) {
        if (digest_message(&d, gz_config->smtp_from, to ? to : "nobody@invalid",
                           gz_config->base_url, now, &msg, &err)) {
            rc = cli_error("%s", err.msg);
            goto out;
        }
        if (!to)
            fprintf(stderr, "note: '%s' has no digest address; To: shows a placeholder\n", u.name);
        fwrite(msg.p, 1, msg.len, stdout);
        goto out;
    }
    if (!cli_has(ctx, "send")) {
        printf("%-32s %-6s %3zu stories %s\n", u.name,
               u.prefs.digest == READER_DIGEST_WEEKLY ? "weekly" : "daily", d.n,
               to ? to : "(no address)");
        goto out;
    }
    if (!d.n) {
        printf("%s: nothing new, not sent\n", u.name);
        goto out;
    }
    if (!to) {
        rc = cli_error("'%s' has no digest address (set it on the settings page)", u.name);
        goto out;
    }
    if (digest_message(&d, gz_config->smtp_from, to, gz_config->base_url, now, &msg, &err) ||
        digest_send(gz_config->smtp_url, gz_config->smtp_from, to, msg.p, msg.len, &err) ||
        store_reader_digest_sent(ctx->store, u.id, now, &err)) {
        rc = cli_error("digest of '%s': %s", u.name, err.msg);
        goto out;
    }
    printf("%s: sent %zu stor%s to %s\n", u.name, d.n, d.n == 1 ? "y" : "ies", to);
out:
    buf_release(&msg);
    reader_user_release(&u);
    arena_free(a);
    return rc;
}

int
cmd_digest(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    const char *name = cli_str(ctx, "user", NULL);
    int64_t now = time_now();
    struct store_reader_digest_user *users = NULL;
    size_t n = 0;
    int rc = 0;

    if (cli_has(ctx, "dry-run") && !name) {
        fprintf(stderr, "error: --dry-run needs --user NAME\nusage: %s\n", ctx->spec->usage);
        return 2;
    }
    if (name) {
        struct store_user u;

        if (!cli_has(ctx, "dry-run") && !cli_has(ctx, "send")) {
            fprintf(stderr, "error: --user needs --dry-run or --send\nusage: %s\n",
                    ctx->spec->usage);
            return 2;
        }
        if (store_user_find(ctx->store, name, ctx->arena, &u, &err))
            return cli_error("%s", err.msg);
        return one(ctx, u.id, 1, now);
    }
    if (store_reader_digest_users(ctx->store, ctx->arena, &users, &n, &err))
        return cli_error("%s", err.msg);
    for (size_t i = 0; i < n; i++)
        rc |= one(ctx, users[i].prefs.user_id, 0, now);
    return rc;
}
