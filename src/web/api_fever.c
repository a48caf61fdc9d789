/*
 * api_fever.c - the Fever API (api_version 3) at /fever/?api, for Reeder,
 * ReadKit, Fluent Reader, Unread and other apps that speak it.
 *
 * Sign-in: every request carries api_key, the hex MD5 of "name:API
 * password" (reader/md5.h says why MD5), in the form body or the query.
 * A wrong key answers {"api_version":3,"auth":0} and counts towards the
 * address's failed sign-ins (api_reader.h).
 *
 * What it serves, for the signed-in reader (only the sources they
 * follow, mutes applied):
 *   groups, feeds (with feeds_groups), favicons (none are stored: empty),
 *   links (none: empty), items (50 at a time: since_id ascending, max_id
 *   descending, with_ids up to 50; feed_ids / group_ids narrow them to one
 *   feed or group), unread_item_ids and saved_item_ids (comma-separated;
 *   at most FEVER_MAX_IDS, newest first),
 *   mark=item&as=read|unread|saved|unsaved&id=N,
 *   mark=feed|group&as=read&id=N&before=T (group 0 is everything,
 *   group -1, Fever's "sparks", is nothing here).
 * Feed and group ids are source ids and the reader's category ids; item
 * ids are article ids, so they only grow.
 */
#include "web/page.h"

#include "reader/reader.h"
#include "reader/rules.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "web/api_reader.h"

#include <jansson.h>
#include <string.h>

#define FEVER_API_VERSION 3
#define FEVER_ITEMS 50
/* Most ids unread_item_ids and saved_item_ids list (newest first). */
#define FEVER_MAX_IDS 100000

static json_t *
envelope(int auth, int64_t last_refreshed)
{
    json_t *j = json_object();

    json_object_set_new(j, "api_version", json_integer(FEVER_API_VERSION));
    json_object_set_new(j, "auth", json_integer(auth));
    if (auth)
        json_object_set_new(j, "last_refreshed_on_time", json_integer(last_refreshed));
    return j;
}

/* The signed-in reader of this request, or 0 after answering (or < 0 on error). */
static int
fever_auth(struct req *r, struct reader_user *u, struct gz_err *err)
{
    const char *key = api_param(r, "api_key");
    char lower[33];
    int64_t uid = 0;
    int rc;

    if ((rc = api_throttled(r)))
        return rc < 0 ? rc : 0;
    if (key && strlen(key) == 32) {
        size_t i;

        for (i = 0; i < 32; i++) {
            char c = key[i];

            if (c >= 'A' && c <= 'F')
                c = (char)(c + 32);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                break;
            lower[i] = c;
        }
        lower[i] = '\0';
        if (i == 32) {
            rc = store_reader_fever_user(r->st, lower, &uid, err);
            if (rc && rc != GZ_ENOTFOUND)
                return rc;
        }
    }
    if (!uid) {
        api_failed(r);
        api_json(r, envelope(0, 0));
        return 0;
    }
    if ((rc = reader_user_load(r->st, uid, r->a, u, err)))
        return rc;
    return 1;
}

/* "1,2,3" of ids[0..n). */
static json_t *
id_list(const int64_t *ids, size_t n)
{
    struct buf b = BUF_INIT;
    json_t *j;

    for (size_t i = 0; i < n; i++)
        buf_addf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    j = json_string(b.p);
    buf_release(&b);
    return j;
}

static int
groups_and_feeds(struct req *r, const struct reader_user *u, json_t *out, int groups, int feeds,
                 struct gz_err *err)
{
    struct store_reader_category *cats = NULL;
    struct store_reader_sub *subs = NULL;
    size_t ncats = 0;
    size_t nsubs = 0;
    json_t *fg = json_array();
    int rc;

    if ((rc = store_reader_categories(r->st, u->id, r->a, &cats, &ncats, err)) ||
        (rc = store_reader_subs(r->st, u->id, r->a, &subs, &nsubs, err))) {
        json_decref(fg);
        return rc;
    }
    if (groups) {
        json_t *g = json_array();

        for (size_t i = 0; i < ncats; i++)
            json_array_append_new(g, json_pack("{s:I,s:o}", "id", (json_int_t)cats[i].id, "title",
                                               api_str(cats[i].name)));
        json_object_set_new(out, "groups", g);
    }
    if (feeds) {
        json_t *f = json_array();

        for (size_t i = 0; i < nsubs; i++) {
            const struct store_reader_sub *s = &subs[i];
            int fetched = str_has_prefix(s->url, "http://") || str_has_prefix(s->url, "https://");

            if (!s->follow)
                continue;
            json_array_append_new(f, json_pack("{s:I,s:I,s:o,s:o,s:o,s:i,s:I}", "id",
                                               (json_int_t)s->source_id, "favicon_id",
                                               (json_int_t)s->source_id, "title", api_str(s->title),
                                               "url", api_str(fetched ? s->url : s->site_url),
                                               "site_url", api_str(s->site_url), "is_spark", 0,
                                               "last_updated_on_time", (json_int_t)s->last_ok));
        }
        json_object_set_new(out, "feeds", f);
    }
    for (size_t c = 0; c < ncats; c++) {
        int64_t *ids = ARENA_NEWN(r->a, int64_t, nsubs ? nsubs : 1);
        size_t n = 0;

        for (size_t i = 0; i < nsubs; i++)
            if (subs[i].follow && subs[i].category_id == cats[c].id)
                ids[n++] = subs[i].source_id;
        json_array_append_new(fg, json_pack("{s:I,s:o}", "group_id", (json_int_t)cats[c].id,
                                            "feed_ids", id_list(ids, n)));
    }
    json_object_set_new(out, "feeds_groups", fg);
    return 0;
}

/* Every id of a state (unread or starred), newest first, at most FEVER_MAX_IDS. */
static int
state_ids(struct req *r, const struct reader_user *u, int state, json_t **out, struct gz_err *err)
{
    struct store_reader_query q;
    int64_t *ids = ARENA_NEWN(r->a, int64_t, 1024);
    size_t n = 0;
    size_t cap = 1024;

    reader_query(u, state, STORE_READER_MAX, &q);
    for (;;) {
        struct reader_page page;
        int rc = reader_list(r->st, u, &q, r->a, &page, err);

        if (rc)
            return rc;
        if (n + page.n > cap) {
            int64_t *bigger;

            while (n + page.n > cap)
                cap *= 2;
            bigger = ARENA_NEWN(r->a, int64_t, cap);
            memcpy(bigger, ids, n * sizeof(*ids));
            ids = bigger;
        }
        for (size_t i = 0; i < page.n && n < FEVER_MAX_IDS; i++)
            ids[n++] = page.items[i].it.id;
        if (!page.next || n >= FEVER_MAX_IDS)
            break;
        q.before_id = page.next;
    }
    *out = id_list(ids, n);
    return 0;
}

static json_t *
item_json(struct req *r, const struct store_reader_article *x)
{
    const struct store_article *a = &x->art;

    return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:i,s:i,s:I}", "id", (json_int_t)a->id, "feed_id",
                     (json_int_t)a->source_id, "title", api_str(a->title), "author",
                     api_str(a->author), "html", api_str(api_body_html(r, a)), "url",
                     api_str(a->url), "is_saved", x->starred ? 1 : 0, "is_read", x->read ? 1 : 0,
                     "created_on_time", (json_int_t)(a->published ? a->published : a->fetched));
}

/* Total articles in the sources u follows (the article counts cache). */
static int
total_items(struct req *r, const struct reader_user *u, int64_t *total, struct gz_err *err)
{
    struct store_reader_count *counts = NULL;
    struct store_reader_sub *subs = NULL;
    size_t ncounts = 0;
    size_t nsubs = 0;
    int rc;

    *total = 0;
    if ((rc = reader_counts(r->st, r->a, &counts, &ncounts, err)) ||
        (rc = store_reader_subs(r->st, u->id, r->a, &subs, &nsubs, err)))
        return rc;
    for (size_t i = 0; i < nsubs; i++)
        if (subs[i].follow)
            *total += reader_count_of(counts, ncounts, subs[i].source_id);
    return 0;
}

static int
items(struct req *r, const struct reader_user *u, json_t *out, struct gz_err *err)
{
    const char *with_ids = api_param(r, "with_ids");
    const char *since = api_param(r, "since_id");
    const char *max = api_param(r, "max_id");
    const char *feed = api_param(r, "feed_ids");
    const char *group = api_param(r, "group_ids");
    struct store_reader_article *arts = NULL;
    struct store_reader_tag *tags = NULL;
    size_t ntags = 0;
    int64_t ids[FEVER_ITEMS];
    size_t n = 0;
    size_t narts = 0;
    int ascending = 1;
    int64_t total = 0;
    json_t *list = json_array();
    int rc;

    if (with_ids) {
        /* up to 50 ids, in the order asked; muted ones are left out below */
        const char *p = with_ids;

        while (*p && n < FEVER_ITEMS) {
            char num[24];
            size_t k = 0;

            while (*p == ' ')
                p++;
            while (*p && *p != ',' && *p != ' ' && k + 1 < sizeof(num))
                num[k++] = *p++;
            num[k] = '\0';
            while (*p && *p != ',')
                p++;
            if (*p == ',')
                p++;
            if (api_id(num))
                ids[n++] = api_id(num);
        }
    } else {
        struct store_reader_query q;
        struct reader_page page;

        reader_query(u, READER_ANY, FEVER_ITEMS, &q);
        if (max && api_id(max)) {
            q.before_id = api_id(max);
            ascending = 0;
        } else {
            q.after_id = since ? api_id(since) : 0;
        }
        q.ascending = ascending;
        /* one feed or group narrows the items (the first of a list) */
        if (feed && api_id(feed))
            q.source_id = api_id(feed);
        else if (group && api_id(group))
            q.category_id = api_id(group);
        if (feed && !api_id(feed) && strchr(feed, ','))
            q.source_id = api_id(arena_strndup(r->a, feed, (size_t)(strchr(feed, ',') - feed)));
        if ((rc = reader_list(r->st, u, &q, r->a, &page, err))) {
            json_decref(list);
            return rc;
        }
        for (size_t i = 0; i < page.n; i++)
            ids[n++] = page.items[i].it.id;
    }
    rc = store_reader_articles(r->st, u->id, u->prefs.read_before, ids, n, ascending, r->a, &arts,
                               &narts, err);
    if (!rc)
        rc = total_items(r, u, &total, err);
    if (rc) {
        json_decref(list);
        return rc;
    }
    if (!rc && with_ids && rules_need_tags(u->rules))
        rc = store_reader_tags(r->st, ids, n, r->a, &tags, &ntags, err);
    if (rc) {
        json_decref(list);
        return rc;
    }
    for (size_t i = 0; i < narts; i++) {
        /* with_ids is not a listing: mutes are applied here */
        if (with_ids && reader_judge(u, &arts[i].art, tags, ntags) == RULES_MUTE)
            continue;
        json_array_append_new(list, item_json(r, &arts[i]));
    }
    json_object_set_new(out, "total_items", json_integer(total));
    json_object_set_new(out, "items", list);
    return 0;
}

/* mark=...&as=...&id=...(&before=...) */
static int
mark(struct req *r, const struct reader_user *u, json_t *out, struct gz_err *err)
{
    const char *what = api_param(r, "mark");
    const char *as = api_param(r, "as");
    const char *id_s = api_param(r, "id");
    const char *before_s = api_param(r, "before");
    int64_t id = 0;
    int64_t before = r->now + 1;
    int rc = 0;

    if (!what || !as || !id_s)
        return 0;
    if (str_to_i64(id_s, INT64_MIN, INT64_MAX, &id))
        return 0;
    if (before_s) {
        int64_t b;

        if (!str_to_i64(before_s, 0, INT64_MAX, &b) && b > 0)
            before = b;
    }
    if (!strcmp(what, "item") && id > 0) {
        if (!strcmp(as, "read") || !strcmp(as, "unread"))
            rc = store_reader_mark(r->st, u->id, &id, 1, !strcmp(as, "read"), r->now, err);
        else if (!strcmp(as, "saved") || !strcmp(as, "unsaved"))
            rc = store_reader_star(r->st, u->id, &id, 1, !strcmp(as, "saved"), r->now, err);
    } else if (!strcmp(what, "feed") && !strcmp(as, "read") && id > 0) {
        rc = store_reader_mark_before(r->st, u->id, READER_SCOPE_SOURCE, id, before, err);
    } else if (!strcmp(what, "group") && !strcmp(as, "read")) {
        if (id == 0)
            rc = store_reader_mark_before(r->st, u->id, READER_SCOPE_ALL, 0, before, err);
        else if (id > 0)
            rc = store_reader_mark_before(r->st, u->id, READER_SCOPE_CATEGORY, id, before, err);
    }
    if (rc == GZ_ENOTFOUND || rc == GZ_EDB) {
        /* an unknown item, feed or group: nothing to mark, as Fever does */
        log_info("msg=\"fever mark ignored\" what=%s err=\"%s\"", what, err ? err->msg : "");
        rc = 0;
    }
    if (rc)
        return rc;
    /* clients read the new state from the same answer */
    if (!strcmp(as, "saved") || !strcmp(as, "unsaved")) {
        json_t *ids = NULL;

        if ((rc = state_ids(r, u, READER_STARRED, &ids, err)))
            return rc;
        json_object_set_new(out, "saved_item_ids", ids);
    } else {
        json_t *ids = NULL;

        if ((rc = state_ids(r, u, READER_UNREAD, &ids, err)))
            return rc;
        json_object_set_new(out, "unread_item_ids", ids);
    }
    return 0;
}

static int
has(struct req *r, const char *name)
{
    return api_has(r, name);
}

int
api_fever(struct req *r, const char *arg)
{
    struct gz_err err = GZ_ERR_INIT;
    struct reader_user u;
    int64_t max_id = 0;
    int64_t last_ok = 0;
    json_t *out;
    int rc;

    (void)arg;
    memset(&u, 0, sizeof(u));
    if (!has(r, "api")) {
        api_json(r, envelope(0, 0));
        return 0;
    }
    rc = fever_auth(r, &u, &err);
    if (rc <= 0)
        goto done;
    if ((rc = store_reader_latest(r->st, &max_id, &last_ok, &err)))
        goto done;
    out = envelope(1, last_ok ? last_ok : r->now);
    if (!rc && has(r, "mark"))
        rc = mark(r, &u, out, &err);
    if (!rc && (has(r, "groups") || has(r, "feeds")))
        rc = groups_and_feeds(r, &u, out, has(r, "groups"), has(r, "feeds"), &err);
    if (!rc && has(r, "favicons"))
        json_object_set_new(out, "favicons", json_array());
    if (!rc && has(r, "links"))
        json_object_set_new(out, "links", json_array());
    if (!rc && has(r, "items"))
        rc = items(r, &u, out, &err);
    if (!rc && has(r, "unread_item_ids") && !json_object_get(out, "unread_item_ids")) {
        json_t *ids = NULL;

        if (!(rc = state_ids(r, &u, READER_UNREAD, &ids, &err)))
            json_object_set_new(out, "unread_item_ids", ids);
    }
    if (!rc && has(r, "saved_item_ids") && !json_object_get(out, "saved_item_ids")) {
        json_t *ids = NULL;

        if (!(rc = state_ids(r, &u, READER_STARRED, &ids, &err)))
            json_object_set_new(out, "saved_item_ids", ids);
    }
    if (rc) {
        json_decref(out);
        goto done;
    }
    rc = api_json(r, out);
done:
    reader_user_release(&u);
    if (rc < 0)
        log_error("msg=\"fever API failed\" err=\"%s\"", err.msg);
    return rc < 0 ? -1 : 0;
}
