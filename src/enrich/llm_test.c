/*
 * llm_test.c - the chat-completions client: request and response
 * encoding, and calls to tests/llm_server.py, a stand-in server on
 * 127.0.0.1 that speaks the protocol (success, HTTP errors, timeouts,
 * junk, oversized answers, bearer keys).
 */
#include "enrich/llm.h"

#include "unit.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
test_endpoint(void)
{
    struct buf b = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(llm_endpoint("http://127.0.0.1:8080", &b, NULL), 0);
    CHECK_STR(b.p, "http://127.0.0.1:8080/v1/chat/completions");
    CHECK_INT(llm_endpoint("http://h/v1/", &b, NULL), 0);
    CHECK_STR(b.p, "http://h/v1/chat/completions");
    CHECK_INT(llm_endpoint("https://h/api/v1/chat/completions", &b, NULL), 0);
    CHECK_STR(b.p, "https://h/api/v1/chat/completions");
    CHECK_INT(llm_endpoint("file:///etc/passwd", &b, &err), GZ_EINVAL);
    CHECK_CONTAINS(err.msg, "not http");
    CHECK_INT(llm_endpoint(NULL, &b, NULL), GZ_EINVAL);
    buf_release(&b);
}

static void
test_request_response(void)
{
    struct llm_opts o = {.url = "http://x", .model = "m1", .max_tokens = 50};
    struct buf b = BUF_INIT;
    struct arena *a = arena_new();
    struct gz_err err = GZ_ERR_INIT;
    const char *out;
    json_t *j;

    CHECK_INT(llm_request_json(&o, "sys", "user \"q\"", &b), 0);
    j = json_loads(b.p, 0, NULL);
    CHECK(j != NULL);
    CHECK_STR(json_string_value(json_object_get(j, "model")), "m1");
    CHECK_INT(json_integer_value(json_object_get(j, "max_tokens")), 50);
    CHECK(json_is_false(json_object_get(j, "stream")));
    CHECK_STR(json_string_value(
                  json_object_get(json_array_get(json_object_get(j, "messages"), 1), "content")),
              "user \"q\"");
    json_decref(j);
    buf_reset(&b);
    CHECK_INT(llm_request_json(&o, "sys", "bad \xff", &b), GZ_EINVAL);

    const char ok[] =
        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\" Hi. \"}}]}";
    CHECK_INT(llm_parse_response(ok, strlen(ok), a, &out, NULL), 0);
    CHECK_STR(out, "Hi.");
    const char e1[] = "{\"error\":{\"message\":\"quota\"}}";
    CHECK_INT(llm_parse_response(e1, strlen(e1), a, &out, &err), GZ_EPARSE);
    CHECK_CONTAINS(err.msg, "quota");
    CHECK(out == NULL);
    CHECK_INT(llm_parse_response("nope", 4, a, &out, NULL), GZ_EPARSE);
    const char empty[] = "{\"choices\":[{\"message\":{\"content\":\"  \"}}]}";
    CHECK_INT(llm_parse_response(empty, strlen(empty), a, &out, NULL), GZ_EPARSE);
    const char noch[] = "{\"choices\":[]}";
    CHECK_INT(llm_parse_response(noch, strlen(noch), a, &out, NULL), GZ_EPARSE);
    buf_release(&b);
    arena_free(a);
}

static void
test_ask_prompt(void)
{
    struct buf b = BUF_INIT;
    char *big = malloc(100000);
    struct llm_source src[2] = {{"Alpha News", "Title A", NULL}, {NULL, "Title B", "Text B."}};

    memset(big, 'x', 99999);
    big[99999] = '\0';
    src[0].text = big;
    llm_ask_prompt("Who won?", src, 2, &b);
    CHECK_CONTAINS(b.p, "[1] Alpha News: Title A\n");
    CHECK_CONTAINS(b.p, "[2] Title B\nText B.\n");
    CHECK_CONTAINS(b.p, "Question: Who won?");
    CHECK(b.len < LLM_MAX_INPUT + 2000);
    buf_release(&b);
    free(big);
}

/* ---- against the stand-in server ---- */

static pid_t server_pid;
static int server_in = -1;
static char server_url[64];

static int
start_server(void)
{
    const char *srcdir = getenv("GZ_SOURCE_DIR");
    char script[4096], line[64] = "";
    int to_child[2], from_child[2];
    FILE *f;

    snprintf(script, sizeof(script), "%s/tests/llm_server.py", srcdir ? srcdir : "..");
    if (access(script, R_OK) || pipe(to_child) || pipe(from_child))
        return -1;
    server_pid = fork();
    if (server_pid < 0)
        return -1;
    if (server_pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[1]);
        close(from_child[0]);
        execlp("python3", "python3", script, "--lifetime", "60", (char *)NULL);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    server_in = to_child[1];
    f = fdopen(from_child[0], "r");
    if (!f || !fgets(line, sizeof(line), f) || strncmp(line, "port ", 5)) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    snprintf(server_url, sizeof(server_url), "http://127.0.0.1:%d", atoi(line + 5));
    return 0;
}

static void
stop_server(void)
{
    if (server_in >= 0)
        close(server_in); /* the server exits when its stdin closes */
    if (server_pid > 0)
        waitpid(server_pid, NULL, 0);
}

static void
test_calls(void)
{
    struct arena *a = arena_new();
    struct gz_err err = GZ_ERR_INIT;
    struct llm_opts o = {.model = "ok", .timeout_ms = 10000};
    const char *out;
    struct llm_source src[1] = {{"Src", "A title", "Some text."}};

    if (start_server()) {
        fprintf(stderr, "llm_test: cannot start tests/llm_server.py; calls not tested\n");
        CHECK(0);
        arena_free(a);
        return;
    }
    o.url = server_url;
    CHECK_INT(llm_chat(&o, "be brief", "line one\nsay hello", a, &out, &err), 0);
    CHECK_STR(out, "LLM-ANSWER: say hello");

    CHECK_INT(llm_summarize(&o, "Title", "Body of the article.", a, &out, &err), 0);
    CHECK_STR(out, "LLM-ANSWER: Body of the article.");

    CHECK_INT(llm_ask(&o, "Who is it about?", src, 1, a, &out, &err), 0);
    CHECK_STR(out, "LLM-ANSWER: Question: Who is it about?");
    CHECK_INT(llm_ask(&o, "   ", src, 1, a, &out, &err), GZ_EINVAL);

    o.model = "fail";
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_ENET);
    CHECK_CONTAINS(err.msg, "HTTP 500");
    CHECK_CONTAINS(err.msg, "model exploded");
    CHECK(out == NULL);

    o.model = "junk";
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_EPARSE);

    o.model = "big";
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_ELIMIT);

    o.model = "auth";
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_ENET);
    CHECK_CONTAINS(err.msg, "401");
    o.key = "sekrit";
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), 0);
    o.key = NULL;

    o.model = "slow";
    o.timeout_ms = 500;
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_ETIMEOUT);

    /* nobody listening: a connection error, not a hang */
    stop_server();
    o.model = "ok";
    o.timeout_ms = 3000;
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_ENET);

    o.url = NULL;
    CHECK_INT(llm_chat(&o, "s", "u", a, &out, &err), GZ_EINVAL);
    arena_free(a);
}

static const struct unit_test tests[] = {
    {"endpoint", test_endpoint},
    {"request_response", test_request_response},
    {"ask_prompt", test_ask_prompt},
    {"calls", test_calls},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = unit_main(argc, argv, tests);
    curl_global_cleanup();
    return rc;
}
