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

/* page_llm.c: language-model features, only when llm-url is set */
int page_llm_article_post(struct req *r, const char *arg); /* POST /article/ID/summarize */
int page_llm_story_post(struct req *r, const char *arg);   /* POST /story/ID/ask, field q */
/* The forms that lead there (nothing when no model is configured). */
void page_llm_article_form(struct req *r, int64_t article_id);
void page_llm_story_form(struct req *r, int64_t story_id);

/* Parse a positive decimal id from arg (the whole of it); 0 when it is not one. */
int64_t page_id(const char *arg);

#endif
