/*
 * query_test.c - the search language: parts, filters, helpful errors,
 * hostile input, and the store's search run on what the parser makes,
 * on SQLite and on PostgreSQL (store_backends.h).
 */
#include "store_backends.h"

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"
#include "web/query.h"

#include <unistd.h>

static struct arena *A;

static int
parse(const char *text, struct query *q, struct gz_err *err)
{
    gz_err_clear(err);
    return query_parse(text, A, q, err);
}

static void
test_words_and_phrases(void)
{
    struct query q;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(parse("  peace   treaty ", &q, &err), 0);
    CHECK_INT(q.nwords, 2);
    CHECK_STR(q.words[0], "peace");
    CHECK_STR(q.words[1], "treaty");
    CHECK_INT(q.nphrases + q.nexclude + q.nsources + q.ntags, 0);

    CHECK_INT(parse("\"peace  treaty \" Karabakh", &q, &err), 0);
    CHECK_INT(q.nphrases, 1);
    CHECK_STR(q.phrases[0], "peace  treaty");
    CHECK_INT(q.nwords, 1);
    CHECK_STR(q.words[0], "Karabakh");

    CHECK_INT(parse("armenia -football -\"world cup\" - x", &q, &err), 0);
    CHECK_INT(q.nwords, 2);
    CHECK_STR(q.words[1], "x");
    CHECK_INT(q.nexclude, 2);
    CHECK_STR(q.exclude[0], "football");
    CHECK_STR(q.exclude[1], "world cup");

    /* a colon that starts no filter belongs to the word */
    CHECK_INT(parse("10:30 http://example.com/a title:peace", &q, &err), 0);
    CHECK_INT(q.nwords, 3);
    CHECK_STR(q.words[0], "10:30");
    CHECK_STR(q.words[1], "http://example.com/a");
    CHECK_STR(q.words[2], "title:peace");

    /* a quote ends a bare word and starts a phrase */
    CHECK_INT(parse("foo\"bar baz\"qux", &q, &err), 0);
    CHECK_INT(q.nwords, 2);
    CHECK_STR(q.words[0], "foo");
    CHECK_STR(q.words[1], "qux");
    CHECK_STR(q.phrases[0], "bar baz");

    /* punctuation alone is not a word */
    CHECK_INT(parse("peace !!! \"\" -- ...", &q, &err), 0);
    CHECK_INT(q.nwords, 1);
    CHECK_INT(q.nphrases, 0);

    CHECK_INT(parse("Ереван déjà", &q, &err), 0);
    CHECK_INT(q.nwords, 2);
}

static void
test_filters(void)
{
    struct query q;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(parse("summit source:reuters SOURCE:\"New York Times\" tag:Karabakh "
                    "Tag:\"Nikol Pashinyan\" after:2025-08-01 before:2025-09",
                    &q, &err),
              0);
    CHECK_INT(q.nwords, 1);
    CHECK_INT(q.nsources, 2);
    CHECK_STR(q.sources[0], "reuters");
    CHECK_STR(q.sources[1], "New York Times");
    CHECK_INT(q.ntags, 2);
    CHECK_STR(q.tags[0], "karabakh");
    CHECK_STR(q.tags[1], "nikol-pashinyan");
    CHECK_INT(q.after, time_from_civil(2025, 8, 1, 0, 0, 0));
    CHECK_INT(q.before, time_from_civil(2025, 9, 1, 0, 0, 0));

    CHECK_INT(parse("after:2024", &q, &err), 0);
    CHECK_INT(q.after, time_from_civil(2024, 1, 1, 0, 0, 0));
    CHECK_INT(q.nwords, 0); /* filters alone are a query */
    CHECK_INT(parse("before:2024-02-29", &q, &err), 0);
    CHECK_INT(q.before, time_from_civil(2024, 2, 29, 0, 0, 0));
    CHECK_INT(parse("source:\"\xc3\x89"
                    "ditions\"",
                    &q, &err),
              0);
    CHECK_STR(q.sources[0], "\xc3\x89"
                            "ditions");
}

static void
expect_error(const char *text, const char *words)
{
    struct query q;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(parse(text, &q, &err), GZ_EPARSE);
    CHECK_CONTAINS(err.msg, words);
    CHECK_INT(q.nwords + q.nphrases + q.nexclude + q.nsources + q.ntags, 0);
}

static void
test_errors(void)
{
    char big[QUERY_MAX_LEN + 10];
    struct buf many = BUF_INIT;

    expect_error("", "Type a word");
    expect_error("   \t ", "Type a word");
    expect_error("\"peace treaty", "quotation mark is not closed");
    expect_error("war \"", "quotation mark is not closed");
    expect_error("source:\"new york times", "quotation mark is not closed");
    expect_error("-football", "Add a word");
    expect_error("- -- \"\" !!! ...", "nothing to search for");
    expect_error("source:", "needs a value");
    expect_error("tag: x", "needs a value");
    expect_error("tag:---", "needs a tag name");
    expect_error("source:\"\"", "needs a value");
    expect_error("-source:reuters peace", "cannot be excluded");
    expect_error("after:2025-13-01", "is not a date");
    expect_error("after:2025-02-29", "is not a date");
    expect_error("before:yesterday", "is not a date");
    expect_error("after:25-08-01", "is not a date");
    expect_error("after:2025-8-1", "is not a date");
    expect_error("after:1969-12-31", "is not a date");
    expect_error("after:2025 after:2024", "one \"after:\"");
    expect_error("after:2025-08-02 before:2025-08-01", "must be earlier");
    expect_error("after:2025-08-01 before:2025-08-01", "must be earlier");
    expect_error("caf\xc3", "not text");
    expect_error("a\xff", "not text");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    expect_error(big, "longer than");
    memset(big, 'a', QUERY_MAX_WORD + 1);
    big[QUERY_MAX_WORD + 1] = '\0';
    expect_error(big, "longer than");
    for (int i = 0; i <= QUERY_MAX_PARTS; i++)
        buf_addf(&many, "w%d ", i);
    expect_error(many.p, "more than");
    buf_reset(&many);
    for (int i = 0; i <= QUERY_MAX_PARTS; i++)
        buf_addf(&many, "source:s%d ", i);
    expect_error(many.p, "more than");
    buf_release(&many);
}

static void
test_fts_match(void)
{
    struct query q;
    struct store_search s = {0};
    struct buf b = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(parse("a\"b\" c -d -\"e f\" source:x", &q, &err), 0);
    query_to_search(&q, &s);
    store_fts_match(&b, &s);
    CHECK_STR(b.p, "(\"a\" \"c\" \"b\") NOT \"d\" NOT \"e f\"");

    /* index syntax typed by a user stays inside quotes */
    buf_reset(&b);
    CHECK_INT(parse("NEAR(a b) OR title:x* ^c AND {t}: d\"\"", &q, &err), 0);
    memset(&s, 0, sizeof(s));
    query_to_search(&q, &s);
    store_fts_match(&b, &s);
    CHECK_STR(b.p, "(\"NEAR(a\" \"b)\" \"OR\" \"title:x*\" \"^c\" \"AND\" \"{t}:\" \"d\")");

    /* inner quotes are doubled (a phrase cannot hold one, a store caller's word can) */
    buf_reset(&b);
    memset(&s, 0, sizeof(s));
    {
        const char *w[] = {"say \"hi\""};

        s.words = w;
        s.nwords = 1;
        store_fts_match(&b, &s);
    }
    CHECK_STR(b.p, "(\"say \"\"hi\"\"\")");
    buf_release(&b);
}

static void
test_pg_tsquery(void)
{
    struct query q;
    struct store_search s = {0};
    struct buf b = BUF_INIT;
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(parse("a\"b\" c -d -\"e f\" source:x", &q, &err), 0);
    query_to_search(&q, &s);
    store_pg_tsquery(&b, &s);
    CHECK_STR(b.p, "('a' & 'c' & 'b') & !'d' & !'e f'");

    /* operators typed by a user stay inside quotes; quotes and backslashes are escaped */
    buf_reset(&b);
    memset(&s, 0, sizeof(s));
    {
        const char *w[] = {"it's", "a\\b", "x&y|!z:*"};

        s.words = w;
        s.nwords = 3;
        store_pg_tsquery(&b, &s);
    }
    CHECK_STR(b.p, "('it\\'s' & 'a\\\\b' & 'x&y|!z:*')");
    /* nothing without words or phrases */
    buf_reset(&b);
    memset(&s, 0, sizeof(s));
    store_pg_tsquery(&b, &s);
    CHECK_INT(b.len, 0);
    buf_release(&b);
}

/* ---- the store's search over what the parser makes ---- */

static int64_t
add_article(struct store *st, int64_t sid, const char *guid, const char *title, const char *text,
            int64_t published)
{
    struct store_article a = {0};

    a.source_id = sid;
    a.guid = guid;
    a.title = title;
    a.text = text;
    a.excerpt = text;
    a.published = published;
    CHECK_INT(store_article_add(st, &a, NULL), 0);
    return a.id;
}

static size_t
search(struct store *st, const char *text, int by_date, struct store_hit **hits, int *rc)
{
    struct query q;
    struct store_search s = {0};
    struct gz_err err = GZ_ERR_INIT;
    size_t n = 0;

    *hits = NULL;
    *rc = query_parse(text, A, &q, &err);
    if (*rc)
        return 0;
    query_to_search(&q, &s);
    s.by_date = by_date;
    s.limit = 50;
    *rc = store_search(st, &s, A, hits, &n, &err);
    if (*rc)
        fprintf(stderr, "search '%s': %s\n", text, err.msg);
    return n;
}

static void
test_store_search(void)
{
    struct store *st = NULL;
    struct store_source src = {0};
    struct gz_err err = GZ_ERR_INIT;
    struct store_hit *h;
    int64_t reuters = 0;
    int64_t nyt = 0;
    int64_t day = time_from_civil(2025, 8, 7, 12, 0, 0);
    int64_t a1, a2, a3, a4, a5, a6, tag = 0;
    int rc;
    size_t n;

    st = backend_fresh("gz_query_test");
    if (!st) {
        CHECK(0);
        return;
    }
    src.url = "import:Reuters";
    src.title = "Reuters";
    CHECK_INT(store_source_add(st, &src, &reuters, NULL), 0);
    src.url = "import:nyt";
    src.title = "The New York Times";
    CHECK_INT(store_source_add(st, &src, &nyt, NULL), 0);
    a1 = add_article(st, reuters, "1", "Peace summit in Washington",
                     "Leaders met to talk about a peace treaty.", day);
    a2 = add_article(st, nyt, "2", "Markets today",
                     "Stocks rose. Nobody talked about the summit except briefly.", day + 3600);
    a3 = add_article(st, nyt, "3", "Football results", "The world cup summit of football.",
                     day - 86400 * 10);
    a4 = add_article(st, reuters, "4", "Karabakh", "Talks on the border and a peace treaty.",
                     day + 7200);
    CHECK_INT(store_tag_upsert(st, "karabakh", "Karabakh", TAG_PLACE, &tag, NULL), 0);
    CHECK_INT(store_article_tags_set(st, a4, &tag, NULL, 1, NULL), 0);

    /* the title weighs more: a1 has "summit" in its title */
    n = search(st, "summit", 0, &h, &rc);
    CHECK_INT(rc, 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(h[0].article.id, a1);
        CHECK_STR(h[0].title_marked,
                  "Peace " STORE_MARK_OPEN "summit" STORE_MARK_CLOSE " in Washington");
        CHECK_CONTAINS(h[1].snippet_marked, STORE_MARK_OPEN "summit" STORE_MARK_CLOSE);
        CHECK_STR(h[0].article.source_title, "Reuters");
    }
    n = search(st, "summit", 1, &h, &rc);
    CHECK_INT(n, 3);
    if (n == 3)
        CHECK_INT(h[0].article.id, a2); /* newest first */
    /* stemming: "talks" finds "talk", "talked" */
    n = search(st, "talks", 0, &h, &rc);
    CHECK_INT(n, 3);
    n = search(st, "\"peace treaty\" -border", 0, &h, &rc);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_INT(h[0].article.id, a1);
    n = search(st, "summit -\"world cup\"", 0, &h, &rc);
    CHECK_INT(n, 2);
    n = search(st, "summit source:\"new york\"", 0, &h, &rc);
    CHECK_INT(n, 2);
    n = search(st, "summit source:REUTERS", 0, &h, &rc);
    CHECK_INT(n, 1);
    n = search(st, "summit source:nobody", 0, &h, &rc);
    CHECK_INT(n, 0);
    n = search(st, "treaty tag:karabakh", 0, &h, &rc);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_INT(h[0].article.id, a4);
    n = search(st, "summit after:2025-08-01", 0, &h, &rc);
    CHECK_INT(n, 2);
    n = search(st, "summit before:2025-08-01", 0, &h, &rc);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_INT(h[0].article.id, a3);
    /* filters alone: newest first, and exclusions with them */
    n = search(st, "source:reuters", 0, &h, &rc);
    CHECK_INT(n, 2);
    if (n == 2)
        CHECK_INT(h[0].article.id, a4);
    n = search(st, "source:reuters -border", 0, &h, &rc);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_INT(h[0].article.id, a1);
    n = search(st, "tag:karabakh", 0, &h, &rc);
    CHECK_INT(n, 1);

    /* equal ranks: the newest article in the store first, on both backends,
     * even when its publication date is the older one */
    a5 = add_article(st, nyt, "5", "Lunar eclipse", "An eclipse is seen tonight.", day + 9000);
    a6 = add_article(st, reuters, "6", "Lunar eclipse", "An eclipse is seen tonight.", day - 9000);
    n = search(st, "eclipse", 0, &h, &rc);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(h[0].article.id, a6);
        CHECK_INT(h[1].article.id, a5);
    }

    /* hostile text is searched for, never read as index syntax */
    {
        static const char *const hostile[] = {
            "NEAR(peace treaty)",
            "peace OR football",
            "peace AND NOT treaty",
            "title:peace",
            "peace*",
            "^peace",
            "{title text}: peace",
            "peace\"\"",
            "(peace",
            "peace)",
            "\"peace\" NOT",
            "+peace",
            "peace -\"\"",
            "' OR 1=1 --",
            "peace; DROP TABLE articles",
            "\\\"peace\\\"",
            "col:\"x\" peace",
            "NOT",
            "AND OR NEAR",
            "*",
            "\xe2\x80\x94",
            "peace source:%",
            "peace tag:'",
        };

        for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
            n = search(st, hostile[i], 0, &h, &rc);
            CHECK(rc == 0 || rc == GZ_EPARSE);
            if (rc && rc != GZ_EPARSE)
                fprintf(stderr, "hostile query failed: %s\n", hostile[i]);
        }
    }
    n = search(st, "peace OR football", 0, &h, &rc);
    CHECK_INT(n, 0); /* "or" is a word the texts do not have */
    n = search(st, "source:%", 0, &h, &rc);
    CHECK_INT(n, 0); /* no pattern characters either */

    {
        struct store_search s = {0};

        CHECK_INT(store_search(st, &s, A, &h, &n, &err), GZ_EINVAL);
        s.after = 1;
        s.limit = 1000;
        CHECK_INT(store_search(st, &s, A, &h, &n, &err), GZ_EINVAL);
    }
    (void)a2;
    backend_done(st);
}

static const struct unit_test tests[] = {
    {"words_and_phrases", test_words_and_phrases},
    {"filters", test_filters},
    {"errors", test_errors},
    {"fts_match", test_fts_match},
    {"pg_tsquery", test_pg_tsquery},
    {"store_search", test_store_search},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    int rc;

    A = arena_new();
    rc = backend_main(argc, argv, tests);
    arena_free(A);
    return rc;
}
