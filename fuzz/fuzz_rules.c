/*
 * fuzz_rules.c - rules_compile() (a reader's mute and highlight rules) on
 * any bytes, then every compiled rule applied to an item made of the same
 * bytes and described.
 *
 * Checks what the module promises: compiling never fails or crashes, keeps
 * at most RULES_MAX_LINES rules, reports problems with a line number in
 * range, and rules_eval() answers one of its three verdicts.
 */
#include "reader/rules.h"
#include "util/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct rules_problem probs[8];
    struct rules_tag tags[2] = {{"sports", 0}, {NULL, 1}};
    struct rules_item it = {0};
    struct buf b = BUF_INIT;
    size_t n = 0;
    size_t lines = 1;
    struct rules *rs;
    int v;

    memcpy(text, data, size);
    text[size] = '\0';
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    rs = rules_compile(text, probs, 8, &n);
    if (rules_count(rs) > RULES_MAX_LINES || n > 8 || rules_mutes(rs) > rules_count(rs))
        abort();
    for (size_t i = 0; i < n; i++)
        if (probs[i].line < 0 || (size_t)probs[i].line > lines || !memchr(probs[i].msg, 0, 200))
            abort();
    it.title = text;
    it.excerpt = text + size / 2;
    it.author = text;
    it.source_title = text;
    it.source_url = text;
    it.tags = tags;
    it.ntags = 2;
    v = rules_eval(rs, &it);
    if (v != RULES_NONE && v != RULES_MUTE && v != RULES_HIGHLIGHT)
        abort();
    for (size_t i = 0; i < rules_count(rs); i++) {
        int line = 0;

        buf_reset(&b);
        rules_describe(rs, i, &b, &line);
        if (line < 1 || (size_t)line > lines)
            abort();
    }
    buf_release(&b);
    rules_release(rs);
    free(text);
    return 0;
}
