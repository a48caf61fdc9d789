/*
 * llm.c - the chat-completions client: one curl easy handle per call.
 */
#include "enrich/llm.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/err.h"
#include "util/str.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define LLM_CONNECT_TIMEOUT_MS 5000L

static const char summarize_system[] =
    "You summarize news articles. Write a neutral summary of the article in at most three "
    "sentences, using only facts stated in it. Answer with the summary only.";

static const char ask_system[] =
    "You answer a reader's question about one news story, using only the numbered articles "
    "given. Do not use any other knowledge. When the articles do not answer the question, say "
    "so. Name the sources you rely on. Be brief: at most five sentences.";

void
llm_opts_from_config(struct llm_opts *o)
{
    memset(o, 0, sizeof(*o));
    if (!gz_config)
        return;
    o->url = gz_config->llm_url;
    o->model = gz_config->llm_model;
    o->key = gz_config->llm_key;
}

int
llm_enabled(const struct llm_opts *o)
{
    return o && o->url && *o->url;
}

int
llm_endpoint(const char *url, struct buf *out, struct gz_err *err)
{
    size_t n;

    if (!url || (str_ncasecmp(url, "http://", 7) && str_ncasecmp(url, "https://", 8)))
        return gz_errf(err, GZ_EINVAL, "llm url '%s' is not http or https", url ? url : "");
    buf_reset(out);
    buf_adds(out, url);
    while (out->len && out->p[out->len - 1] == '/')
        buf_setlen(out, out->len - 1);
    n = out->len;
    if (n >= 17 && !strcmp(out->p + n - 17, "/chat/completions"))
        return 0;
    if (n >= 3 && !strcmp(out->p + n - 3, "/v1"))
        buf_adds(out, "/chat/completions");
    else
        buf_adds(out, "/v1/chat/completions");
    return out->overflow ? GZ_ELIMIT : 0;
}

int
llm_request_json(const struct llm_opts *o, const char *system, const char *user, struct buf *out)
{
    json_t *msgs = json_array(), *req;
    json_t *sys = json_string(system), *usr = json_string(user);
    char *s;
    int rc;

    if (!sys || !usr) {
        json_decref(sys);
        json_decref(usr);
        json_decref(msgs);
        return GZ_EINVAL;
    }
    json_array_append_new(msgs, json_pack("{s:s, s:o}", "role", "system", "content", sys));
    json_array_append_new(msgs, json_pack("{s:s, s:o}", "role", "user", "content", usr));
    req = json_pack("{s:s, s:o, s:i, s:f, s:b}", "model",
                    o->model && *o->model ? o->model : "default", "messages", msgs, "max_tokens",
                    o->max_tokens > 0 ? o->max_tokens : 400, "temperature", 0.2, "stream", 0);
    s = req ? json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(req);
    if (!s)
        return GZ_EINVAL;
    rc = buf_adds(out, s);
    free(s);
    return rc;
}

int
llm_parse_response(const char *body, size_t len, struct arena *a, const char **out,
                   struct gz_err *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(body, len, 0, &jerr), *content;
    const char *msg;
    struct str t;

    *out = NULL;
    if (!json_is_object(root)) {
        json_decref(root);
        return gz_errf(err, GZ_EPARSE, "llm answer is not JSON: %s", jerr.text);
    }
    msg = json_string_value(json_object_get(json_object_get(root, "error"), "message"));
    if (!msg)
        msg = json_string_value(json_object_get(root, "error"));
    content = json_object_get(
        json_object_get(json_array_get(json_object_get(root, "choices"), 0), "message"), "content");
    if (!json_is_string(content)) {
        int rc = msg ? gz_errf(err, GZ_EPARSE, "llm error '%.200s'", msg)
                     : gz_errf(err, GZ_EPARSE, "llm answer has no choices[0].message.content");

        json_decref(root);
        return rc;
    }
    t = str_trim((struct str){json_string_value(content), json_string_length(content)});
    if (!t.len) {
        json_decref(root);
        return gz_errf(err, GZ_EPARSE, "llm answer is empty");
    }
    *out = arena_strndup(a, t.p, t.len);
    json_decref(root);
    return 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;

    if (buf_add(b, p, size * n))
        return 0; /* over the limit: curl stops with CURLE_WRITE_ERROR */
    return size * n;
}

int
llm_chat(const struct llm_opts *o, const char *system, const char *user, struct arena *a,
         const char **out, struct gz_err *err)
{
    struct buf url = BUF_INIT, req = BUF_INIT, resp;
    struct curl_slist *hdr = NULL;
    char auth[1024], cerr[CURL_ERROR_SIZE] = "";
    CURL *c;
    CURLcode cc;
    long status = 0;
    int rc;

    *out = NULL;
    if (!llm_enabled(o))
        return gz_errf(err, GZ_EINVAL, "no llm url is set");
    if ((rc = llm_endpoint(o->url, &url, err)))
        goto done_bufs;
    if ((rc = llm_request_json(o, system, user, &req))) {
        gz_errf(err, rc, "cannot encode the llm request (text is not UTF-8)");
        goto done_bufs;
    }
    buf_init(&resp, LLM_MAX_RESPONSE);
    c = curl_easy_init();
    if (!c) {
        rc = gz_errf(err, GZ_ENOMEM, "cannot create a curl handle");
        buf_release(&resp);
        goto done_bufs;
    }
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "Accept: application/json");
    if (o->key && *o->key) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", o->key);
        hdr = curl_slist_append(hdr, auth);
    }
    curl_easy_setopt(c, CURLOPT_URL, url.p);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.p);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)req.len);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms > 0 ? o->timeout_ms : 60000L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, LLM_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(c, CURLOPT_USERAGENT,
                     gz_config && gz_config->user_agent ? gz_config->user_agent : "gazette");
    cc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc == CURLE_OPERATION_TIMEDOUT)
        rc = gz_errf(err, GZ_ETIMEOUT, "llm did not answer in time");
    else if (cc == CURLE_WRITE_ERROR && resp.overflow)
        rc = gz_errf(err, GZ_ELIMIT, "llm answer is larger than %u bytes", LLM_MAX_RESPONSE);
    else if (cc != CURLE_OK)
        rc = gz_errf(err, GZ_ENET, "llm request failed: %s", *cerr ? cerr : curl_easy_strerror(cc));
    else if (status >= 400) {
        const char *detail = NULL;
        struct gz_err perr = GZ_ERR_INIT;

        if (llm_parse_response(resp.p, resp.len, a, &detail, &perr))
            detail = perr.msg;
        rc = gz_errf(err, GZ_ENET, "llm answered HTTP %ld: %s", status, detail ? detail : "");
    } else
        rc = llm_parse_response(resp.p, resp.len, a, out, err);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    buf_release(&resp);
done_bufs:
    buf_release(&url);
    buf_release(&req);
    return rc;
}

/* Append at most max bytes of s (cut on a character), then a newline. */
static void
add_cut(struct buf *b, const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;

    if (n > max)
        n = str_utf8_cut(s, n, max);
    if (n)
        buf_add(b, s, n);
    buf_addc(b, '\n');
}

int
llm_summarize(const struct llm_opts *o, const char *title, const char *text, struct arena *a,
              const char **out, struct gz_err *err)
{
    struct buf u = BUF_INIT;
    int rc;

    buf_adds(&u, "Title: ");
    add_cut(&u, title, 1024);
    buf_adds(&u, "\nArticle:\n");
    add_cut(&u, text, LLM_MAX_INPUT);
    rc = llm_chat(o, summarize_system, u.p, a, out, err);
    buf_release(&u);
    return rc;
}

void
llm_ask_prompt(const char *question, const struct llm_source *src, size_t n, struct buf *out)
{
    size_t each = n ? LLM_MAX_INPUT / n : LLM_MAX_INPUT;

    for (size_t i = 0; i < n; i++) {
        buf_addf(out, "[%zu] ", i + 1);
        if (src[i].source && *src[i].source)
            buf_addf(out, "%s: ", src[i].source);
        add_cut(out, src[i].title, 512);
        add_cut(out, src[i].text, each);
        buf_addc(out, '\n');
    }
    buf_adds(out, "Question: ");
    add_cut(out, question, 1000);
}

int
llm_ask(const struct llm_opts *o, const char *question, const struct llm_source *src, size_t n,
        struct arena *a, const char **out, struct gz_err *err)
{
    struct buf u = BUF_INIT;
    struct str q = str_trim(str_from(question ? question : ""));
    int rc;

    *out = NULL;
    if (!q.len)
        return gz_errf(err, GZ_EINVAL, "the question is empty");
    llm_ask_prompt(question, src, n, &u);
    rc = llm_chat(o, ask_system, u.p, a, out, err);
    buf_release(&u);
    return rc;
}
