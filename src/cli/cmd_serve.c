/*
 * cmd_serve.c - `gazette serve`: the website, API and feeds.
 *
 * SIGINT and SIGTERM are blocked before the server's threads start (they
 * inherit the mask) and taken with sigwait() here, so shutdown is an
 * ordinary return: stop accepting, finish requests, close the store.
 */
#include "cli/cli.h"

#include "util/config.h"
#include "util/err.h"
#include "util/log.h"
#include "web/web.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>

const struct cli_spec cmd_serve_spec = {"gazette serve [--listen HOST:PORT] [--db DB]", NULL, 0, 0};

int
cmd_serve(struct cli_ctx *ctx)
{
    struct web_server *ws;
    struct gz_err err = GZ_ERR_INIT;
    sigset_t set;
    unsigned port = 0;
    int sig = 0;

    (void)ctx;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (web_start(&ws, &port, &err))
        return cli_error("%s", err.msg);
    log_info("msg=listening url=http://%s port=%u db=\"%s\"", gz_config->listen, port,
             gz_config->db);
    printf("gazette: serving on port %u (%s); press Ctrl-C to stop\n", port, gz_config->listen);
    fflush(stdout);
    sigwait(&set, &sig);
    log_info("msg=\"shutting down\" signal=%d", sig);
    web_stop(ws);
    return 0;
}
