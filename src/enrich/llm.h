/*
 * llm.h - an optional client for an OpenAI-compatible chat-completions
 * endpoint (llama.cpp's server, Ollama, vLLM, or a hosted service).
 *
 * It is used only when the operator names an endpoint (the llm-url
 * setting, GAZETTE_LLM_URL): for an abstractive summary of an article and
 * for answering a reader's question from a story's articles only.  Without
 * it, or when a call fails or times out, callers show the extractive
 * output of enrich.h instead: nothing here is ever required.
 *
 * Protocol: POST {url} with a JSON body {"model", "messages": [{"role":
 * "system"|"user", "content"}], "max_tokens", "temperature", "stream":
 * false}; "Authorization: Bearer KEY" when a key is set; the answer is
 * choices[0].message.content.  url may be the full endpoint
 * (".../v1/chat/completions") or a base ("http://127.0.0.1:8080" or
 * ".../v1"), to which the rest is added.
 *
 * Limits: the request carries at most LLM_MAX_INPUT bytes of article text;
 * an answer larger than LLM_MAX_RESPONSE bytes is refused; every call has
 * a total timeout (opts.timeout_ms) and a connect timeout.  Only http and
 * https URLs are accepted.
 *
 * Memory: results are allocated from the caller's arena.
 * Thread-safety: every function may run in any thread; each call makes its
 * own curl handle (curl_global_init() must have run, as main() does).
 */
#ifndef GZ_ENRICH_LLM_H
#define GZ_ENRICH_LLM_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct gz_err;

/* Article text sent to the model, in bytes (the rest is cut). */
#define LLM_MAX_INPUT (24u * 1024)
/* Largest response body accepted. */
#define LLM_MAX_RESPONSE (1u << 20)

struct llm_opts {
    const char *url;   /* endpoint or base URL; NULL or "": no LLM */
    const char *model; /* model name; NULL: "default" */
    const char *key;   /* bearer token, may be NULL */
    long timeout_ms;   /* whole call; 0: 60000 */
    int max_tokens;    /* answer length; 0: 400 */
};

/* Options from the frozen configuration (gz_config): url, model, key. */
void llm_opts_from_config(struct llm_opts *o);

/* 1 when o names an endpoint. */
int llm_enabled(const struct llm_opts *o);

/*
 * The full endpoint for url into out (a base gets "/v1/chat/completions"
 * or "/chat/completions" added).  GZ_EINVAL when url is not http(s).
 */
int llm_endpoint(const char *url, struct buf *out, struct gz_err *err);

/*
 * The request body for a system and a user message into out.  Pure.
 * Returns 0, or GZ_EINVAL when a string is not valid UTF-8.
 */
int llm_request_json(const struct llm_opts *o, const char *system, const char *user,
                     struct buf *out);

/*
 * The answer text of a response body: choices[0].message.content, trimmed.
 * GZ_EPARSE when the body is not such JSON or the content is empty; the
 * service's own error message ({"error": {"message"}}) is quoted in err.
 * Pure.
 */
int llm_parse_response(const char *body, size_t len, struct arena *a, const char **out,
                       struct gz_err *err);

/*
 * One chat completion: the answer in *out (arena a).  Errors: GZ_EINVAL
 * (bad options), GZ_ENET (connection, HTTP status >= 400: the status is in
 * the message), GZ_ETIMEOUT, GZ_ELIMIT (response too large), GZ_EPARSE.
 */
int llm_chat(const struct llm_opts *o, const char *system, const char *user, struct arena *a,
             const char **out, struct gz_err *err);

/* An article of a story, for llm_ask(). */
struct llm_source {
    const char *source; /* publisher, may be NULL */
    const char *title;
    const char *text;
};

/* An abstractive summary (3 sentences) of one article.  Errors as llm_chat(). */
int llm_summarize(const struct llm_opts *o, const char *title, const char *text, struct arena *a,
                  const char **out, struct gz_err *err);

/*
 * The user message llm_ask() sends: the question and the story's articles,
 * numbered, each cut so that all fit in LLM_MAX_INPUT bytes.  Pure.
 */
void llm_ask_prompt(const char *question, const struct llm_source *src, size_t n, struct buf *out);

/*
 * Answer question from the articles src[0..n) only: the system message
 * tells the model to use nothing else and to say when they do not answer
 * it.  Errors as llm_chat(); GZ_EINVAL for an empty question.
 */
int llm_ask(const struct llm_opts *o, const char *question, const struct llm_source *src, size_t n,
            struct arena *a, const char **out, struct gz_err *err);

#endif
