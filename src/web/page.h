/*
 * page.h - the page frame and the handlers of routes.c (internal to web/).
 *
 * web_page_begin() writes everything up to <main>, web_page_end() the
 * rest; page handlers write their content between the two with html.h.
 */
#ifndef GZ_WEB_PAGE_H
#define GZ_WEB_PAGE_H

#include "web/web.h"

struct page_meta {
    const char *title;       /* plain text; the site name is appended */
    const char *description; /* plain text for meta description and og:description */
    const char *og_type;     /* "website" (default) or "article" */
    const char *image;       /* og:image URL, may be NULL */
    const char *nav;         /* which nav entry is current: "top", "latest", "sources" */
    const char *feed;        /* path of this page's own Atom feed, may be NULL */
    const char *feed_title;  /* its title */
};

void web_page_begin(struct req *r, const struct page_meta *m);
void web_page_end(struct req *r);

/* handlers */
int page_front(struct req *r, const char *arg);
int page_latest(struct req *r, const char *arg);
int page_article(struct req *r, const char *arg);
int page_sources(struct req *r, const char *arg);
int page_source(struct req *r, const char *arg);
int page_static(struct req *r, const char *arg);
int page_healthz(struct req *r, const char *arg);

/* ---- accounts ---- */

struct store_comment;

/* page_account.c */
int page_login(struct req *r, const char *arg);
int page_login_post(struct req *r, const char *arg);
int page_signup(struct req *r, const char *arg);
int page_signup_post(struct req *r, const char *arg);
int page_logout(struct req *r, const char *arg);
int page_settings(struct req *r, const char *arg);
int page_settings_post(struct req *r, const char *arg);
/* The header's account links: log in / sign up, or the user's name, settings and log out. */
void page_account_nav(struct req *r);
/*
 * A notice paragraph: kind "error" (role=alert) or "ok" (role=status).
 * msg is plain text; a first lower-case letter is capitalised and a full
 * stop added, so gz_err messages read as sentences.
 */
void page_notice(struct req *r, const char *kind, const char *msg);

/* page_comments.c */
int page_comment_post(struct req *r, const char *arg);
int page_comment_edit(struct req *r, const char *arg);
int page_comment_delete(struct req *r, const char *arg);
int page_comment_report(struct req *r, const char *arg);
int page_comment_moderate(struct req *r, const char *arg);
int page_moderation(struct req *r, const char *arg);
/* The article page's Comments section: the thread of c[0..n) and the forms. */
void comments_section(struct req *r, int64_t article_id, const struct store_comment *c, size_t n);

/* page_llm.c: language-model features, only when llm-url is set */
int page_llm_article_post(struct req *r, const char *arg); /* POST /article/ID/summarize */
int page_llm_story_post(struct req *r, const char *arg);   /* POST /story/ID/ask, field q */
/* The forms that lead there (nothing when no model is configured). */
void page_llm_article_form(struct req *r, int64_t article_id);
void page_llm_story_form(struct req *r, int64_t story_id);

struct store_tag;

/*
 * 1 when a tag of an article or story is one of its hashtags (the ones the
 * enrichment ranked, score > 0); the others are entities only.
 */
int page_is_hashtag(const struct store_tag *t);
/* A hashtag link: <a href="/tag/SLUG">#CamelCase</a>. */
void page_hashtag(struct req *r, const struct store_tag *t);
/* The hashtags among tags[0..n) as a list, or a line saying there are none yet. */
void page_hashtag_list(struct req *r, const struct store_tag *tags, size_t n);

/* Parse a positive decimal id from arg (the whole of it); 0 when it is not one. */
int64_t page_id(const char *arg);

/* ---- web pages: stories, tags, search, API, feeds, metrics ---- */

int page_story(struct req *r, const char *arg);
int page_tag(struct req *r, const char *arg);
int page_search(struct req *r, const char *arg);
int page_api(struct req *r, const char *arg);
int page_feed(struct req *r, const char *arg);
int page_metrics(struct req *r, const char *arg);

/*
 * Story cards for stories[0..n) (n <= STORE_MAX_BATCH): headline, "N
 * sources" with their names, relative time, summary (or the lead
 * article's snippet), hashtags.  Three queries for the whole list.
 * highlight (may be NULL) marks the stories a reader's rules highlight.
 * Returns 0, or an error (logged) for a 500.
 */
struct store_story;
int page_story_cards(struct req *r, const struct store_story *stories, size_t n,
                     const int *highlight);

/* The page number in ?page= (1 when absent or not a number, capped at 1000). */
int64_t page_number(struct req *r);

/* A pager: "Newer"/"Older" links to base?page=N (base may already hold a query). */
void page_pager(struct req *r, const char *base, int64_t page, int has_more);

/* ---- reader ---- */

struct store_article;
struct store_user;

/* page_reader.c: the signed-in reader's pages */
int page_unread(struct req *r, const char *arg);
int page_starred(struct req *r, const char *arg);
int page_reader_mark(struct req *r, const char *arg);
int page_reader_star(struct req *r, const char *arg);
int page_reader_story(struct req *r, const char *arg);
int page_reader_mark_all(struct req *r, const char *arg);
int page_my_sources(struct req *r, const char *arg);
int page_my_sources_post(struct req *r, const char *arg);
int page_rules(struct req *r, const char *arg);
int page_rules_post(struct req *r, const char *arg);
int page_settings_api(struct req *r, const char *arg);
int page_settings_digest(struct req *r, const char *arg);
int page_two_factor(struct req *r, const char *arg);
int page_two_factor_post(struct req *r, const char *arg);
int page_login_code(struct req *r, const char *arg);
int page_login_code_post(struct req *r, const char *arg);

/*
 * Hooks for the shared pages.  reader_nav_links(): the signed-in reader's
 * links in the header.  reader_settings_sections(): the settings page's
 * sections for apps, two-factor sign-in and the digest.
 * reader_login_second_step(): after a right password, 1 when the user has
 * two-factor sign-in and the request now answers with the second step, 0
 * to sign in at once, < 0 on error.  reader_listing_filter(): apply the
 * signed-in reader's rules to a listing (muted articles removed;
 * *highlight gets a flag per remaining article, or NULL when nobody is
 * signed in).  reader_article_actions(): star and read buttons on an
 * article page.
 */
void reader_nav_links(struct req *r);
void reader_settings_sections(struct req *r);
int reader_login_second_step(struct req *r, const struct store_user *u, const char *next,
                             struct gz_err *err);
int reader_listing_filter(struct req *r, struct store_article *arts, size_t *n, int **highlight);
/*
 * reader_story_filter(): remove from stories[0..*n) those the signed-in
 * reader's rules mute (every source of it muted, or its words or tags);
 * *highlight as reader_listing_filter() gives it.
 */
int reader_story_filter(struct req *r, struct store_story *stories, size_t *n, int **highlight);
void reader_article_actions(struct req *r, const struct store_article *a);

/* api_fever.c, api_greader.c */
int api_fever(struct req *r, const char *arg);
int api_greader_login(struct req *r, const char *arg);
int api_greader(struct req *r, const char *arg);

#endif
