/*
 * cmd_copy.c - `gazette copy --from DB --to DB`: move a deployment, for
 * instance from SQLite to PostgreSQL, without losing a row.
 */
#include "cli/cli.h"

#include "store/store.h"
#include "util/err.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"from", OPT_STR, "DB", "the database to read (SQLite path or postgres:// URL)"},
    {"to", OPT_STR, "DB", "the empty database to fill (created and migrated if needed)"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_copy_spec = {"gazette copy --from DB --to DB", opts, 0, 0};

static void
progress(void *ctx, const char *table, int64_t rows)
{
    cli_progress(ctx, "copying %s: %lld rows", table, (long long)rows);
}

int
cmd_copy(struct cli_ctx *ctx)
{
    const char *from_dsn = cli_str(ctx, "from", NULL);
    const char *to_dsn = cli_str(ctx, "to", NULL);
    struct store *from = NULL;
    struct store *to = NULL;
    struct gz_err err = GZ_ERR_INIT;
    int64_t rows = 0;
    int rc = 1;

    if (!from_dsn || !to_dsn) {
        fprintf(stderr, "error: both --from and --to are needed\nusage: %s\n", cmd_copy_spec.usage);
        return 2;
    }
    if (store_open(&from, from_dsn, 0, &err) || store_open(&to, to_dsn, 0, &err)) {
        cli_error("%s", err.msg);
        goto out;
    }
    if (store_copy(from, to, progress, ctx, &rows, &err)) {
        cli_progress_done(ctx);
        cli_error("%s; the target was left unchanged", err.msg);
        goto out;
    }
    cli_progress_done(ctx);
    printf("copied %lld rows from %s to %s\n", (long long)rows, store_backend(from),
           store_backend(to));
    rc = 0;
out:
    store_close(from);
    store_close(to);
    return rc;
}
