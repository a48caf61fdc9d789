#include "util/config.h"

#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct config *gz_config;

#define S(name, field, def, help)                                                                  \
    {                                                                                              \
        name, CONFIG_STR, offsetof(struct config, field), def, help                                \
    }
#define I(name, field, def, help)                                                                  \
    {                                                                                              \
        name, CONFIG_INT, offsetof(struct config, field), def, help                                \
    }
#define B(name, field, def, help)                                                                  \
    {                                                                                              \
        name, CONFIG_BOOL, offsetof(struct config, field), def, help                               \
    }

const struct config_setting config_settings[] = {
    S("db", db, "gazette.db", "SQLite file or postgres:// URL"),
    S("listen", listen, "127.0.0.1:8080", "address the web server listens on"),
    S("base-url", base_url, NULL, "public URL of the site (default http://LISTEN)"),
    S("log-level", log_level, "info", "debug, info, warn or error"),
    S("user-agent", user_agent, "gazette/0.1 (+https://github.com/gazette-news/gazette)",
      "User-Agent sent with every fetch"),
    S("llm-url", llm_url, NULL, "OpenAI-compatible chat-completions endpoint"),
    S("llm-model", llm_model, "default", "model name sent to the LLM endpoint"),
    S("llm-key", llm_key, NULL, "bearer token for the LLM endpoint"),
    S("smtp-url", smtp_url, NULL, "smtp://host:port used to send digests"),
    S("smtp-from", smtp_from, "gazette@localhost", "From: address of digests"),
    I("threads", threads, "4", "web server threads"),
    I("max-connections", max_connections, "512", "concurrent web connections"),
    I("max-connections-per-ip", max_per_ip, "0",
      "concurrent web connections from one client address (0: no cap; keep 0 behind a proxy)"),
    I("connection-timeout", conn_timeout, "30", "seconds a web connection may sit idle"),
    I("request-timeout", request_timeout, "60",
      "seconds a web client has to send one whole request (slow clients are cut off)"),
    I("page-cache-grace", page_cache_grace, "1000",
      "milliseconds a cached page may still be served after new data (0: never)"),
    I("max-body", max_body, "1048576", "largest web request body in bytes (forms, comments)"),
    I("max-header-bytes", max_header_bytes, "65536",
      "memory for one web request's line and headers, in bytes (at least 4096)"),
    I("max-headers", max_headers, "100", "most header fields in one web request"),
    I("fetch-concurrency", fetch_concurrency, "32", "transfers in flight at once"),
    I("fetch-per-host", fetch_per_host, "2", "transfers in flight per host"),
    I("fetch-host-delay", fetch_host_delay, "500",
      "least milliseconds between the starts of two requests to one host"),
    I("fetch-interval", fetch_interval, "1800", "default seconds between fetches of a feed"),
    I("fetch-timeout", fetch_timeout, "30", "seconds allowed for one transfer"),
    I("fetch-max-bytes", fetch_max_bytes, "16777216", "largest response body accepted"),
    I("fetch-lease", fetch_lease, "600",
      "seconds a claim on due sources lasts (a dead worker's sources wait this long)"),
    I("summary-sentences", summary_sentences, "3", "sentences in an article summary"),
    B("allow-private", allow_private, "0", "allow fetching loopback and private addresses"),
    B("fetch-pages", fetch_pages, "1", "fetch and extract the full page of each new article"),
    B("secure-cookies", secure_cookies, "0", "mark cookies Secure (when served over https)"),
    {NULL, 0, 0, NULL, NULL},
};

static char **
str_field(struct config *cfg, const struct config_setting *s)
{
    return (char **)((char *)cfg + s->offset);
}

static long *
int_field(struct config *cfg, const struct config_setting *s)
{
    return (long *)((char *)cfg + s->offset);
}

const struct config_setting *
config_find(const char *name)
{
    for (const struct config_setting *s = config_settings; s->name; s++)
        if (!strcmp(s->name, name))
            return s;
    return NULL;
}

int
config_set(struct config *cfg, const struct config_setting *s, const char *value,
           struct gz_err *err)
{
    int64_t v;

    switch (s->kind) {
    case CONFIG_STR:
        free(*str_field(cfg, s));
        *str_field(cfg, s) = value ? xstrdup(value) : NULL;
        return 0;
    case CONFIG_INT:
        if (str_to_i64(value, 0, 1L << 40, &v))
            return gz_errf(err, GZ_EINVAL, "'%s' needs a number, not '%s'", s->name,
                           value ? value : "");
        *int_field(cfg, s) = (long)v;
        return 0;
    case CONFIG_BOOL:
        if (!value || !strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes") ||
            !strcmp(value, "on"))
            *int_field(cfg, s) = 1;
        else if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no") ||
                 !strcmp(value, "off"))
            *int_field(cfg, s) = 0;
        else
            return gz_errf(err, GZ_EINVAL, "'%s' needs true or false, not '%s'", s->name, value);
        return 0;
    }
    return GZ_EINVAL;
}

void
config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    for (const struct config_setting *s = config_settings; s->name; s++)
        if (config_set(cfg, s, s->def, NULL))
            abort(); /* a bad default is a bug */
}

int
config_load_file(struct config *cfg, const char *path, struct gz_err *err)
{
    struct buf b = BUF_INIT;
    char *line;
    char *next;
    int lineno = 0;
    int rc;

    b.max = 1 << 20;
    rc = buf_read_file(&b, path, err);
    if (rc) {
        buf_release(&b);
        return rc;
    }
    for (line = b.p; line; line = next) {
        char *eq;
        struct str key;
        struct str val;
        char name[64];
        char *value;
        const struct config_setting *s;

        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        if (strchr(line, '#'))
            *strchr(line, '#') = '\0';
        if (!str_trim(str_from(line)).len)
            continue;
        eq = strchr(line, '=');
        if (!eq) {
            rc = gz_errf(err, GZ_EPARSE, "%s:%d: expected 'key = value'", path, lineno);
            break;
        }
        *eq = '\0';
        key = str_trim(str_from(line));
        val = str_trim(str_from(eq + 1));
        if (key.len >= sizeof(name)) {
            rc = gz_errf(err, GZ_EPARSE, "%s:%d: unknown setting", path, lineno);
            break;
        }
        memcpy(name, key.p, key.len);
        name[key.len] = '\0';
        s = config_find(name);
        if (!s) {
            rc = gz_errf(err, GZ_EPARSE, "%s:%d: unknown setting '%s'", path, lineno, name);
            break;
        }
        value = xstrndup(val.p, val.len);
        rc = config_set(cfg, s, value, err);
        free(value);
        if (rc) {
            gz_errf(err, rc, "%s:%d: bad value for '%s'", path, lineno, name);
            break;
        }
    }
    if (!rc) {
        free(cfg->config_file);
        cfg->config_file = xstrdup(path);
    }
    buf_release(&b);
    return rc;
}

int
config_load_env(struct config *cfg, struct gz_err *err)
{
    for (const struct config_setting *s = config_settings; s->name; s++) {
        char var[80] = "GAZETTE_";
        size_t n = strlen(var);
        const char *v;

        for (const char *p = s->name; *p && n < sizeof(var) - 1; p++)
            var[n++] = *p == '-' ? '_' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
        var[n] = '\0';
        v = getenv(var);
        if (v && config_set(cfg, s, v, err))
            return gz_errf(err, GZ_EINVAL, "bad value in %s: '%s'", var, v);
    }
    return 0;
}

void
config_freeze(const struct config *cfg)
{
    gz_config = cfg;
}

void
config_release(struct config *cfg)
{
    for (const struct config_setting *s = config_settings; s->name; s++)
        if (s->kind == CONFIG_STR) {
            free(*str_field(cfg, s));
            *str_field(cfg, s) = NULL;
        }
    free(cfg->config_file);
    cfg->config_file = NULL;
}
