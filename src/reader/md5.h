/*
 * md5.h - MD5 (RFC 1321), for the Fever API only.
 *
 * Fever clients authenticate with api_key = hex MD5 of "name:password";
 * the server must compute the same digest to recognise them.  MD5 is
 * broken as a collision-resistant hash: it is used here because the
 * protocol demands it, never for anything else.  The password it covers
 * is the API password (separate from the log-in password), and what is
 * stored is this digest, which is exactly what a Fever client sends.
 *
 * libsodium has no MD5 and gazette does not link libcrypto, so this is a
 * compact implementation written from RFC 1321, checked against the test
 * suite of its appendix A.5 (src/reader/reader_test.c).
 *
 * Pure and thread-safe.
 */
#ifndef GZ_READER_MD5_H
#define GZ_READER_MD5_H

#include <stddef.h>
#include <stdint.h>

#define MD5_BYTES 16
#define MD5_HEX_LEN 32

struct md5 {
    uint32_t h[4];
    uint64_t len; /* bytes hashed so far */
    unsigned char block[64];
};

void md5_init(struct md5 *m);
void md5_update(struct md5 *m, const void *p, size_t n);
void md5_final(struct md5 *m, unsigned char out[MD5_BYTES]);

/* The lower-case hex MD5 of p[0..n) into out (MD5_HEX_LEN characters and a NUL). */
void md5_hex(const void *p, size_t n, char out[MD5_HEX_LEN + 1]);

#endif
