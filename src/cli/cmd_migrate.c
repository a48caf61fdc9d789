/*
 * cmd_migrate.c - `gazette migrate`: apply pending schema migrations.
 *
 * The dispatcher already migrates when it opens the store; this command
 * reports where the schema stands (and is how an operator runs migrations
 * on purpose before starting servers).
 */
#include "cli/cli.h"

#include "store/store.h"
#include "util/err.h"

#include <stdio.h>

static const struct cli_opt opts[] = {
    {"status", OPT_BOOL, NULL, "only print the current and latest schema versions"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_migrate_spec = {"gazette migrate [--status] [--db DB]", opts, 0, 0};

int
cmd_migrate(struct cli_ctx *ctx)
{
    struct gz_err err = GZ_ERR_INIT;
    int applied = 0;
    int current;
    int latest;

    if (!cli_has(ctx, "status") && store_migrate(ctx->store, &applied, &err))
        return cli_error("%s", err.msg);
    if (store_schema_version(ctx->store, &current, &latest, &err))
        return cli_error("%s", err.msg);
    printf("schema version %d of %d (%s)%s\n", current, latest, store_backend(ctx->store),
           current == latest ? ", up to date" : "");
    return 0;
}
