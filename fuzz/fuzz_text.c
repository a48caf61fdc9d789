/*
 * fuzz_text.c - the text layer on arbitrary bytes: folding, tokens,
 * sentences, captions, analysis, signatures.  Checks the invariants
 * callers rely on: spans inside the input, tokens in order, positions
 * consistent, no caption longer than TEXT_CAPTION_MAX.
 */
#include "text/analyze.h"
#include "text/sig.h"
#include "text/text.h"
#include "util/arena.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>

/* REQUIRE() vanishes under NDEBUG; these checks must not */
#define REQUIRE(c)                                                                                 \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct text_stemmer *st;
    const char *p = (const char *)data;
    struct text_tokenizer tz;
    struct text_token tok;
    struct text_span sp;
    struct text_doc doc;
    struct text_minhash mh;
    struct buf b = BUF_INIT;
    struct arena *a;
    size_t pos = 0, last = 0, split = size / 4;

    if (!st)
        st = text_stemmer_new();
    buf_init(&b, 1 << 20);
    (void)text_fold(p, size, &b);
    buf_release(&b);

    text_tokenizer_init(&tz, p, size);
    while (text_tokenizer_next(&tz, &tok)) {
        REQUIRE(tok.off >= last && tok.off + tok.len <= size && tok.len > 0);
        REQUIRE(tok.fold_len <= TEXT_TOKEN_MAX);
        last = tok.off + tok.len;
    }
    last = 0;
    while (text_sentence_next(p, size, &pos, &sp)) {
        REQUIRE(sp.off >= last && sp.off + sp.len <= size && pos <= size);
        last = sp.off + sp.len;
    }
    REQUIRE(!text_is_caption(p, size) || size <= TEXT_CAPTION_MAX);

    a = arena_new();
    text_analyze(st, a, p, split, p + split, size - split, size % 2 ? "en" : "fr", 0, &doc);
    for (size_t i = 0; i < doc.nterms; i++) {
        for (uint32_t j = 0; j < doc.terms[i].count; j++)
            REQUIRE(doc.toks[doc.terms[i].pos[j]].term == (int32_t)i);
    }
    text_minhash_init(&mh);
    text_minhash_doc(&mh, &doc, 3);
    arena_free(a);
    return 0;
}
