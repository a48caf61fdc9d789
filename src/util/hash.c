#include "util/hash.h"

#include <string.h>

static const uint64_t secret[4] = {0xa0761d6478bd642fULL, 0xe7037ed1a0b428dbULL,
                                   0x8ebc6af08c2db4b1ULL, 0x589965cc75374cc3ULL};

static inline void
mum(uint64_t *a, uint64_t *b)
{
    __uint128_t r = (__uint128_t)*a * *b;

    *a = (uint64_t)r;
    *b = (uint64_t)(r >> 64);
}

static inline uint64_t
mix(uint64_t a, uint64_t b)
{
    mum(&a, &b);
    return a ^ b;
}

/* Little-endian loads, whatever the host. */
static inline uint64_t
rd8(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static inline uint64_t
rd4(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
}

static inline uint64_t
rd3(const unsigned char *p, size_t k)
{
    return ((uint64_t)p[0] << 16) | ((uint64_t)p[k >> 1] << 8) | p[k - 1];
}

uint64_t
hash64(const void *key, size_t len, uint64_t seed)
{
    const unsigned char *p = key;
    uint64_t a, b;

    seed ^= mix(seed ^ secret[0], secret[1]);
    if (len <= 16) {
        if (len >= 4) {
            a = (rd4(p) << 32) | rd4(p + ((len >> 3) << 2));
            b = (rd4(p + len - 4) << 32) | rd4(p + len - 4 - ((len >> 3) << 2));
        } else if (len > 0) {
            a = rd3(p, len);
            b = 0;
        } else {
            a = b = 0;
        }
    } else {
        size_t i = len;

        if (i > 48) {
            uint64_t see1 = seed, see2 = seed;

            do {
                seed = mix(rd8(p) ^ secret[1], rd8(p + 8) ^ seed);
                see1 = mix(rd8(p + 16) ^ secret[2], rd8(p + 24) ^ see1);
                see2 = mix(rd8(p + 32) ^ secret[3], rd8(p + 40) ^ see2);
                p += 48;
                i -= 48;
            } while (i > 48);
            seed ^= see1 ^ see2;
        }
        while (i > 16) {
            seed = mix(rd8(p) ^ secret[1], rd8(p + 8) ^ seed);
            i -= 16;
            p += 16;
        }
        a = rd8(p + i - 16);
        b = rd8(p + i - 8);
    }
    a ^= secret[1];
    b ^= seed;
    mum(&a, &b);
    return mix(a ^ secret[0] ^ len, b ^ secret[1]);
}

uint64_t
hash64_str(const char *s)
{
    return hash64(s, strlen(s), 0);
}
