/*
 * auth_test.c - names, passwords (argon2id), tokens, the CSRF decision,
 * safe redirects and throttle keys.
 */
#include "unit.h"

#include "util/err.h"
#include "web/auth.h"
#include "web/web.h"

#include <sodium.h>

static void
test_names(void)
{
    struct gz_err err = GZ_ERR_INIT;

    CHECK_INT(auth_name_check("alice", NULL), 0);
    CHECK_INT(auth_name_check("A.b-c_9", NULL), 0);
    CHECK_INT(auth_name_check("x", NULL), 0);
    CHECK_INT(auth_name_check("abcdefghijklmnopqrstuvwxyz012345", NULL), 0); /* 32 */
    CHECK_INT(auth_name_check("abcdefghijklmnopqrstuvwxyz0123456", &err), GZ_EINVAL);
    CHECK_CONTAINS(err.msg, "at most 32");
    CHECK_INT(auth_name_check("", &err), GZ_EINVAL);
    CHECK_INT(auth_name_check(NULL, &err), GZ_EINVAL);
    CHECK_INT(auth_name_check("al ice", &err), GZ_EINVAL);
    CHECK_CONTAINS(err.msg, "letters");
    CHECK_INT(auth_name_check("al<ice", NULL), GZ_EINVAL);
    CHECK_INT(auth_name_check("\xc3\xa9lise", NULL), GZ_EINVAL);
    CHECK_INT(auth_name_check("a/b", NULL), GZ_EINVAL);
    CHECK_INT(auth_name_check("a\nb", NULL), GZ_EINVAL);
}

static void
test_password_rules(void)
{
    struct gz_err err = GZ_ERR_INIT;
    char big[AUTH_PASSWORD_MAX + 2];

    CHECK_INT(auth_password_check("12345678", NULL), 0);
    CHECK_INT(auth_password_check("1234567", &err), GZ_EINVAL);
    CHECK_CONTAINS(err.msg, "at least 8");
    CHECK_INT(auth_password_check("", NULL), GZ_EINVAL);
    CHECK_INT(auth_password_check(NULL, NULL), GZ_EINVAL);
    /* characters, not bytes: 7 two-byte letters are too few, 8 are enough */
    CHECK_INT(auth_password_check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL),
              GZ_EINVAL);
    CHECK_INT(auth_password_check(
                  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", NULL),
              0);
    CHECK_INT(auth_password_check("abc\xff\xfe"
                                  "defgh",
                                  &err),
              GZ_EINVAL);
    CHECK_CONTAINS(err.msg, "UTF-8");
    memset(big, 'p', sizeof(big));
    big[AUTH_PASSWORD_MAX] = '\0';
    CHECK_INT(auth_password_check(big, NULL), 0);
    big[AUTH_PASSWORD_MAX] = 'p';
    big[AUTH_PASSWORD_MAX + 1] = '\0';
    CHECK_INT(auth_password_check(big, &err), GZ_EINVAL);
    CHECK_CONTAINS(err.msg, "1024 bytes");
}

static void
test_hash_verify(void)
{
    char h1[AUTH_HASH_MAX];
    char h2[AUTH_HASH_MAX];
    char big[AUTH_PASSWORD_MAX + 2];

    CHECK_INT(auth_password_hash("correct horse battery", h1, NULL), 0);
    CHECK_INT(auth_password_hash("correct horse battery", h2, NULL), 0);
    CHECK(!strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31));
    CHECK(strcmp(h1, h2) != 0); /* salted */
    CHECK_INT(auth_password_verify(h1, "correct horse battery"), 1);
    CHECK_INT(auth_password_verify(h2, "correct horse battery"), 1);
    CHECK_INT(auth_password_verify(h1, "correct horse batterY"), 0);
    CHECK_INT(auth_password_verify(h1, ""), 0);
    CHECK_INT(auth_password_verify(h1, NULL), 0);
    /* no account: same work, always no */
    CHECK_INT(auth_password_verify(NULL, "correct horse battery"), 0);
    /* a damaged stored hash never matches */
    CHECK_INT(auth_password_verify("$argon2id$v=19$garbage", "correct horse battery"), 0);
    CHECK_INT(auth_password_verify("", "x"), 0);
    /* longer than the limit: refused without hashing */
    memset(big, 'p', sizeof(big));
    big[AUTH_PASSWORD_MAX + 1] = '\0';
    CHECK_INT(auth_password_verify(h1, big), 0);
    CHECK_INT(auth_password_needs_rehash(h1), 0);
    /* a hash made with other limits asks to be redone */
    {
        char weak[crypto_pwhash_STRBYTES];

        CHECK_INT(crypto_pwhash_str(weak, "pw-pw-pw-pw", 11, crypto_pwhash_OPSLIMIT_MIN,
                                    crypto_pwhash_MEMLIMIT_MIN),
                  0);
        CHECK_INT(auth_password_needs_rehash(weak), 1);
        CHECK_INT(auth_password_verify(weak, "pw-pw-pw-pw"), 1);
    }
}

static void
test_tokens(void)
{
    char t1[AUTH_TOKEN_LEN + 1];
    char t2[AUTH_TOKEN_LEN + 1];
    char h1[AUTH_TOKEN_HASH_LEN + 1];
    char h2[AUTH_TOKEN_HASH_LEN + 1];

    auth_token_new(t1);
    auth_token_new(t2);
    CHECK_INT(strlen(t1), AUTH_TOKEN_LEN);
    CHECK(strcmp(t1, t2) != 0);
    CHECK_INT(strspn(t1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              AUTH_TOKEN_LEN);
    CHECK_INT(auth_token_valid(t1), 1);
    CHECK_INT(auth_token_hash(t1, h1), 0);
    CHECK_INT(auth_token_hash(t2, h2), 0);
    CHECK_INT(strlen(h1), AUTH_TOKEN_HASH_LEN);
    CHECK_INT(strspn(h1, "0123456789abcdef"), AUTH_TOKEN_HASH_LEN);
    CHECK(strcmp(h1, h2) != 0);
    CHECK(strcmp(h1, t1) != 0);
    /* the hash of 32 zero bytes ("AAAA...A") is SHA-256 of those bytes */
    CHECK_INT(auth_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", h1), 0);
    CHECK_STR(h1, "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925");
    /* not tokens */
    CHECK_INT(auth_token_valid(NULL), 0);
    CHECK_INT(auth_token_valid(""), 0);
    CHECK_INT(auth_token_valid("AAAA"), 0);
    CHECK_INT(auth_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 0); /* 44 */
    CHECK_INT(auth_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 0);
    CHECK_INT(auth_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+"), 0);
    CHECK_INT(auth_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/"), 0);
    CHECK_INT(auth_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA A"), 0);
    /* non-canonical last character (its unused bits set) */
    CHECK_INT(auth_token_valid("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB"), 0);
    CHECK_INT(auth_token_hash("not a token", h1), GZ_EINVAL);
}

static void
test_csrf(void)
{
    char s[AUTH_TOKEN_LEN + 1];
    char c[AUTH_TOKEN_LEN + 1];

    auth_token_new(s);
    auth_token_new(c);
    CHECK_INT(auth_token_eq(s, s), 1);
    CHECK_INT(auth_token_eq(s, c), 0);
    CHECK_INT(auth_token_eq(s, NULL), 0);
    CHECK_INT(auth_token_eq("", ""), 0);
    CHECK_INT(auth_token_eq("abc", "abcd"), 0);
    /* a session's form: only the session's token */
    CHECK_INT(auth_csrf_ok(s, s, c, 1), 1);
    CHECK_INT(auth_csrf_ok(c, s, c, 1), 0);
    CHECK_INT(auth_csrf_ok(NULL, s, c, 1), 0);
    CHECK_INT(auth_csrf_ok("", s, c, 1), 0);
    CHECK_INT(auth_csrf_ok(c, NULL, c, 1), 0);
    /* log in / sign up: the session's, or the double-submit cookie's */
    CHECK_INT(auth_csrf_ok(c, NULL, c, 0), 1);
    CHECK_INT(auth_csrf_ok(s, s, c, 0), 1);
    CHECK_INT(auth_csrf_ok(c, s, c, 0), 1);
    CHECK_INT(auth_csrf_ok(s, NULL, c, 0), 0);
    CHECK_INT(auth_csrf_ok(NULL, NULL, NULL, 0), 0);
    CHECK_INT(auth_csrf_ok("", NULL, "", 0), 0);
    /* a cookie that is not a token does not count, even when the field matches */
    CHECK_INT(auth_csrf_ok("x", NULL, "x", 0), 0);
    CHECK_INT(auth_csrf_ok(s, s, NULL, 0), 1);
}

static void
test_next(void)
{
    CHECK_STR(auth_safe_next("/article/3#c9"), "/article/3#c9");
    CHECK_STR(auth_safe_next("/"), "/");
    CHECK_STR(auth_safe_next(NULL), "/");
    CHECK_STR(auth_safe_next(""), "/");
    CHECK_STR(auth_safe_next("//evil.example/"), "/");
    CHECK_STR(auth_safe_next("/\\evil.example/"), "/");
    CHECK_STR(auth_safe_next("https://evil.example/"), "/");
    CHECK_STR(auth_safe_next("javascript:alert(1)"), "/");
    CHECK_STR(auth_safe_next("evil.example"), "/");
    CHECK_STR(auth_safe_next("/a\r\nSet-Cookie: x=1"), "/");
    CHECK_STR(auth_safe_next("/a\\b"), "/");
    CHECK_STR(auth_safe_next("/caf\xc3\xa9"), "/");
}

static void
test_client_key(void)
{
    char k[64];

    auth_client_key("127.0.0.1", k, sizeof(k));
    CHECK_STR(k, "127.0.0.1");
    auth_client_key("::ffff:192.0.2.7", k, sizeof(k));
    CHECK_STR(k, "192.0.2.7");
    auth_client_key("2001:db8:1:2:3:4:5:6", k, sizeof(k));
    CHECK_STR(k, "2001:db8:1:2::/64");
    auth_client_key("2001:db8:1:2:ffff:4:5:6", k, sizeof(k));
    CHECK_STR(k, "2001:db8:1:2::/64");
    auth_client_key("::1", k, sizeof(k));
    CHECK_STR(k, "::/64");
    auth_client_key("unknown", k, sizeof(k));
    CHECK_STR(k, "unknown");
    auth_client_key(NULL, k, sizeof(k));
    CHECK_STR(k, "unknown");
    auth_client_key("2001:db8:1:2:3:4:5:6", k, 5);
    CHECK_STR(k, "2001");
}

/*
 * Every route that changes state (any method but GET) checks a CSRF token,
 * but for the reading apps' APIs: they never look at the session cookie,
 * and sign in by what the request itself carries (Fever's api_key, Google
 * Reader's Authorization header or ClientLogin password), which another
 * site's form cannot supply.  A new route must be one or the other.
 */
static void
test_routes_csrf(void)
{
    static const char *const by_credentials[] = {"fever", "greader", "greader-login"};
    int posts = 0;

    for (const struct web_route *rt = web_routes; rt->path; rt++) {
        int api = 0;

        if (!strcmp(rt->method, "GET"))
            continue;
        for (size_t i = 0; i < sizeof(by_credentials) / sizeof(by_credentials[0]); i++)
            api |= !strcmp(rt->name, by_credentials[i]);
        if (api)
            continue;
        posts++;
        if (!(rt->flags & ROUTE_FORM))
            fprintf(stderr, "route %s %s lacks ROUTE_FORM\n", rt->method, rt->path);
        CHECK(rt->flags & ROUTE_FORM);
    }
    CHECK(posts > 0);
}

static const struct unit_test tests[] = {
    {"names", test_names},
    {"password_rules", test_password_rules},
    {"hash_verify", test_hash_verify},
    {"tokens", test_tokens},
    {"csrf", test_csrf},
    {"next", test_next},
    {"client_key", test_client_key},
    {"routes_csrf", test_routes_csrf},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    if (sodium_init() < 0)
        return 1;
    return unit_main(argc, argv, tests);
}
