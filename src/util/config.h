/*
 * config.h - the run's configuration, one table for every source of it.
 *
 * Each setting has a name ("db"), which is also its command-line flag
 * ("--db"), its key in the config file ("db = gazette.db") and, upper-cased
 * with '-' turned into '_', its environment variable ("GAZETTE_DB").
 * Precedence: flag, then environment, then config file, then default.
 *
 * The config file is `key = value` lines, '#' starts a comment.  It is
 * read from --config FILE, else $GAZETTE_CONFIG, else ./gazette.conf when
 * that exists.
 *
 * After start-up the configuration is frozen: config_freeze() publishes it
 * as the one global, `gz_config`, read-only and safe to read from any
 * thread.
 */
#ifndef GZ_UTIL_CONFIG_H
#define GZ_UTIL_CONFIG_H

#include <stddef.h>

struct gz_err;

struct config {
    char *db;               /* SQLite path or postgres:// URL */
    char *listen;           /* host:port of the web server */
    char *base_url;         /* public URL of the site, for links in feeds and mail */
    char *config_file;      /* the file read, or NULL */
    char *log_level;        /* debug, info, warn, error */
    char *user_agent;       /* sent with every fetch */
    char *llm_url;          /* OpenAI-compatible endpoint, or NULL */
    char *llm_model;        /* model name sent to it */
    char *llm_key;          /* bearer token for it, or NULL */
    char *smtp_url;         /* smtp://host:port for digests, or NULL */
    char *smtp_from;        /* From: address of digests */
    long threads;           /* web server threads */
    long max_connections;   /* concurrent web connections */
    long max_per_ip;        /* concurrent web connections from one address (0: no cap) */
    long conn_timeout;      /* seconds a web connection may sit idle */
    long request_timeout;   /* seconds a web client has to send one whole request */
    long page_cache_grace;  /* ms a cached page outlives a data change (0: none) */
    long max_body;          /* largest web request body, bytes */
    long max_header_bytes;  /* memory for one web request's line and headers, bytes */
    long max_headers;       /* most header fields in one web request */
    long fetch_concurrency; /* transfers in flight */
    long fetch_per_host;    /* transfers in flight per host */
    long fetch_host_delay;  /* least milliseconds between two requests to one host */
    long fetch_interval;    /* default seconds between fetches of a feed */
    long fetch_timeout;     /* seconds for one transfer */
    long fetch_max_bytes;   /* largest body accepted */
    long fetch_lease;       /* seconds a claim on due sources lasts */
    long summary_sentences; /* sentences in an article summary */
    long allow_private;     /* 1: allow fetching loopback and private addresses */
    long fetch_pages;       /* 1: fetch and extract each new article's page */
    long secure_cookies;    /* 1: mark cookies Secure (behind https) */
};

enum config_kind { CONFIG_STR = 1, CONFIG_INT = 2, CONFIG_BOOL = 3 };

struct config_setting {
    const char *name;
    enum config_kind kind;
    size_t offset;
    const char *def;
    const char *help;
};

/* The table of all settings, ending with a NULL name. */
extern const struct config_setting config_settings[];

/* The frozen configuration; NULL until config_freeze(). */
extern const struct config *gz_config;

/* Fill cfg with the defaults. */
void config_defaults(struct config *cfg);
/* The setting named name, or NULL. */
const struct config_setting *config_find(const char *name);
/* Set one setting from its text value; GZ_EINVAL with a message when bad. */
int config_set(struct config *cfg, const struct config_setting *s, const char *value,
               struct gz_err *err);
/* Read a config file; GZ_EIO / GZ_EPARSE with the file and line named. */
int config_load_file(struct config *cfg, const char *path, struct gz_err *err);
/* Apply every GAZETTE_* variable that names a setting. */
int config_load_env(struct config *cfg, struct gz_err *err);
/* Publish cfg as gz_config.  cfg must outlive every reader. */
void config_freeze(const struct config *cfg);
/* Free the strings of cfg. */
void config_release(struct config *cfg);

#endif
