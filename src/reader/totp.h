/*
 * totp.h - two-factor sign-in: TOTP codes (RFC 6238) and recovery codes.
 *
 * TOTP as authenticator apps do it: HMAC-SHA-1, 30-second steps from the
 * Unix epoch, 6 digits, a 20-byte random secret shown as base32 (RFC
 * 4648, no padding) and as an otpauth:// URI.  Codes are computed by
 * liboath (Debian's liboath, from OATH Toolkit).  A code is accepted in
 * its own step or one step either side (clock drift); the caller stores
 * the step it was accepted in and refuses it and older ones afterwards
 * (store_reader_totp_step), so a code works once.
 *
 * Recovery codes: 10 per user, 12 characters from a 32-letter alphabet
 * without look-alikes (60 bits each), shown once as XXXX-XXXX-XXXX and
 * stored only as a hash: argon2id (libsodium crypto_pwhash, 1 pass over
 * 8 MiB, about 20 ms) with a salt derived from the user id, so that a
 * code entered can be looked up by its hash.
 *
 * Thread-safety: all functions are thread-safe (liboath is initialised
 * once, on first use; libsodium must have been initialised).
 */
#ifndef GZ_READER_TOTP_H
#define GZ_READER_TOTP_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct gz_err;

#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_LEN 32 /* base32 characters of 20 bytes */
#define TOTP_DIGITS 6
#define TOTP_STEP 30
#define TOTP_WINDOW 1 /* steps accepted either side of now */

#define TOTP_RECOVERY_CODES 10
#define TOTP_RECOVERY_LEN 14      /* XXXX-XXXX-XXXX */
#define TOTP_RECOVERY_HASH_LEN 64 /* hex */

/* A new random secret: TOTP_SECRET_LEN base32 characters and a NUL. */
void totp_secret_new(char out[TOTP_SECRET_LEN + 1]);
/* 1 when s is a base32 secret this module can use (16 to 128 characters), else 0. */
int totp_secret_valid(const char *s);

/*
 * The otpauth:// URI for an authenticator app (issuer "gazette" unless
 * given, the account name as label), from the arena.
 */
const char *totp_uri(struct arena *a, const char *issuer, const char *account, const char *secret);

/*
 * The code of secret (base32) for time t into out (TOTP_DIGITS digits and
 * a NUL); digits may be 6 to 8 (the RFC's vectors use 8).  GZ_EINVAL for a
 * bad secret.
 */
int totp_code(const char *secret, int64_t t, unsigned digits, char *out, struct gz_err *err);

/*
 * Check code (spaces allowed) against secret at time now, within
 * TOTP_WINDOW steps.  0 with *step set to the step it matched (t / 30);
 * GZ_EDENIED when it does not match; GZ_EINVAL for a bad secret.
 */
int totp_verify(const char *secret, const char *code, int64_t now, int64_t *step,
                struct gz_err *err);

/* A new recovery code, XXXX-XXXX-XXXX and a NUL. */
void totp_recovery_new(char out[TOTP_RECOVERY_LEN + 1]);
/*
 * The hash stored for a recovery code of user_id: the code is normalised
 * first (case, spaces and dashes ignored), so "abcd efgh jkmn" matches
 * "ABCD-EFGH-JKMN".  GZ_EINVAL when it cannot be a code (so no hashing is
 * spent on it), GZ_ENOMEM when argon2 cannot get its memory.
 */
int totp_recovery_hash(int64_t user_id, const char *code, char out[TOTP_RECOVERY_HASH_LEN + 1],
                       struct gz_err *err);

#endif
