/*
 * cmd_serve.c - `gazette serve`: the website, API and feeds.
 *
 * SIGINT and SIGTERM are blocked before the server's threads start (they
 * inherit the mask) and taken with sigwait() here, so shutdown is an
 * ordinary return: stop the scheduler, stop accepting, finish requests,
 * close the store.
 *
 * Unless --no-fetch, the scheduler (fetch/scheduler.h) runs in a thread of
 * its own with its own store connection, fetching sources as they fall
 * due.
 */
#include "cli/cli.h"

#include "fetch/scheduler.h"
#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "web/web.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>

/* The scheduler looks for new due sources at least this often (seconds). */
#define SERVE_FETCH_POLL 60

static const struct cli_opt opts[] = {
    {"no-fetch", OPT_BOOL, NULL, "serve only: do not fetch feeds in the background"},
    {NULL, 0, NULL, NULL},
};

const struct cli_spec cmd_serve_spec = {"gazette serve [--listen HOST:PORT] [--db DB] [--no-fetch]",
                                        opts, 0, 0};

int
cmd_serve(struct cli_ctx *ctx)
{
    struct web_server *ws;
    struct sched_thread *sched = NULL;
    struct gz_err err = GZ_ERR_INIT;
    sigset_t set;
    unsigned port = 0;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (web_start(&ws, &port, &err))
        return cli_error("%s", err.msg);
    if (!cli_has(ctx, "no-fetch") &&
        sched_thread_start(&sched, gz_config->db, SERVE_FETCH_POLL, NULL, NULL, &err)) {
        web_stop(ws);
        return cli_error("%s", err.msg);
    }
    log_info("msg=listening url=http://%s port=%u db=\"%s\"", gz_config->listen, port,
             gz_config->db);
    printf("gazette: serving on port %u (%s); press Ctrl-C to stop\n", port, gz_config->listen);
    fflush(stdout);
    sigwait(&set, &sig);
    log_info("msg=\"shutting down\" signal=%d", sig);
    sched_thread_stop(sched);
    web_stop(ws);
    return 0;
}
