/*
 * cli_test.c - the dispatcher: option parsing, usage errors, exit codes.
 */
#include "unit.h"

#include "cli/cli.h"
#include "util/config.h"

#include <stdio.h>
#include <unistd.h>

/* Run cli_main with output silenced; returns the exit code. */
static int
run(int argc, char **argv)
{
    int saved_out = dup(1);
    int saved_err = dup(2);
    FILE *null = fopen("/dev/null", "w");
    int rc;

    fflush(stdout);
    fflush(stderr);
    dup2(fileno(null), 1);
    dup2(fileno(null), 2);
    rc = cli_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    fclose(null);
    return rc;
}

static void
test_exit_codes(void)
{
    char *none[] = {"gazette", NULL};
    char *help[] = {"gazette", "help", NULL};
    char *help_cmd[] = {"gazette", "help", "import", NULL};
    char *help_bad[] = {"gazette", "help", "nope", NULL};
    char *unknown[] = {"gazette", "frobnicate", NULL};
    char *dash_help[] = {"gazette", "import", "--help", NULL};
    char *bad_flag[] = {"gazette", "migrate", "--bogus", NULL};
    char *missing[] = {"gazette", "import", NULL};
    char *too_many[] = {"gazette", "migrate", "extra", NULL};
    char *bad_int[] = {"gazette", "migrate", "--threads", "many", NULL};
    char *no_value[] = {"gazette", "migrate", "--db", NULL};

    CHECK_INT(run(1, none), 2);
    CHECK_INT(run(2, help), 0);
    CHECK_INT(run(3, help_cmd), 0);
    CHECK_INT(run(3, help_bad), 2);
    CHECK_INT(run(2, unknown), 2);
    CHECK_INT(run(3, dash_help), 0);
    CHECK_INT(run(3, bad_flag), 2);
    CHECK_INT(run(2, missing), 2);
    CHECK_INT(run(3, too_many), 2);
    CHECK_INT(run(4, bad_int), 2);
    CHECK_INT(run(3, no_value), 2);
}

static void
test_parse(void)
{
    static const struct cli_opt opts[] = {
        {"json", OPT_BOOL, NULL, "json"},
        {"k", OPT_INT, "N", "count"},
        {"url", OPT_STR, "URL", "url"},
        {NULL, 0, NULL, NULL},
    };
    static const struct cli_spec spec = {"t FILE", opts, 1, 2};
    static const struct cli_cmd cmd = {"t", NULL, 0, "test", &spec};
    struct cli_ctx ctx;
    struct config cfg;
    char *argv[] = {"--json",         "file.txt", "--k=5",    "--url",
                    "http://x/",      "--db",     "other.db", "--listen=127.0.0.1:9",
                    "--allow-private"};
    char *pos[4];

    memset(&ctx, 0, sizeof(ctx));
    ctx.argv = pos;
    config_defaults(&cfg);
    CHECK_INT(cli_parse(&ctx, &cmd, &cfg, 9, argv), 0);
    CHECK_INT(ctx.argc, 1);
    CHECK_STR(ctx.argv[0], "file.txt");
    CHECK(cli_has(&ctx, "json"));
    CHECK_INT(cli_int(&ctx, "k", 0), 5);
    CHECK_STR(cli_str(&ctx, "url", NULL), "http://x/");
    CHECK(cli_str(&ctx, "missing", NULL) == NULL);
    CHECK_STR(cfg.db, "other.db");
    CHECK_STR(cfg.listen, "127.0.0.1:9");
    CHECK_INT(cfg.allow_private, 1);
    config_release(&cfg);
}

static void
test_env_and_file(void)
{
    char *argv[] = {"gazette", "migrate", "--status", "--config", "cli_test.conf", NULL};
    FILE *f = fopen("cli_test.conf", "w");

    /* a bad value in the config file is a usage error naming the file and line */
    fputs("# settings\nthreads = lots\n", f);
    fclose(f);
    CHECK_INT(run(5, argv), 2);
    f = fopen("cli_test.conf", "w");
    fputs("db = cli_test.db\nunknown-thing = 1\n", f);
    fclose(f);
    CHECK_INT(run(5, argv), 2);
    f = fopen("cli_test.conf", "w");
    fputs("db = cli_test.db   # the database\n", f);
    fclose(f);
    CHECK_INT(run(5, argv), 0);
    CHECK(access("cli_test.db", F_OK) == 0);
    unlink("cli_test.db");
    setenv("GAZETTE_THREADS", "x", 1);
    CHECK_INT(run(5, argv), 2);
    unsetenv("GAZETTE_THREADS");
    unlink("cli_test.conf");
    unlink("cli_test.db");
    unlink("cli_test.db-wal");
    unlink("cli_test.db-shm");
}

static void
test_table(void)
{
    /* every command has a spec with a usage line and help text */
    for (const struct cli_cmd *c = cli_cmds; c->name; c++) {
        CHECK(c->fn != NULL);
        CHECK(c->help && *c->help);
        CHECK(c->spec && c->spec->usage && *c->spec->usage);
        CHECK(cli_find(c->name) == c);
    }
}

static const struct unit_test tests[] = {
    {"exit_codes", test_exit_codes}, {"parse", test_parse}, {"env_and_file", test_env_and_file},
    {"table", test_table},           {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
