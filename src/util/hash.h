/*
 * hash.h - fast, stable 64-bit hashing of bytes and integers.
 *
 * hash64() is a wyhash-style function (64x64->128 multiply-and-fold over
 * 8-byte little-endian words).  It is not cryptographic: use it for hash
 * tables, term ids and signatures, never where an attacker's collisions
 * matter more than a slower table (libsodium's crypto_shorthash is the
 * keyed choice there).
 *
 * Stability: the output depends only on the bytes and the seed, never on
 * the platform's endianness or alignment, and will not change between
 * releases: term hashes and MinHash signatures computed with it may be
 * stored.  A test freezes a few values.
 *
 * All functions are pure and thread-safe.
 */
#ifndef GZ_UTIL_HASH_H
#define GZ_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hash len bytes at p (p may be NULL when len is 0) with a seed. */
uint64_t hash64(const void *p, size_t len, uint64_t seed);

/* hash64 of a NUL-terminated string with seed 0. */
uint64_t hash64_str(const char *s);

/*
 * A bijective mixer of one 64-bit integer (splitmix64's finalizer): spreads
 * the bits of keys that are small integers or already hashes.
 */
static inline uint64_t
hash_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* Combine a hash with another value (order matters). */
static inline uint64_t
hash_combine(uint64_t h, uint64_t v)
{
    return hash_mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

#endif
