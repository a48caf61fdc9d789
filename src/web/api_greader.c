/*
 * api_greader.c - the Google Reader API as FreshRSS and Miniflux serve it,
 * for NetNewsWire, Reeder, Read You, FeedMe, Fluent Reader and others.
 *
 * Addresses: /accounts/ClientLogin and /reader/api/0/..., also under
 * /api/greader.php (the address apps offer for "FreshRSS" accounts).
 *
 * Sign-in: ClientLogin takes Email (the user name) and Passwd (the API
 * password; the log-in password never works here) and answers SID, LSID
 * and Auth lines (JSON with output=json).  Its failures count towards the
 * account's log-in throttle (web/auth.h), as the site's log-in form does.  Auth is a random token
 * whose SHA-256 the database keeps; apps send it as "Authorization: GoogleLogin auth=TOKEN".  A new
 * API password ends every token.  /reader/api/0/token gives the action token T, derived from the
 * auth token; a POST that sends T must send that one (apps that send none still authenticate by the
 * header, which another site cannot forge).
 *
 * Streams: user/-/state/com.google/reading-list, .../starred, .../read,
 * feed/ID (or feed/URL), user/-/label/NAME (the reader's category); any
 * user id may stand for "-".  Filters: xt (exclude, e.g. read), it
 * (include), n (count; at most 10,000 ids or 1,000 items), r=o (oldest
 * first), ot/nt (arrived after / before, Unix seconds), c (continuation,
 * opaque to apps: an article id).  Items are the articles in arrival
 * order; ids come in both forms, tag:google.com,2005:reader/item/<16 hex>
 * and decimal.  Mutes apply to every listing.
 *
 * unread-count scans at most the newest 10,000 unread articles (Google
 * Reader capped its counts at 1,000): "max" says so.
 */
#include "web/page.h"

#include "reader/reader.h"
#include "reader/rules.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/hmap.h"
#include "util/log.h"
#include "util/str.h"
#include "util/url.h"
#include "web/api_reader.h"
#include "web/auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define GR_MAX_IDS STORE_READER_MAX
#define GR_MAX_ITEMS 1000
#define GR_MAX_EDIT 1000 /* item ids one edit-tag or contents call takes */
#define GR_T_LEN 57
#define GR_ITEM_PREFIX "tag:google.com,2005:reader/item/"

enum gr_stream {
    GR_BAD = 0,
    GR_READING_LIST,
    GR_STARRED,
    GR_READ,
    GR_UNREAD,
    GR_FEED,
    GR_LABEL,
};

struct gr_ctx {
    struct req *r;
    struct reader_user u;
    char token_hash[AUTH_TOKEN_HASH_LEN + 1];
    struct gz_err err;
};

/* ---- sign-in ---- */

static int
unauthorized(struct req *r)
{
    web_header(r, "Google-Bad-Token", "true");
    return api_text(r, 401, "Unauthorized\n");
}

int
api_greader_login(struct req *r, const char *arg)
{
    const char *email = api_param(r, "Email");
    const char *passwd = api_param(r, "Passwd");
    const char *output = api_param(r, "output");
    struct gz_err err = GZ_ERR_INIT;
    struct store_user u = {0};
    struct store_reader_prefs p;
    char tok[AUTH_TOKEN_LEN + 1];
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    int64_t wait = 0;
    int found = 0;
    int rc;

    (void)arg;
    if (!email || !*email || !passwd || !*passwd)
        return api_text(r, 401, "Error=BadAuthentication\n");
    rc = auth_login_throttled(r, email, &wait, &err);
    if (rc < 0)
        goto fail;
    if (rc) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
        return api_text(r, 429, "Error=TooManyAttempts\n");
    }
    if (!auth_name_check(email, NULL)) {
        rc = store_user_find(r->st, email, r->a, &u, &err);
        if (rc && rc != GZ_ENOTFOUND)
            goto fail;
        found = rc == 0;
    }
    memset(&p, 0, sizeof(p));
    if (found && (rc = store_reader_prefs_get(r->st, u.id, r->a, &p, &err)))
        goto fail;
    /* the same work whether the account or its API password exists or not */
    if (!auth_password_verify(found ? p.api_hash : NULL, passwd)) {
        if ((rc = auth_login_failed(r, email, &err)))
            goto fail;
        return api_text(r, 401, "Error=BadAuthentication\n");
    }
    auth_token_new(tok);
    if (auth_token_hash(tok, hash) ||
        (rc = store_reader_token_add(r->st, hash, u.id, r->now, &err)) ||
        (rc = auth_login_cleared(r, email, &err)))
        goto fail;
    log_info("msg=\"API sign-in\" user=%lld", (long long)u.id);
    if (output && !strcmp(output, "json"))
        return api_json(r, json_pack("{s:s,s:s,s:s}", "SID", tok, "LSID", tok, "Auth", tok));
    buf_reset(&r->out);
    buf_addf(&r->out, "SID=%s\nLSID=%s\nAuth=%s\n", tok, tok, tok);
    r->content_type = "text/plain; charset=utf-8";
    r->flags |= REQ_PRIVATE;
    sodium_memzero(tok, sizeof(tok));
    return 0;
fail:
    log_error("msg=\"ClientLogin failed\" err=\"%s\"", err.msg);
    return -1;
}

/* The T token of an auth token: hex of SHA-256("T" + its hash), 57 characters as Google's were. */
static void
action_token(const char *token_hash, char out[GR_T_LEN + 1])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256_state s;

    crypto_hash_sha256_init(&s);
    crypto_hash_sha256_update(&s, (const unsigned char *)"T", 1);
    crypto_hash_sha256_update(&s, (const unsigned char *)token_hash, strlen(token_hash));
    crypto_hash_sha256_final(&s, h);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    memcpy(out, hex, GR_T_LEN);
    out[GR_T_LEN] = '\0';
}

/* 1 signed in (c->u loaded), 0 answered (401/429), < 0 error. */
static int
gr_auth(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char *h = web_req_header(r, "Authorization");
    const char *tok = NULL;
    int64_t uid = 0;
    int rc;

    if ((rc = api_throttled(r)))
        return rc < 0 ? rc : 0;
    if (h && !str_ncasecmp(h, "GoogleLogin", 11)) {
        const char *p = strstr(h, "auth=");

        tok = p ? p + 5 : NULL;
    }
    if (!tok || auth_token_hash(tok, c->token_hash)) {
        api_failed(r);
        unauthorized(r);
        return 0;
    }
    rc = store_reader_token_user(r->st, c->token_hash, &uid, &c->err);
    if (rc == GZ_ENOTFOUND) {
        api_failed(r);
        unauthorized(r);
        return 0;
    }
    if (rc || (rc = reader_user_load(r->st, uid, r->a, &c->u, &c->err)))
        return rc;
    if (!strcmp(r->method, "POST")) {
        const char *t = api_param(r, "T");
        char want[GR_T_LEN + 1];

        action_token(c->token_hash, want);
        if (t && *t && !auth_token_eq(t, want) && !auth_token_eq(t, tok)) {
            unauthorized(r);
            return 0;
        }
    }
    return 1;
}

/* ---- streams and ids ---- */

/* Parse a stream id; *arg gets a feed's id or url, or a label's name. */
static enum gr_stream
parse_stream(const char *s, const char **arg)
{
    const char *rest;

    *arg = NULL;
    if (!s)
        return GR_BAD;
    if (str_has_prefix(s, "feed/")) {
        *arg = s + 5;
        return **arg ? GR_FEED : GR_BAD;
    }
    if (!str_has_prefix(s, "user/"))
        return GR_BAD;
    rest = strchr(s + 5, '/'); /* past user/<id> */
    if (!rest)
        return GR_BAD;
    rest++;
    if (str_has_prefix(rest, "label/")) {
        *arg = rest + 6;
        return **arg ? GR_LABEL : GR_BAD;
    }
    if (!strcmp(rest, "state/com.google/reading-list"))
        return GR_READING_LIST;
    if (!strcmp(rest, "state/com.google/starred"))
        return GR_STARRED;
    if (!strcmp(rest, "state/com.google/read"))
        return GR_READ;
    if (!strcmp(rest, "state/com.google/kept-unread") || !strcmp(rest, "state/com.google/unread"))
        return GR_UNREAD;
    return GR_BAD;
}

/* An item id in either form; 0 when it is neither. */
static int64_t
parse_item(const char *s)
{
    const char *hex = NULL;
    int64_t v = 0;

    if (!s)
        return 0;
    if (str_has_prefix(s, GR_ITEM_PREFIX))
        hex = s + strlen(GR_ITEM_PREFIX);
    else if (strlen(s) == 16 && strspn(s, "0123456789abcdefABCDEF") == 16 &&
             strspn(s, "0123456789") != 16)
        hex = s; /* the long form's hex without its prefix */
    if (!hex)
        return api_id(s);
    if (!*hex || strlen(hex) > 16 || strspn(hex, "0123456789abcdefABCDEF") != strlen(hex))
        return 0;
    for (const char *p = hex; *p; p++) {
        int d = *p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10;

        if ((uint64_t)v >> 59)
            return 0;
        v = v * 16 + d;
    }
    return v > 0 ? v : 0;
}

/* The source of a feed stream argument (an id, or a feed URL); 0 when unknown. */
static int64_t
feed_source(struct gr_ctx *c, const char *arg)
{
    struct store_source src;
    int64_t id = api_id(arg);

    if (id)
        return id;
    if (!store_source_by_url(c->r->st, arg, c->r->a, &src, NULL))
        return src.id;
    return 0;
}

/* Fill q from a stream and the common filters; 0, or 1 after answering 400. */
static int
stream_query(struct gr_ctx *c, const char *stream, int64_t max_n, struct store_reader_query *q)
{
    struct req *r = c->r;
    const char *arg = NULL;
    enum gr_stream kind = parse_stream(stream, &arg);
    const char *n_s = api_param(r, "n");
    const char *order = api_param(r, "r");
    const char *ot = api_param(r, "ot");
    const char *nt = api_param(r, "nt");
    const char *cont = api_param(r, "c");
    const char **xt = NULL;
    const char **it = NULL;
    size_t nxt = api_params(r, "xt", &xt, 8);
    size_t nit = api_params(r, "it", &it, 8);
    int64_t n = 20;

    reader_query(&c->u, READER_ANY, 20, q);
    switch (kind) {
    case GR_BAD:
        api_text(r, 400, "Bad Request: unknown stream\n");
        return 1;
    case GR_READING_LIST:
        break;
    case GR_STARRED:
        q->state = READER_STARRED;
        break;
    case GR_READ:
        q->state = READER_READ;
        break;
    case GR_UNREAD:
        q->state = READER_UNREAD;
        break;
    case GR_FEED:
        q->source_id = feed_source(c, arg);
        if (!q->source_id) {
            api_text(r, 400, "Bad Request: unknown feed\n");
            return 1;
        }
        break;
    case GR_LABEL:
        if (store_reader_category_find(r->st, c->u.id, arg, &q->category_id, NULL)) {
            api_text(r, 400, "Bad Request: unknown label\n");
            return 1;
        }
        break;
    }
    for (size_t i = 0; i < nxt; i++) {
        const char *a2;
        enum gr_stream x = parse_stream(xt[i], &a2);

        if (x == GR_READ && q->state == READER_ANY)
            q->state = READER_UNREAD;
        else if (x == GR_UNREAD && q->state == READER_ANY)
            q->state = READER_READ;
    }
    for (size_t i = 0; i < nit; i++) {
        const char *a2;
        enum gr_stream x = parse_stream(it[i], &a2);

        if (x == GR_READ && q->state == READER_ANY)
            q->state = READER_READ;
        else if (x == GR_UNREAD && q->state == READER_ANY)
            q->state = READER_UNREAD;
        else if (x == GR_STARRED)
            q->state = READER_STARRED;
    }
    if (n_s && !str_to_i64(n_s, 1, INT64_MAX, &n))
        n = n > max_n ? max_n : n;
    else
        n = 20;
    q->limit = n;
    q->ascending = order && !strcmp(order, "o");
    if (ot)
        q->fetched_min = api_id(ot);
    if (nt)
        q->fetched_max = api_id(nt);
    if (cont && api_id(cont)) {
        if (q->ascending)
            q->after_id = api_id(cont);
        else
            q->before_id = api_id(cont);
    }
    return 0;
}

static int
stream_ids(struct gr_ctx *c)
{
    struct req *r = c->r;
    struct store_reader_query q;
    struct reader_page page;
    json_t *refs;
    json_t *out;
    int rc;

    if (stream_query(c, api_param(r, "s"), GR_MAX_IDS, &q))
        return 0;
    if ((rc = reader_list(r->st, &c->u, &q, r->a, &page, &c->err)))
        return rc;
    refs = json_array();
    for (size_t i = 0; i < page.n; i++) {
        char id[24];
        char ts[32];

        snprintf(id, sizeof(id), "%lld", (long long)page.items[i].it.id);
        snprintf(ts, sizeof(ts), "%lld000000", (long long)page.items[i].it.fetched);
        json_array_append_new(refs, json_pack("{s:s,s:s}", "id", id, "timestampUsec", ts));
    }
    out = json_pack("{s:o}", "itemRefs", refs);
    if (page.next)
        json_object_set_new(out, "continuation",
                            json_string(arena_printf(r->a, "%lld", (long long)page.next)));
    return api_json(r, out);
}

/* The categories of an item: reading-list, its label, read (or fresh), starred. */
static json_t *
item_categories(struct req *r, const struct store_reader_article *x)
{
    json_t *cats = json_array();

    json_array_append_new(cats, json_string("user/-/state/com.google/reading-list"));
    if (x->category && *x->category)
        json_array_append_new(cats, api_str(arena_printf(r->a, "user/-/label/%s", x->category)));
    json_array_append_new(cats, json_string(x->read ? "user/-/state/com.google/read"
                                                    : "user/-/state/com.google/fresh"));
    if (x->starred)
        json_array_append_new(cats, json_string("user/-/state/com.google/starred"));
    return cats;
}

static json_t *
item_json(struct req *r, const struct store_reader_article *x)
{
    const struct store_article *a = &x->art;
    const char *body = api_body_html(r, a);
    const char *url = a->url && url_is_http(a->url) ? a->url : "";
    int64_t published = a->published ? a->published : a->fetched;
    json_t *j = json_object();

    json_object_set_new(
        j, "id", api_str(arena_printf(r->a, GR_ITEM_PREFIX "%016llx", (unsigned long long)a->id)));
    json_object_set_new(j, "crawlTimeMsec",
                        api_str(arena_printf(r->a, "%lld000", (long long)a->fetched)));
    json_object_set_new(j, "timestampUsec",
                        api_str(arena_printf(r->a, "%lld000000", (long long)a->fetched)));
    json_object_set_new(j, "published", json_integer(published));
    json_object_set_new(j, "updated", json_integer(a->updated ? a->updated : published));
    json_object_set_new(j, "title", api_str(a->title));
    json_object_set_new(j, "author", api_str(a->author));
    json_object_set_new(j, "canonical", json_pack("[{s:o}]", "href", api_str(url)));
    json_object_set_new(j, "alternate",
                        json_pack("[{s:o,s:s}]", "href", api_str(url), "type", "text/html"));
    json_object_set_new(j, "summary",
                        json_pack("{s:s,s:o}", "direction", "ltr", "content", api_str(body)));
    json_object_set_new(j, "content",
                        json_pack("{s:s,s:o}", "direction", "ltr", "content", api_str(body)));
    json_object_set_new(j, "categories", item_categories(r, x));
    json_object_set_new(j, "origin",
                        json_pack("{s:o,s:o,s:o}", "streamId",
                                  api_str(arena_printf(r->a, "feed/%lld", (long long)a->source_id)),
                                  "title", api_str(x->feed_title), "htmlUrl",
                                  api_str(a->source_site)));
    return j;
}

/* The items ids[0..n) as a stream/contents answer (continuation when next). */
static int
contents(struct gr_ctx *c, const char *stream, const int64_t *ids, size_t n, int ascending,
         int64_t next, int filter)
{
    struct req *r = c->r;
    struct store_reader_article *arts = NULL;
    struct store_reader_tag *tags = NULL;
    size_t narts = 0;
    size_t ntags = 0;
    json_t *items = json_array();
    json_t *out;
    int rc;

    rc = store_reader_articles(r->st, c->u.id, c->u.prefs.read_before, ids, n, ascending, r->a,
                               &arts, &narts, &c->err);
    if (!rc && filter && rules_need_tags(c->u.rules))
        rc = store_reader_tags(r->st, ids, n, r->a, &tags, &ntags, &c->err);
    if (rc) {
        json_decref(items);
        return rc;
    }
    for (size_t i = 0; i < narts; i++) {
        if (filter && reader_judge(&c->u, &arts[i].art, tags, ntags) == RULES_MUTE)
            continue;
        json_array_append_new(items, item_json(r, &arts[i]));
    }
    out = json_pack("{s:s,s:o,s:s,s:I,s:o}", "direction", "ltr", "id", api_str(stream), "title",
                    "gazette", "updated", (json_int_t)r->now, "items", items);
    if (next)
        json_object_set_new(out, "continuation",
                            json_string(arena_printf(r->a, "%lld", (long long)next)));
    return api_json(r, out);
}

/* stream/contents/<stream> and stream/contents?s=<stream> */
static int
stream_contents(struct gr_ctx *c, const char *path_stream)
{
    struct req *r = c->r;
    const char *stream = path_stream && *path_stream ? path_stream : api_param(r, "s");
    struct store_reader_query q;
    struct reader_page page;
    int64_t *ids;
    int rc;

    if (!stream)
        stream = "user/-/state/com.google/reading-list";
    if (stream_query(c, stream, GR_MAX_ITEMS, &q))
        return 0;
    if ((rc = reader_list(r->st, &c->u, &q, r->a, &page, &c->err)))
        return rc;
    ids = ARENA_NEWN(r->a, int64_t, page.n ? page.n : 1);
    for (size_t i = 0; i < page.n; i++)
        ids[i] = page.items[i].it.id;
    return contents(c, stream, ids, page.n, q.ascending, page.next, 0);
}

/* The item ids of the request's i= parameters (both forms), into an arena array. */
static size_t
item_params(struct gr_ctx *c, int64_t **out)
{
    const char **v = NULL;
    size_t n = api_params(c->r, "i", &v, GR_MAX_EDIT);
    size_t k = 0;

    *out = ARENA_NEWN(c->r->a, int64_t, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        int64_t id = parse_item(v[i]);

        if (id)
            (*out)[k++] = id;
    }
    return k;
}

static int
items_contents(struct gr_ctx *c)
{
    const char *order = api_param(c->r, "r");
    int64_t *ids;
    size_t n = item_params(c, &ids);

    return contents(c, "user/-/state/com.google/reading-list", ids, n, order && !strcmp(order, "o"),
                    0, 1);
}

/* ---- state changes ---- */

static int
edit_tag(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char **add = NULL;
    const char **rem = NULL;
    size_t nadd = api_params(r, "a", &add, 8);
    size_t nrem = api_params(r, "r", &rem, 8);
    int64_t *ids;
    size_t n = item_params(c, &ids);
    int rc = 0;

    if (!n)
        return api_text(r, 400, "Bad Request: no items\n");
    for (size_t i = 0; !rc && i < nadd + nrem; i++) {
        int adding = i < nadd;
        const char *arg;
        enum gr_stream s = parse_stream(adding ? add[i] : rem[i - nadd], &arg);

        if (s == GR_READ)
            rc = store_reader_mark(r->st, c->u.id, ids, n, adding, r->now, &c->err);
        else if (s == GR_UNREAD)
            rc = store_reader_mark(r->st, c->u.id, ids, n, !adding, r->now, &c->err);
        else if (s == GR_STARRED)
            rc = store_reader_star(r->st, c->u.id, ids, n, adding, r->now, &c->err);
        /* labels on single items are not kept: accepted and ignored, as Miniflux does */
    }
    if (rc == GZ_EDB) {
        /* a foreign key refused an id that is no article */
        return api_text(r, 400, "Bad Request: unknown item\n");
    }
    if (rc)
        return rc;
    return api_text(r, 200, "OK");
}

/* ts in seconds, milliseconds, microseconds or nanoseconds: the first second not before it. */
static int64_t
ts_seconds(const char *ts, int64_t now)
{
    int64_t v;
    int64_t div = 1;

    if (!ts || str_to_i64(ts, 1, INT64_MAX, &v))
        return now + 1;
    if (v > 100000000000000000LL)
        div = 1000000000;
    else if (v > 100000000000000LL)
        div = 1000000;
    else if (v > 100000000000LL)
        div = 1000;
    return v / div + (v % div ? 1 : 0);
}

static int
mark_all(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char *arg;
    enum gr_stream s = parse_stream(api_param(r, "s"), &arg);
    int64_t before = ts_seconds(api_param(r, "ts"), r->now);
    int64_t id = 0;
    int rc;

    switch (s) {
    case GR_READING_LIST:
        rc = store_reader_mark_before(r->st, c->u.id, READER_SCOPE_ALL, 0, before, &c->err);
        break;
    case GR_FEED:
        if (!(id = feed_source(c, arg)))
            return api_text(r, 400, "Bad Request: unknown feed\n");
        rc = store_reader_mark_before(r->st, c->u.id, READER_SCOPE_SOURCE, id, before, &c->err);
        break;
    case GR_LABEL:
        if (store_reader_category_find(r->st, c->u.id, arg, &id, NULL))
            return api_text(r, 400, "Bad Request: unknown label\n");
        rc = store_reader_mark_before(r->st, c->u.id, READER_SCOPE_CATEGORY, id, before, &c->err);
        break;
    default:
        return api_text(r, 400, "Bad Request: unknown stream\n");
    }
    if (rc)
        return rc;
    return api_text(r, 200, "OK");
}

/* The label name of a user/-/label/NAME stream, or NULL. */
static const char *
label_of(const char *s)
{
    const char *arg;

    return s && parse_stream(s, &arg) == GR_LABEL ? arg : NULL;
}

/* Follow a source by id or URL; an admin may add an unknown http(s) URL. 0 / 1 answered / < 0. */
static int
subscribe(struct gr_ctx *c, const char *feed, const char *title, const char *label, int64_t *id)
{
    struct req *r = c->r;
    int rc;

    *id = feed_source(c, feed);
    if (!*id) {
        struct store_source src = {0};

        if (!url_is_http(feed))
            return api_text(r, 400, "Bad Request: not a feed address\n"), 1;
        if (!c->u.is_admin)
            return api_text(r, 403, "Forbidden: only an admin adds sources to this site\n"), 1;
        src.url = feed;
        src.title = title;
        if ((rc = store_source_add(r->st, &src, id, &c->err)))
            return rc;
        log_info("msg=\"source added through the API\" user=%lld source=%lld", (long long)c->u.id,
                 (long long)*id);
    }
    rc = store_reader_follow(r->st, c->u.id, *id, 1, &c->err);
    if (rc == GZ_ENOTFOUND)
        return api_text(r, 400, "Bad Request: unknown feed\n"), 1;
    if (!rc && title && *title)
        rc = store_reader_set_title(r->st, c->u.id, *id, title, &c->err);
    if (!rc && label)
        rc = store_reader_set_category(r->st, c->u.id, *id, label, NULL, &c->err);
    return rc;
}

static int
subscription_edit(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char *ac = api_param(r, "ac");
    const char **streams = NULL;
    size_t ns = api_params(r, "s", &streams, 100);
    const char *title = api_param(r, "t");
    const char *add = label_of(api_param(r, "a"));
    const char *remove = label_of(api_param(r, "r"));
    int rc = 0;

    if (!ac || !ns)
        return api_text(r, 400, "Bad Request\n");
    for (size_t i = 0; i < ns && rc == 0; i++) {
        const char *feed;
        int64_t id = 0;

        if (parse_stream(streams[i], &feed) != GR_FEED)
            return api_text(r, 400, "Bad Request: not a feed\n");
        if (!strcmp(ac, "subscribe")) {
            rc = subscribe(c, feed, title, add, &id);
            continue;
        }
        if (!(id = feed_source(c, feed)))
            return api_text(r, 400, "Bad Request: unknown feed\n");
        if (!strcmp(ac, "unsubscribe")) {
            rc = store_reader_follow(r->st, c->u.id, id, 0, &c->err);
        } else if (!strcmp(ac, "edit")) {
            if (title && *title)
                rc = store_reader_set_title(r->st, c->u.id, id, title, &c->err);
            if (!rc && add)
                rc = store_reader_set_category(r->st, c->u.id, id, add, NULL, &c->err);
            else if (!rc && remove)
                rc = store_reader_set_category(r->st, c->u.id, id, NULL, NULL, &c->err);
        } else {
            return api_text(r, 400, "Bad Request: unknown action\n");
        }
    }
    if (rc > 0)
        return 0;
    if (rc)
        return rc;
    return api_text(r, 200, "OK");
}

static int
quickadd(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char *url = api_param(r, "quickadd");
    struct store_source src;
    int64_t id = 0;
    int rc;

    if (!url || !*url)
        return api_json(r, json_pack("{s:i,s:s}", "numResults", 0, "error", "no address"));
    if (str_has_prefix(url, "feed/"))
        url += 5;
    rc = subscribe(c, url, NULL, NULL, &id);
    if (rc > 0) {
        /* answered with an error: say it as quickadd does */
        r->status = 200;
        return api_json(
            r, json_pack("{s:i,s:s}", "numResults", 0, "error", "this site has no such feed"));
    }
    if (rc)
        return rc;
    if ((rc = store_source_get(r->st, id, r->a, &src, &c->err)))
        return rc;
    return api_json(r,
                    json_pack("{s:i,s:o,s:o,s:o}", "numResults", 1, "query", api_str(url),
                              "streamId", api_str(arena_printf(r->a, "feed/%lld", (long long)id)),
                              "streamName", api_str(src.title)));
}

static int
rename_tag(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char *from = label_of(api_param(r, "s"));
    const char *to = label_of(api_param(r, "dest"));
    int64_t id;
    int rc;

    if (!from || !to || store_reader_category_find(r->st, c->u.id, from, &id, NULL))
        return api_text(r, 400, "Bad Request\n");
    rc = store_reader_category_rename(r->st, c->u.id, id, to, &c->err);
    if (rc == GZ_EEXIST)
        return api_text(r, 400, "Bad Request: that label exists\n");
    return rc ? rc : api_text(r, 200, "OK");
}

static int
disable_tag(struct gr_ctx *c)
{
    struct req *r = c->r;
    const char **v = NULL;
    size_t n = api_params(r, "s", &v, 100);
    int rc = 0;

    for (size_t i = 0; i < n && !rc; i++) {
        const char *name = label_of(v[i]);
        int64_t id;

        if (name && !store_reader_category_find(r->st, c->u.id, name, &id, NULL))
            rc = store_reader_category_delete(r->st, c->u.id, id, &c->err);
    }
    return rc ? rc : api_text(r, 200, "OK");
}

/* ---- lists ---- */

static int
user_info(struct gr_ctx *c)
{
    const char *id = arena_printf(c->r->a, "%lld", (long long)c->u.id);

    return api_json(c->r, json_pack("{s:s,s:o,s:s,s:o,s:b}", "userId", id, "userName",
                                    api_str(c->u.name), "userProfileId", id, "userEmail",
                                    api_str(c->u.prefs.email), "isMultiLoginEnabled", 0));
}

static int
tag_list(struct gr_ctx *c)
{
    struct store_reader_category *cats = NULL;
    size_t n = 0;
    json_t *tags;
    int rc = store_reader_categories(c->r->st, c->u.id, c->r->a, &cats, &n, &c->err);

    if (rc)
        return rc;
    tags = json_array();
    json_array_append_new(tags, json_pack("{s:s}", "id", "user/-/state/com.google/starred"));
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            tags, json_pack("{s:o,s:o,s:s}", "id",
                            api_str(arena_printf(c->r->a, "user/-/label/%s", cats[i].name)),
                            "label", api_str(cats[i].name), "type", "folder"));
    return api_json(c->r, json_pack("{s:o}", "tags", tags));
}

static int
subscription_list(struct gr_ctx *c)
{
    struct store_reader_sub *subs = NULL;
    size_t n = 0;
    json_t *list;
    int rc = store_reader_subs(c->r->st, c->u.id, c->r->a, &subs, &n, &c->err);

    if (rc)
        return rc;
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct store_reader_sub *s = &subs[i];
        json_t *cats = json_array();
        int fetched = url_is_http(s->url);

        if (!s->follow) {
            json_decref(cats);
            continue;
        }
        if (s->category)
            json_array_append_new(
                cats, json_pack("{s:o,s:o,s:s}", "id",
                                api_str(arena_printf(c->r->a, "user/-/label/%s", s->category)),
                                "label", api_str(s->category), "type", "folder"));
        json_array_append_new(
            list, json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:o}", "id",
                            api_str(arena_printf(c->r->a, "feed/%lld", (long long)s->source_id)),
                            "title", api_str(s->title), "categories", cats, "url",
                            api_str(fetched ? s->url : s->site_url), "htmlUrl",
                            api_str(s->site_url), "iconUrl", "", "sortid",
                            api_str(arena_printf(c->r->a, "%08llx", (long long)s->source_id))));
    }
    return api_json(c->r, json_pack("{s:o}", "subscriptions", list));
}

static int
unread_count(struct gr_ctx *c)
{
    struct req *r = c->r;
    struct store_reader_query q;
    struct reader_page page;
    struct store_reader_sub *subs = NULL;
    struct hmap per_source = HMAP_INIT;
    struct hmap newest = HMAP_INIT;
    size_t nsubs = 0;
    json_t *counts;
    int64_t total = 0;
    int64_t top = 0;
    int rc;

    reader_query(&c->u, READER_UNREAD, STORE_READER_MAX, &q);
    if ((rc = reader_list(r->st, &c->u, &q, r->a, &page, &c->err)) ||
        (rc = store_reader_subs(r->st, c->u.id, r->a, &subs, &nsubs, &c->err)))
        return rc;
    for (size_t i = 0; i < page.n; i++) {
        const struct store_reader_item *it = &page.items[i].it;
        uint64_t *cnt = hmap_put(&per_source, (uint64_t)it->source_id, NULL);
        uint64_t *nw = hmap_put(&newest, (uint64_t)it->source_id, NULL);

        (*cnt)++;
        if ((uint64_t)it->fetched > *nw)
            *nw = (uint64_t)it->fetched;
        if (it->fetched > top)
            top = it->fetched;
        total++;
    }
    counts = json_array();
    for (size_t i = 0; i < nsubs; i++) {
        const uint64_t *cnt = hmap_get(&per_source, (uint64_t)subs[i].source_id);
        const uint64_t *nw = hmap_get(&newest, (uint64_t)subs[i].source_id);

        if (!cnt || !subs[i].follow)
            continue;
        json_array_append_new(
            counts,
            json_pack("{s:o,s:I,s:o}", "id",
                      api_str(arena_printf(r->a, "feed/%lld", (long long)subs[i].source_id)),
                      "count", (json_int_t)*cnt, "newestItemTimestampUsec",
                      api_str(arena_printf(r->a, "%llu000000", (unsigned long long)*nw))));
    }
    /* the reader's categories, summed from their sources */
    {
        struct store_reader_category *cats = NULL;
        size_t ncats = 0;

        if ((rc = store_reader_categories(r->st, c->u.id, r->a, &cats, &ncats, &c->err))) {
            json_decref(counts);
            hmap_release(&per_source);
            hmap_release(&newest);
            return rc;
        }
        for (size_t k = 0; k < ncats; k++) {
            uint64_t sum = 0;
            uint64_t nw = 0;

            for (size_t i = 0; i < nsubs; i++) {
                const uint64_t *cnt = hmap_get(&per_source, (uint64_t)subs[i].source_id);
                const uint64_t *t = hmap_get(&newest, (uint64_t)subs[i].source_id);

                if (subs[i].category_id != cats[k].id || !cnt || !subs[i].follow)
                    continue;
                sum += *cnt;
                if (*t > nw)
                    nw = *t;
            }
            json_array_append_new(
                counts,
                json_pack("{s:o,s:I,s:o}", "id",
                          api_str(arena_printf(r->a, "user/-/label/%s", cats[k].name)), "count",
                          (json_int_t)sum, "newestItemTimestampUsec",
                          api_str(arena_printf(r->a, "%llu000000", (unsigned long long)nw))));
        }
    }
    json_array_append_new(counts,
                          json_pack("{s:s,s:I,s:o}", "id", "user/-/state/com.google/reading-list",
                                    "count", (json_int_t)total, "newestItemTimestampUsec",
                                    api_str(arena_printf(r->a, "%lld000000", (long long)top))));
    hmap_release(&per_source);
    hmap_release(&newest);
    return api_json(r, json_pack("{s:i,s:o}", "max", STORE_READER_MAX, "unreadcounts", counts));
}

/* ---- dispatch ---- */

int
api_greader(struct req *r, const char *arg)
{
    struct gr_ctx c;
    int post = !strcmp(r->method, "POST");
    int rc;

    memset(&c, 0, sizeof(c));
    c.r = r;
    rc = gr_auth(&c);
    if (rc <= 0)
        goto done;
    if (!strcmp(arg, "token")) {
        char t[GR_T_LEN + 1];

        action_token(c.token_hash, t);
        rc = api_text(r, 200, arena_printf(r->a, "%s\n", t));
    } else if (!strcmp(arg, "user-info")) {
        rc = user_info(&c);
    } else if (!strcmp(arg, "tag/list")) {
        rc = tag_list(&c);
    } else if (!strcmp(arg, "subscription/list")) {
        rc = subscription_list(&c);
    } else if (!strcmp(arg, "unread-count")) {
        rc = unread_count(&c);
    } else if (!strcmp(arg, "stream/items/ids")) {
        rc = stream_ids(&c);
    } else if (!strcmp(arg, "stream/items/contents")) {
        rc = items_contents(&c);
    } else if (str_has_prefix(arg, "stream/contents")) {
        const char *s = arg + strlen("stream/contents");

        rc = stream_contents(&c, *s == '/' ? s + 1 : NULL);
    } else if (!post && (!strcmp(arg, "edit-tag") || !strcmp(arg, "mark-all-as-read") ||
                         str_has_prefix(arg, "subscription/edit") || !strcmp(arg, "rename-tag") ||
                         !strcmp(arg, "disable-tag"))) {
        web_header(r, "Allow", "POST");
        rc = api_text(r, 405, "Method Not Allowed: use POST\n");
    } else if (!strcmp(arg, "edit-tag")) {
        rc = edit_tag(&c);
    } else if (!strcmp(arg, "mark-all-as-read")) {
        rc = mark_all(&c);
    } else if (!strcmp(arg, "subscription/edit")) {
        rc = subscription_edit(&c);
    } else if (!strcmp(arg, "subscription/quickadd")) {
        rc = quickadd(&c);
    } else if (!strcmp(arg, "rename-tag")) {
        rc = rename_tag(&c);
    } else if (!strcmp(arg, "disable-tag")) {
        rc = disable_tag(&c);
    } else {
        rc = api_text(r, 404, "Not Found\n");
    }
done:
    reader_user_release(&c.u);
    if (rc < 0) {
        log_error("msg=\"reader API failed\" path=\"%s\" err=\"%s\"", arg, c.err.msg);
        return -1;
    }
    return 0;
}
