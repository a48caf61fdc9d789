/*
 * cli.h - the command table and what every command receives.
 *
 * main.c holds one table of commands: name, handler, flags, one-line help
 * and a spec (usage line, options, argument count).  The dispatcher, not the
 * command, parses the command line against the spec: it answers --help,
 * refuses unknown flags and wrong argument counts with usage and exit 2,
 * applies the settings flags (--db, --listen, ... see util/config.h),
 * freezes the configuration and, for CMD_STORE commands, opens the store
 * (running pending migrations).  Only then does the handler run.
 *
 * A handler returns 0 for success, 1 for failure (after printing an
 * error), 2 for a usage error found late.
 */
#ifndef GZ_CLI_CLI_H
#define GZ_CLI_CLI_H

#include <stdint.h>

struct arena;
struct store;

enum cli_opt_kind {
    OPT_BOOL = 1, /* --name */
    OPT_STR = 2,  /* --name VALUE or --name=VALUE */
    OPT_INT = 3,  /* --name N */
};

struct cli_opt {
    const char *name; /* long name without the dashes */
    enum cli_opt_kind kind;
    const char *arg; /* placeholder in help ("N", "URL"); NULL for OPT_BOOL */
    const char *help;
};

struct cli_spec {
    const char *usage;          /* "gazette parse FILE [--json]" */
    const struct cli_opt *opts; /* ends with a NULL name; may be NULL */
    int min_args;               /* positional arguments */
    int max_args;               /* -1: no limit */
};

enum cli_flags {
    CMD_STORE = 1 << 0, /* open the store (and migrate) before the handler */
};

#define CLI_MAX_OPTS 32

struct cli_ctx {
    const char *cmd; /* the command's name */
    const struct cli_spec *spec;
    int argc; /* positional arguments only */
    char **argv;
    struct store *store; /* open when the command has CMD_STORE */
    struct arena *arena; /* lives for the whole run */
    int tty;             /* stderr is a terminal: progress allowed */
    int nopts;
    const struct cli_opt *opt_def[CLI_MAX_OPTS];
    const char *opt_val[CLI_MAX_OPTS]; /* "" for a given OPT_BOOL */
};

typedef int (*cli_fn)(struct cli_ctx *ctx);

struct cli_cmd {
    const char *name;
    cli_fn fn;
    unsigned flags;
    const char *help;
    const struct cli_spec *spec;
};

/* 1 when the option was given. */
int cli_has(const struct cli_ctx *ctx, const char *name);
/* The option's value (last one given) or def when absent. */
const char *cli_str(const struct cli_ctx *ctx, const char *name, const char *def);
/* The option's integer value (checked by the dispatcher) or def. */
long cli_int(const struct cli_ctx *ctx, const char *name, long def);

/* Print "error: ..." to stderr and return 1 (for `return cli_error(...)`). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a progress line on a terminal only (overwrites the last one). */
void cli_progress(const struct cli_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* End the progress line (newline) when one was printed. */
void cli_progress_done(const struct cli_ctx *ctx);

/*
 * Parse argv (after the command name) against cmd->spec into ctx and cfg.
 * Returns 0, 2 for a usage error (message printed), or -1 when --help was
 * printed and the command should exit 0.  Exposed for the dispatch tests.
 */
struct config;
int cli_parse(struct cli_ctx *ctx, const struct cli_cmd *cmd, struct config *cfg, int argc,
              char **argv);

/* The command table, ending with a NULL name; for help and the tests. */
extern const struct cli_cmd cli_cmds[];
const struct cli_cmd *cli_find(const char *name);
/* Run gazette with argv as main() would; returns the exit code. */
int cli_main(int argc, char **argv);

/* Each command file defines its handler and its spec. */
#define CLI_COMMAND(name)                                                                          \
    int cmd_##name(struct cli_ctx *ctx);                                                           \
    extern const struct cli_spec cmd_##name##_spec

CLI_COMMAND(cluster);
CLI_COMMAND(copy);
CLI_COMMAND(enrich);
CLI_COMMAND(help);
CLI_COMMAND(add);
CLI_COMMAND(fetch);
CLI_COMMAND(migrate);
CLI_COMMAND(related);
CLI_COMMAND(import);
CLI_COMMAND(serve);
CLI_COMMAND(sources);
CLI_COMMAND(extract);
CLI_COMMAND(user);
CLI_COMMAND(digest);
CLI_COMMAND(parse);
CLI_COMMAND(discover);
CLI_COMMAND(import_opml);
CLI_COMMAND(export_opml);

#endif
