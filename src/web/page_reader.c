/*
 * page_reader.c - the signed-in reader's pages: Unread (grouped by story,
 * with "mark story read" and "N new sources"), Starred, My sources
 * (follow, unfollow, categories, own titles), Rules; the settings
 * sections for reading apps (API password), two-factor sign-in and the
 * e-mail digest; and the second step of a log-in with two-factor.
 *
 * Every form is a POST with the session's CSRF token (ROUTE_FORM, checked
 * by the dispatcher) and works without JavaScript; a form that worked
 * answers 303 back to the page it came from.
 */
#include "web/page.h"

#include "reader/digest.h"
#include "reader/reader.h"
#include "reader/rules.h"
#include "reader/totp.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/err.h"
#include "util/hmap.h"
#include "util/log.h"
#include "util/str.h"
#include "util/url.h"
#include "web/auth.h"
#include "web/html.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define UNREAD_PAGE 100
#define STARRED_PAGE 50
#define NEWS_SHOWN 10
#define LOGIN_CODE_COOKIE "gz_login2"
#define LOGIN_CODE_TTL 300

/* ---- small pieces ---- */

static void
hidden(struct buf *b, const char *name, const char *value)
{
    html_lit(b, "<input type=\"hidden\" name=\"");
    html_attr(b, name);
    html_lit(b, "\" value=\"");
    html_attr(b, value);
    html_lit(b, "\">");
}

static void
hidden_id(struct buf *b, const char *name, int64_t v)
{
    html_lit(b, "<input type=\"hidden\" name=\"");
    html_attr(b, name);
    html_litf(b, "\" value=\"%lld\">", (long long)v);
}

/* A one-button form: action, id, one more field (may be NULL), where to go back to. */
static void
button(struct req *r, const char *action, int64_t id, const char *name, const char *value,
       const char *next, const char *label, const char *cls)
{
    struct buf *b = &r->out;

    html_lit(b, "<form class=\"inline\" method=\"post\" action=\"");
    html_lit(b, action);
    html_lit(b, "\">");
    auth_csrf_field(r);
    hidden_id(b, "id", id);
    if (name)
        hidden(b, name, value);
    hidden(b, "next", next);
    html_lit(b, "<button type=\"submit\"");
    if (cls) {
        html_lit(b, " class=\"");
        html_lit(b, cls);
        html_lit(b, "\"");
    }
    html_lit(b, ">");
    html_lit(b, label);
    html_lit(b, "</button></form>\n");
}

/* The signed-in reader (rules loaded); 0, or -1 logged. */
static int
load_reader(struct req *r, struct reader_user *u)
{
    const struct store_user *su = auth_user(r);
    struct gz_err err = GZ_ERR_INIT;

    memset(u, 0, sizeof(*u));
    if (!su)
        return -1;
    if (reader_user_load(r->st, su->id, r->a, u, &err)) {
        log_error("msg=\"cannot load the reader\" user=%lld err=\"%s\"", (long long)su->id,
                  err.msg);
        return -1;
    }
    return 0;
}

/* A page with a heading and a notice, for refused forms. */
static int
notice_page(struct req *r, int status, const char *title, const char *msg, const char *back)
{
    struct page_meta m = {0};

    m.title = title;
    web_page_begin(r, &m);
    r->status = status;
    html_lit(&r->out, "<section class=\"account-form\">\n<h1>");
    html_text(&r->out, title);
    html_lit(&r->out, "</h1>\n");
    page_notice(r, status < 400 ? "ok" : "error", msg);
    html_lit(&r->out, "<p><a href=\"");
    html_attr(&r->out, back);
    html_lit(&r->out, "\">Go back</a></p>\n</section>\n");
    web_page_end(r);
    return 0;
}

static const char *
next_of(struct req *r, const char *fallback)
{
    const char *n = web_form(r, "next");

    return n ? auth_safe_next(n) : fallback;
}

/* ---- the header's links ---- */

void
reader_nav_links(struct req *r)
{
    if (!auth_user(r))
        return;
    html_lit(&r->out, "<a href=\"/unread\">Unread</a> \xc2\xb7 <a href=\"/starred\">Starred</a> "
                      "\xc2\xb7 <a href=\"/my/sources\">My sources</a> \xc2\xb7 "
                      "<a href=\"/rules\">Rules</a> \xc2\xb7 ");
}

/* ---- Unread ---- */

/* One article of a reader listing, with its buttons. */
static void
item_row(struct req *r, const struct reader_item *x, const char *next)
{
    struct buf *b = &r->out;
    const struct store_reader_item *it = &x->it;

    html_lit(b, x->highlight ? "<li class=\"highlight\">" : "<li>");
    html_lit(b, "<a href=\"/article/");
    html_litf(b, "%lld", (long long)it->id);
    html_lit(b, "\">");
    html_text(b, it->title && *it->title ? it->title : "(untitled)");
    html_lit(b, "</a>");
    if (x->highlight)
        html_lit(b, " <strong class=\"mark\">Highlighted</strong>");
    html_lit(b, "<br><span class=\"meta\"><a class=\"source\" href=\"/source/");
    html_litf(b, "%lld", (long long)it->source_id);
    html_lit(b, "\">");
    html_text(b, it->source_title);
    html_lit(b, "</a> \xc2\xb7 ");
    html_time(b, it->published ? it->published : it->fetched, r->now);
    html_lit(b, "</span>\n<span class=\"actions\">");
    button(r, "/reader/mark", it->id, "read", it->read ? "0" : "1", next,
           it->read ? "Mark unread" : "Mark read", NULL);
    button(r, "/reader/star", it->id, "star", it->starred ? "0" : "1", next,
           it->starred ? "Unstar" : "Star", NULL);
    html_lit(b, "</span></li>\n");
}

/* "Stories you read have new sources": the story marks that more sources joined since. */
static int
news_section(struct req *r, const struct reader_user *u)
{
    struct store_reader_story_news *news = NULL;
    struct gz_err err = GZ_ERR_INIT;
    struct buf *b = &r->out;
    size_t n = 0;

    if (store_reader_story_news(r->st, u->id, NEWS_SHOWN, r->a, &news, &n, &err)) {
        log_error("msg=\"cannot read story news\" err=\"%s\"", err.msg);
        return -1;
    }
    if (!n)
        return 0;
    html_lit(b, "<section class=\"news\" aria-labelledby=\"h-news\">\n"
                "<h2 id=\"h-news\">New coverage of stories you read</h2>\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        int64_t more = news[i].n_sources - news[i].seen;

        html_lit(b, "<li><a href=\"/story/");
        html_litf(b, "%lld", (long long)news[i].story_id);
        html_lit(b, "\">");
        html_text(b, news[i].title && *news[i].title ? news[i].title : "(untitled story)");
        html_litf(b, "</a> <span class=\"new-sources\">%lld new source%s</span> ", (long long)more,
                  more == 1 ? "" : "s");
        button(r, "/reader/story", news[i].story_id, "read", "1", "/unread", "Seen", NULL);
        html_lit(b, "</li>\n");
    }
    html_lit(b, "</ul>\n</section>\n");
    return 0;
}

/*
 * The signed-in reader (into u) and the page of their listing of the
 * given kind before the "before" argument, texts included; -1 when there
 * is no reader (the answer is made) or the listing fails (u released).
 */
static int
load_listing(struct req *r, struct reader_user *u, enum store_reader_state kind, int64_t per_page,
             struct reader_page *page)
{
    struct store_reader_query q;
    struct gz_err err = GZ_ERR_INIT;

    if (load_reader(r, u))
        return -1;
    reader_query(u, kind, per_page, &q);
    q.before_id = page_id(web_arg(r, "before"));
    q.with_text = 1;
    if (reader_list(r->st, u, &q, r->a, page, &err)) {
        log_error("msg=\"cannot list\" kind=%d err=\"%s\"", (int)kind, err.msg);
        reader_user_release(u);
        return -1;
    }
    return 0;
}

/* The pager of a listing at path: a link to the page before id next, if any. */
static void
older_link(struct buf *b, const char *path, int64_t next, const char *label)
{
    if (!next)
        return;
    html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\"><a rel=\"next\" href=\"");
    html_attr(b, path);
    html_litf(b, "?before=%lld\">", (long long)next);
    html_text(b, label);
    html_lit(b, "</a></nav>\n");
}

int
page_unread(struct req *r, const char *arg)
{
    struct reader_user u;
    struct reader_page page;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    struct hmap groups = HMAP_INIT;
    size_t *order;
    size_t *first;
    size_t ngroups = 0;
    int rc = -1;

    (void)arg;
    if (load_listing(r, &u, READER_UNREAD, UNREAD_PAGE, &page))
        return -1;
    m.title = "Unread";
    m.description = "What you have not read yet from the sources you follow.";
    web_page_begin(r, &m);
    html_lit(b, "<h1>Unread</h1>\n");
    if (news_section(r, &u))
        goto out;
    if (!page.n) {
        html_lit(b, "<p class=\"empty\">Nothing unread. Well done.</p>\n");
    } else {
        html_lit(b, "<form class=\"mark-all\" method=\"post\" action=\"/reader/mark-all\">");
        auth_csrf_field(r);
        hidden_id(b, "before", r->now + 1);
        hidden(b, "next", "/unread");
        html_lit(b, "<button type=\"submit\">Mark all as read</button></form>\n");
    }
    /* group by story, in the order each story first appears (newest first) */
    order = ARENA_NEWN(r->a, size_t, page.n ? page.n : 1);
    first = ARENA_NEWN(r->a, size_t, page.n ? page.n : 1);
    for (size_t i = 0; i < page.n; i++) {
        const struct store_reader_item *it = &page.items[i].it;
        uint64_t key =
            it->story_id ? (uint64_t)it->story_id : ((uint64_t)1 << 62) | (uint64_t)it->id;
        int inserted = 0;
        uint64_t *slot = hmap_put(&groups, key, &inserted);

        if (inserted) {
            *slot = ngroups;
            first[ngroups++] = i;
        }
        order[i] = (size_t)*slot;
    }
    for (size_t g = 0; g < ngroups; g++) {
        const struct store_reader_item *lead = &page.items[first[g]].it;
        struct store_story s;
        int highlight = 0;
        size_t count = 0;

        for (size_t i = 0; i < page.n; i++)
            if (order[i] == g) {
                highlight |= page.items[i].highlight;
                count++;
            }
        html_lit(b, highlight ? "<section class=\"unread-group highlight\">\n"
                              : "<section class=\"unread-group\">\n");
        if (lead->story_id && !store_story_get(r->st, lead->story_id, r->a, &s, NULL)) {
            html_lit(b, "<h2><a href=\"/story/");
            html_litf(b, "%lld", (long long)s.id);
            html_lit(b, "\">");
            html_text(b, s.title && *s.title ? s.title : lead->title);
            html_litf(b, "</a></h2>\n<p class=\"meta\">%lld source%s \xc2\xb7 %zu unread ",
                      (long long)s.n_sources, s.n_sources == 1 ? "" : "s", count);
            button(r, "/reader/story", s.id, "read", "1", "/unread", "Mark story read", NULL);
            html_lit(b, "</p>\n");
        }
        html_lit(b, "<ul class=\"items\">\n");
        for (size_t i = 0; i < page.n; i++)
            if (order[i] == g)
                item_row(r, &page.items[i], "/unread");
        html_lit(b, "</ul>\n</section>\n");
    }
    older_link(b, "/unread", page.next, "Older unread");
    web_page_end(r);
    rc = 0;
out:
    hmap_release(&groups);
    reader_user_release(&u);
    return rc;
}

int
page_starred(struct req *r, const char *arg)
{
    struct reader_user u;
    struct reader_page page;
    struct page_meta m = {0};
    struct buf *b = &r->out;

    (void)arg;
    if (load_listing(r, &u, READER_STARRED, STARRED_PAGE, &page))
        return -1;
    m.title = "Starred";
    m.description = "The articles you starred.";
    web_page_begin(r, &m);
    html_lit(b, "<h1>Starred</h1>\n");
    if (!page.n)
        html_lit(b, "<p class=\"empty\">No starred articles yet.</p>\n");
    else
        html_lit(b, "<ul class=\"items\">\n");
    for (size_t i = 0; i < page.n; i++)
        item_row(r, &page.items[i], "/starred");
    if (page.n)
        html_lit(b, "</ul>\n");
    older_link(b, "/starred", page.next, "Older");
    web_page_end(r);
    reader_user_release(&u);
    return 0;
}

/* ---- the buttons' targets ---- */

/* A mark's outcome: 303 back, 404 for what does not exist, -1 otherwise. */
static int
after_mark(struct req *r, int rc, const struct gz_err *err, const char *what)
{
    if (!rc)
        return web_redirect(r, 303, next_of(r, "/unread"));
    if (rc == GZ_ENOTFOUND || rc == GZ_EDB)
        return web_error(r, 404, what);
    log_error("msg=\"cannot mark\" err=\"%s\"", err->msg);
    return -1;
}

int
page_reader_mark(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct gz_err err = GZ_ERR_INIT;
    int64_t id = page_id(web_form(r, "id"));
    const char *read = web_form(r, "read");

    (void)arg;
    if (!id)
        return web_error(r, 404, "There is no such article.");
    return after_mark(
        r, store_reader_mark(r->st, u->id, &id, 1, !read || strcmp(read, "0"), r->now, &err), &err,
        "There is no such article.");
}

int
page_reader_star(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct gz_err err = GZ_ERR_INIT;
    int64_t id = page_id(web_form(r, "id"));
    const char *star = web_form(r, "star");

    (void)arg;
    if (!id)
        return web_error(r, 404, "There is no such article.");
    return after_mark(
        r, store_reader_star(r->st, u->id, &id, 1, !star || strcmp(star, "0"), r->now, &err), &err,
        "There is no such article.");
}

int
page_reader_story(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct gz_err err = GZ_ERR_INIT;
    int64_t id = page_id(web_form(r, "id"));
    const char *read = web_form(r, "read");

    (void)arg;
    if (!id)
        return web_error(r, 404, "There is no such story.");
    return after_mark(
        r, store_reader_mark_story(r->st, u->id, id, !read || strcmp(read, "0"), r->now, &err),
        &err, "There is no such story.");
}

int
page_reader_mark_all(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct gz_err err = GZ_ERR_INIT;
    int64_t before = page_id(web_form(r, "before"));
    int64_t source = page_id(web_form(r, "source"));

    (void)arg;
    /* a page rendered at T marks what had arrived by then, never later arrivals */
    if (!before || before > r->now + 1)
        before = r->now + 1;
    return after_mark(
        r,
        source ? store_reader_mark_before(r->st, u->id, READER_SCOPE_SOURCE, source, before, &err)
               : store_reader_mark_before(r->st, u->id, READER_SCOPE_ALL, 0, before, &err),
        &err, "There is no such source.");
}

/* ---- My sources ---- */

int
page_my_sources(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct store_reader_sub *subs = NULL;
    struct store_reader_category *cats = NULL;
    struct store_reader_count *counts = NULL;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    size_t nsubs = 0;
    size_t ncats = 0;
    size_t ncounts = 0;
    size_t following = 0;

    (void)arg;
    if (store_reader_subs(r->st, u->id, r->a, &subs, &nsubs, &err) ||
        store_reader_categories(r->st, u->id, r->a, &cats, &ncats, &err) ||
        reader_counts(r->st, r->a, &counts, &ncounts, &err)) {
        log_error("msg=\"cannot list my sources\" err=\"%s\"", err.msg);
        return -1;
    }
    for (size_t i = 0; i < nsubs; i++)
        following += subs[i].follow != 0;
    m.title = "My sources";
    m.description = "The sources you follow, and your categories for them.";
    web_page_begin(r, &m);
    html_lit(b, "<h1>My sources</h1>\n");
    html_litf(b,
              "<p>You follow %zu of the %zu sources of this site. New sources are followed "
              "until you unfollow them. Categories are yours alone; reading apps show them as "
              "folders.</p>\n",
              following, nsubs);
    html_lit(b, "<datalist id=\"categories\">");
    for (size_t i = 0; i < ncats; i++) {
        html_lit(b, "<option value=\"");
        html_attr(b, cats[i].name);
        html_lit(b, "\"></option>");
    }
    html_lit(b, "</datalist>\n");
    if (!nsubs) {
        html_lit(b, "<p class=\"empty\">This site has no sources yet.</p>\n");
        web_page_end(r);
        return 0;
    }
    html_lit(b, "<table class=\"sources mine\">\n<thead><tr><th scope=\"col\">Source</th>"
                "<th scope=\"col\">Articles</th><th scope=\"col\">Following</th>"
                "<th scope=\"col\">Your category and name for it</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < nsubs; i++) {
        const struct store_reader_sub *s = &subs[i];

        html_litf(b, "<tr id=\"s%lld\"%s><td><a href=\"/source/%lld\">", (long long)s->source_id,
                  s->follow ? "" : " class=\"unfollowed\"", (long long)s->source_id);
        html_text(b, s->title && *s->title ? s->title : s->url);
        html_litf(b, "</a></td><td>%lld</td><td>",
                  (long long)reader_count_of(counts, ncounts, s->source_id));
        html_lit(b, "<form class=\"inline\" method=\"post\" action=\"/my/sources\">");
        auth_csrf_field(r);
        hidden_id(b, "source", s->source_id);
        hidden(b, "action", s->follow ? "unfollow" : "follow");
        html_lit(b, s->follow ? "Yes <button type=\"submit\">Unfollow</button>"
                              : "No <button type=\"submit\">Follow</button>");
        html_lit(b, "</form></td><td><form class=\"sub\" method=\"post\" action=\"/my/sources\">");
        auth_csrf_field(r);
        hidden_id(b, "source", s->source_id);
        hidden(b, "action", "save");
        html_litf(b,
                  "<label class=\"visually-hidden\" for=\"c%lld\">Category</label>"
                  "<input id=\"c%lld\" name=\"category\" list=\"categories\" maxlength=\"100\" "
                  "placeholder=\"Category\" value=\"",
                  (long long)s->source_id, (long long)s->source_id);
        html_attr(b, s->category ? s->category : "");
        html_litf(b,
                  "\"> <label class=\"visually-hidden\" for=\"t%lld\">Your name for it</label>"
                  "<input id=\"t%lld\" name=\"title\" maxlength=\"200\" placeholder=\"Your name "
                  "for it\" value=\"",
                  (long long)s->source_id, (long long)s->source_id);
        html_attr(b, s->own_title ? s->own_title : "");
        html_lit(b, "\"> <button type=\"submit\">Save</button></form></td></tr>\n");
    }
    html_lit(b, "</tbody>\n</table>\n");
    web_page_end(r);
    return 0;
}

int
page_my_sources_post(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct gz_err err = GZ_ERR_INIT;
    int64_t source = page_id(web_form(r, "source"));
    const char *action = web_form(r, "action");
    const char *category = web_form(r, "category");
    const char *title = web_form(r, "title");
    int rc;

    (void)arg;
    if (!source || !action)
        return web_error(r, 404, "There is no such source.");
    if (!strcmp(action, "follow") || !strcmp(action, "unfollow")) {
        rc = store_reader_follow(r->st, u->id, source, !strcmp(action, "follow"), &err);
    } else if (!strcmp(action, "save")) {
        struct str c = str_trim(str_from(category ? category : ""));
        struct str t = str_trim(str_from(title ? title : ""));

        if (c.len > 100 || t.len > 200)
            return notice_page(r, 422, "My sources",
                               "A category has at most 100 bytes, a name at most 200.",
                               "/my/sources");
        rc = store_reader_set_category(r->st, u->id, source, arena_strndup(r->a, c.p, c.len), NULL,
                                       &err);
        if (!rc)
            rc =
                store_reader_set_title(r->st, u->id, source, arena_strndup(r->a, t.p, t.len), &err);
    } else {
        return web_error(r, 400, "That is not something this form does.");
    }
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such source.");
    if (rc) {
        log_error("msg=\"cannot change my sources\" err=\"%s\"", err.msg);
        return -1;
    }
    return web_redirect(r, 303, arena_printf(r->a, "/my/sources#s%lld", (long long)source));
}

/* ---- Rules ---- */

int
page_rules(struct req *r, const char *arg)
{
    const struct store_user *su = auth_user(r);
    struct store_reader_prefs p;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    struct rules_problem probs[20];
    size_t nprobs = 0;
    struct rules *rs;
    const char *saved = web_arg(r, "saved");

    (void)arg;
    if (store_reader_prefs_get(r->st, su->id, r->a, &p, &err)) {
        log_error("msg=\"cannot read rules\" err=\"%s\"", err.msg);
        return -1;
    }
    rs = rules_compile(p.rules, probs, sizeof(probs) / sizeof(probs[0]), &nprobs);
    m.title = "Rules";
    m.description = "Mute or highlight articles by word, phrase, source, tag or pattern.";
    web_page_begin(r, &m);
    html_lit(b, "<section class=\"rules\">\n<h1>Rules</h1>\n");
    if (saved && !strcmp(saved, "1"))
        page_notice(r, "ok",
                    nprobs ? "Saved. Some lines could not be used: see below."
                           : "Saved. Your rules apply everywhere now.");
    html_lit(b,
             "<p>One rule a line. A line that starts with <kbd>-</kbd> <strong>mutes</strong> what "
             "it matches: you will not see it on this site, in reading apps or in your digest. "
             "Any other line <strong>highlights</strong> what it matches. All the terms of a "
             "line must match.</p>\n<ul class=\"syntax\">\n"
             "<li><kbd>word</kbd> a word in the title or the excerpt; <kbd>word*</kbd> words "
             "that start so</li>\n"
             "<li><kbd>\"two words\"</kbd> a phrase</li>\n"
             "<li><kbd>/regex/</kbd> a regular expression (POSIX, any case)</li>\n"
             "<li><kbd>source:foxnews</kbd> a source by name or address; "
             "<kbd>source:12</kbd> by number</li>\n"
             "<li><kbd>tag:sports</kbd> a tag; <kbd>entity:\"Tom Homan\"</kbd> (or "
             "<kbd>person:</kbd>, <kbd>place:</kbd>, <kbd>org:</kbd>) a name</li>\n"
             "<li><kbd>author:smith</kbd> an author</li>\n"
             "<li><kbd># ...</kbd> a comment</li>\n</ul>\n"
             "<p>Examples: <kbd>-tag:sports</kbd>, <kbd>-source:foxnews</kbd>, "
             "<kbd>\"border czar\"</kbd>.</p>\n"
             "<form method=\"post\" action=\"/rules\">\n");
    auth_csrf_field(r);
    html_lit(b, "\n<p><label for=\"rules\">Your rules</label>\n<textarea id=\"rules\" "
                "name=\"rules\" rows=\"12\" cols=\"60\" maxlength=\"20000\" spellcheck=\"false\">");
    html_text(b, p.rules);
    html_lit(b, "</textarea></p>\n<p><button type=\"submit\">Save rules</button></p>\n</form>\n");
    if (nprobs) {
        html_lit(b, "<h2>Lines that could not be used</h2>\n<ul class=\"problems\">\n");
        for (size_t i = 0; i < nprobs; i++) {
            html_litf(b, "<li>Line %d: ", probs[i].line);
            html_text(b, probs[i].msg);
            html_lit(b, "</li>\n");
        }
        html_lit(b, "</ul>\n");
    }
    if (rules_count(rs)) {
        struct buf d = BUF_INIT;

        html_lit(b, "<h2>What your rules do</h2>\n<ol class=\"described\">\n");
        for (size_t i = 0; i < rules_count(rs); i++) {
            int line = 0;

            buf_reset(&d);
            rules_describe(rs, i, &d, &line);
            html_litf(b, "<li value=\"%d\">", line);
            html_text(b, d.p);
            html_lit(b, "</li>\n");
        }
        html_lit(b, "</ol>\n");
        buf_release(&d);
    }
    html_lit(b, "</section>\n");
    rules_release(rs);
    web_page_end(r);
    return 0;
}

int
page_rules_post(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    const char *text = web_form(r, "rules");
    struct gz_err err = GZ_ERR_INIT;
    struct buf clean = BUF_INIT;
    int rc;

    (void)arg;
    if (!text)
        text = "";
    if (strlen(text) > RULES_MAX_TEXT)
        return notice_page(r, 422, "Rules", "Rules have at most 20000 bytes in all.", "/rules");
    /* browsers send CR LF: keep one line end */
    for (const char *p = text; *p; p++)
        if (*p != '\r')
            buf_addc(&clean, *p);
    rc = store_reader_set_rules(r->st, u->id, clean.p, NULL, &err);
    buf_release(&clean);
    if (rc) {
        log_error("msg=\"cannot save rules\" err=\"%s\"", err.msg);
        return -1;
    }
    log_info("msg=\"rules saved\" user=%lld", (long long)u->id);
    return web_redirect(r, 303, "/rules?saved=1");
}

/* ---- settings: apps, two-factor, digest ---- */

static const struct {
    const char *code;
    const char *kind;
    const char *msg;
} outcomes[] = {
    {"api-set", "ok", "Your API password is set: sign in from your reading app with it."},
    {"api-removed", "ok", "Your API password is removed: reading apps are refused."},
    {"digest", "ok", "Your digest settings are saved."},
    {"totp-on", "ok", "Two-factor sign-in is on."},
    {"totp-off", "ok", "Two-factor sign-in is off."},
};

static const char *
base_url(struct req *r)
{
    const char *b = gz_config && gz_config->base_url && *gz_config->base_url
                        ? gz_config->base_url
                        : arena_printf(r->a, "http://%s", gz_config ? gz_config->listen : "");
    size_t n = strlen(b);

    while (n && b[n - 1] == '/')
        n--;
    return arena_strndup(r->a, b, n);
}

void
reader_settings_sections(struct req *r)
{
    const struct store_user *su = auth_user(r);
    const char *outcome = web_arg(r, "reader");
    struct store_reader_prefs p;
    struct gz_err err = GZ_ERR_INIT;
    struct buf *b = &r->out;
    const char *base = base_url(r);
    int64_t left = 0;

    if (!su || store_reader_prefs_get(r->st, su->id, r->a, &p, &err) ||
        store_reader_recovery_left(r->st, su->id, &left, &err)) {
        log_error("msg=\"cannot read reader settings\" err=\"%s\"", err.msg);
        return;
    }
    for (size_t i = 0; outcome && i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
        if (!strcmp(outcome, outcomes[i].code))
            page_notice(r, outcomes[i].kind, outcomes[i].msg);

    html_lit(b, "<h2 id=\"apps\">Reading apps</h2>\n<p>Apps such as NetNewsWire, Reeder, "
                "ReadKit, FeedMe, Fluent Reader and Read You sign in with your name and an "
                "<strong>API password</strong>, never with the password above. ");
    html_lit(b,
             p.api_hash ? "Yours is set.</p>\n" : "You have none yet, so apps are refused.</p>\n");
    html_lit(b, "<dl class=\"endpoints\">\n<dt>Google Reader API (FreshRSS or Miniflux account "
                "in your app)</dt><dd><code>");
    html_text(b, base);
    html_lit(b, "</code> or <code>");
    html_text(b, base);
    html_lit(b, "/api/greader.php</code></dd>\n<dt>Fever API</dt><dd><code>");
    html_text(b, base);
    html_lit(b, "/fever/</code></dd>\n</dl>\n"
                "<form method=\"post\" action=\"/settings/api-password\">\n");
    auth_csrf_field(r);
    html_lit(b, "\n<p><label for=\"api-current\">Your log-in password</label>\n"
                "<input id=\"api-current\" name=\"current\" type=\"password\" required "
                "autocomplete=\"current-password\"></p>\n"
                "<p><label for=\"api-password\">New API password</label>\n"
                "<input id=\"api-password\" name=\"password\" type=\"password\" minlength=\"8\" "
                "maxlength=\"1024\" autocomplete=\"new-password\" aria-describedby=\"api-hint\">\n"
                "<small id=\"api-hint\">At least 8 characters; not your log-in password. "
                "Setting it signs your apps out.</small></p>\n"
                "<p><label for=\"api-password2\">New API password again</label>\n"
                "<input id=\"api-password2\" name=\"password2\" type=\"password\" "
                "minlength=\"8\" maxlength=\"1024\" autocomplete=\"new-password\"></p>\n"
                "<p><button type=\"submit\" name=\"action\" value=\"set\">Set API password"
                "</button>");
    if (p.api_hash)
        html_lit(b, " <button type=\"submit\" name=\"action\" value=\"remove\">Remove it</button>");
    html_lit(b, "</p>\n</form>\n");

    html_lit(b, "<h2 id=\"two-factor\">Two-factor sign-in</h2>\n<p>");
    if (p.totp_secret)
        html_litf(b,
                  "On: log-in asks for a code from your authenticator app. %lld recovery "
                  "code%s left. ",
                  (long long)left, left == 1 ? "" : "s");
    else
        html_lit(b, "Off: your password alone signs you in. ");
    html_lit(b, p.totp_secret ? "<a href=\"/settings/two-factor\">Manage it</a>.</p>\n"
                              : "<a href=\"/settings/two-factor\">Turn it on</a>.</p>\n");

    html_lit(b, "<h2 id=\"digest\">E-mail digest</h2>\n<p>The top stories in what you follow, "
                "by e-mail, with your mutes applied.</p>\n"
                "<form method=\"post\" action=\"/settings/digest\">\n");
    auth_csrf_field(r);
    html_lit(b, "\n<p><label for=\"digest\">How often</label>\n<select id=\"digest\" "
                "name=\"digest\">");
    html_lit(b, p.digest == READER_DIGEST_OFF ? "<option value=\"off\" selected>Never</option>"
                                              : "<option value=\"off\">Never</option>");
    html_lit(b, p.digest == READER_DIGEST_DAILY
                    ? "<option value=\"daily\" selected>Every day</option>"
                    : "<option value=\"daily\">Every day</option>");
    html_lit(b, p.digest == READER_DIGEST_WEEKLY
                    ? "<option value=\"weekly\" selected>Every week</option>"
                    : "<option value=\"weekly\">Every week</option>");
    html_lit(b, "</select></p>\n<p><label for=\"email\">Send it to</label>\n"
                "<input id=\"email\" name=\"email\" type=\"email\" maxlength=\"254\" "
                "autocomplete=\"email\" value=\"");
    html_attr(b, p.email ? p.email : "");
    html_lit(b, "\"></p>\n<p><button type=\"submit\">Save digest settings</button></p>\n"
                "</form>\n");
}

/* Check the current log-in password with the log-in throttle; 0 ok, 1 answered, -1 error. */
static int
check_current(struct req *r, const char *title, const char *back)
{
    const struct store_user *u = auth_user(r);
    const char *cur = web_form(r, "current");
    struct gz_err err = GZ_ERR_INIT;
    int64_t wait = 0;
    int rc = auth_login_throttled(r, u->name, &wait, &err);

    if (rc < 0)
        return -1;
    if (rc) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
        notice_page(r, 429, title, "Too many wrong passwords: wait and try again.", back);
        return 1;
    }
    if (!cur || !auth_password_verify(u->pass_hash, cur)) {
        if (auth_login_failed(r, u->name, &err))
            return -1;
        notice_page(r, 403, title, "Your log-in password is wrong.", back);
        return 1;
    }
    return 0;
}

int
page_settings_api(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    const char *action = web_form(r, "action");
    const char *pw = web_form(r, "password");
    const char *pw2 = web_form(r, "password2");
    struct gz_err err = GZ_ERR_INIT;
    int remove = action && !strcmp(action, "remove");
    int rc;

    (void)arg;
    if ((rc = check_current(r, "API password", "/settings#apps")))
        return rc < 0 ? -1 : 0;
    if (!remove) {
        if (auth_password_check(pw, &err))
            return notice_page(r, 422, "API password", err.msg, "/settings#apps");
        if (!pw2 || strcmp(pw, pw2))
            return notice_page(r, 422, "API password", "The two API passwords differ.",
                               "/settings#apps");
        if (auth_password_verify(u->pass_hash, pw))
            return notice_page(r, 422, "API password",
                               "Choose an API password other than your log-in password.",
                               "/settings#apps");
    }
    rc = reader_set_api_password(r->st, u->id, u->name, remove ? NULL : pw, &err);
    if (rc) {
        log_error("msg=\"cannot set the API password\" err=\"%s\"", err.msg);
        return -1;
    }
    log_info("msg=\"API password %s\" user=%lld", remove ? "removed" : "set", (long long)u->id);
    return web_redirect(
        r, 303, remove ? "/settings?reader=api-removed#apps" : "/settings?reader=api-set#apps");
}

int
page_settings_digest(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    const char *digest = web_form(r, "digest");
    const char *email = web_form(r, "email");
    struct gz_err err = GZ_ERR_INIT;
    struct str e = str_trim(str_from(email ? email : ""));
    const char *addr = arena_strndup(r->a, e.p, e.len);
    int kind = READER_DIGEST_OFF;

    (void)arg;
    if (digest && !strcmp(digest, "daily"))
        kind = READER_DIGEST_DAILY;
    else if (digest && !strcmp(digest, "weekly"))
        kind = READER_DIGEST_WEEKLY;
    else if (!digest || strcmp(digest, "off"))
        return notice_page(r, 422, "E-mail digest", "Choose never, every day or every week.",
                           "/settings#digest");
    if (*addr && !digest_address_valid(addr))
        return notice_page(r, 422, "E-mail digest", "That is not an e-mail address.",
                           "/settings#digest");
    if (kind != READER_DIGEST_OFF && !*addr)
        return notice_page(r, 422, "E-mail digest", "Give the address the digest goes to.",
                           "/settings#digest");
    if (store_reader_set_digest(r->st, u->id, kind, *addr ? addr : NULL, &err)) {
        log_error("msg=\"cannot save digest settings\" err=\"%s\"", err.msg);
        return -1;
    }
    return web_redirect(r, 303, "/settings?reader=digest#digest");
}

/* The two-factor page: set-up (off) or management (on). */
static int
two_factor_page(struct req *r, int status, const char *error, const char *const *codes,
                size_t ncodes)
{
    const struct store_user *u = auth_user(r);
    struct store_reader_prefs p;
    struct gz_err err = GZ_ERR_INIT;
    struct page_meta m = {0};
    struct buf *b = &r->out;
    int64_t left = 0;

    if (store_reader_prefs_get(r->st, u->id, r->a, &p, &err) ||
        store_reader_recovery_left(r->st, u->id, &left, &err)) {
        log_error("msg=\"cannot read two-factor state\" err=\"%s\"", err.msg);
        return -1;
    }
    m.title = "Two-factor sign-in";
    web_page_begin(r, &m);
    r->status = status;
    html_lit(b, "<section class=\"account-form two-factor\">\n<h1>Two-factor sign-in</h1>\n");
    if (error)
        page_notice(r, "error", error);
    if (ncodes) {
        html_lit(b, "<h2>Your recovery codes</h2>\n<p>Each works once, in place of a code from "
                    "your app, if you lose it. Keep them somewhere safe: they are shown only "
                    "now.</p>\n<ol class=\"codes\">\n");
        for (size_t i = 0; i < ncodes; i++) {
            html_lit(b, "<li><code>");
            html_text(b, codes[i]);
            html_lit(b, "</code></li>\n");
        }
        html_lit(b, "</ol>\n");
    }
    if (p.totp_secret) {
        html_litf(b,
                  "<p>Two-factor sign-in is <strong>on</strong>. %lld recovery code%s left."
                  "</p>\n",
                  (long long)left, left == 1 ? "" : "s");
        html_lit(b, "<form method=\"post\" action=\"/settings/two-factor\">\n");
        auth_csrf_field(r);
        html_lit(b, "\n<p><label for=\"current\">Your log-in password</label>\n"
                    "<input id=\"current\" name=\"current\" type=\"password\" required "
                    "autocomplete=\"current-password\"></p>\n<p>"
                    "<button type=\"submit\" name=\"action\" value=\"codes\">New recovery codes"
                    "</button> <button type=\"submit\" name=\"action\" value=\"off\">Turn "
                    "two-factor sign-in off</button></p>\n</form>\n");
    } else {
        char secret[TOTP_SECRET_LEN + 1];
        const char *uri;

        totp_secret_new(secret);
        uri = totp_uri(r->a, "gazette", u->name, secret);
        html_lit(b, "<p>Two-factor sign-in is <strong>off</strong>. To turn it on, add this "
                    "key to an authenticator app (it makes 6-digit codes every 30 seconds), "
                    "then type the code it shows.</p>\n<dl class=\"secret\">\n<dt>Key</dt>"
                    "<dd><code class=\"secret-key\">");
        html_text(b, secret);
        html_lit(b, "</code></dd>\n<dt>Or this address, for apps that take one</dt><dd><code "
                    "class=\"otpauth\">");
        html_text(b, uri);
        html_lit(b,
                 "</code></dd>\n</dl>\n<form method=\"post\" action=\"/settings/two-factor\">\n");
        auth_csrf_field(r);
        hidden(b, "secret", secret);
        html_lit(b, "\n<p><label for=\"code\">Code from the app</label>\n<input id=\"code\" "
                    "name=\"code\" required inputmode=\"numeric\" autocomplete=\"one-time-code\" "
                    "maxlength=\"8\"></p>\n<p><label for=\"current\">Your log-in password"
                    "</label>\n<input id=\"current\" name=\"current\" type=\"password\" required "
                    "autocomplete=\"current-password\"></p>\n<p><button type=\"submit\" "
                    "name=\"action\" value=\"on\">Turn two-factor sign-in on</button></p>\n"
                    "</form>\n");
        sodium_memzero(secret, sizeof(secret));
    }
    html_lit(b, "<p><a href=\"/settings#two-factor\">Back to settings</a></p>\n</section>\n");
    web_page_end(r);
    return 0;
}

int
page_two_factor(struct req *r, const char *arg)
{
    (void)arg;
    return two_factor_page(r, 200, NULL, NULL, 0);
}

/* New recovery codes for u with the secret (NULL: keep none); shows them. */
static int
new_codes(struct req *r, const struct store_user *u, const char *secret, int64_t step)
{
    char codes[TOTP_RECOVERY_CODES][TOTP_RECOVERY_LEN + 1];
    char hashes[TOTP_RECOVERY_CODES][TOTP_RECOVERY_HASH_LEN + 1];
    const char *cp[TOTP_RECOVERY_CODES];
    const char *hp[TOTP_RECOVERY_CODES];
    struct gz_err err = GZ_ERR_INIT;

    for (int i = 0; i < TOTP_RECOVERY_CODES; i++) {
        totp_recovery_new(codes[i]);
        if (totp_recovery_hash(u->id, codes[i], hashes[i], &err)) {
            log_error("msg=\"cannot hash a recovery code\" err=\"%s\"", err.msg);
            return -1;
        }
        cp[i] = arena_strdup(r->a, codes[i]);
        hp[i] = hashes[i];
    }
    if (store_reader_set_totp(r->st, u->id, secret, hp, TOTP_RECOVERY_CODES, &err) ||
        (step && store_reader_totp_step(r->st, u->id, step, &err))) {
        log_error("msg=\"cannot store two-factor\" err=\"%s\"", err.msg);
        return -1;
    }
    sodium_memzero(codes, sizeof(codes));
    return two_factor_page(r, 200, NULL, cp, TOTP_RECOVERY_CODES);
}

int
page_two_factor_post(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    const char *action = web_form(r, "action");
    struct store_reader_prefs p;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    (void)arg;
    if (!action)
        return web_error(r, 400, "That is not something this form does.");
    if ((rc = check_current(r, "Two-factor sign-in", "/settings/two-factor")))
        return rc < 0 ? -1 : 0;
    if (store_reader_prefs_get(r->st, u->id, r->a, &p, &err)) {
        log_error("msg=\"cannot read two-factor state\" err=\"%s\"", err.msg);
        return -1;
    }
    if (!strcmp(action, "on")) {
        const char *secret = web_form(r, "secret");
        int64_t step = 0;

        if (p.totp_secret)
            return web_redirect(r, 303, "/settings/two-factor");
        if (!totp_secret_valid(secret))
            return two_factor_page(r, 422, "The key was damaged on the way: start again.", NULL, 0);
        if (totp_verify(secret, web_form(r, "code"), r->now, &step, &err))
            return two_factor_page(r, 422,
                                   "That code is not right for this key. Check the app's clock "
                                   "and add the new key shown below.",
                                   NULL, 0);
        log_info("msg=\"two-factor on\" user=%lld", (long long)u->id);
        return new_codes(r, u, secret, step);
    }
    if (!p.totp_secret)
        return web_redirect(r, 303, "/settings/two-factor");
    if (!strcmp(action, "codes")) {
        log_info("msg=\"new recovery codes\" user=%lld", (long long)u->id);
        return new_codes(r, u, p.totp_secret, 0);
    }
    if (!strcmp(action, "off")) {
        if (store_reader_set_totp(r->st, u->id, NULL, NULL, 0, &err)) {
            log_error("msg=\"cannot turn two-factor off\" err=\"%s\"", err.msg);
            return -1;
        }
        log_info("msg=\"two-factor off\" user=%lld", (long long)u->id);
        return web_redirect(r, 303, "/settings?reader=totp-off#two-factor");
    }
    return web_error(r, 400, "That is not something this form does.");
}

/* ---- the second step of a log-in ---- */

static const char *
code_cookie(struct req *r, const char *value, long max_age)
{
    return arena_printf(r->a, "%s=%s; Path=/login; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
                        LOGIN_CODE_COOKIE, value, max_age,
                        gz_config && gz_config->secure_cookies ? "; Secure" : "");
}

int
reader_login_second_step(struct req *r, const struct store_user *u, const char *next,
                         struct gz_err *err)
{
    struct store_reader_prefs p;
    struct store_reader_challenge c = {0};
    char tok[AUTH_TOKEN_LEN + 1];
    char hash[AUTH_TOKEN_HASH_LEN + 1];
    int rc = store_reader_prefs_get(r->st, u->id, r->a, &p, err);

    if (rc)
        return rc;
    if (!p.totp_secret)
        return 0;
    auth_token_new(tok);
    if (auth_token_hash(tok, hash))
        return gz_errf(err, GZ_EINVAL, "cannot hash a new token");
    c.id_hash = hash;
    c.user_id = u->id;
    c.next = next;
    c.expires = r->now + LOGIN_CODE_TTL;
    if ((rc = store_reader_challenge_add(r->st, &c, r->now, err)))
        return rc;
    web_header(r, "Set-Cookie", code_cookie(r, tok, LOGIN_CODE_TTL));
    r->flags |= REQ_PRIVATE;
    sodium_memzero(tok, sizeof(tok));
    web_redirect(r, 303, "/login/code");
    return 1;
}

/* The log-in waiting for its code, from the cookie; 0, GZ_ENOTFOUND, or another error. */
static int
challenge(struct req *r, struct store_reader_challenge *c, struct gz_err *err)
{
    const char *tok = web_cookie(r, LOGIN_CODE_COOKIE);
    char hash[AUTH_TOKEN_HASH_LEN + 1];

    if (!tok || auth_token_hash(tok, hash))
        return GZ_ENOTFOUND;
    return store_reader_challenge_get(r->st, hash, r->now, r->a, c, err);
}

static int
code_page(struct req *r, int status, const char *error)
{
    struct page_meta m = {0};
    struct buf *b = &r->out;

    m.title = "Log in: code";
    web_page_begin(r, &m);
    r->status = status;
    r->flags |= REQ_PRIVATE;
    html_lit(b, "<section class=\"account-form\">\n<h1>Log in: code</h1>\n");
    if (error)
        page_notice(r, "error", error);
    html_lit(b, "<p>Your password was right. Type the code your authenticator app shows now, "
                "or one of your recovery codes.</p>\n<form method=\"post\" "
                "action=\"/login/code\">\n");
    auth_csrf_field(r);
    html_lit(b, "\n<p><label for=\"code\">Code</label>\n<input id=\"code\" name=\"code\" "
                "required autocomplete=\"one-time-code\" maxlength=\"20\" spellcheck=\"false\" "
                "autofocus></p>\n<p><button type=\"submit\">Log in</button></p>\n</form>\n"
                "<p><a href=\"/login\">Start again</a></p>\n</section>\n");
    web_page_end(r);
    return 0;
}

int
page_login_code(struct req *r, const char *arg)
{
    struct store_reader_challenge c;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    (void)arg;
    if (auth_user(r))
        return web_redirect(r, 303, "/");
    rc = challenge(r, &c, &err);
    if (rc == GZ_ENOTFOUND)
        return web_redirect(r, 303, "/login");
    if (rc) {
        log_error("msg=\"cannot read a log-in\" err=\"%s\"", err.msg);
        return -1;
    }
    return code_page(r, 200, NULL);
}

/* Whether code is u's TOTP code now (once) or an unused recovery code (used up). */
static int
code_ok(struct req *r, const struct store_user *u, const char *secret, const char *code,
        struct gz_err *err)
{
    char hash[TOTP_RECOVERY_HASH_LEN + 1];
    int64_t step = 0;
    int rc;

    if (!code)
        return 0;
    if (strspn(code, "0123456789 ") == strlen(code)) {
        if (totp_verify(secret, code, r->now, &step, NULL))
            return 0;
        rc = store_reader_totp_step(r->st, u->id, step, err);
        return rc == 0 ? 1 : rc == GZ_EEXIST ? 0 : rc;
    }
    if (totp_recovery_hash(u->id, code, hash, NULL))
        return 0;
    rc = store_reader_recovery_use(r->st, u->id, hash, err);
    if (!rc)
        log_info("msg=\"recovery code used\" user=%lld", (long long)u->id);
    return rc == 0 ? 1 : rc == GZ_ENOTFOUND ? 0 : rc;
}

int
page_login_code_post(struct req *r, const char *arg)
{
    struct store_reader_challenge c;
    struct store_reader_prefs p;
    struct store_user u;
    struct gz_err err = GZ_ERR_INIT;
    int64_t wait = 0;
    int rc;

    (void)arg;
    rc = challenge(r, &c, &err);
    if (rc == GZ_ENOTFOUND)
        return web_redirect(r, 303, "/login");
    if (rc || (rc = store_user_get(r->st, c.user_id, r->a, &u, &err)) ||
        (rc = store_reader_prefs_get(r->st, u.id, r->a, &p, &err)))
        goto fail;
    rc = auth_login_throttled(r, u.name, &wait, &err);
    if (rc < 0)
        goto fail;
    if (rc) {
        web_header(r, "Retry-After", arena_printf(r->a, "%lld", (long long)wait));
        return code_page(r, 429, "Too many wrong codes or passwords: wait and try again.");
    }
    rc = p.totp_secret ? code_ok(r, &u, p.totp_secret, web_form(r, "code"), &err) : 1;
    if (rc < 0)
        goto fail;
    if (!rc) {
        if ((rc = auth_login_failed(r, u.name, &err)))
            goto fail;
        return code_page(r, 403, "That code is not right, or it was used already.");
    }
    if ((rc = store_reader_challenge_delete(r->st, c.id_hash, &err)) ||
        (rc = auth_login_cleared(r, u.name, &err)) || (rc = auth_login(r, u.id, &err)))
        goto fail;
    web_header(r, "Set-Cookie", code_cookie(r, "", 0));
    log_info("msg=\"logged in\" user=%lld factors=2", (long long)u.id);
    return web_redirect(r, 303, auth_safe_next(c.next));
fail:
    log_error("msg=\"log-in code failed\" err=\"%s\"", err.msg);
    return -1;
}

/* ---- hooks for the shared pages ---- */

int
reader_listing_filter(struct req *r, struct store_article *arts, size_t *n, int **highlight)
{
    struct reader_user u;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    *highlight = NULL;
    if (!auth_user(r))
        return 0;
    if (load_reader(r, &u))
        return -1;
    *highlight = ARENA_NEWN(r->a, int, *n ? *n : 1);
    rc = reader_filter_articles(r->st, &u, arts, n, *highlight, r->a, &err);
    reader_user_release(&u);
    if (rc)
        log_error("msg=\"cannot apply rules\" err=\"%s\"", err.msg);
    return rc ? -1 : 0;
}

/*
 * A story is muted when the reader's rules mute it with each of its
 * sources: a rule on words, phrases or tags mutes it whoever covers it
 * (its headline, summary or lead, and its tags), a rule on sources only
 * when every source covering it is muted.
 */
int
reader_story_filter(struct req *r, struct store_story *stories, size_t *n, int **highlight)
{
    struct reader_user u;
    struct store_story_source *src = NULL;
    struct store_story_tag *tags = NULL;
    struct store_article *leads = NULL;
    struct store_reader_tag *ltags = NULL;
    struct gz_err err = GZ_ERR_INIT;
    size_t nsrc = 0;
    size_t ntags = 0;
    size_t nleads = 0;
    size_t nltags = 0;
    size_t m = *n < STORE_MAX_BATCH ? *n : STORE_MAX_BATCH;
    size_t kept = 0;
    int64_t *ids;
    int rc = 0;

    *highlight = NULL;
    if (!auth_user(r) || !m)
        return 0;
    if (load_reader(r, &u))
        return -1;
    if (!u.rules) {
        reader_user_release(&u);
        return 0;
    }
    *highlight = ARENA_NEWN(r->a, int, *n);
    ids = ARENA_NEWN(r->a, int64_t, m);
    for (size_t i = 0; i < m; i++)
        ids[i] = stories[i].id;
    if (store_story_sources(r->st, ids, m, r->a, &src, &nsrc, &err) ||
        store_story_tags_of(r->st, ids, m, r->a, &tags, &ntags, &err) ||
        store_story_leads(r->st, ids, m, r->a, &leads, &nleads, &err)) {
        log_error("msg=\"cannot read stories for rules\" err=\"%s\"", err.msg);
        rc = -1;
        goto out;
    }
    if (rules_need_tags(u.rules) && nleads) {
        int64_t *lids = ARENA_NEWN(r->a, int64_t, nleads);

        for (size_t k = 0; k < nleads; k++)
            lids[k] = leads[k].id;
        if (store_reader_tags(r->st, lids, nleads, r->a, &ltags, &nltags, &err)) {
            log_error("msg=\"cannot read tags for rules\" err=\"%s\"", err.msg);
            rc = -1;
            goto out;
        }
    }
    for (size_t i = 0; i < m; i++) {
        struct store_story *s = &stories[i];
        struct rules_tag rt[48];
        struct rules_item it = {0};
        const struct store_article *lead = NULL;
        size_t covered = 0;
        size_t muted = 0;
        int lit = 0;

        for (size_t k = 0; k < nleads; k++)
            if (leads[k].story_id == s->id)
                lead = &leads[k];
        /* the story's tags and its lead article's */
        for (size_t k = 0; k < ntags && it.ntags < sizeof(rt) / sizeof(rt[0]); k++) {
            if (tags[k].story_id != s->id)
                continue;
            rt[it.ntags].slug = tags[k].tag.slug;
            rt[it.ntags].kind = tags[k].tag.kind;
            it.ntags++;
        }
        for (size_t k = 0; lead && k < nltags && it.ntags < sizeof(rt) / sizeof(rt[0]); k++) {
            if (ltags[k].article_id != lead->id)
                continue;
            rt[it.ntags].slug = ltags[k].slug;
            rt[it.ntags].kind = ltags[k].kind;
            it.ntags++;
        }
        it.tags = rt;
        it.title = s->title && *s->title ? s->title : lead ? lead->title : NULL;
        it.excerpt = s->summary && *s->summary ? s->summary : lead ? lead->excerpt : NULL;
        it.author = lead ? lead->author : NULL;
        for (size_t k = 0; k < nsrc; k++) {
            int v;

            if (src[k].story_id != s->id)
                continue;
            covered++;
            it.source_id = src[k].source_id;
            it.source_title = src[k].title;
            v = rules_eval(u.rules, &it);
            muted += v == RULES_MUTE;
            lit |= v == RULES_HIGHLIGHT;
        }
        if (!covered) {
            int v = rules_eval(u.rules, &it);

            covered = 1;
            muted = v == RULES_MUTE;
            lit = v == RULES_HIGHLIGHT;
        }
        if (muted == covered)
            continue;
        (*highlight)[kept] = lit;
        stories[kept++] = *s;
    }
    /* stories past the batch are left as they were */
    for (size_t i = m; i < *n; i++) {
        (*highlight)[kept] = 0;
        stories[kept++] = stories[i];
    }
    *n = kept;
out:
    reader_user_release(&u);
    return rc;
}

void
reader_article_actions(struct req *r, const struct store_article *a)
{
    const struct store_user *u = auth_user(r);
    struct store_reader_prefs p;
    struct store_reader_article *x = NULL;
    struct gz_err err = GZ_ERR_INIT;
    size_t n = 0;
    const char *next;

    if (!u)
        return;
    if (store_reader_prefs_get(r->st, u->id, r->a, &p, &err) ||
        store_reader_articles(r->st, u->id, p.read_before, &a->id, 1, 0, r->a, &x, &n, &err) ||
        !n) {
        if (err.code)
            log_error("msg=\"cannot read article state\" err=\"%s\"", err.msg);
        return;
    }
    next = arena_printf(r->a, "/article/%lld", (long long)a->id);
    html_lit(&r->out, "<p class=\"reader-actions\">");
    html_lit(&r->out, x->read ? "<span class=\"state\">Read</span> "
                              : "<span class=\"state\">Unread</span> ");
    button(r, "/reader/mark", a->id, "read", x->read ? "0" : "1", next,
           x->read ? "Mark unread" : "Mark read", NULL);
    button(r, "/reader/star", a->id, "star", x->starred ? "0" : "1", next,
           x->starred ? "Unstar" : "Star", NULL);
    if (a->story_id)
        button(r, "/reader/story", a->story_id, "read", "1", next, "Mark story read", NULL);
    html_lit(&r->out, "</p>\n");
}
