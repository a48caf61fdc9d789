#include "text/sig.h"

#include "text/analyze.h"
#include "text/text.h"
#include "util/hash.h"
#include "util/mem.h"

#include <sodium.h>
#include <string.h>

/* The permutations h -> a*h + b (a odd), from splitmix64 with a fixed seed. */
static const uint64_t mh_a[TEXT_MINHASH_K] = {
    0x2cb0f69f4abea221ULL, 0xdd555950609dfe03ULL, 0x7e789b2e6c442cb7ULL, 0x0959d150f8fba7e5ULL,
    0x74cd8258f9520069ULL, 0xd2f4c799a2023cbdULL, 0x396f5885524f3905ULL, 0xa9ffbe6b5104e85bULL,
    0x980ce91c50ab4b57ULL, 0x768912e3a6bcedc7ULL, 0xce3bbfe520bd47dbULL, 0xbf194db8434a346dULL,
    0x0849d1f6e0e10a5fULL, 0x16d1da9507df3af3ULL, 0x9ade6673cc6c522bULL, 0xd35e12b49f51f27bULL,
    0x06007fb13c59a1f1ULL, 0x25242f018fc01ac7ULL, 0x7ee0abdd9797d3a3ULL, 0x8434e41042c28a7dULL,
    0xeed940dad9e9c06dULL, 0xa9897f0a62a51617ULL, 0x4072542a94b9c33fULL, 0x686865712a1a245fULL,
    0x0634e2024536912fULL, 0x9435dc0399f932dbULL, 0x12f7147c1e7f46abULL, 0x6f75480614554799ULL,
    0xbb41fe601fefb567ULL, 0x8c7d1d0d3d4a8ec5ULL, 0x80ccb15bf530844bULL, 0x9eb86a81fe90b68fULL,
    0x7009346385a45645ULL, 0x75a59d61ae0f8465ULL, 0x90ee70d4c2774059ULL, 0xbae94e097390fd43ULL,
    0x54a64593163b976fULL, 0x903b2aad4c38672bULL, 0x48311d2ec01f36edULL, 0xd3b8cb608aab8b71ULL,
    0xba7e97a12f21baa7ULL, 0x88cb4b1adbf0f0c1ULL, 0x4060ccb36efd6c19ULL, 0x38df4ac46ee5762bULL,
    0xbdeb8d63741fe7d9ULL, 0x6a5efe3a842100a5ULL, 0x03dbef4217c97213ULL, 0x53d290fa4dcee281ULL,
    0xbdf7b12c56756763ULL, 0xd5897678e0df3fefULL, 0x9730ae769149cbbbULL, 0x5dc5d9ea650fa767ULL,
    0xf8df11cb5ce17a0dULL, 0x3f3d169157da4aefULL, 0x95e671eefbd33cafULL, 0xe494760f1ba45657ULL,
    0xa1ed31d3d69b05cdULL, 0xb9b3379a4081919bULL, 0x151feebb4e040f11ULL, 0x8bae8d6e276c88e5ULL,
    0xffd5fb93b0b2d28dULL, 0x1751110c78d039ffULL, 0x2862583ce905324fULL, 0xfd2baf95439547efULL,
};
static const uint64_t mh_b[TEXT_MINHASH_K] = {
    0x9417034723148989ULL, 0xdbafb150deb12800ULL, 0xf41e5636c7e4f8c4ULL, 0xa97316f13cdb9eeaULL,
    0x55c74a62e116868bULL, 0xdf98cb79a37b51b9ULL, 0xaf1d56386ca3b276ULL, 0x6bd0c51b9fd533b3ULL,
    0x28ac395780fe62c5ULL, 0x50b3e8c9332c7c88ULL, 0xcba6c8e8e0bb7c4fULL, 0x7d8f2a7b60416d7fULL,
    0x7654b590d064e22fULL, 0xf63aef1089ea30e4ULL, 0x4c75bc274e37087cULL, 0x22ddf2ffcee481eaULL,
    0x8966a38c651ea4daULL, 0xa73ec74fa31b717cULL, 0x5c06ff7dc4ac1880ULL, 0x770a372d64327351ULL,
    0x8977e93646524825ULL, 0xa35d4250c53f2b3aULL, 0x3154a7a62447e8abULL, 0x0fba67727d7b3b98ULL,
    0xd9ff52a26cf9881aULL, 0x18d39fc1af93e7f0ULL, 0xdedf66783eddb4a0ULL, 0xe40e95e8ef84bde2ULL,
    0x5c3702e4c7bf19f1ULL, 0xee779996ba62dccbULL, 0xdf56e7dc4d57959cULL, 0x6a25741fa696fbd3ULL,
    0x8f4acc8c1520dd73ULL, 0xd9600a5f4b8b735cULL, 0x8a5f6c4b9a613341ULL, 0x653727708a8cae7cULL,
    0x551fb9261926a565ULL, 0x83731d929aa1ff24ULL, 0x53a5db5b92e313efULL, 0x0f022cd022ea0cbfULL,
    0xb895acc1e36f3046ULL, 0xa08f47edd89b430bULL, 0x0dcf835fb6b9345eULL, 0x986360357932dcbdULL,
    0x5d23cb0aedffc430ULL, 0x0d4cc01bf4e09a16ULL, 0x3d8ded6c69c8b3acULL, 0x00ce706478000997ULL,
    0x06c99071719dc103ULL, 0x74429d9ac72f7146ULL, 0x10ec1a636fd6612dULL, 0xb360e068cac3adc2ULL,
    0xa9292bbae2191df9ULL, 0x41d2dab33367f9dfULL, 0xd5bedcacb64a8fa9ULL, 0x21b556b8b6ee2c5fULL,
    0x025819f971a39e83ULL, 0x550758640bf14a28ULL, 0x423490df7adfc8b3ULL, 0x526dd4f720811612ULL,
    0xa9abb68f830215a8ULL, 0x103f09c76e08c0b5ULL, 0x939829751e945862ULL, 0x3f96e3e88a7e3ef0ULL,
};

void
text_minhash_init(struct text_minhash *m)
{
    for (size_t i = 0; i < TEXT_MINHASH_K; i++)
        m->v[i] = UINT64_MAX;
    m->n = 0;
}

/*
 * The 64 multiply-adds and minimums of one shingle: integer arithmetic,
 * so the clones picked at load time where the CPU has them give the same
 * bits as the plain one: x86-64-v4 (AVX-512: eight lanes, a 64-bit
 * multiply and an unsigned minimum in one instruction each) and AVX2
 * (four lanes, each 64-bit multiply made of three 32-bit ones).
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__OPTIMIZE__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
static void
minhash_slots(uint64_t *restrict v, uint64_t h)
{
    for (size_t i = 0; i < TEXT_MINHASH_K; i++) {
        uint64_t x = h * mh_a[i] + mh_b[i];

        v[i] = x < v[i] ? x : v[i];
    }
}

void
text_minhash_add(struct text_minhash *m, uint64_t h)
{
    /* h is a hash already; mix once more so that callers' raw ids work too */
    minhash_slots(m->v, hash_mix64(h));
    m->n++;
}

/* The hash of a shingle: the word hashes in order. */
static uint64_t
shingle_hash(const uint64_t *w, size_t k)
{
    uint64_t h = 0x5368696e676c65ULL ^ k;

    for (size_t i = 0; i < k; i++)
        h = hash_combine(h, w[i]);
    return h;
}

void
text_minhash_words(struct text_minhash *m, const uint64_t *words, size_t n, unsigned k)
{
    if (k == 0)
        k = TEXT_SHINGLE;
    if (k > 16)
        k = 16;
    if (n == 0)
        return;
    if (n < k) {
        text_minhash_add(m, shingle_hash(words, n));
        return;
    }
    for (size_t i = 0; i + k <= n; i++)
        text_minhash_add(m, shingle_hash(words + i, k));
}

/* A sliding window of the last k word hashes, kept twice over so that the
 * k most recent are always contiguous: w[pos .. pos + k). */
struct window {
    uint64_t w[32];
    size_t n, k, pos;
};

static void
window_push(struct text_minhash *m, struct window *win, uint64_t h)
{
    size_t i = win->n % win->k;

    win->w[i] = h;
    win->w[i + win->k] = h;
    win->n++;
    if (win->n >= win->k)
        text_minhash_add(m, shingle_hash(win->w + win->n % win->k, win->k));
}

static void
window_finish(struct text_minhash *m, struct window *win)
{
    if (win->n > 0 && win->n < win->k)
        text_minhash_add(m, shingle_hash(win->w, win->n));
}

void
text_minhash_text(struct text_minhash *m, const char *p, size_t len, unsigned k)
{
    struct text_tokenizer tz;
    struct text_token tok;
    struct window win = {{0}, 0, k == 0 ? TEXT_SHINGLE : (k > 16 ? 16 : k), 0};

    text_tokenizer_init(&tz, p, len);
    while (text_tokenizer_next(&tz, &tok))
        window_push(m, &win, text_word_hash(tok.fold, tok.fold_len));
    window_finish(m, &win);
}

void
text_minhash_doc(struct text_minhash *m, const struct text_doc *doc, unsigned k)
{
    struct window win = {{0}, 0, k == 0 ? TEXT_SHINGLE : (k > 16 ? 16 : k), 0};

    for (size_t i = doc->ntitle; i < doc->ntoks; i++)
        window_push(m, &win, doc->toks[i].hash);
    window_finish(m, &win);
}

/*
 * text_dup_sigs() in one pass.  A token of text[0..a) that ends at least
 * TOK_MARGIN bytes before both a and b is also a token of text[0..b): the
 * tokenizer keeps no state between tokens but its position and looks at
 * most a few characters past a token's end, so both tokenizers read the
 * same bytes and make the same decisions.  A consumer of the tokens of
 * text[0..b) takes another tokenizer's tokens while that holds and from
 * there runs its own tokenizer, from the end of the last token it took.
 */
#define TOK_MARGIN 16

struct dup_stream {
    size_t limit; /* the consumer reads the tokens of text[0..limit) */
    size_t pos;   /* end of the last token it took */
    int own;      /* takes no more borrowed tokens: runs its own tokenizer from pos */
};

static int
dup_shares(const struct dup_stream *c, size_t src_limit, size_t end)
{
    size_t lim = c->limit < src_limit ? c->limit : src_limit;

    return c->limit == src_limit || end + TOK_MARGIN <= lim;
}

struct chash {
    crypto_generichash_state st;
    char chunk[1024];
    size_t n;
    int any;
};

/* What text_content_hash() does with one token. */
static void
chash_add(struct chash *c, const char *fold, size_t fold_len)
{
    if (c->n + fold_len + 1 > sizeof(c->chunk)) {
        crypto_generichash_update(&c->st, (const unsigned char *)c->chunk, c->n);
        c->n = 0;
    }
    if (c->any)
        c->chunk[c->n++] = ' ';
    c->any = 1;
    for (size_t i = 0; i < fold_len; i++) {
        char ch = fold[i];

        if (ch == '\'' || ch == '-' || ch == '.' || ch == ',')
            continue;
        c->chunk[c->n++] = ch;
    }
}

void
text_dup_sigs(struct text_minhash *m, unsigned char *hash, const struct text_doc *doc,
              const char *text, size_t len, size_t mh_len, unsigned k)
{
    struct window win = {{0}, 0, k == 0 ? TEXT_SHINGLE : (k > 16 ? 16 : k), 0};
    struct dup_stream ms = {mh_len, 0, 0}, cs = {len, 0, hash == NULL};
    struct text_tokenizer tz;
    struct text_token tok;
    struct chash ch;

    if (!text)
        len = mh_len = 0;
    ms.limit = mh_len;
    cs.limit = len;
    if (hash) {
        crypto_generichash_init(&ch.st, NULL, 0, TEXT_CONTENT_HASH_LEN);
        ch.n = 0;
        ch.any = 0;
    }
    if (doc && doc->text == text && doc->text_len <= len) {
        size_t src = doc->text_len;

        for (size_t i = doc->ntitle; i < doc->ntoks && !(ms.own && cs.own); i++) {
            const struct text_tok *t = &doc->toks[i];
            size_t end = (size_t)t->off + t->len;

            if (!ms.own) {
                if (dup_shares(&ms, src, end)) {
                    window_push(m, &win, t->hash);
                    ms.pos = end;
                } else {
                    ms.own = 1;
                }
            }
            if (!cs.own) {
                if (dup_shares(&cs, src, end)) {
                    chash_add(&ch, t->fold, strlen(t->fold));
                    cs.pos = end;
                } else {
                    cs.own = 1;
                }
            }
        }
        /* the borrowed tokens ran out: complete only for a consumer of the same prefix */
        if (!ms.own && ms.limit == src)
            ms.pos = SIZE_MAX;
        if (!cs.own && cs.limit == src)
            cs.pos = SIZE_MAX;
    }
    /* the rest of the text: one tokenizer for both while they read the same tokens */
    if (cs.pos != SIZE_MAX && hash) {
        text_tokenizer_init(&tz, text, len);
        tz.pos = cs.pos;
        while (text_tokenizer_next(&tz, &tok)) {
            size_t end = tok.off + tok.len;

            if (ms.pos != SIZE_MAX && ms.pos == cs.pos && dup_shares(&ms, len, end)) {
                window_push(m, &win, text_word_hash(tok.fold, tok.fold_len));
                ms.pos = end;
            }
            chash_add(&ch, tok.fold, tok.fold_len);
            cs.pos = end;
        }
        if (ms.pos == cs.pos && ms.limit == len)
            ms.pos = SIZE_MAX; /* it took every token of the same text */
    }
    if (ms.pos != SIZE_MAX) {
        text_tokenizer_init(&tz, text, mh_len);
        tz.pos = ms.pos;
        while (text_tokenizer_next(&tz, &tok))
            window_push(m, &win, text_word_hash(tok.fold, tok.fold_len));
    }
    window_finish(m, &win);
    if (hash) {
        if (ch.n)
            crypto_generichash_update(&ch.st, (const unsigned char *)ch.chunk, ch.n);
        crypto_generichash_final(&ch.st, hash, TEXT_CONTENT_HASH_LEN);
    }
}

double
text_minhash_jaccard(const struct text_minhash *a, const struct text_minhash *b)
{
    size_t same = 0;

    if (!a->n || !b->n)
        return 0.0;
    for (size_t i = 0; i < TEXT_MINHASH_K; i++)
        same += a->v[i] == b->v[i];
    return (double)same / TEXT_MINHASH_K;
}

size_t
text_minhash_bands(const struct text_minhash *m, uint64_t keys[TEXT_LSH_BANDS])
{
    if (!m->n)
        return 0;
    for (size_t b = 0; b < TEXT_LSH_BANDS; b++) {
        uint64_t h = hash_mix64(b + 0x4c5348ULL);

        for (size_t r = 0; r < TEXT_LSH_ROWS; r++)
            h = hash_combine(h, m->v[b * TEXT_LSH_ROWS + r]);
        keys[b] = h;
    }
    return TEXT_LSH_BANDS;
}

uint64_t
text_simhash(const uint64_t *hashes, const float *weights, size_t n)
{
    double acc[64] = {0};
    uint64_t out = 0;
    int any = 0;

    for (size_t i = 0; i < n; i++) {
        double w = weights ? weights[i] : 1.0;
        uint64_t h = hash_mix64(hashes[i]);

        if (!(w > 0))
            continue;
        any = 1;
        for (int b = 0; b < 64; b++)
            acc[b] += ((h >> b) & 1) ? w : -w;
    }
    if (!any)
        return 0;
    for (int b = 0; b < 64; b++) {
        if (acc[b] > 0)
            out |= 1ULL << b;
    }
    return out;
}

uint64_t
text_simhash_doc(const struct text_doc *doc)
{
    int64_t acc[64] = {0};
    uint64_t out = 0;

    if (!doc->nterms)
        return 0;
    for (size_t i = 0; i < doc->nterms; i++) {
        const struct text_term *t = &doc->terms[i];
        int64_t w = (int64_t)t->count + t->title_count;
        uint64_t h = hash_mix64(t->id);

        /* branch-free: +w for a set bit, -w for a clear one */
        for (int b = 0; b < 64; b++)
            acc[b] += (int64_t)(2 * ((h >> b) & 1)) * w - w;
    }
    for (int b = 0; b < 64; b++) {
        if (acc[b] > 0)
            out |= 1ULL << b;
    }
    return out;
}
