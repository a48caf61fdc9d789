/*
 * page_comments.c - the article page's Comments section, the comment
 * forms' handlers and the moderation page.
 *
 * Every form works without JavaScript: reply and edit forms sit in
 * <details> elements; web/comments.js only focuses the opened form and
 * counts characters.  Each POST is a ROUTE_FORM route (CSRF checked by
 * the dispatcher) and answers 303 back to the comment's #c<ID> anchor.
 * A refused comment (empty, too long, too fast) gets a page that says why
 * and gives the text back in a form.
 *
 * Statuses: a visible comment shows to everyone; a hidden one (by a
 * moderator) or a removed one (deleted by its author or removed by a
 * moderator) shows only as "[hidden by a moderator]" / "[deleted]", and
 * only when replies hang from it.
 */
#include "web/page.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "web/auth.h"
#include "web/comment.h"
#include "web/html.h"

#include <stdio.h>
#include <string.h>

/* ---- the section ---- */

/* A form with one button posting id (and maybe one more field) to action. */
static void
button_form(struct req *r, const char *action, int64_t id, const char *name, const char *value,
            const char *back, const char *label)
{
    struct buf *b = &r->out;

    html_lit(b, "<form class=\"inline\" method=\"post\" action=\"");
    html_lit(b, action);
    html_lit(b, "\">");
    auth_csrf_field(r);
    html_litf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">", (long long)id);
    if (name) {
        html_lit(b, "<input type=\"hidden\" name=\"");
        html_lit(b, name);
        html_lit(b, "\" value=\"");
        html_lit(b, value);
        html_lit(b, "\">");
    }
    if (back) {
        html_lit(b, "<input type=\"hidden\" name=\"back\" value=\"");
        html_lit(b, back);
        html_lit(b, "\">");
    }
    html_lit(b, "<button type=\"submit\">");
    html_lit(b, label);
    html_lit(b, "</button></form>\n");
}

/* The textarea of a comment form; id must be unique on the page. */
static void
textarea(struct req *r, const char *id, const char *label, const char *text)
{
    struct buf *b = &r->out;

    html_lit(b, "<label for=\"");
    html_lit(b, id);
    html_lit(b, "\">");
    html_lit(b, label);
    html_lit(b, "</label>\n<textarea id=\"");
    html_lit(b, id);
    html_litf(b, "\" name=\"body\" rows=\"5\" maxlength=\"%d\" data-max=\"%d\" required>",
              COMMENT_MAX_CHARS, COMMENT_MAX_CHARS);
    html_text(b, text);
    html_lit(b, "</textarea>\n");
}

/* The form for a new comment (parent 0) or a reply. */
static void
new_form(struct req *r, int64_t article_id, int64_t parent_id, const char *text)
{
    struct buf *b = &r->out;
    char id[48];

    html_lit(b, "<form class=\"comment-form\" method=\"post\" action=\"/comment\">\n");
    auth_csrf_field(r);
    html_litf(b, "<input type=\"hidden\" name=\"article\" value=\"%lld\">", (long long)article_id);
    if (parent_id)
        html_litf(b, "<input type=\"hidden\" name=\"parent\" value=\"%lld\">",
                  (long long)parent_id);
    html_lit(b, "\n");
    if (parent_id)
        snprintf(id, sizeof(id), "reply-%lld", (long long)parent_id);
    else
        snprintf(id, sizeof(id), "comment-body");
    textarea(r, id, parent_id ? "Your reply" : "Add a comment", text);
    html_litf(b,
              "<p class=\"hint\">Plain text; links are made clickable. Up to %d characters.</p>\n"
              "<p><button type=\"submit\">%s</button></p>\n</form>\n",
              COMMENT_MAX_CHARS, parent_id ? "Post reply" : "Post comment");
}

static void
edit_form(struct req *r, const struct store_comment *c, const char *text)
{
    struct buf *b = &r->out;
    char id[48];

    snprintf(id, sizeof(id), "edit-%lld", (long long)c->id);
    html_lit(b, "<form class=\"comment-form\" method=\"post\" action=\"/comment/edit\">\n");
    auth_csrf_field(r);
    html_litf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">\n", (long long)c->id);
    textarea(r, id, "Your comment", text);
    html_lit(b, "<p><button type=\"submit\">Save</button></p>\n</form>\n");
}

static void
comment_meta(struct req *r, const struct store_comment *c, int admin)
{
    struct buf *b = &r->out;

    html_lit(b, "<p class=\"meta\"><span class=\"author\">");
    html_text(b, c->user_name);
    html_litf(b, "</span> \xc2\xb7 <a class=\"permalink\" href=\"/article/%lld#c%lld\">",
              (long long)c->article_id, (long long)c->id);
    html_time(b, c->created, r->now);
    html_lit(b, "</a>");
    if (c->edited)
        html_lit(b, " \xc2\xb7 <span class=\"edited\">edited</span>");
    if (admin && c->reports)
        html_litf(b, " \xc2\xb7 <span class=\"reports\">%lld report%s</span>",
                  (long long)c->reports, c->reports == 1 ? "" : "s");
    html_lit(b, "</p>\n");
}

static void
comment_actions(struct req *r, const struct store_comment *c, const struct store_user *u,
                int64_t reported)
{
    struct buf *b = &r->out;

    if (reported == c->id)
        page_notice(r, "ok", "Thank you: a moderator will look at this comment.");
    if (!u)
        return;
    html_lit(b, "<div class=\"actions\">\n<details class=\"reply\"><summary>Reply</summary>\n");
    new_form(r, c->article_id, c->id, "");
    html_lit(b, "</details>\n");
    if (u->id == c->user_id) {
        html_lit(b, "<details class=\"edit\"><summary>Edit</summary>\n");
        edit_form(r, c, c->body);
        html_lit(b, "</details>\n");
        button_form(r, "/comment/delete", c->id, NULL, NULL, NULL, "Delete");
    } else {
        button_form(r, "/comment/report", c->id, NULL, NULL, NULL, "Report");
    }
    if (u->is_admin) {
        button_form(r, "/comment/moderate", c->id, "action", "hide", NULL, "Hide");
        button_form(r, "/comment/moderate", c->id, "action", "remove", NULL, "Remove");
    }
    html_lit(b, "</div>\n");
}

void
comments_section(struct req *r, int64_t article_id, const struct store_comment *c, size_t n)
{
    struct buf *b = &r->out;
    const struct store_user *u = auth_user(r);
    struct comment_slot *slots;
    size_t ns;
    int open = -1;
    int64_t reported = page_id(web_arg(r, "reported"));

    comment_thread(r->a, c, n, &slots, &ns);
    html_lit(b, "<section class=\"comments\" id=\"comments\" aria-labelledby=\"h-comments\">\n"
                "<h2 id=\"h-comments\">Comments</h2>\n");
    for (size_t k = 0; k < ns; k++) {
        const struct store_comment *x = &c[slots[k].index];
        int depth = slots[k].depth;

        if (open < 0) {
            html_lit(b, "<ol class=\"thread\">\n");
        } else if (depth > open) {
            html_lit(b, "<ol class=\"replies\">\n");
        } else {
            html_lit(b, "</li>\n");
            for (int d = open; d > depth; d--)
                html_lit(b, "</ol>\n</li>\n");
        }
        open = depth;
        if (x->status != COMMENT_VISIBLE) {
            html_litf(b, "<li id=\"c%lld\" class=\"comment gone\"><p class=\"meta\">%s</p>\n",
                      (long long)x->id,
                      x->status == COMMENT_HIDDEN ? "[hidden by a moderator]" : "[deleted]");
            continue;
        }
        html_litf(b, "<li id=\"c%lld\" class=\"comment\">\n", (long long)x->id);
        comment_meta(r, x, u && u->is_admin);
        html_lit(b, "<div class=\"comment-body\">\n");
        comment_html(b, x->body);
        html_lit(b, "</div>\n");
        comment_actions(r, x, u, reported);
    }
    if (open >= 0) {
        html_lit(b, "</li>\n");
        for (int d = open; d > 0; d--)
            html_lit(b, "</ol>\n</li>\n");
        html_lit(b, "</ol>\n");
    } else {
        html_lit(b, "<p class=\"empty\">No comments yet...</p>\n");
    }
    if (u) {
        new_form(r, article_id, 0, "");
    } else {
        html_litf(b,
                  "<p class=\"login-to-comment\"><a href=\"/login?next=%%2Farticle%%2F%lld"
                  "%%23comments\">Log in to comment</a> or <a href=\"/signup?next=%%2Farticle"
                  "%%2F%lld%%23comments\">sign up</a>.</p>\n",
                  (long long)article_id, (long long)article_id);
    }
    html_lit(b, "</section>\n");
    if (u)
        html_lit(b, "<script src=\"/static/comments.js\" defer></script>\n");
}

/* ---- refusals ---- */

/*
 * The page for a comment that was not taken: the reason, and the text
 * back in a form so that nothing typed is lost.
 */
static int
refused(struct req *r, int status, const char *msg, int64_t article_id, int64_t parent_id,
        const struct store_comment *editing, const char *text)
{
    struct page_meta m = {0};
    struct buf *b = &r->out;

    m.title = editing ? "Your change was not saved" : "Your comment was not posted";
    buf_reset(b);
    web_page_begin(r, &m);
    r->status = status;
    html_lit(b, "<section class=\"comment-refused\">\n<h1>");
    html_text(b, m.title);
    html_lit(b, "</h1>\n");
    page_notice(r, "error", msg);
    if (article_id) {
        if (editing)
            edit_form(r, editing, text ? text : "");
        else
            new_form(r, article_id, parent_id, text ? text : "");
        html_litf(b, "<p><a href=\"/article/%lld#comments\">Back to the article</a></p>\n",
                  (long long)article_id);
    }
    html_lit(b, "</section>\n");
    web_page_end(r);
    return 0;
}

/*
 * Check a comment's text; NULL when it is fine, else the reason.  *out gets
 * the normalised text either way.
 */
static const char *
check_text(struct req *r, const char *raw, const char **out)
{
    size_t chars = 0;

    *out = comment_normalize(r->a, raw ? raw : "", &chars);
    if (!chars)
        return "Write something first: the comment is empty.";
    if (chars > COMMENT_MAX_CHARS)
        return arena_printf(r->a,
                            "Your comment has %zu characters; the limit is %d. Shorten it and "
                            "send it again.",
                            chars, COMMENT_MAX_CHARS);
    return NULL;
}

/* The comment named by the form's "id", or a refusal page (return 1). */
static int
form_comment(struct req *r, struct store_comment *c, int *rc)
{
    struct gz_err err = GZ_ERR_INIT;
    int64_t id = page_id(web_form(r, "id"));

    *rc = 0;
    if (!id) {
        *rc = web_error(r, 400, "The form names no comment.");
        return 1;
    }
    *rc = store_comment_get(r->st, id, r->a, c, &err);
    if (*rc == GZ_ENOTFOUND) {
        *rc = web_error(r, 404, "There is no such comment.");
        return 1;
    }
    if (*rc) {
        log_error("msg=\"cannot read comment\" id=%lld err=\"%s\"", (long long)id, err.msg);
        *rc = -1;
        return 1;
    }
    return 0;
}

static int
back_to(struct req *r, int64_t article_id, int64_t comment_id)
{
    if (comment_id)
        return web_redirect(r, 303,
                            arena_printf(r->a, "/article/%lld#c%lld", (long long)article_id,
                                         (long long)comment_id));
    return web_redirect(r, 303,
                        arena_printf(r->a, "/article/%lld#comments", (long long)article_id));
}

/* ---- handlers ---- */

int
page_comment_post(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    int64_t article_id = page_id(web_form(r, "article"));
    const char *parent_s = web_form(r, "parent");
    int64_t parent_id = parent_s && *parent_s ? page_id(parent_s) : 0;
    struct store_article a;
    struct store_comment c = {0};
    struct gz_err err = GZ_ERR_INIT;
    const char *text;
    const char *why;
    int64_t recent = 0;
    int rc;

    (void)arg;
    if (!article_id || (parent_s && *parent_s && !parent_id))
        return web_error(r, 400, "The form names no article.");
    rc = store_article_get(r->st, article_id, r->a, &a, &err);
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such article.");
    if (rc)
        goto fail;
    if (parent_id) {
        struct store_comment p;

        rc = store_comment_get(r->st, parent_id, r->a, &p, &err);
        if (rc && rc != GZ_ENOTFOUND)
            goto fail;
        if (rc || p.article_id != article_id)
            return web_error(r, 404, "The comment you replied to does not exist.");
        if (p.status != COMMENT_VISIBLE)
            return refused(r, 409, "The comment you replied to was removed.", article_id, 0, NULL,
                           web_form(r, "body"));
    }
    why = check_text(r, web_form(r, "body"), &text);
    if (why)
        return refused(r, 422, why, article_id, parent_id, NULL, text);
    if ((rc = store_comment_count_since(r->st, u->id, r->now - COMMENT_RATE_WINDOW, &recent, &err)))
        goto fail;
    if (recent >= COMMENT_RATE_MAX) {
        web_header(r, "Retry-After", "60");
        return refused(r, 429,
                       arena_printf(r->a,
                                    "You are posting too fast: at most %d comments a minute. "
                                    "Wait a minute and send it again.",
                                    COMMENT_RATE_MAX),
                       article_id, parent_id, NULL, text);
    }
    c.article_id = article_id;
    c.user_id = u->id;
    c.parent_id = parent_id;
    c.body = text;
    c.created = r->now;
    c.status = COMMENT_VISIBLE;
    if ((rc = store_comment_add(r->st, &c, &err)))
        goto fail;
    return back_to(r, article_id, c.id);
fail:
    log_error("msg=\"cannot post comment\" err=\"%s\"", err.msg);
    return -1;
}

int
page_comment_edit(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct store_comment c;
    struct gz_err err = GZ_ERR_INIT;
    const char *text;
    const char *why;
    int rc;

    (void)arg;
    if (form_comment(r, &c, &rc))
        return rc;
    if (c.user_id != u->id)
        return web_error(r, 403, "You can edit only your own comments.");
    if (c.status != COMMENT_VISIBLE)
        return web_error(r, 409, "This comment was removed; it cannot be edited.");
    why = check_text(r, web_form(r, "body"), &text);
    if (why)
        return refused(r, 422, why, c.article_id, 0, &c, text);
    if (strcmp(text, c.body) && (rc = store_comment_edit(r->st, c.id, text, r->now, &err))) {
        log_error("msg=\"cannot edit comment\" err=\"%s\"", err.msg);
        return -1;
    }
    return back_to(r, c.article_id, c.id);
}

int
page_comment_delete(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct store_comment c;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    (void)arg;
    if (form_comment(r, &c, &rc))
        return rc;
    if (c.user_id != u->id)
        return web_error(r, 403, "You can delete only your own comments.");
    if (c.status != COMMENT_REMOVED &&
        (rc = store_comment_set_status(r->st, c.id, COMMENT_REMOVED, &err))) {
        log_error("msg=\"cannot delete comment\" err=\"%s\"", err.msg);
        return -1;
    }
    return back_to(r, c.article_id, c.parent_id);
}

int
page_comment_report(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    struct store_comment c;
    struct gz_err err = GZ_ERR_INIT;
    int rc;

    (void)arg;
    if (form_comment(r, &c, &rc))
        return rc;
    if (c.user_id == u->id)
        return web_error(r, 409, "You cannot report your own comment; you can delete it.");
    rc = store_comment_report(r->st, c.id, u->id, r->now, &err);
    if (rc && rc != GZ_EEXIST) {
        log_error("msg=\"cannot report comment\" err=\"%s\"", err.msg);
        return -1;
    }
    return web_redirect(r, 303,
                        arena_printf(r->a, "/article/%lld?reported=%lld#c%lld",
                                     (long long)c.article_id, (long long)c.id, (long long)c.id));
}

int
page_comment_moderate(struct req *r, const char *arg)
{
    const struct store_user *u = auth_user(r);
    const char *action = web_form(r, "action");
    const char *back = web_form(r, "back");
    struct store_comment c;
    struct gz_err err = GZ_ERR_INIT;
    int status;
    int rc;

    (void)arg;
    if (form_comment(r, &c, &rc))
        return rc;
    if (action && !strcmp(action, "hide"))
        status = COMMENT_HIDDEN;
    else if (action && !strcmp(action, "remove"))
        status = COMMENT_REMOVED;
    else if (action && !strcmp(action, "restore"))
        status = COMMENT_VISIBLE;
    else
        return web_error(r, 400, "Unknown moderation action.");
    if ((rc = store_comment_set_status(r->st, c.id, status, &err))) {
        log_error("msg=\"cannot moderate comment\" err=\"%s\"", err.msg);
        return -1;
    }
    log_info("msg=\"moderated comment\" id=%lld action=%s by=%lld", (long long)c.id, action,
             (long long)u->id);
    if (back && !strcmp(back, "moderation"))
        return web_redirect(r, 303, "/moderation");
    return back_to(r, c.article_id, c.id);
}

/* ---- moderation page ---- */

static const char *const status_names[] = {"visible", "hidden", "removed"};

static void
queue_list(struct req *r, const struct store_comment_mod *q, size_t n, const char *prefix)
{
    struct buf *b = &r->out;

    if (!n) {
        html_lit(b, "<p class=\"empty\">Nothing here.</p>\n");
        return;
    }
    html_lit(b, "<ol class=\"queue\">\n");
    for (size_t i = 0; i < n; i++) {
        const struct store_comment *c = &q[i].c;
        int st = c->status >= 0 && c->status <= 2 ? c->status : 0;

        html_litf(b, "<li id=\"%s%lld\" class=\"comment status-%s\">\n", prefix, (long long)c->id,
                  status_names[st]);
        comment_meta(r, c, 1);
        html_litf(b, "<p class=\"meta\">On <a href=\"/article/%lld#c%lld\">",
                  (long long)c->article_id, (long long)c->id);
        html_text(b, q[i].article_title && *q[i].article_title ? q[i].article_title : "(untitled)");
        html_litf(b, "</a> \xc2\xb7 <strong class=\"status\">%s</strong></p>\n", status_names[st]);
        html_lit(b, "<div class=\"comment-body\">\n");
        comment_html(b, c->body);
        html_lit(b, "</div>\n<div class=\"actions\">\n");
        if (st != COMMENT_HIDDEN)
            button_form(r, "/comment/moderate", c->id, "action", "hide", "moderation", "Hide");
        if (st != COMMENT_REMOVED)
            button_form(r, "/comment/moderate", c->id, "action", "remove", "moderation", "Remove");
        if (st != COMMENT_VISIBLE)
            button_form(r, "/comment/moderate", c->id, "action", "restore", "moderation",
                        "Restore");
        html_lit(b, "</div>\n</li>\n");
    }
    html_lit(b, "</ol>\n");
}

int
page_moderation(struct req *r, const char *arg)
{
    struct page_meta m = {0};
    struct buf *b = &r->out;
    struct store_comment_mod *reported;
    struct store_comment_mod *recent;
    size_t nrep;
    size_t nrec;
    struct gz_err err = GZ_ERR_INIT;

    (void)arg;
    if (store_comment_queue(r->st, COMMENTS_REPORTED, 100, r->a, &reported, &nrep, &err) ||
        store_comment_queue(r->st, COMMENTS_RECENT, 50, r->a, &recent, &nrec, &err)) {
        log_error("msg=\"cannot read moderation queue\" err=\"%s\"", err.msg);
        return -1;
    }
    m.title = "Moderation";
    web_page_begin(r, &m);
    html_lit(b, "<section class=\"moderation\">\n<h1>Moderation</h1>\n"
                "<h2 id=\"reported\">Reported comments</h2>\n");
    queue_list(r, reported, nrep, "m");
    html_lit(b, "<h2 id=\"recent\">Recent comments</h2>\n");
    queue_list(r, recent, nrec, "r");
    html_lit(b, "</section>\n");
    web_page_end(r);
    return 0;
}
