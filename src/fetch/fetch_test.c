/*
 * fetch_test.c - the address check (addresses as data, never connected
 * to), the opensocket hook, header parsing; then the fetcher itself
 * against a small HTTP server on 127.0.0.1 in a thread.
 */
#include "unit.h"

#include "fetch/fetch.h"
#include "util/err.h"
#include "util/str.h"
#include "util/time.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* ---- the address check ---- */

/* sockaddr storage for either family, filled from text. */
static int
make_addr(const char *text, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (strchr(text, ':')) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(80);
        return inet_pton(AF_INET6, text, &in6->sin6_addr) == 1 ? 0 : -1;
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;

        in->sin_family = AF_INET;
        in->sin_port = htons(80);
        return inet_pton(AF_INET, text, &in->sin_addr) == 1 ? 0 : -1;
    }
}

struct addr_case {
    const char *addr;
    int allowed;         /* without allow_private */
    int allowed_private; /* with allow_private */
    const char *why;     /* refusal without allow_private, NULL when allowed */
};

static const struct addr_case addr_cases[] = {
    /* public IPv4 */
    {"8.8.8.8", 1, 1, NULL},
    {"1.1.1.1", 1, 1, NULL},
    {"93.184.216.34", 1, 1, NULL},
    {"9.255.255.255", 1, 1, NULL},
    {"11.0.0.0", 1, 1, NULL},
    {"100.63.255.255", 1, 1, NULL},
    {"100.128.0.0", 1, 1, NULL},
    {"126.255.255.255", 1, 1, NULL},
    {"128.0.0.0", 1, 1, NULL},
    {"169.253.255.255", 1, 1, NULL},
    {"169.255.0.0", 1, 1, NULL},
    {"172.15.255.255", 1, 1, NULL},
    {"172.32.0.0", 1, 1, NULL},
    {"192.0.1.1", 1, 1, NULL},
    {"192.167.255.255", 1, 1, NULL},
    {"192.169.0.0", 1, 1, NULL},
    {"198.17.255.255", 1, 1, NULL},
    {"198.20.0.0", 1, 1, NULL},
    {"223.255.255.255", 1, 1, NULL},
    /* unspecified, this network */
    {"0.0.0.0", 0, 1, "unspecified"},
    {"0.1.2.3", 0, 1, "unspecified"},
    /* RFC 1918 */
    {"10.0.0.0", 0, 1, "private"},
    {"10.255.255.255", 0, 1, "private"},
    {"172.16.0.0", 0, 1, "private"},
    {"172.31.255.255", 0, 1, "private"},
    {"192.168.0.0", 0, 1, "private"},
    {"192.168.255.255", 0, 1, "private"},
    /* CGNAT */
    {"100.64.0.0", 0, 1, "shared (CGNAT)"},
    {"100.127.255.255", 0, 1, "shared (CGNAT)"},
    /* loopback */
    {"127.0.0.1", 0, 1, "loopback"},
    {"127.255.255.254", 0, 1, "loopback"},
    {"127.1.2.3", 0, 1, "loopback"},
    /* link-local, metadata */
    {"169.254.0.1", 0, 1, "link-local"},
    {"169.254.255.255", 0, 1, "link-local"},
    {"169.254.169.254", 0, 0, "cloud metadata"},
    {"169.254.170.2", 0, 0, "cloud metadata"},
    {"100.100.100.200", 0, 0, "cloud metadata"},
    {"169.254.169.253", 0, 1, "link-local"},
    /* special purpose */
    {"192.0.0.1", 0, 1, "reserved"},
    {"192.0.0.255", 0, 1, "reserved"},
    {"192.0.2.1", 0, 1, "documentation"},
    {"198.51.100.7", 0, 1, "documentation"},
    {"203.0.113.9", 0, 1, "documentation"},
    {"192.88.99.1", 0, 1, "reserved"},
    {"198.18.0.0", 0, 1, "benchmarking"},
    {"198.19.255.255", 0, 1, "benchmarking"},
    {"224.0.0.1", 0, 1, "multicast"},
    {"239.255.255.255", 0, 1, "multicast"},
    {"240.0.0.1", 0, 1, "reserved"},
    {"255.255.255.255", 0, 1, "reserved"},

    /* public IPv6 */
    {"2001:4860:4860::8888", 1, 1, NULL},
    {"2606:4700:4700::1111", 1, 1, NULL},
    {"2a00:1450:4001:82a::200e", 1, 1, NULL},
    {"2001:200::1", 1, 1, NULL},
    {"3ffe::1", 1, 1, NULL},
    {"3fff:1000::1", 1, 1, NULL},
    /* unspecified, loopback */
    {"::", 0, 1, "unspecified"},
    {"::1", 0, 1, "loopback"},
    /* IPv4-mapped forms */
    {"::ffff:127.0.0.1", 0, 1, "loopback"},
    {"::ffff:7f00:1", 0, 1, "loopback"},
    {"::ffff:10.1.2.3", 0, 1, "private"},
    {"::ffff:192.168.1.1", 0, 1, "private"},
    {"::ffff:172.16.0.1", 0, 1, "private"},
    {"::ffff:100.64.1.1", 0, 1, "shared (CGNAT)"},
    {"::ffff:169.254.1.1", 0, 1, "link-local"},
    {"::ffff:169.254.169.254", 0, 0, "cloud metadata"},
    {"::ffff:0.0.0.0", 0, 1, "unspecified"},
    {"::ffff:224.0.0.1", 0, 1, "multicast"},
    {"::ffff:198.18.0.1", 0, 1, "benchmarking"},
    {"::ffff:8.8.8.8", 1, 1, NULL},
    /* IPv4-compatible (deprecated) */
    {"::127.0.0.1", 0, 1, "loopback"},
    {"::10.0.0.1", 0, 1, "private"},
    {"::169.254.169.254", 0, 0, "cloud metadata"},
    {"::8.8.8.8", 0, 1, "reserved"},
    /* NAT64 */
    {"64:ff9b::8.8.8.8", 1, 1, NULL},
    {"64:ff9b::127.0.0.1", 0, 1, "loopback"},
    {"64:ff9b::10.0.0.1", 0, 1, "private"},
    {"64:ff9b::169.254.169.254", 0, 0, "cloud metadata"},
    {"64:ff9b:1::1", 0, 1, "reserved"},
    /* 6to4 */
    {"2002:0808:0808::1", 1, 1, NULL},
    {"2002:7f00:0001::1", 0, 1, "loopback"},
    {"2002:c0a8:0101::1", 0, 1, "private"},
    {"2002:a9fe:a9fe::1", 0, 0, "cloud metadata"},
    /* unique local, metadata */
    {"fc00::1", 0, 1, "unique-local"},
    {"fd12:3456:789a::1", 0, 1, "unique-local"},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0, 1, "unique-local"},
    {"fd00:ec2::254", 0, 0, "cloud metadata"},
    {"fd00:ec2::253", 0, 1, "unique-local"},
    /* link-local, site-local, multicast */
    {"fe80::1", 0, 1, "link-local"},
    {"fe80::1ff:fe23:4567:890a", 0, 1, "link-local"},
    {"febf:ffff::1", 0, 1, "link-local"},
    {"fec0::1", 0, 1, "site-local"},
    {"feff::1", 0, 1, "site-local"},
    {"ff02::1", 0, 1, "multicast"},
    {"ff05::2", 0, 1, "multicast"},
    /* special purpose inside 2000::/3 */
    {"2001:db8::1", 0, 1, "documentation"},
    {"2001:db8:ffff::1", 0, 1, "documentation"},
    {"3fff::1", 0, 1, "documentation"},
    {"2001::1", 0, 1, "reserved"},
    {"2001:2::1", 0, 1, "reserved"},
    {"2001:10::1", 0, 1, "reserved"},
    {"2001:1ff::1", 0, 1, "reserved"},
    /* outside global unicast */
    {"100::1", 0, 1, "reserved"},
    {"4000::1", 0, 1, "reserved"},
    {"5f00::1", 0, 1, "reserved"},
    {"e000::1", 0, 1, "reserved"},
    {"1fff:ffff::1", 0, 1, "reserved"},
};

static void
test_addr_table(void)
{
    for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
        const struct addr_case *c = &addr_cases[i];
        struct sockaddr_storage ss;
        const struct sockaddr *sa = (const struct sockaddr *)&ss;
        const char *why;

        if (make_addr(c->addr, &ss)) {
            fprintf(stderr, "bad test address %s\n", c->addr);
            CHECK(0);
            continue;
        }
        if (fetch_addr_allowed(sa, 0) != c->allowed ||
            fetch_addr_allowed(sa, 1) != c->allowed_private)
            fprintf(stderr, "address %s\n", c->addr);
        CHECK_INT(fetch_addr_allowed(sa, 0), c->allowed);
        CHECK_INT(fetch_addr_allowed(sa, 1), c->allowed_private);
        why = fetch_addr_refusal(sa, 0);
        if (c->why) {
            CHECK_STR(why, c->why);
        } else if (why) {
            fprintf(stderr, "address %s refused as %s\n", c->addr, why);
            CHECK(why == NULL);
        }
    }
}

/* Every IPv4 /8 sampled at several points: refused iff a listed range holds it. */
static void
test_addr_sweep(void)
{
    size_t refused = 0;

    for (unsigned a = 0; a < 256; a++) {
        static const unsigned pts[][3] = {
            {0, 0, 1}, {64, 0, 0}, {100, 100, 200}, {254, 169, 254}, {255, 255, 255}};

        for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]); k++) {
            struct sockaddr_in in;
            uint32_t v = (a << 24) | (pts[k][0] << 16) | (pts[k][1] << 8) | pts[k][2];
            int expect_public = !(
                a == 0 || a == 10 || a == 127 || a >= 224 ||
                (a == 100 && (v & 0xffc00000u) == 0x64400000u) ||
                (a == 169 && ((v >> 16) & 0xff) == 254) || (a == 172 && ((v >> 16) & 0xf0) == 16) ||
                (a == 192 && ((v >> 16) & 0xff) == 168) || (a == 198 && ((v >> 17) & 0x7f) == 9) ||
                (a == 192 && ((v >> 8) & 0xffff) == 0) || v == 0x646464c8u);

            memset(&in, 0, sizeof(in));
            in.sin_family = AF_INET;
            in.sin_addr.s_addr = htonl(v);
            if (fetch_addr_allowed((struct sockaddr *)&in, 0) != expect_public)
                fprintf(stderr, "sweep: %u.%u.%u.%u\n", a, pts[k][0], pts[k][1], pts[k][2]);
            CHECK_INT(fetch_addr_allowed((struct sockaddr *)&in, 0), expect_public);
            refused += !expect_public;
        }
    }
    CHECK(refused > 100);
}

static void
test_addr_other_families(void)
{
    struct sockaddr sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_family = AF_UNIX;
    CHECK_INT(fetch_addr_allowed(&sa, 0), 0);
    CHECK_INT(fetch_addr_allowed(&sa, 1), 0);
    sa.sa_family = AF_UNSPEC;
    CHECK_INT(fetch_addr_allowed(&sa, 1), 0);
    CHECK_INT(fetch_addr_allowed(NULL, 1), 0);
}

/* The hook exactly as libcurl calls it: a curl_sockaddr with room for IPv6. */
union crafted {
    struct curl_sockaddr c;
    unsigned char room[sizeof(struct curl_sockaddr) + sizeof(struct sockaddr_in6)];
};

static void
craft(union crafted *u, const char *text)
{
    struct sockaddr_storage ss;

    memset(u, 0, sizeof(*u));
    CHECK_INT(make_addr(text, &ss), 0);
    u->c.family = ss.ss_family;
    u->c.socktype = SOCK_STREAM;
    u->c.protocol = IPPROTO_TCP;
    u->c.addrlen =
        ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    memcpy(&u->c.addr, &ss, u->c.addrlen);
}

static void
test_opensocket_hook(void)
{
    static const char *const refused[] = {
        "127.0.0.1",       "10.0.0.5",      "::1",     "::ffff:192.168.0.1",
        "169.254.169.254", "fd00:ec2::254", "fe80::1", "64:ff9b::7f00:1"};
    struct fetch_sockcheck chk;
    union crafted u;
    curl_socket_t s;

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        memset(&chk, 0, sizeof(chk));
        craft(&u, refused[i]);
        s = fetch_opensocket(&chk, CURLSOCKTYPE_IPCXN, &u.c);
        CHECK(s == CURL_SOCKET_BAD);
        CHECK_INT(chk.refused, 1);
        CHECK(chk.reason != NULL);
    }
    memset(&chk, 0, sizeof(chk));
    craft(&u, "::ffff:10.0.0.1");
    fetch_opensocket(&chk, CURLSOCKTYPE_IPCXN, &u.c);
    CHECK_STR(chk.refused_addr, "::ffff:10.0.0.1");
    CHECK_STR(chk.reason, "private");

    /* metadata stays refused with allow_private; loopback does not */
    memset(&chk, 0, sizeof(chk));
    chk.allow_private = 1;
    craft(&u, "169.254.169.254");
    CHECK(fetch_opensocket(&chk, CURLSOCKTYPE_IPCXN, &u.c) == CURL_SOCKET_BAD);
    CHECK_STR(chk.reason, "cloud metadata");
    CHECK_STR(chk.refused_addr, "169.254.169.254");

    /* an allowed address gets a real socket (never connected here) */
    memset(&chk, 0, sizeof(chk));
    chk.allow_private = 1;
    craft(&u, "127.0.0.1");
    s = fetch_opensocket(&chk, CURLSOCKTYPE_IPCXN, &u.c);
    CHECK(s != CURL_SOCKET_BAD);
    CHECK_INT(chk.refused, 0);
    if (s != CURL_SOCKET_BAD)
        close(s);
    memset(&chk, 0, sizeof(chk));
    craft(&u, "2001:4860:4860::8888");
    s = fetch_opensocket(&chk, CURLSOCKTYPE_IPCXN, &u.c);
    CHECK_INT(chk.refused, 0);
    if (s != CURL_SOCKET_BAD)
        close(s); /* may be BAD on a host without IPv6; the check passed either way */
}

/* ---- header parsing ---- */

static void
test_status_line(void)
{
    CHECK_INT(fetch_status_line("HTTP/1.1 200 OK\r\n", 17), 200);
    CHECK_INT(fetch_status_line("HTTP/1.0 304 Not Modified\r\n", 27), 304);
    CHECK_INT(fetch_status_line("HTTP/2 301\r\n", 12), 301);
    CHECK_INT(fetch_status_line("HTTP/2 200 \r\n", 13), 200);
    CHECK_INT(fetch_status_line("HTTP/3 404", 10), 404);
    CHECK_INT(fetch_status_line("HTTP/1.1 100 Continue\r\n", 23), 100);
    CHECK_INT(fetch_status_line("HTTP/1.1 20 OK\r\n", 16), 0);
    CHECK_INT(fetch_status_line("HTTP/1.1 2000 OK\r\n", 18), 0);
    CHECK_INT(fetch_status_line("HTTP/1.1 abc\r\n", 14), 0);
    CHECK_INT(fetch_status_line("Content-Type: x\r\n", 17), 0);
    CHECK_INT(fetch_status_line("HTTP", 4), 0);
    CHECK_INT(fetch_status_line("", 0), 0);
    CHECK_INT(fetch_status_line("HTTP/1.1 099 x", 14), 0);
}

static int
split(const char *line, char *name, char *value)
{
    struct str n;
    struct str v;

    if (!fetch_header_split(line, strlen(line), &n, &v))
        return 0;
    memcpy(name, n.p, n.len);
    name[n.len] = '\0';
    memcpy(value, v.p, v.len);
    value[v.len] = '\0';
    return 1;
}

static void
test_header_split(void)
{
    char n[256];
    char v[256];

    CHECK_INT(split("ETag: \"abc\"\r\n", n, v), 1);
    CHECK_STR(n, "ETag");
    CHECK_STR(v, "\"abc\"");
    CHECK_INT(split("last-modified:Tue, 05 Aug 2025 10:00:00 GMT\r\n", n, v), 1);
    CHECK_STR(n, "last-modified");
    CHECK_STR(v, "Tue, 05 Aug 2025 10:00:00 GMT");
    CHECK_INT(split("Content-Type:   text/xml; charset=utf-8  \r\n", n, v), 1);
    CHECK_STR(v, "text/xml; charset=utf-8");
    CHECK_INT(split("Location: http://a/b?c=d:e\r\n", n, v), 1);
    CHECK_STR(n, "Location");
    CHECK_STR(v, "http://a/b?c=d:e");
    CHECK_INT(split("X-Empty:\r\n", n, v), 1);
    CHECK_STR(v, "");
    CHECK_INT(split("\r\n", n, v), 0);
    CHECK_INT(split("", n, v), 0);
    CHECK_INT(split("HTTP/1.1 200 OK\r\n", n, v), 0);
    CHECK_INT(split("  folded continuation\r\n", n, v), 0);
    CHECK_INT(split("Bad Name: x\r\n", n, v), 0);
    CHECK_INT(split(": novalue\r\n", n, v), 0);
    CHECK_INT(split("no colon here\r\n", n, v), 0);
}

static void
test_charset(void)
{
    char cs[32];

    CHECK_INT(fetch_charset("text/xml; charset=ISO-8859-1", cs, sizeof(cs)), 1);
    CHECK_STR(cs, "ISO-8859-1");
    CHECK_INT(fetch_charset("application/rss+xml;charset=\"windows-1251\"", cs, sizeof(cs)), 1);
    CHECK_STR(cs, "windows-1251");
    CHECK_INT(fetch_charset("text/html; Charset = utf-8 ; foo=bar", cs, sizeof(cs)), 1);
    CHECK_STR(cs, "utf-8");
    CHECK_INT(fetch_charset("text/html; foo=bar; charset=koi8-r", cs, sizeof(cs)), 1);
    CHECK_STR(cs, "koi8-r");
    CHECK_INT(fetch_charset("text/html; xcharset=koi8-r", cs, sizeof(cs)), 0);
    CHECK_INT(fetch_charset("text/html; charsetx=koi8-r", cs, sizeof(cs)), 0);
    CHECK_INT(fetch_charset("text/html", cs, sizeof(cs)), 0);
    CHECK_INT(fetch_charset("text/html; charset=", cs, sizeof(cs)), 0);
    CHECK_INT(fetch_charset("text/html; charset=\"\"", cs, sizeof(cs)), 0);
    CHECK_INT(fetch_charset("text/html; charset=utf<8", cs, sizeof(cs)), 0);
    CHECK_INT(fetch_charset("text/html; charset=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", cs,
                            sizeof(cs)),
              0);
    CHECK_INT(fetch_charset(NULL, cs, sizeof(cs)), 0);
}

static void
test_retry_after(void)
{
    int64_t now = time_from_civil(2025, 8, 7, 12, 0, 0);
    const char *d = "Thu, 07 Aug 2025 12:02:00 GMT";

    CHECK_INT(fetch_retry_after("120", 3, now), 120);
    CHECK_INT(fetch_retry_after(" 0 ", 3, now), 0);
    CHECK_INT(fetch_retry_after(d, strlen(d), now), 120);
    d = "Thu, 07 Aug 2025 11:00:00 GMT";
    CHECK_INT(fetch_retry_after(d, strlen(d), now), 0);
    CHECK_INT(fetch_retry_after("soon", 4, now), -1);
    CHECK_INT(fetch_retry_after("", 0, now), -1);
    CHECK_INT(fetch_retry_after("-5", 2, now), -1);
    CHECK_INT(fetch_retry_after("12s", 3, now), -1);
    CHECK(fetch_retry_after("99999999999999999999999", 23, now) > 0);
}

/* ---- the fetcher against a loopback server ---- */

/*
 * A tiny HTTP/1.1 server: one thread per connection, one request per
 * connection (Connection: close).  The path picks the answer.
 */
struct srv {
    int fd;
    unsigned port;
    pthread_t thread;
    atomic_int stop;
    atomic_int active; /* requests being answered now */
    atomic_int max_active;
    atomic_int hits;
    pthread_mutex_t mu;
    char last_inm[256];
    char last_ims[256];
    char last_ua[256];
    char last_ae[256];
    int64_t starts[64]; /* ms of each request's arrival */
    int nstarts;
};

static struct srv server;

static void
header_value(const char *req, const char *name, char *out, size_t n)
{
    const char *p = str_casestr(req, strlen(req), name);

    out[0] = '\0';
    if (!p)
        return;
    p += strlen(name);
    while (*p == ' ')
        p++;
    size_t k = 0;
    while (p[k] && p[k] != '\r' && k + 1 < n)
        k++;
    memcpy(out, p, k);
    out[k] = '\0';
}

static void
send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void
respond(int fd, int status, const char *extra, const char *body, size_t len)
{
    char head[1024];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
                     len, extra ? extra : "");

    send_all(fd, head, (size_t)n);
    if (body && len)
        send_all(fd, body, len);
}

static const char feed_body[] = "<rss><channel><title>t</title></channel></rss>";

static void *
serve_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char req[4096];
    size_t got = 0;
    char path[512];
    int a;

    while (got < sizeof(req) - 1) {
        ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);

        if (r <= 0)
            break;
        got += (size_t)r;
        req[got] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[got] = '\0';
    a = atomic_fetch_add(&server.active, 1) + 1;
    for (int m = atomic_load(&server.max_active); a > m; m = atomic_load(&server.max_active))
        if (atomic_compare_exchange_weak(&server.max_active, &m, a))
            break;
    atomic_fetch_add(&server.hits, 1);
    pthread_mutex_lock(&server.mu);
    header_value(req, "If-None-Match:", server.last_inm, sizeof(server.last_inm));
    header_value(req, "If-Modified-Since:", server.last_ims, sizeof(server.last_ims));
    header_value(req, "User-Agent:", server.last_ua, sizeof(server.last_ua));
    header_value(req, "Accept-Encoding:", server.last_ae, sizeof(server.last_ae));
    if (server.nstarts < 64)
        server.starts[server.nstarts++] = time_mono_ms();
    pthread_mutex_unlock(&server.mu);
    path[0] = '\0';
    if (sscanf(req, "GET %511s ", path) != 1)
        path[0] = '\0';

    if (!strcmp(path, "/feed")) {
        if (strstr(req, "If-None-Match: \"v1\""))
            respond(fd, 304, "ETag: \"v1\"\r\n", NULL, 0);
        else
            respond(fd, 200,
                    "ETag: \"v1\"\r\nLast-Modified: Tue, 05 Aug 2025 10:00:00 GMT\r\n"
                    "Content-Type: application/rss+xml; charset=\"ISO-8859-1\"\r\n",
                    feed_body, sizeof(feed_body) - 1);
    } else if (!strcmp(path, "/p1")) {
        respond(fd, 301, "Location: /p2\r\n", NULL, 0);
    } else if (!strcmp(path, "/p2")) {
        respond(fd, 308, "Location: /feed\r\n", NULL, 0);
    } else if (!strcmp(path, "/pt")) {
        respond(fd, 301, "Location: /t1\r\n", NULL, 0);
    } else if (!strcmp(path, "/t1")) {
        respond(fd, 302, "Location: /p2\r\n", NULL, 0);
    } else if (!strcmp(path, "/tp")) {
        respond(fd, 302, "Location: /p1\r\n", NULL, 0);
    } else if (!strcmp(path, "/p404")) {
        respond(fd, 301, "Location: /nothing\r\n", NULL, 0);
    } else if (!strcmp(path, "/loop")) {
        respond(fd, 302, "Location: /loop\r\n", NULL, 0);
    } else if (!strcmp(path, "/ftp")) {
        respond(fd, 301, "Location: ftp://127.0.0.1/feed\r\n", NULL, 0);
    } else if (!strcmp(path, "/file")) {
        respond(fd, 302, "Location: file:///etc/passwd\r\n", NULL, 0);
    } else if (!strcmp(path, "/big")) {
        /* no Content-Length: the limit must trip in the write callback */
        static char chunk[4096];
        const char *h = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";

        memset(chunk, 'x', sizeof(chunk));
        send_all(fd, h, strlen(h));
        for (int i = 0; i < 64 && !atomic_load(&server.stop); i++)
            send_all(fd, chunk, sizeof(chunk));
    } else if (!strcmp(path, "/biglen")) {
        respond(fd, 200, NULL, NULL, 0);
    } else if (!strcmp(path, "/slow")) {
        sleep_ms(1500);
        respond(fd, 200, NULL, feed_body, sizeof(feed_body) - 1);
    } else if (!strncmp(path, "/wait", 5)) {
        sleep_ms(200);
        /* leave the count before answering: the client starts the next one after */
        atomic_fetch_sub(&server.active, 1);
        respond(fd, 200, NULL, "ok", 2);
        close(fd);
        return NULL;
    } else if (!strcmp(path, "/busy")) {
        respond(fd, 503, "Retry-After: 120\r\n", NULL, 0);
    } else {
        respond(fd, 404, NULL, "no", 2);
    }
    atomic_fetch_sub(&server.active, 1);
    close(fd);
    return NULL;
}

static void *
serve_loop(void *arg)
{
    (void)arg;
    while (!atomic_load(&server.stop)) {
        int c = accept(server.fd, NULL, NULL);
        pthread_t t;

        if (c < 0)
            continue;
        if (atomic_load(&server.stop)) {
            close(c);
            break;
        }
        if (pthread_create(&t, NULL, serve_conn, (void *)(intptr_t)c) == 0)
            pthread_detach(t);
        else
            close(c);
    }
    return NULL;
}

static void
server_start(void)
{
    struct sockaddr_in in;
    socklen_t len = sizeof(in);
    int one = 1;

    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    server.fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(server.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    CHECK_INT(bind(server.fd, (struct sockaddr *)&in, sizeof(in)), 0);
    CHECK_INT(listen(server.fd, 64), 0);
    getsockname(server.fd, (struct sockaddr *)&in, &len);
    server.port = ntohs(in.sin_port);
    pthread_mutex_init(&server.mu, NULL);
    pthread_create(&server.thread, NULL, serve_loop, NULL);
}

static void
server_stop(void)
{
    struct sockaddr_in in;
    int fd;

    atomic_store(&server.stop, 1);
    /* wake accept() */
    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    in.sin_port = htons((uint16_t)server.port);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&in, sizeof(in)) == 0)
        close(fd);
    else
        close(fd);
    pthread_join(server.thread, NULL);
    close(server.fd);
    sleep_ms(100); /* let detached connection threads finish */
}

/* A copy of what the callback saw. */
struct seen {
    int calls;
    int status;
    int code;
    char error[512];
    char final_url[512];
    char moved_to[512];
    char etag[128];
    char last_modified[128];
    char charset[64];
    char body[512];
    size_t body_len;
    int redirects;
    int64_t retry_after;
};

static void
copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static void
on_done(struct fetch_result *r, void *ctx)
{
    struct seen *s = r->user;

    (void)ctx;
    s->calls++;
    s->status = r->status;
    s->code = r->code;
    copy_str(s->error, sizeof(s->error), r->error);
    copy_str(s->final_url, sizeof(s->final_url), r->final_url);
    copy_str(s->moved_to, sizeof(s->moved_to), r->moved_to);
    copy_str(s->etag, sizeof(s->etag), r->etag);
    copy_str(s->last_modified, sizeof(s->last_modified), r->last_modified);
    copy_str(s->charset, sizeof(s->charset), r->charset);
    s->body_len = r->body.len;
    copy_str(s->body, sizeof(s->body), r->body.p);
    s->redirects = r->redirects;
    s->retry_after = r->retry_after;
}

static void
options(struct fetch_options *o, int allow_private)
{
    memset(o, 0, sizeof(*o));
    o->concurrency = 8;
    o->per_host = 8;
    o->host_delay_ms = 0;
    o->timeout_ms = 5000;
    o->connect_ms = 2000;
    o->max_bytes = 64 * 1024;
    o->user_agent = "gazette-test/1";
    o->allow_private = allow_private;
}

static char *
url(const char *path)
{
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ % 8];

    snprintf(b, 256, "http://127.0.0.1:%u%s", server.port, path);
    return b;
}

/* Fetch one URL with validators; the result lands in *s. */
static void
fetch_one(const struct fetch_options *o, const char *u, const char *etag, const char *lm,
          struct seen *s)
{
    struct fetcher *f = NULL;
    struct fetch_request rq = {u, etag, lm, s};

    memset(s, 0, sizeof(*s));
    CHECK_INT(fetch_new(&f, o, NULL), 0);
    fetch_add(f, &rq);
    CHECK_INT(fetch_run(f, on_done, NULL), 0);
    fetch_free(f);
    CHECK_INT(s->calls, 1);
}

static void
test_fetch_basic(void)
{
    struct fetch_options o;
    struct seen s;

    options(&o, 1);
    fetch_one(&o, url("/feed"), NULL, NULL, &s);
    CHECK_INT(s.code, 0);
    CHECK_INT(s.status, 200);
    CHECK_STR(s.body, feed_body);
    CHECK_STR(s.etag, "\"v1\"");
    CHECK_STR(s.last_modified, "Tue, 05 Aug 2025 10:00:00 GMT");
    CHECK_STR(s.charset, "ISO-8859-1");
    CHECK_STR(s.moved_to, "");
    CHECK_INT(s.retry_after, -1);
    CHECK_STR(server.last_ua, "gazette-test/1");
    CHECK_CONTAINS(server.last_ae, "gzip");
    CHECK_STR(server.last_inm, "");

    /* conditional GET: validators sent, 304, no body */
    fetch_one(&o, url("/feed"), "\"v1\"", "Tue, 05 Aug 2025 10:00:00 GMT", &s);
    CHECK_INT(s.code, 0);
    CHECK_INT(s.status, 304);
    CHECK_INT(s.body_len, 0);
    CHECK_STR(server.last_inm, "\"v1\"");
    CHECK_STR(server.last_ims, "Tue, 05 Aug 2025 10:00:00 GMT");

    /* a validator with a line break is not sent (no header injection) */
    fetch_one(&o, url("/feed"), "\"v1\"\r\nX-Evil: 1", NULL, &s);
    CHECK_INT(s.status, 200);
    CHECK_STR(server.last_inm, "");

    /* an HTTP error is a completed transfer with its status */
    fetch_one(&o, url("/missing"), NULL, NULL, &s);
    CHECK_INT(s.code, 0);
    CHECK_INT(s.status, 404);

    fetch_one(&o, url("/busy"), NULL, NULL, &s);
    CHECK_INT(s.status, 503);
    CHECK_INT(s.retry_after, 120);
}

static void
test_fetch_redirects(void)
{
    struct fetch_options o;
    struct seen s;

    options(&o, 1);
    /* 301 then 308: permanent all the way */
    fetch_one(&o, url("/p1"), NULL, NULL, &s);
    CHECK_INT(s.status, 200);
    CHECK_INT(s.redirects, 2);
    CHECK_STR(s.final_url, url("/feed"));
    CHECK_STR(s.moved_to, url("/feed"));
    /* 301 then 302: only the first hop is permanent */
    fetch_one(&o, url("/pt"), NULL, NULL, &s);
    CHECK_INT(s.status, 200);
    CHECK_STR(s.final_url, url("/feed"));
    CHECK_STR(s.moved_to, url("/t1"));
    /* 302 first: nothing permanent */
    fetch_one(&o, url("/tp"), NULL, NULL, &s);
    CHECK_INT(s.status, 200);
    CHECK_STR(s.moved_to, "");
    /* a permanent redirect into a 404 proves nothing */
    fetch_one(&o, url("/p404"), NULL, NULL, &s);
    CHECK_INT(s.status, 404);
    CHECK_STR(s.moved_to, "");
    /* loops end */
    fetch_one(&o, url("/loop"), NULL, NULL, &s);
    CHECK_INT(s.code, GZ_ELIMIT);
    CHECK_STR(s.error, "more than 5 redirects");
    /* other schemes are refused */
    fetch_one(&o, url("/ftp"), NULL, NULL, &s);
    CHECK_INT(s.code, GZ_EDENIED);
    CHECK_CONTAINS(s.error, "redirect to 'ftp://127.0.0.1/feed' refused");
    fetch_one(&o, url("/file"), NULL, NULL, &s);
    CHECK_INT(s.code, GZ_EDENIED);
    CHECK_CONTAINS(s.error, "only http and https");
}

static void
test_fetch_refusals(void)
{
    struct fetch_options o;
    struct seen s;
    int hits;

    options(&o, 0);
    hits = atomic_load(&server.hits);
    fetch_one(&o, url("/feed"), NULL, NULL, &s);
    CHECK_INT(s.code, GZ_EDENIED);
    CHECK_CONTAINS(s.error, "refused to connect to 127.0.0.1: a private address (loopback)");
    CHECK_INT(atomic_load(&server.hits), hits); /* never connected */

    /* a name is judged by the address it resolves to */
    {
        char lh[128];

        snprintf(lh, sizeof(lh), "http://localhost:%u/feed", server.port);
        fetch_one(&o, lh, NULL, NULL, &s);
        CHECK_INT(s.code, GZ_EDENIED);
        CHECK_CONTAINS(s.error, "a private address (loopback)");
        CHECK_INT(atomic_load(&server.hits), hits);
    }

    options(&o, 0);
    fetch_one(&o, "ftp://127.0.0.1/x", NULL, NULL, &s);
    CHECK_INT(s.code, GZ_EINVAL);
    CHECK_CONTAINS(s.error, "only http and https");
    fetch_one(&o, "file:///etc/passwd", NULL, NULL, &s);
    CHECK_INT(s.code, GZ_EINVAL);
    fetch_one(&o, "not a url", NULL, NULL, &s);
    CHECK_INT(s.code, GZ_EINVAL);
    CHECK_INT(atomic_load(&server.hits), hits);
}

static void
test_fetch_limits(void)
{
    struct fetch_options o;
    struct seen s;

    options(&o, 1);
    o.max_bytes = 10000;
    fetch_one(&o, url("/big"), NULL, NULL, &s);
    CHECK_INT(s.code, GZ_ELIMIT);
    CHECK_STR(s.error, "body larger than 10000 bytes");
    CHECK_INT(s.body_len, 0);

    options(&o, 1);
    o.timeout_ms = 300;
    fetch_one(&o, url("/slow"), NULL, NULL, &s);
    CHECK_INT(s.code, GZ_ETIMEOUT);
    CHECK_CONTAINS(s.error, "timed out after");
}

static void
test_fetch_politeness(void)
{
    struct fetch_options o;
    struct fetcher *f = NULL;
    struct seen s[6];
    int64_t t0;

    /* per-host limit: six slow requests, at most two at once */
    options(&o, 1);
    o.per_host = 2;
    for (int i = 0; i < 60 && atomic_load(&server.active); i++)
        sleep_ms(50); /* the slow answers of the tests before */
    atomic_store(&server.max_active, 0);
    CHECK_INT(fetch_new(&f, &o, NULL), 0);
    for (int i = 0; i < 6; i++) {
        char path[32];
        struct fetch_request rq;

        memset(&s[i], 0, sizeof(s[i]));
        snprintf(path, sizeof(path), "/wait%d", i);
        rq = (struct fetch_request){url(path), NULL, NULL, &s[i]};
        fetch_add(f, &rq);
    }
    CHECK_INT(fetch_run(f, on_done, NULL), 0);
    fetch_free(f);
    for (int i = 0; i < 6; i++) {
        CHECK_INT(s[i].calls, 1);
        CHECK_INT(s[i].status, 200);
    }
    /* never more than two at once (that two did overlap is likely, not certain, on a busy machine)
     */
    CHECK(atomic_load(&server.max_active) >= 1 && atomic_load(&server.max_active) <= 2);

    /* host delay: starts at least 150 ms apart */
    options(&o, 1);
    o.host_delay_ms = 150;
    pthread_mutex_lock(&server.mu);
    server.nstarts = 0;
    pthread_mutex_unlock(&server.mu);
    t0 = time_mono_ms();
    CHECK_INT(fetch_new(&f, &o, NULL), 0);
    for (int i = 0; i < 3; i++) {
        struct fetch_request rq = {url("/feed"), NULL, NULL, &s[i]};

        memset(&s[i], 0, sizeof(s[i]));
        fetch_add(f, &rq);
    }
    CHECK_INT(fetch_run(f, on_done, NULL), 0);
    fetch_free(f);
    CHECK(time_mono_ms() - t0 >= 300);
    pthread_mutex_lock(&server.mu);
    CHECK_INT(server.nstarts, 3);
    /* request i cannot arrive before i delays have passed since the start;
     * gaps between arrivals would also count the server thread's own
     * scheduling delays, so they are not what is checked */
    for (int i = 1; i < server.nstarts && i < 3; i++)
        CHECK(server.starts[i] - t0 >= i * 150 - 5);
    pthread_mutex_unlock(&server.mu);
}

/* Each callback adds the next request, as `gazette add` does when it tries a page's feeds. */
struct chain {
    struct fetcher *f;
    int left;
    int done;
};

static void
on_chain(struct fetch_result *r, void *ctx)
{
    struct chain *c = ctx;

    (void)r;
    c->done++;
    if (c->left-- > 0) {
        struct fetch_request rq = {url("/feed"), NULL, NULL, NULL};

        fetch_add(c->f, &rq);
    }
}

static void
test_fetch_chain(void)
{
    struct fetch_options o;
    struct chain c = {NULL, 4, 0};
    struct fetch_request rq = {url("/feed"), NULL, NULL, NULL};
    int64_t t0 = time_mono_ms();

    options(&o, 1);
    CHECK_INT(fetch_new(&c.f, &o, NULL), 0);
    fetch_add(c.f, &rq);
    CHECK_INT(fetch_run(c.f, on_chain, &c), 0);
    fetch_free(c.f);
    CHECK_INT(c.done, 5);
    /* a request added from a callback starts at once, not at the next idle wake-up (1 s) */
    CHECK(time_mono_ms() - t0 < 2500);
}

struct cancel_arg {
    struct fetcher *f;
};

static void *
cancel_later(void *arg)
{
    struct cancel_arg *c = arg;

    sleep_ms(200);
    fetch_cancel(c->f);
    return NULL;
}

static void
test_fetch_cancel(void)
{
    struct fetch_options o;
    struct fetcher *f = NULL;
    struct seen s[3];
    struct cancel_arg ca;
    pthread_t t;
    int64_t t0 = time_mono_ms();

    options(&o, 1);
    o.per_host = 1;
    CHECK_INT(fetch_new(&f, &o, NULL), 0);
    for (int i = 0; i < 3; i++) {
        struct fetch_request rq = {url("/slow"), NULL, NULL, &s[i]};

        memset(&s[i], 0, sizeof(s[i]));
        fetch_add(f, &rq);
    }
    ca.f = f;
    pthread_create(&t, NULL, cancel_later, &ca);
    CHECK_INT(fetch_run(f, on_done, NULL), 0);
    pthread_join(t, NULL);
    fetch_free(f);
    CHECK(time_mono_ms() - t0 < 1400);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(s[i].calls, 1);
        CHECK_INT(s[i].code, GZ_EBUSY);
        CHECK_STR(s[i].error, "cancelled");
    }
}

static void
test_fetch_server(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    server_start();
    test_fetch_basic();
    test_fetch_redirects();
    test_fetch_refusals();
    test_fetch_limits();
    test_fetch_politeness();
    test_fetch_chain();
    test_fetch_cancel();
    server_stop();
    curl_global_cleanup();
}

static const struct unit_test tests[] = {
    {"addr_table", test_addr_table},
    {"addr_sweep", test_addr_sweep},
    {"addr_other_families", test_addr_other_families},
    {"opensocket_hook", test_opensocket_hook},
    {"status_line", test_status_line},
    {"header_split", test_header_split},
    {"charset", test_charset},
    {"retry_after", test_retry_after},
    {"fetcher", test_fetch_server},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
