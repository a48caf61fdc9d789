/*
 * main.c - the command table and the dispatcher.
 */
#include "cli/cli.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct cli_cmd cli_cmds[] = {
    {"add", cmd_add, CMD_STORE, "follow a new feed", &cmd_add_spec},
    {"fetch", cmd_fetch, CMD_STORE, "fetch due feeds (or the ones named) and store new entries",
     &cmd_fetch_spec},
    {"cluster", cmd_cluster, 0, "group a JSON-lines file of articles into stories",
     &cmd_cluster_spec},
    {"copy", cmd_copy, 0, "copy a whole database into an empty one (SQLite to PostgreSQL)",
     &cmd_copy_spec},
    {"enrich", cmd_enrich, 0, "keyphrases, hashtags, entities and summaries of a JSON-lines file",
     &cmd_enrich_spec},
    {"help", cmd_help, 0, "show the commands, or one command's help", &cmd_help_spec},
    {"import", cmd_import, CMD_STORE, "import feed files, folders and JSON-lines articles",
     &cmd_import_spec},
    {"migrate", cmd_migrate, CMD_STORE, "bring the database schema up to date", &cmd_migrate_spec},
    {"related", cmd_related, 0, "list related articles for each article of a JSON-lines file",
     &cmd_related_spec},
    {"serve", cmd_serve, CMD_STORE, "serve the website, API and feeds", &cmd_serve_spec},
    {"sources", cmd_sources, CMD_STORE, "list sources with their fetch status", &cmd_sources_spec},
    {"extract", cmd_extract, 0, "extract an article's text and metadata from a saved page",
     &cmd_extract_spec},
    {"user", cmd_user, CMD_STORE, "add users, set passwords, list users", &cmd_user_spec},
    {"digest", cmd_digest, CMD_STORE, "send readers' e-mail digests, or print one",
     &cmd_digest_spec},
    {"parse", cmd_parse, 0, "parse a feed file (RSS, Atom, JSON Feed)", &cmd_parse_spec},
    {"discover", cmd_discover, 0, "list the feed URLs a saved web page offers", &cmd_discover_spec},
    {"import-opml", cmd_import_opml, CMD_STORE, "add the feeds of an OPML file as sources",
     &cmd_import_opml_spec},
    {"export-opml", cmd_export_opml, CMD_STORE, "write every source as OPML 2.0 to stdout",
     &cmd_export_opml_spec},
    {NULL, NULL, 0, NULL, NULL},
};

const struct cli_cmd *
cli_find(const char *name)
{
    for (const struct cli_cmd *c = cli_cmds; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int
cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static int progress_shown;

void
cli_progress(const struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    if (!ctx->tty)
        return;
    fputs("\r\033[K", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
    progress_shown = 1;
}

void
cli_progress_done(const struct cli_ctx *ctx)
{
    if (ctx->tty && progress_shown)
        fputc('\n', stderr);
    progress_shown = 0;
}

int
cli_has(const struct cli_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->nopts; i++)
        if (!strcmp(ctx->opt_def[i]->name, name))
            return 1;
    return 0;
}

const char *
cli_str(const struct cli_ctx *ctx, const char *name, const char *def)
{
    for (int i = ctx->nopts - 1; i >= 0; i--)
        if (!strcmp(ctx->opt_def[i]->name, name))
            return ctx->opt_val[i];
    return def;
}

long
cli_int(const struct cli_ctx *ctx, const char *name, long def)
{
    const char *v = cli_str(ctx, name, NULL);
    int64_t n;

    if (!v || str_to_i64(v, INT32_MIN, INT32_MAX, &n))
        return def;
    return (long)n;
}

static void
print_opt(const char *name, const char *arg, const char *help)
{
    char left[64];

    snprintf(left, sizeof(left), "--%s%s%s", name, arg ? " " : "", arg ? arg : "");
    fprintf(stdout, "  %-26s %s\n", left, help);
}

static void
print_usage(FILE *f, const struct cli_cmd *cmd)
{
    fprintf(f, "usage: %s\n", cmd->spec->usage);
}

static void
print_help(const struct cli_cmd *cmd)
{
    print_usage(stdout, cmd);
    printf("\n%s\n", cmd->help);
    if (cmd->spec->opts && cmd->spec->opts[0].name) {
        printf("\noptions:\n");
        for (const struct cli_opt *o = cmd->spec->opts; o->name; o++)
            print_opt(o->name, o->arg, o->help);
    }
    printf("\nsettings (also GAZETTE_<NAME> in the environment or 'name = value' in the config "
           "file):\n");
    print_opt("config", "FILE", "read settings from FILE (default ./gazette.conf if present)");
    for (const struct config_setting *s = config_settings; s->name; s++)
        print_opt(s->name, s->kind == CONFIG_BOOL ? NULL : "VALUE", s->help);
    printf("  %-26s %s\n", "--help", "show this help");
}

static const struct cli_opt *
find_opt(const struct cli_spec *spec, const char *name, size_t n)
{
    if (!spec->opts)
        return NULL;
    for (const struct cli_opt *o = spec->opts; o->name; o++)
        if (strlen(o->name) == n && !strncmp(o->name, name, n))
            return o;
    return NULL;
}

static int usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    print_usage(stderr, cmd);
    fprintf(stderr, "run 'gazette %s --help' for more\n", cmd->name);
    return 2;
}

int
cli_parse(struct cli_ctx *ctx, const struct cli_cmd *cmd, struct config *cfg, int argc, char **argv)
{
    const struct cli_spec *spec = cmd->spec;
    int only_args = 0;
    struct gz_err err = GZ_ERR_INIT;

    ctx->cmd = cmd->name;
    ctx->spec = spec;
    ctx->argc = 0;
    ctx->nopts = 0;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        const char *eq;
        size_t n;
        const struct cli_opt *o;
        const struct config_setting *s;
        const char *val = NULL;

        if (only_args || a[0] != '-' || !strcmp(a, "-")) {
            ctx->argv[ctx->argc++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_help(cmd);
            return -1;
        }
        if (a[1] != '-')
            return usage_error(cmd, "unknown option '%s'", a);
        a += 2;
        eq = strchr(a, '=');
        n = eq ? (size_t)(eq - a) : strlen(a);
        o = find_opt(spec, a, n);
        if (o) {
            if (o->kind == OPT_BOOL) {
                if (eq)
                    return usage_error(cmd, "option '--%s' takes no value", o->name);
                val = "";
            } else {
                val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (!val)
                    return usage_error(cmd, "option '--%s' needs a value", o->name);
                if (o->kind == OPT_INT) {
                    int64_t v;

                    if (str_to_i64(val, INT32_MIN, INT32_MAX, &v))
                        return usage_error(cmd, "option needs a number, not '%s'", val);
                }
            }
            if (ctx->nopts == CLI_MAX_OPTS)
                return usage_error(cmd, "too many options at '%s'", argv[i]);
            ctx->opt_def[ctx->nopts] = o;
            ctx->opt_val[ctx->nopts++] = val;
            continue;
        }
        if (n == 6 && !strncmp(a, "config", 6)) {
            if (!eq)
                i++; /* already read by the pre-scan */
            continue;
        }
        {
            char name[64];

            if (n >= sizeof(name))
                return usage_error(cmd, "unknown option '%s'", argv[i]);
            memcpy(name, a, n);
            name[n] = '\0';
            s = config_find(name);
            if (!s)
                return usage_error(cmd, "unknown option '%s'", argv[i]);
        }
        if (s->kind == CONFIG_BOOL) {
            val = eq ? eq + 1 : "1";
        } else {
            val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
            if (!val)
                return usage_error(cmd, "option '%s' needs a value", argv[i]);
        }
        if (config_set(cfg, s, val, &err)) {
            fprintf(stderr, "error: %s\n", err.msg);
            return 2;
        }
    }
    if (ctx->argc < spec->min_args)
        return usage_error(cmd, "missing argument%s", spec->min_args - ctx->argc > 1 ? "s" : "");
    if (spec->max_args >= 0 && ctx->argc > spec->max_args)
        return usage_error(cmd, "unexpected argument '%s'", ctx->argv[spec->max_args]);
    return 0;
}

static void
print_commands(FILE *f)
{
    fprintf(f, "usage: gazette <command> [options] [args]\n\ncommands:\n");
    for (const struct cli_cmd *c = cli_cmds; c->name; c++)
        fprintf(f, "  %-14s %s\n", c->name, c->help);
    fprintf(f, "\nrun 'gazette <command> --help' for a command's options\n");
}

int
cmd_help(struct cli_ctx *ctx)
{
    const struct cli_cmd *cmd;

    if (!ctx->argc) {
        print_commands(stdout);
        return 0;
    }
    cmd = cli_find(ctx->argv[0]);
    if (!cmd) {
        fprintf(stderr, "error: unknown command '%s'\n", ctx->argv[0]);
        print_commands(stderr);
        return 2;
    }
    print_help(cmd);
    return 0;
}

const struct cli_spec cmd_help_spec = {"gazette help [COMMAND]", NULL, 0, 1};

/* --config FILE must be known before the flags are applied over it. */
static const char *
prescan_config(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--config") && i + 1 < argc)
            return argv[i + 1];
        if (!strncmp(argv[i], "--config=", 9))
            return argv[i] + 9;
    }
    return NULL;
}

static int
load_config(struct config *cfg, int argc, char **argv)
{
    struct gz_err err = GZ_ERR_INIT;
    const char *file = prescan_config(argc, argv);

    config_defaults(cfg);
    if (!file)
        file = getenv("GAZETTE_CONFIG");
    if (!file && access("gazette.conf", R_OK) == 0)
        file = "gazette.conf";
    if (file && config_load_file(cfg, file, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 2;
    }
    if (config_load_env(cfg, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 2;
    }
    return 0;
}

int
cli_main(int argc, char **argv)
{
    static struct config cfg; /* frozen below and read through gz_config */
    const struct cli_cmd *cmd;
    struct cli_ctx ctx;
    struct gz_err err = GZ_ERR_INIT;
    int level;
    int rc;

    if (argc < 2) {
        print_commands(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_commands(stdout);
        return 0;
    }
    cmd = cli_find(argv[1]);
    if (!cmd) {
        fprintf(stderr, "error: unknown command '%s'\n", argv[1]);
        print_commands(stderr);
        return 2;
    }
    rc = load_config(&cfg, argc - 2, argv + 2);
    if (rc) {
        config_release(&cfg);
        return rc;
    }
    memset(&ctx, 0, sizeof(ctx));
    ctx.argv = calloc((size_t)argc, sizeof(char *));
    if (!ctx.argv)
        return 1;
    rc = cli_parse(&ctx, cmd, &cfg, argc - 2, argv + 2);
    if (rc) {
        free(ctx.argv);
        config_release(&cfg);
        return rc < 0 ? 0 : rc;
    }
    level = log_level_parse(cfg.log_level);
    if (level < 0) {
        fprintf(stderr, "error: unknown log level '%s'\n", cfg.log_level);
        free(ctx.argv);
        config_release(&cfg);
        return 2;
    }
    log_set_level((enum log_level)level);
    config_freeze(&cfg);

    if (sodium_init() < 0) {
        free(ctx.argv);
        return cli_error("cannot initialise libsodium");
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    xmlInitParser();
    ctx.arena = arena_new();
    ctx.tty = isatty(STDERR_FILENO);
    if (cmd->flags & CMD_STORE) {
        if (store_open(&ctx.store, cfg.db, 0, &err)) {
            rc = cli_error("%s", err.msg);
            goto out;
        }
    }
    rc = cmd->fn(&ctx);
out:
    store_close(ctx.store);
    arena_free(ctx.arena);
    free(ctx.argv);
    xmlCleanupParser();
    curl_global_cleanup();
    config_freeze(NULL);
    config_release(&cfg);
    return rc;
}
