/*
 * totp.c - TOTP codes on liboath, recovery codes on libsodium (totp.h).
 */
#include "reader/totp.h"

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/* Recovery codes: no I, O, 0 or 1 to misread. */
static const char rc_alpha[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;

static void
oath_start(void)
{
    oath_ready = oath_init() == OATH_OK;
}

static int
ensure_oath(struct gz_err *err)
{
    pthread_once(&oath_once, oath_start);
    return oath_ready ? 0 : gz_errf(err, GZ_EINVAL, "cannot initialise liboath");
}

void
totp_secret_new(char out[TOTP_SECRET_LEN + 1])
{
    unsigned char b[TOTP_SECRET_BYTES];
    size_t o = 0;

    randombytes_buf(b, sizeof(b));
    /* 20 bytes are exactly 32 base32 characters: 5 bits at a time */
    for (size_t bit = 0; bit < sizeof(b) * 8; bit += 5) {
        unsigned v = 0;

        for (int k = 0; k < 5; k++) {
            size_t i = bit + (size_t)k;

            v = v << 1 | ((b[i / 8] >> (7 - i % 8)) & 1u);
        }
        out[o++] = b32[v];
    }
    out[o] = '\0';
    sodium_memzero(b, sizeof(b));
}

int
totp_secret_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n < 16 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr(b32, s[i]) || !s[i])
            return 0;
    return 1;
}

/* Decode a base32 secret into a malloc'ed key (free with free()). */
static int
secret_key(const char *secret, char **key, size_t *len, struct gz_err *err)
{
    int rc = ensure_oath(err);

    if (rc)
        return rc;
    if (!totp_secret_valid(secret))
        return gz_errf(err, GZ_EINVAL, "not a TOTP secret");
    if (oath_base32_decode(secret, strlen(secret), key, len) != OATH_OK)
        return gz_errf(err, GZ_EINVAL, "not a TOTP secret");
    return 0;
}

static void
uri_escape(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            buf_addc(b, c);
        } else {
            buf_addc(b, '%');
            buf_addc(b, hex[c >> 4]);
            buf_addc(b, hex[c & 15]);
        }
    }
}

const char *
totp_uri(struct arena *a, const char *issuer, const char *account, const char *secret)
{
    struct buf b = BUF_INIT;
    const char *out;

    if (!issuer || !*issuer)
        issuer = "gazette";
    buf_adds(&b, "otpauth://totp/");
    uri_escape(&b, issuer);
    buf_addc(&b, ':');
    uri_escape(&b, account);
    buf_adds(&b, "?secret=");
    buf_adds(&b, secret);
    buf_adds(&b, "&issuer=");
    uri_escape(&b, issuer);
    buf_addf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_STEP);
    out = arena_strndup(a, b.p, b.len);
    buf_release(&b);
    return out;
}

int
totp_code(const char *secret, int64_t t, unsigned digits, char *out, struct gz_err *err)
{
    char *key = NULL;
    size_t len = 0;
    int rc;

    if (digits < 6 || digits > 8)
        return gz_errf(err, GZ_EINVAL, "a TOTP code has 6 to 8 digits");
    if ((rc = secret_key(secret, &key, &len, err)))
        return rc;
    rc = oath_totp_generate(key, len, (time_t)t, TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME, digits,
                            out);
    sodium_memzero(key, len);
    free(key);
    return rc == OATH_OK ? 0 : gz_errf(err, GZ_EINVAL, "cannot compute a TOTP code");
}

int
totp_verify(const char *secret, const char *code, int64_t now, int64_t *step, struct gz_err *err)
{
    char digits[TOTP_DIGITS + 1];
    size_t n = 0;
    char *key = NULL;
    size_t len = 0;
    uint64_t counter = 0;
    int pos = 0;
    int rc;

    for (const char *p = code; p && *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (*p < '0' || *p > '9' || n == TOTP_DIGITS)
            return gz_errf(err, GZ_EDENIED, "the code should be %d digits", TOTP_DIGITS);
        digits[n++] = *p;
    }
    digits[n] = '\0';
    if (n != TOTP_DIGITS)
        return gz_errf(err, GZ_EDENIED, "the code should be %d digits", TOTP_DIGITS);
    if ((rc = secret_key(secret, &key, &len, err)))
        return rc;
    rc = oath_totp_validate3(key, len, (time_t)now, TOTP_STEP, OATH_TOTP_DEFAULT_START_TIME,
                             TOTP_WINDOW, &pos, &counter, digits);
    sodium_memzero(key, len);
    free(key);
    if (rc < 0)
        return gz_errf(err, GZ_EDENIED, "wrong code");
    *step = (int64_t)counter;
    return 0;
}

void
totp_recovery_new(char out[TOTP_RECOVERY_LEN + 1])
{
    size_t o = 0;

    for (int i = 0; i < 12; i++) {
        if (i && i % 4 == 0)
            out[o++] = '-';
        out[o++] = rc_alpha[randombytes_uniform(32)];
    }
    out[o] = '\0';
}

int
totp_recovery_hash(int64_t user_id, const char *code, char out[TOTP_RECOVERY_HASH_LEN + 1],
                   struct gz_err *err)
{
    char norm[13];
    size_t n = 0;
    unsigned char salt[crypto_pwhash_SALTBYTES];
    unsigned char id[8];
    unsigned char h[32];
    static const char label[] = "gazette recovery code";

    for (const char *p = code; p && *p; p++) {
        char c = *p;

        if (c == ' ' || c == '-')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        if (!strchr(rc_alpha, c) || !c || n == 12)
            return gz_errf(err, GZ_EINVAL, "not a recovery code");
        norm[n++] = c;
    }
    if (n != 12)
        return gz_errf(err, GZ_EINVAL, "not a recovery code");
    norm[n] = '\0';
    for (int i = 0; i < 8; i++)
        id[i] = (unsigned char)((uint64_t)user_id >> (8 * i));
    _Static_assert(crypto_pwhash_SALTBYTES == 16, "salt size");
    crypto_generichash(salt, sizeof(salt), id, sizeof(id), (const unsigned char *)label,
                       sizeof(label) - 1);
    if (crypto_pwhash(h, sizeof(h), norm, n, salt, 1, 8u << 20, crypto_pwhash_ALG_ARGON2ID13))
        return gz_errf(err, GZ_ENOMEM, "cannot hash the recovery code: out of memory");
    sodium_bin2hex(out, TOTP_RECOVERY_HASH_LEN + 1, h, sizeof(h));
    return 0;
}
