/*
 * md5.c - MD5 as RFC 1321 describes it (md5.h).
 */
#include "reader/md5.h"

#include <string.h>

/* Per-round shift amounts (RFC 1321, 3.4), a row per round. */
/* clang-format off */
static const unsigned char shifts[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};
/* clang-format on */

/* T[i] = floor(2^32 * abs(sin(i + 1))). */
static const uint32_t sines[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static uint32_t
rotl(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void
transform(uint32_t h[4], const unsigned char *p)
{
    uint32_t x[16];
    uint32_t a = h[0];
    uint32_t b = h[1];
    uint32_t c = h[2];
    uint32_t d = h[3];

    for (int i = 0; i < 16; i++)
        x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int k;

        if (i < 16) {
            f = (b & c) | (~b & d);
            k = i;
        } else if (i < 32) {
            f = (b & d) | (c & ~d);
            k = (5 * i + 1) & 15;
        } else if (i < 48) {
            f = b ^ c ^ d;
            k = (3 * i + 5) & 15;
        } else {
            f = c ^ (b | ~d);
            k = (7 * i) & 15;
        }
        f += a + sines[i] + x[k];
        a = d;
        d = c;
        c = b;
        b += rotl(f, shifts[i]);
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

void
md5_init(struct md5 *m)
{
    m->h[0] = 0x67452301;
    m->h[1] = 0xefcdab89;
    m->h[2] = 0x98badcfe;
    m->h[3] = 0x10325476;
    m->len = 0;
}

void
md5_update(struct md5 *m, const void *p, size_t n)
{
    const unsigned char *s = p;
    size_t have = (size_t)(m->len & 63);

    m->len += n;
    if (have) {
        size_t take = 64 - have < n ? 64 - have : n;

        memcpy(m->block + have, s, take);
        s += take;
        n -= take;
        if (have + take < 64)
            return;
        transform(m->h, m->block);
    }
    for (; n >= 64; s += 64, n -= 64)
        transform(m->h, s);
    if (n)
        memcpy(m->block, s, n);
}

void
md5_final(struct md5 *m, unsigned char out[MD5_BYTES])
{
    unsigned char pad[72] = {0x80};
    unsigned char bits[8];
    uint64_t nbits = m->len * 8;
    size_t have = (size_t)(m->len & 63);
    size_t padlen = have < 56 ? 56 - have : 120 - have;

    for (int i = 0; i < 8; i++)
        bits[i] = (unsigned char)(nbits >> (8 * i));
    md5_update(m, pad, padlen);
    md5_update(m, bits, 8);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (unsigned char)(m->h[i] >> (8 * j));
    memset(m, 0, sizeof(*m));
}

void
md5_hex(const void *p, size_t n, char out[MD5_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char d[MD5_BYTES];
    struct md5 m;

    md5_init(&m);
    md5_update(&m, p, n);
    md5_final(&m, d);
    for (int i = 0; i < MD5_BYTES; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[MD5_HEX_LEN] = '\0';
}
