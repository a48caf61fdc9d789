/*
 * fetch.h - many HTTP(S) GETs at once, politely and safely.
 *
 * A struct fetcher runs libcurl's multi interface: every transfer added
 * with fetch_add() is queued, started when the limits allow, and reported
 * once, finished or failed, to the completion callback given to
 * fetch_run().  What a transfer does:
 *
 *   - HTTP/1.1, or HTTP/2 over TLS when the server offers it; gzip,
 *     deflate, br and zstd bodies are decoded (the size limit applies to
 *     the decoded bytes, so a compression bomb stops at the limit);
 *   - only http and https, for the first URL and for every redirect;
 *     at most FETCH_MAX_REDIRECTS redirects are followed, and a chain of
 *     permanent ones (301, 308) from the first URL is reported so the
 *     caller can update a stored URL;
 *   - a conditional GET: If-None-Match / If-Modified-Since from the
 *     validators given, so an unchanged resource costs a 304 and no body;
 *   - a connect timeout and a total timeout, and a body size limit
 *     (the transfer is aborted as soon as the body crosses it);
 *   - no proxy from the environment, no cookies, no credentials;
 *   - SSRF safety: every address libcurl is about to connect to (after
 *     DNS, after each redirect, for each address tried) goes through
 *     fetch_addr_allowed(); a refused one is never connected to.
 *
 * Politeness: at most `concurrency` transfers in flight, at most
 * `per_host` to one host name, and at least `host_delay_ms` between the
 * starts of two transfers to one host.  Hosts take turns, so one host with
 * many URLs does not hold the others back.
 *
 * Threads: a fetcher and its curl handles belong to the one thread that
 * calls fetch_add() and fetch_run(); the completion callback runs on that
 * thread.  Only fetch_cancel() may be called from another thread.
 * curl_global_init() must have been called once before (the CLI does).
 */
#ifndef GZ_FETCH_FETCH_H
#define GZ_FETCH_FETCH_H

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct gz_err;
struct sockaddr;
struct str;
struct fetcher;

#define FETCH_MAX_REDIRECTS 5
/* Longest header value kept (ETag, Last-Modified, Content-Type, Location). */
#define FETCH_MAX_HEADER 1024

struct fetch_options {
    long concurrency;       /* transfers in flight at once (>= 1) */
    long per_host;          /* transfers in flight to one host (>= 1) */
    long host_delay_ms;     /* least time between two starts to one host */
    long timeout_ms;        /* whole transfer, redirects included */
    long connect_ms;        /* connecting, per attempt */
    size_t max_bytes;       /* largest body accepted (0: no limit) */
    const char *user_agent; /* borrowed; must outlive the fetcher */
    int allow_private;      /* 1: loopback and private addresses may be fetched */
};

/*
 * The options from gz_config (fetch-concurrency, fetch-per-host,
 * fetch-host-delay, fetch-timeout, fetch-max-bytes, user-agent,
 * allow-private).  gz_config must be frozen.
 */
void fetch_options_from_config(struct fetch_options *o);

struct fetch_request {
    const char *url;           /* http or https */
    const char *etag;          /* sent as If-None-Match; NULL: none */
    const char *last_modified; /* sent as If-Modified-Since; NULL: none */
    void *user;                /* handed back in the result */
};

/*
 * The outcome of one transfer.  Every string is owned by the fetcher and
 * valid until the callback returns; copy what you keep.  The body may be
 * taken: move the struct buf out and leave res->body re-initialised
 * (buf_init(&res->body, 0)); the fetcher then frees nothing of it.
 */
struct fetch_result {
    void *user;            /* from the request */
    const char *url;       /* as requested */
    const char *final_url; /* after redirects (== url when none) */
    const char *moved_to;  /* permanent new address, or NULL (see below) */
    int status;            /* HTTP status of the last response; 0 when none */
    int redirects;         /* redirects followed */
    const char *etag;      /* of the last response; NULL when absent */
    const char *last_modified;
    const char *content_type; /* as sent, NULL when absent */
    const char *charset;      /* the charset parameter of content_type, or NULL */
    int64_t retry_after;      /* seconds from a Retry-After header; -1 when absent */
    struct buf body;          /* decoded body; empty for a 304 and when code != 0 */
    int64_t duration_ms;      /* from the start of the transfer to its end */
    int code;                 /* 0, or a GZ_E* when the transfer failed */
    const char *error;        /* message when code != 0, else NULL */
};

/*
 * moved_to: when the first response was a permanent redirect (301 or
 * 308), the address that the chain of permanent redirects leads to: the
 * target of the last 301/308 before the first temporary redirect (302,
 * 303, 307) or the final response.  NULL when the first response was not
 * a permanent redirect.  It is set only for a transfer that ended with
 * a 2xx or 304: a redirect into an error proves nothing.
 *
 * code: GZ_EINVAL for a URL that is not http(s), GZ_EDENIED when an
 * address or a redirect's scheme was refused, GZ_ELIMIT when the body was
 * larger than max_bytes ("body larger than N bytes") or there were too
 * many redirects, GZ_ETIMEOUT, GZ_ENET for every other network failure,
 * GZ_EBUSY ("cancelled") after fetch_cancel().  An HTTP error status is
 * not a failed transfer: code is 0 and status says what happened.
 */

/* The completion callback; ctx is the pointer given to fetch_run(). */
typedef void (*fetch_done_fn)(struct fetch_result *res, void *ctx);

/*
 * A new fetcher with options o (copied; NULL: fetch_options_from_config).
 * Free it with fetch_free().  GZ_ENET when libcurl cannot be set up.
 */
int fetch_new(struct fetcher **out, const struct fetch_options *o, struct gz_err *err);
/* Free the fetcher; transfers not yet run are dropped without a callback.  NULL is a no-op. */
void fetch_free(struct fetcher *f);

/*
 * Queue a request (its strings are copied).  It is not started until
 * fetch_run().  A request that cannot be made (not http or https, a
 * malformed URL) is still queued and reported by fetch_run() with its
 * error, so every request gets exactly one callback.
 */
void fetch_add(struct fetcher *f, const struct fetch_request *req);

/*
 * Run every queued transfer to its end, calling done once for each, then
 * return 0.  Requests may be added from the callback.  Returns GZ_ENET
 * when libcurl's multi loop itself fails (the transfers left are reported
 * with that error).
 */
int fetch_run(struct fetcher *f, fetch_done_fn done, void *ctx);

/*
 * Ask fetch_run() to stop soon: transfers in flight are aborted and those
 * queued are reported with GZ_EBUSY "cancelled".  Safe to call from any
 * thread and from a signal-free context at any time during fetch_run();
 * a fetcher once cancelled stays cancelled.
 */
void fetch_cancel(struct fetcher *f);

/* ---- parts, exposed for the tests ---- */

/*
 * 1 when a connection to sa may be made, 0 when it must be refused.
 * Refused unless allow_private: loopback, RFC 1918 private, CGNAT
 * 100.64/10, link-local, unspecified, "this network" 0/8, multicast,
 * broadcast and reserved 240/4, the IETF protocol block 192.0.0/24,
 * documentation and benchmarking ranges, IPv6 unique-local fc00::/7,
 * site-local, discard-only, ORCHID/Teredo (2001::/23), 6to4 and NAT64
 * addresses of any refused IPv4 address, the IPv4-mapped and
 * IPv4-compatible forms of them, and every IPv6 address outside global
 * unicast 2000::/3.  Always refused, even with allow_private: the cloud
 * metadata addresses (169.254.169.254, 169.254.170.2, 100.100.100.200,
 * fd00:ec2::254, in any IPv6 form) and families other than AF_INET and
 * AF_INET6.  Pure; reads only *sa.
 */
int fetch_addr_allowed(const struct sockaddr *sa, int allow_private);
/*
 * Why sa is refused ("loopback", "private", "link-local", "metadata",
 * ...) or NULL when fetch_addr_allowed() would allow it.  Pure.
 */
const char *fetch_addr_refusal(const struct sockaddr *sa, int allow_private);

/*
 * libcurl's CURLOPT_OPENSOCKETFUNCTION as the fetcher installs it, with
 * clientp a struct fetch_sockcheck: checks address->addr, and returns
 * CURL_SOCKET_BAD (recording the refusal in the check) or a new socket.
 */
struct fetch_sockcheck {
    int allow_private;
    int refused;           /* set to 1 when an address was refused */
    char refused_addr[64]; /* the last refused address, as text */
    const char *reason;    /* fetch_addr_refusal() of it */
};
curl_socket_t fetch_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address);

/*
 * Split one raw header line ("Name: value\r\n") into name and value
 * (surrounding whitespace removed).  Returns 1 for a header, 0 for a
 * status line, the blank line ending the headers or a line with no
 * colon.  Pure.
 */
int fetch_header_split(const char *line, size_t len, struct str *name, struct str *value);
/* The status code of a status line ("HTTP/1.1 304 Not Modified", "HTTP/2 200"), else 0. */
int fetch_status_line(const char *line, size_t len);
/*
 * The charset parameter of a Content-Type value (quotes removed) into
 * out (n bytes), returning 1; 0 when there is none or it does not fit or
 * holds characters no charset name has.  Pure.
 */
int fetch_charset(const char *content_type, char *out, size_t n);
/*
 * Seconds to wait from a Retry-After value: delta-seconds or an HTTP
 * date (seen at now; a past date gives 0).  -1 when the value is neither.
 * Pure.
 */
int64_t fetch_retry_after(const char *value, size_t len, int64_t now);

#endif
