/*
 * api_reader.h - what the reading-app APIs (api_fever.c, api_greader.c)
 * share: parameters from the query or the form body, JSON answers, the
 * failed-sign-in throttle, and article bodies as HTML (internal to web/).
 *
 * Apps send most parameters either way, so a parameter is looked up in
 * the URL's query first, then in a form-encoded body.  Failed API
 * sign-ins are counted per client address (scope "api-addr") in the same
 * database table as the site's log-in throttle: 20 in 15 minutes and the
 * address waits.
 *
 * Everything here belongs to the request's thread; strings live in the
 * request's arena.
 */
#ifndef GZ_WEB_API_READER_H
#define GZ_WEB_API_READER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "web/web.h"

struct store_article;

#define API_FAIL_WINDOW (15 * 60)
#define API_FAIL_MAX 20

/* The parameter name from the query, else from the form body, or NULL. */
const char *api_param(struct req *r, const char *name);
/* 1 when the query or the body has parameter name, with a value or without ("?api&items"). */
int api_has(struct req *r, const char *name);
/*
 * Every value of parameter name, from the query and then the body, as an
 * arena array in *out; returns how many (at most max).
 */
size_t api_params(struct req *r, const char *name, const char ***out, size_t max);

/* Answer with j as JSON (status 200 unless r->status was set); takes the reference. */
int api_json(struct req *r, json_t *j);
/* Answer with a short text/plain body. */
int api_text(struct req *r, int status, const char *text);

/* 1 when this client failed to sign in too often lately (answered already), 0, or < 0. */
int api_throttled(struct req *r);
/* Count a failed sign-in from this client. */
void api_failed(struct req *r);

/* The article's body as HTML: its sanitized HTML, else its text as paragraphs. */
const char *api_body_html(struct req *r, const struct store_article *a);
/* A JSON string, or "" when s is NULL or not UTF-8 (jansson refuses those). */
json_t *api_str(const char *s);

/* Parse a decimal id (1..INT64_MAX); 0 when s is not one. */
int64_t api_id(const char *s);

#endif
