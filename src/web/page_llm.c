/*
 * page_llm.c - the optional language-model features of the article and
 * story pages, shown only when an endpoint is configured (llm-url):
 *
 *   POST /article/ID/summarize   an abstractive summary of the article
 *   POST /story/ID/ask           (form field q) an answer to a reader's
 *                                question from the story's articles only
 *
 * Each answers with a small page: the model's text, marked as such, and a
 * link back.  When the model fails or times out, the page says so and
 * shows the extractive summary stored by the pipeline instead.  Without
 * an endpoint both addresses are 404 and the forms are not shown.
 */
#include "web/page.h"

#include "enrich/llm.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/str.h"
#include "web/auth.h"
#include "web/html.h"

#include <stdlib.h>
#include <string.h>

/* Articles of a story given to the model. */
#define LLM_STORY_ARTICLES 12
/* Longest question accepted, in bytes. */
#define LLM_QUESTION_MAX 500
/* The model gets this long to answer a page request. */
#define LLM_PAGE_TIMEOUT_MS 45000

static int
configured(struct llm_opts *o)
{
    llm_opts_from_config(o);
    o->timeout_ms = LLM_PAGE_TIMEOUT_MS;
    return llm_enabled(o);
}

void
page_llm_article_form(struct req *r, int64_t article_id)
{
    struct llm_opts o;

    if (!configured(&o))
        return;
    html_litf(&r->out, "<form class=\"llm\" method=\"post\" action=\"/article/%lld/summarize\">",
              (long long)article_id);
    auth_csrf_field(r);
    html_lit(&r->out,
             "<button type=\"submit\">Summarize with the language model</button></form>\n");
}

void
page_llm_story_form(struct req *r, int64_t story_id)
{
    struct llm_opts o;

    if (!configured(&o))
        return;
    html_litf(&r->out, "<form class=\"llm ask\" method=\"post\" action=\"/story/%lld/ask\">",
              (long long)story_id);
    auth_csrf_field(r);
    html_litf(&r->out,
              "<label for=\"q\">Ask about this story</label> "
              "<input id=\"q\" name=\"q\" type=\"text\" maxlength=\"%d\" required> "
              "<button type=\"submit\">Ask</button></form>\n",
              LLM_QUESTION_MAX);
}

/* "12/summarize" -> 12 when the rest is exactly verb; else 0. */
static int64_t
id_and_verb(struct req *r, const char *arg, const char *verb)
{
    const char *slash = strchr(arg, '/');

    if (!slash || strcmp(slash + 1, verb))
        return 0;
    return page_id(arena_strndup(r->a, arg, (size_t)(slash - arg)));
}

static void
answer_block(struct req *r, const char *heading, const char *answer, const char *note)
{
    struct buf *b = &r->out;

    html_lit(b, "<section class=\"llm-answer\">\n<h2>");
    html_text(b, heading);
    html_lit(b, "</h2>\n<div class=\"answer\">");
    html_paragraphs(b, answer);
    html_lit(b, "</div>\n<p class=\"note\">");
    html_text(b, note);
    html_lit(b, "</p>\n</section>\n");
}

static void
fallback_block(struct req *r, const struct gz_err *err, const char *summary)
{
    struct buf *b = &r->out;

    html_lit(b, "<section class=\"llm-answer failed\">\n<p class=\"note\">The language model "
                "could not answer (");
    html_text(b, err->msg);
    html_lit(b, "). ");
    if (summary && *summary) {
        html_lit(b, "Here is the summary made without it:</p>\n<p class=\"summary\">");
        html_text(b, summary);
        html_lit(b, "</p>\n");
    } else {
        html_lit(b, "There is no other summary yet.</p>\n");
    }
    html_lit(b, "</section>\n");
}

int
page_llm_article_post(struct req *r, const char *arg)
{
    struct llm_opts o;
    struct store_article a;
    struct gz_err err = GZ_ERR_INIT, lerr = GZ_ERR_INIT;
    struct page_meta m = {0};
    const char *answer = NULL;
    int64_t id = id_and_verb(r, arg, "summarize");
    int rc;

    if (!id && page_id(arg)) {
        web_header(r, "Allow", "GET, HEAD");
        return web_error(r, 405, "This address does not accept that method.");
    }
    if (!id || !configured(&o))
        return web_error(r, 404, "There is no page at this address.");
    rc = store_article_get(r->st, id, r->a, &a, &err);
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such article.");
    if (rc) {
        log_error("msg=\"cannot read article\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    rc = llm_summarize(&o, a.title, a.text && *a.text ? a.text : a.excerpt, r->a, &answer, &lerr);
    if (rc)
        log_warn("msg=\"llm summary failed\" id=%lld err=\"%s\"", (long long)id, lerr.msg);
    m.title = a.title;
    m.description = a.excerpt;
    web_page_begin(r, &m);
    html_lit(&r->out, "<h1><a href=\"/article/");
    html_litf(&r->out, "%lld", (long long)id);
    html_lit(&r->out, "\">");
    html_text(&r->out, a.title && *a.title ? a.title : "(untitled)");
    html_lit(&r->out, "</a></h1>\n");
    if (!rc)
        answer_block(r, "Summary by the language model", answer,
                     "Written by a language model from this article alone; it can be wrong.");
    else
        fallback_block(r, &lerr, a.summary);
    html_litf(&r->out, "<p><a href=\"/article/%lld\">Back to the article</a></p>\n", (long long)id);
    web_page_end(r);
    return 0;
}

int
page_llm_story_post(struct req *r, const char *arg)
{
    struct llm_opts o;
    struct store_story s;
    struct store_article *arts = NULL;
    struct store_article_query q = {0};
    struct llm_source src[LLM_STORY_ARTICLES];
    struct gz_err err = GZ_ERR_INIT, lerr = GZ_ERR_INIT;
    struct page_meta m = {0};
    const char *answer = NULL, *question;
    size_t n = 0;
    int64_t id = id_and_verb(r, arg, "ask");
    int rc;

    if (!id || !configured(&o))
        return web_error(r, 404, "There is no page at this address.");
    question = web_form(r, "q");
    if (!question || !str_trim(str_from(question)).len || strlen(question) > LLM_QUESTION_MAX ||
        str_utf8_valid_prefix(question, strlen(question)) != strlen(question))
        return web_error(r, 400, "Please write a question (at most 500 characters).");
    rc = store_story_get(r->st, id, r->a, &s, &err);
    if (rc == GZ_ENOTFOUND)
        return web_error(r, 404, "There is no such story.");
    q.story_id = id;
    q.limit = LLM_STORY_ARTICLES;
    q.with_text = 1;
    if (rc || store_article_list(r->st, &q, r->a, &arts, &n, &err)) {
        log_error("msg=\"cannot read story\" id=%lld err=\"%s\"", (long long)id, err.msg);
        return -1;
    }
    for (size_t i = 0; i < n && i < LLM_STORY_ARTICLES; i++) {
        src[i].source = arts[i].source_title;
        src[i].title = arts[i].title;
        src[i].text = arts[i].text && *arts[i].text ? arts[i].text : arts[i].excerpt;
    }
    if (n > LLM_STORY_ARTICLES)
        n = LLM_STORY_ARTICLES;
    rc = llm_ask(&o, question, src, n, r->a, &answer, &lerr);
    if (rc)
        log_warn("msg=\"llm answer failed\" story=%lld err=\"%s\"", (long long)id, lerr.msg);
    m.title = s.title;
    web_page_begin(r, &m);
    html_litf(&r->out, "<h1><a href=\"/story/%lld\">", (long long)id);
    html_text(&r->out, s.title && *s.title ? s.title : "(untitled story)");
    html_lit(&r->out, "</a></h1>\n<p class=\"question\">You asked: <q>");
    html_text(&r->out, question);
    html_lit(&r->out, "</q></p>\n");
    if (!rc)
        answer_block(r, "Answer by the language model", answer,
                     "Written by a language model from this story's articles alone; it can be "
                     "wrong.");
    else
        fallback_block(r, &lerr, s.summary);
    page_llm_story_form(r, id);
    html_litf(&r->out, "<p><a href=\"/story/%lld\">Back to the story</a></p>\n", (long long)id);
    web_page_end(r);
    return 0;
}
