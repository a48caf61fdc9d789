/*
 * reader_test.c - MD5 (RFC 1321's test suite), TOTP (RFC 6238's test
 * vectors), recovery codes, and the mute and highlight rules.
 */
#include "unit.h"

#include "reader/md5.h"
#include "reader/rules.h"
#include "reader/totp.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#include <sodium.h>

static void
test_md5(void)
{
    /* RFC 1321, A.5 */
    static const struct {
        const char *in;
        const char *hex;
    } v[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"1234567890123456789012345678901234567890123456789012345678901234567890123456789"
         "0",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    char hex[MD5_HEX_LEN + 1];
    unsigned char d1[MD5_BYTES];
    unsigned char d2[MD5_BYTES];
    struct md5 m;
    const char *big = v[6].in;

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        md5_hex(v[i].in, strlen(v[i].in), hex);
        CHECK_STR(hex, v[i].hex);
    }
    /* any split of the input gives the same digest */
    for (size_t cut = 0; cut <= strlen(big); cut += 7) {
        md5_init(&m);
        md5_update(&m, big, cut);
        md5_update(&m, big + cut, strlen(big) - cut);
        md5_final(&m, d1);
        md5_init(&m);
        md5_update(&m, big, strlen(big));
        md5_final(&m, d2);
        CHECK(!memcmp(d1, d2, sizeof(d1)));
    }
    /* what a Fever client sends for user "alice" with API password "secret" */
    md5_hex("alice:secret", 12, hex);
    CHECK_STR(hex, "6f622058968bb90757e6c6ed79e5df81"); /* as Python's hashlib computes it */
}

/* RFC 6238 appendix B: SHA-1, the ASCII key "12345678901234567890". */
static void
test_totp_vectors(void)
{
    static const struct {
        int64_t t;
        const char *code;
    } v[] = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    /* base32 of "12345678901234567890" */
    const char *secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    char code[16];
    int64_t step = 0;

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        CHECK_INT(totp_code(secret, v[i].t, 8, code, NULL), 0);
        CHECK_STR(code, v[i].code);
        /* six digits are the last six of the eight */
        CHECK_INT(totp_code(secret, v[i].t, 6, code, NULL), 0);
        CHECK_STR(code, v[i].code + 2);
    }
    /* the right code now, and within one step either side */
    CHECK_INT(totp_verify(secret, "005924", 1234567890, &step, NULL), 0);
    CHECK_INT(step, 1234567890 / 30);
    CHECK_INT(totp_verify(secret, "005924", 1234567890 + 30, &step, NULL), 0);
    CHECK_INT(step, 1234567890 / 30);
    CHECK_INT(totp_verify(secret, "005 924", 1234567890 - 30, &step, NULL), 0);
    /* not two steps away, not a wrong code, not garbage */
    CHECK_INT(totp_verify(secret, "005924", 1234567890 + 61, &step, NULL), GZ_EDENIED);
    CHECK_INT(totp_verify(secret, "005925", 1234567890, &step, NULL), GZ_EDENIED);
    CHECK_INT(totp_verify(secret, "12345", 1234567890, &step, NULL), GZ_EDENIED);
    CHECK_INT(totp_verify(secret, "1234567", 1234567890, &step, NULL), GZ_EDENIED);
    CHECK_INT(totp_verify(secret, "abcdef", 1234567890, &step, NULL), GZ_EDENIED);
    CHECK_INT(totp_verify("not base32!", "005924", 1234567890, &step, NULL), GZ_EINVAL);
}

static void
test_totp_secret_uri(void)
{
    struct arena *a = arena_new();
    char s1[TOTP_SECRET_LEN + 1];
    char s2[TOTP_SECRET_LEN + 1];
    char code[8];
    int64_t step = 0;
    const char *uri;

    totp_secret_new(s1);
    totp_secret_new(s2);
    CHECK_INT(strlen(s1), TOTP_SECRET_LEN);
    CHECK(strcmp(s1, s2) != 0);
    CHECK(totp_secret_valid(s1));
    CHECK(!totp_secret_valid("short"));
    CHECK(!totp_secret_valid("lowercase-is-not-base32-abcdefgh"));
    CHECK_INT(totp_code(s1, 1700000000, 6, code, NULL), 0);
    CHECK_INT(totp_verify(s1, code, 1700000000, &step, NULL), 0);
    uri = totp_uri(a, NULL, "alice smith", s1);
    CHECK(!strncmp(uri, "otpauth://totp/gazette:alice%20smith?secret=", 44));
    CHECK_CONTAINS(uri, s1);
    CHECK_CONTAINS(uri, "&issuer=gazette&algorithm=SHA1&digits=6&period=30");
    arena_free(a);
}

static void
test_recovery(void)
{
    char code[TOTP_RECOVERY_LEN + 1];
    char h1[TOTP_RECOVERY_HASH_LEN + 1];
    char h2[TOTP_RECOVERY_HASH_LEN + 1];
    char h3[TOTP_RECOVERY_HASH_LEN + 1];
    char loose[32];

    totp_recovery_new(code);
    CHECK_INT(strlen(code), TOTP_RECOVERY_LEN);
    CHECK(code[4] == '-' && code[9] == '-');
    CHECK_INT(totp_recovery_hash(7, code, h1, NULL), 0);
    /* lower case, spaces for dashes: the same code */
    for (size_t i = 0; i <= TOTP_RECOVERY_LEN; i++)
        loose[i] = code[i] == '-'
                       ? ' '
                       : (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    CHECK_INT(totp_recovery_hash(7, loose, h2, NULL), 0);
    CHECK_STR(h1, h2);
    /* another user's hash of the same code differs */
    CHECK_INT(totp_recovery_hash(8, code, h3, NULL), 0);
    CHECK(strcmp(h1, h3) != 0);
    CHECK_INT(totp_recovery_hash(7, "0000-0000-0000", h3, NULL), GZ_EINVAL); /* 0 is not used */
    CHECK_INT(totp_recovery_hash(7, "ABCD", h3, NULL), GZ_EINVAL);
}

static int
eval(const char *rules, const struct rules_item *it)
{
    struct rules *rs = rules_compile(rules, NULL, 0, NULL);
    int v = rules_eval(rs, it);

    rules_release(rs);
    return v;
}

static void
test_rules_match(void)
{
    struct rules_tag tags[] = {{"sports", TAG_TOPIC}, {"tom-homan", TAG_PERSON}};
    struct rules_item it = {0};

    it.title = "Trump names Tom Homan \"border czar\" as Élection nears";
    it.excerpt = "The former ICE director will oversee   the border.";
    it.author = "Jane Q. Reporter";
    it.source_id = 17;
    it.source_title = "Fox News";
    it.source_url = "https://moxie.foxnews.com/google-publisher/politics.xml";
    it.source_site = "https://www.foxnews.com";
    it.tags = tags;
    it.ntags = 2;

    CHECK_INT(eval("trump", &it), RULES_HIGHLIGHT);
    CHECK_INT(eval("-trump", &it), RULES_MUTE);
    CHECK_INT(eval("+TRUMP", &it), RULES_HIGHLIGHT);
    CHECK_INT(eval("-trum", &it), RULES_NONE); /* whole words */
    CHECK_INT(eval("-trum*", &it), RULES_MUTE);
    CHECK_INT(eval("-\"border czar\"", &it), RULES_MUTE);
    CHECK_INT(eval("-\"oversee the border\"", &it), RULES_MUTE); /* white space folded */
    CHECK_INT(eval("-\"czar border\"", &it), RULES_NONE);
    CHECK_INT(eval("-élection", &it), RULES_MUTE); /* capitals folded beyond ASCII */
    CHECK_INT(eval("-/^trump names/", &it), RULES_MUTE);
    CHECK_INT(eval("-/ice director/", &it), RULES_MUTE); /* the excerpt, ignoring case */
    CHECK_INT(eval("-/^the former$/", &it), RULES_NONE);
    CHECK_INT(eval("-source:foxnews", &it), RULES_MUTE);
    CHECK_INT(eval("-source:\"fox news\"", &it), RULES_MUTE);
    CHECK_INT(eval("-source:FOX", &it), RULES_MUTE);
    CHECK_INT(eval("-source:moxie", &it), RULES_MUTE); /* the feed's address */
    CHECK_INT(eval("-source:reuters", &it), RULES_NONE);
    CHECK_INT(eval("-source:17", &it), RULES_MUTE);
    CHECK_INT(eval("-source:18", &it), RULES_NONE);
    CHECK_INT(eval("-tag:sports", &it), RULES_MUTE);
    CHECK_INT(eval("-tag:Sports", &it), RULES_MUTE);
    CHECK_INT(eval("-tag:politics", &it), RULES_NONE);
    CHECK_INT(eval("-entity:\"Tom Homan\"", &it), RULES_MUTE);
    CHECK_INT(eval("-person:tom-homan", &it), RULES_MUTE);
    CHECK_INT(eval("-place:tom-homan", &it), RULES_NONE);
    CHECK_INT(eval("-entity:sports", &it), RULES_NONE); /* a topic is no entity */
    CHECK_INT(eval("-author:reporter", &it), RULES_MUTE);
    /* all terms of a line must match */
    CHECK_INT(eval("-source:foxnews tag:sports", &it), RULES_MUTE);
    CHECK_INT(eval("-source:foxnews tag:golf", &it), RULES_NONE);
    /* muting wins, whatever the order */
    CHECK_INT(eval("trump\n-border", &it), RULES_MUTE);
    CHECK_INT(eval("-border\ntrump", &it), RULES_MUTE);
    CHECK_INT(eval("# a comment\n\n  trump  \n", &it), RULES_HIGHLIGHT);
    CHECK_INT(eval("", &it), RULES_NONE);
    CHECK_INT(eval(NULL, &it), RULES_NONE);
    /* an empty item matches no text rule */
    memset(&it, 0, sizeof(it));
    CHECK_INT(eval("-trump\n-/x/\n-source:fox\n-tag:a\n-author:b", &it), RULES_NONE);
}

static void
test_rules_problems(void)
{
    struct rules_problem p[8];
    size_t n = 0;
    struct buf b = BUF_INIT;
    struct rules *rs = rules_compile("-tag:sports\n"
                                     "\"unclosed\n"
                                     "-/a{1000}/\n"
                                     "-/(/\n"
                                     "-\n"
                                     "source:\n"
                                     "--- \n"
                                     "-source:foxnews \"border czar\"\n",
                                     p, 8, &n);
    int line = 0;

    CHECK_INT(rules_count(rs), 2);
    CHECK_INT(rules_mutes(rs), 2);
    CHECK(rules_need_tags(rs));
    CHECK_INT(n, 6);
    if (n == 6) {
        CHECK_INT(p[0].line, 2);
        CHECK_CONTAINS(p[0].msg, "quote is not closed");
        CHECK_INT(p[1].line, 3);
        CHECK_CONTAINS(p[1].msg, "at most 255");
        CHECK_INT(p[2].line, 4);
        CHECK_CONTAINS(p[2].msg, "not valid");
        CHECK_INT(p[3].line, 5);
        CHECK_INT(p[4].line, 6);
        CHECK_CONTAINS(p[4].msg, "source: needs a value");
        CHECK_INT(p[5].line, 7);
        CHECK_CONTAINS(p[5].msg, "no letters or digits");
    }
    rules_describe(rs, 0, &b, &line);
    CHECK_STR(b.p, "Mute: articles tagged \"sports\"");
    CHECK_INT(line, 1);
    buf_reset(&b);
    rules_describe(rs, 1, &b, &line);
    CHECK_STR(b.p, "Mute: articles from a source named like \"foxnews\", and with the phrase "
                   "\"border czar\"");
    CHECK_INT(line, 8);
    buf_release(&b);
    rules_release(rs);

    /* regexes that would cost memory or time out of proportion are refused */
    {
        static const struct {
            const char *rule;
            const char *why; /* NULL: accepted */
        } re[] = {
            {"-/a++/", "repeat a repetition"},
            {"-/c+++++++++++++++++++++++ae/", "repeat a repetition"},
            {"-/x{2}{3}/", "repeat a repetition"},
            {"-/a*?/", "repeat a repetition"},
            {"-/(a+)+/", "repeats inside"},
            {"-/((a|b)*c)*/", "repeats inside"},
            {"-/(a{2})(b+)/", NULL},
            {"-/(breaking|live)+:/", NULL},
            {"-/[+*]+x/", NULL},
            {"-/a\\++/", NULL},
            {"-/((((((((((a))))))))))/", "nest at most 8"},
            {"-/a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+r+s+t+u+/", "at most 20 repetitions"},
        };

        for (size_t i = 0; i < sizeof(re) / sizeof(re[0]); i++) {
            rs = rules_compile(re[i].rule, p, 8, &n);
            if (re[i].why) {
                CHECK_INT(rules_count(rs), 0);
                CHECK_INT(n, 1);
                if (n)
                    CHECK_CONTAINS(p[0].msg, re[i].why);
            } else {
                CHECK_INT(rules_count(rs), 1);
                CHECK_INT(n, 0);
            }
            rules_release(rs);
        }
    }

    /* limits */
    {
        struct buf big = BUF_INIT;

        for (int i = 0; i < 21; i++)
            buf_addf(&big, "-/x%d/\n", i);
        rs = rules_compile(big.p, p, 8, &n);
        CHECK_INT(rules_count(rs), 20);
        CHECK_INT(n, 1);
        CHECK_CONTAINS(p[0].msg, "at most 20 regular expressions");
        rules_release(rs);
        buf_reset(&big);
        buf_adds(&big, "-a b c d e f g h i j k\n");
        rs = rules_compile(big.p, p, 8, &n);
        CHECK_INT(rules_count(rs), 0);
        CHECK_CONTAINS(p[0].msg, "at most 10 terms");
        rules_release(rs);
        buf_release(&big);
    }
}

static void
test_rules_cache(void)
{
    struct rules_item it = {0};
    struct rules *a1;
    struct rules *a2;
    struct rules *a3;

    it.title = "A sports story";
    a1 = rules_cache_get(42, 1, "-sports");
    a2 = rules_cache_get(42, 1, "-ignored: the version says it is the same");
    CHECK(a1 == a2);
    CHECK_INT(rules_eval(a2, &it), RULES_MUTE);
    a3 = rules_cache_get(42, 2, "sports");
    CHECK(a3 != a1);
    CHECK_INT(rules_eval(a3, &it), RULES_HIGHLIGHT);
    /* the old set stays usable by whoever holds it */
    CHECK_INT(rules_eval(a1, &it), RULES_MUTE);
    rules_release(a1);
    rules_release(a2);
    rules_release(a3);
    CHECK(rules_cache_get(42, 3, "") == NULL);
    CHECK(rules_cache_get(43, 1, "# only a comment") == NULL);
}

static void
test_slug(void)
{
    char s[64];

    rules_slug("Nikol Pashinyan", s, sizeof(s));
    CHECK_STR(s, "nikol-pashinyan");
    rules_slug("  U.S. -- Army!  ", s, sizeof(s));
    CHECK_STR(s, "u-s-army");
    rules_slug("abcdef", s, 4);
    CHECK_STR(s, "abc");
}

static const struct unit_test tests[] = {
    {"md5", test_md5},
    {"totp_vectors", test_totp_vectors},
    {"totp_secret_uri", test_totp_secret_uri},
    {"recovery", test_recovery},
    {"rules_match", test_rules_match},
    {"rules_problems", test_rules_problems},
    {"rules_cache", test_rules_cache},
    {"slug", test_slug},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    if (sodium_init() < 0)
        return 1;
    return unit_main(argc, argv, tests);
}
