#include "text/lang.h"

#include "text/internal.h"
#include "text/text.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/mem.h"
#include "util/str.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <textcat.h>
#include <unistd.h>
#include <utf8proc.h>

/* ---- codes ---- */

static const struct {
    const char *from, *to;
} iso639_2[] = {
    {"ara", "ar"}, {"arm", "hy"}, {"baq", "eu"}, {"cat", "ca"}, {"chi", "zh"}, {"dan", "da"},
    {"deu", "de"}, {"dut", "nl"}, {"ell", "el"}, {"eng", "en"}, {"eus", "eu"}, {"fin", "fi"},
    {"fra", "fr"}, {"fre", "fr"}, {"ger", "de"}, {"gle", "ga"}, {"gre", "el"}, {"hin", "hi"},
    {"hun", "hu"}, {"hye", "hy"}, {"ind", "id"}, {"ita", "it"}, {"jpn", "ja"}, {"kor", "ko"},
    {"lit", "lt"}, {"nb", "no"},  {"nep", "ne"}, {"nld", "nl"}, {"nn", "no"},  {"nno", "no"},
    {"nob", "no"}, {"nor", "no"}, {"por", "pt"}, {"ron", "ro"}, {"rum", "ro"}, {"rus", "ru"},
    {"sh", "sr"},  {"spa", "es"}, {"srp", "sr"}, {"swe", "sv"}, {"tam", "ta"}, {"tur", "tr"},
    {"yid", "yi"}, {"zho", "zh"},
};

char *
text_lang_norm(const char *tag, char out[TEXT_LANG_MAX])
{
    size_t n = 0;

    out[0] = '\0';
    if (!tag)
        return out;
    while (tag[n] && tag[n] != '-' && tag[n] != '_' && tag[n] != '.' && tag[n] != '@') {
        char c = tag[n];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c < 'a' || c > 'z' || n >= 3) {
            out[0] = '\0';
            return out;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    if (n < 2) {
        out[0] = '\0';
        return out;
    }
    for (size_t i = 0; i < ARRAY_SIZE(iso639_2); i++) {
        if (!strcmp(out, iso639_2[i].from)) {
            strcpy(out, iso639_2[i].to);
            break;
        }
    }
    return out;
}

/* ---- stop words ---- */

const struct text_stoplist *
text_stoplist_find(const char *code)
{
    if (!code || !code[0])
        return NULL;
    for (const struct text_stoplist *l = text_stoplists; l->lang; l++) {
        if (!strcmp(l->lang, code))
            return l;
    }
    return NULL;
}

/* bsearch over a sorted table with a (pointer, length) key */
/* strcmp() of w[0..len) with the NUL-terminated s */
static inline int
cmp_n(const char *w, size_t len, const char *s)
{
    size_t i = 0;

    for (; i < len; i++) {
        unsigned char a = (unsigned char)w[i], b = (unsigned char)s[i];

        if (a != b || !b)
            return a < b ? -1 : a > b;
    }
    return s[i] ? -1 : 0;
}

static int
stop_find(const struct text_stoplist *l, const char *w, size_t len)
{
    size_t lo, hi;

    if (len == 0)
        return 0;
    lo = l->first[(unsigned char)w[0]];
    hi = l->first[(unsigned char)w[0] + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_n(w, len, l->words[mid]);

        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

int
text_stoplist_has(const struct text_stoplist *l, const char *w, size_t len)
{
    return l ? stop_find(l, w, len) : 0;
}

int
text_is_stopword(const char *lang, const char *word, size_t len)
{
    char code[TEXT_LANG_MAX];
    const struct text_stoplist *l = text_stoplist_find(text_lang_norm(lang, code));

    if (!l || memchr(word, '\0', len))
        return 0;
    return stop_find(l, word, len);
}

int
text_has_stopwords(const char *lang)
{
    char code[TEXT_LANG_MAX];

    return text_stoplist_find(text_lang_norm(lang, code)) != NULL;
}

/* ---- stemming ---- */

static const struct {
    const char *code, *algo;
} stemmers[] = {
    {"en", "english"}, {"fr", "french"},     {"de", "german"},    {"es", "spanish"},
    {"it", "italian"}, {"pt", "portuguese"}, {"nl", "dutch"},     {"ru", "russian"},
    {"sv", "swedish"}, {"da", "danish"},     {"no", "norwegian"}, {"fi", "finnish"},
    {"ar", "arabic"},  {"hy", "armenian"},   {"eu", "basque"},    {"ca", "catalan"},
    {"el", "greek"},   {"hi", "hindi"},      {"hu", "hungarian"}, {"id", "indonesian"},
    {"ga", "irish"},   {"lt", "lithuanian"}, {"ne", "nepali"},    {"ro", "romanian"},
    {"sr", "serbian"}, {"ta", "tamil"},      {"tr", "turkish"},   {"yi", "yiddish"},
};

#define NSTEM ARRAY_SIZE(stemmers)
#define STEM_SLOTS 16384
#define STEM_W 26

struct stem_slot {
    uint64_t key;
    unsigned char wlen, slen; /* wlen 0: empty */
    char word[STEM_W];
    char stem[STEM_W];
};

struct text_stemmer {
    struct sb_stemmer *sb[NSTEM];
    unsigned char tried[NSTEM];
    char last_tag[16]; /* the tag of the last call and its index, a cheap memo */
    int last_idx;
    struct stem_slot *cache;
    struct text_scratch scratch;
};

struct text_scratch *
text_stemmer_scratch(struct text_stemmer *s)
{
    return &s->scratch;
}

static int
stem_index(const char *code)
{
    for (size_t i = 0; i < NSTEM; i++) {
        if (!strcmp(stemmers[i].code, code))
            return (int)i;
    }
    return -1;
}

int
text_stem_supported(const char *lang)
{
    char code[TEXT_LANG_MAX];

    return stem_index(text_lang_norm(lang, code)) >= 0;
}

struct text_stemmer *
text_stemmer_new(void)
{
    struct text_stemmer *s = xcalloc(1, sizeof(*s));

    s->cache = xcalloc(STEM_SLOTS, sizeof(*s->cache));
    s->last_idx = -1;
    return s;
}

void
text_stemmer_free(struct text_stemmer *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < NSTEM; i++)
        sb_stemmer_delete(s->sb[i]);
    free(s->cache);
    free(s->scratch.toks);
    free(s->scratch.terms);
    free(s->scratch.phrases);
    free(s->scratch.pool);
    free(s->scratch.words);
    hmap_release(&s->scratch.term_ids);
    hmap_release(&s->scratch.phrase_ids);
    free(s);
}

static int
lang_idx(struct text_stemmer *s, const char *lang)
{
    char code[TEXT_LANG_MAX];
    size_t n;

    if (!lang)
        return -1;
    n = strlen(lang);
    if (n < sizeof(s->last_tag) && !strcmp(lang, s->last_tag))
        return s->last_idx;
    s->last_idx = stem_index(text_lang_norm(lang, code));
    if (n < sizeof(s->last_tag))
        memcpy(s->last_tag, lang, n + 1);
    else
        s->last_tag[0] = '\0';
    return s->last_idx;
}

const char *
text_stem(struct text_stemmer *s, const char *lang, const char *word, size_t len, size_t *out_len)
{
    int idx = lang_idx(s, lang);
    struct stem_slot *slot = NULL;
    const sb_symbol *r;
    uint64_t key = 0;

    *out_len = len;
    if (idx < 0 || len == 0 || len > 256)
        return word;
    for (size_t i = 0; i < len; i++) {
        if (word[i] >= '0' && word[i] <= '9')
            return word;
    }
    if (len <= STEM_W) {
        key = hash64(word, len, (uint64_t)idx);
        slot = &s->cache[key & (STEM_SLOTS - 1)];
        if (slot->wlen == len && slot->key == key && !memcmp(slot->word, word, len)) {
            *out_len = slot->slen;
            return slot->stem;
        }
    }
    if (!s->tried[idx]) {
        s->tried[idx] = 1;
        s->sb[idx] = sb_stemmer_new(stemmers[idx].algo, NULL);
    }
    if (!s->sb[idx])
        return word;
    r = sb_stemmer_stem(s->sb[idx], (const sb_symbol *)word, (int)len);
    if (!r)
        return word; /* out of memory inside libstemmer: leave the word */
    *out_len = (size_t)sb_stemmer_length(s->sb[idx]);
    if (slot && *out_len <= STEM_W) {
        slot->key = key;
        slot->wlen = (unsigned char)len;
        slot->slen = (unsigned char)*out_len;
        memcpy(slot->word, word, len);
        memcpy(slot->stem, r, *out_len);
        return slot->stem;
    }
    return (const char *)r;
}

/* ---- language identification ---- */

enum script {
    S_OTHER,
    S_LATIN,
    S_CYRILLIC,
    S_ARABIC,
    S_DEVANAGARI,
    S_GREEK,
    S_ARMENIAN,
    S_HEBREW,
    S_BENGALI,
    S_GURMUKHI,
    S_GUJARATI,
    S_TAMIL,
    S_TELUGU,
    S_KANNADA,
    S_MALAYALAM,
    S_SINHALA,
    S_THAI,
    S_LAO,
    S_MYANMAR,
    S_GEORGIAN,
    S_HANGUL,
    S_ETHIOPIC,
    S_KHMER,
    S_HAN,
    S_KANA,
    S_COUNT
};

/* The language a script names by itself (the classifier decides the rest). */
static const char *const script_lang[S_COUNT] = {
    [S_GREEK] = "el",    [S_ARMENIAN] = "hy",  [S_HEBREW] = "he",   [S_BENGALI] = "bn",
    [S_GURMUKHI] = "pa", [S_GUJARATI] = "gu",  [S_TAMIL] = "ta",    [S_TELUGU] = "te",
    [S_KANNADA] = "kn",  [S_MALAYALAM] = "ml", [S_SINHALA] = "si",  [S_THAI] = "th",
    [S_LAO] = "lo",      [S_MYANMAR] = "my",   [S_GEORGIAN] = "ka", [S_HANGUL] = "ko",
    [S_ETHIOPIC] = "am", [S_KHMER] = "km",     [S_HAN] = "zh",      [S_KANA] = "ja",
};

static enum script
script_of(int32_t c)
{
    static const struct {
        int32_t lo, hi;
        enum script s;
    } ranges[] = {
        {0x00C0, 0x024F, S_LATIN},     {0x0370, 0x03FF, S_GREEK},    {0x0400, 0x052F, S_CYRILLIC},
        {0x0531, 0x058F, S_ARMENIAN},  {0x0591, 0x05FF, S_HEBREW},   {0x0600, 0x06FF, S_ARABIC},
        {0x0750, 0x077F, S_ARABIC},    {0x08A0, 0x08FF, S_ARABIC},   {0x0900, 0x097F, S_DEVANAGARI},
        {0x0980, 0x09FF, S_BENGALI},   {0x0A00, 0x0A7F, S_GURMUKHI}, {0x0A80, 0x0AFF, S_GUJARATI},
        {0x0B80, 0x0BFF, S_TAMIL},     {0x0C00, 0x0C7F, S_TELUGU},   {0x0C80, 0x0CFF, S_KANNADA},
        {0x0D00, 0x0D7F, S_MALAYALAM}, {0x0D80, 0x0DFF, S_SINHALA},  {0x0E00, 0x0E7F, S_THAI},
        {0x0E80, 0x0EFF, S_LAO},       {0x1000, 0x109F, S_MYANMAR},  {0x10A0, 0x10FF, S_GEORGIAN},
        {0x1100, 0x11FF, S_HANGUL},    {0x1200, 0x139F, S_ETHIOPIC}, {0x1780, 0x17FF, S_KHMER},
        {0x1C80, 0x1C8F, S_CYRILLIC},  {0x1E00, 0x1EFF, S_LATIN},    {0x1F00, 0x1FFF, S_GREEK},
        {0x2C60, 0x2C7F, S_LATIN},     {0x2D00, 0x2D2F, S_GEORGIAN}, {0x2DE0, 0x2DFF, S_CYRILLIC},
        {0x3040, 0x30FF, S_KANA},      {0x3130, 0x318F, S_HANGUL},   {0x31F0, 0x31FF, S_KANA},
        {0x3400, 0x4DBF, S_HAN},       {0x4E00, 0x9FFF, S_HAN},      {0xA640, 0xA69F, S_CYRILLIC},
        {0xA720, 0xA7FF, S_LATIN},     {0xAC00, 0xD7AF, S_HANGUL},   {0xF900, 0xFAFF, S_HAN},
        {0xFB1D, 0xFB4F, S_HEBREW},    {0xFB50, 0xFDFF, S_ARABIC},   {0xFE70, 0xFEFF, S_ARABIC},
        {0xFF21, 0xFF3A, S_LATIN},     {0xFF41, 0xFF5A, S_LATIN},    {0xFF66, 0xFF9F, S_KANA},
        {0x20000, 0x3134F, S_HAN},
    };
    size_t lo = 0, hi = ARRAY_SIZE(ranges);

    if (c < 0x80)
        return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? S_LATIN : S_OTHER;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;

        if (c < ranges[mid].lo)
            hi = mid;
        else if (c > ranges[mid].hi)
            lo = mid + 1;
        else
            return ranges[mid].s;
    }
    return S_OTHER;
}

/* The classifier's models per script group: file (no .lm) and category name. */
static const char *const group_latin[] = {
    "en", "fr", "de", "es", "it",      "pt", "nl", "sv", "da", "nb", "nn", "fi", "pl", "cs",
    "sk", "sl", "hr", "bs", "sr-Latn", "hu", "ro", "tr", "az", "id", "ms", "vi", "ca", "eu",
    "gl", "et", "lv", "lt", "is",      "ga", "cy", "af", "sw", "tl", "sq", "mt", "lb", NULL,
};
static const char *const group_cyrillic[] = {
    "ru", "uk", "bg", "sr-Cyrl", "mk", "be", "kk", "ky", "mn", "tg", NULL,
};
static const char *const group_arabic[] = {"ar", "fa", "ur", "ckb", "ug", NULL};
static const char *const group_devanagari[] = {"hi", "mr", "ne", NULL};

enum { G_LATIN, G_CYRILLIC, G_ARABIC, G_DEVANAGARI, G_COUNT };

static const char *const *const groups[G_COUNT] = {group_latin, group_cyrillic, group_arabic,
                                                   group_devanagari};

struct text_langid {
    void *tc[G_COUNT];
    candidate_t *cand[G_COUNT];
};

/*
 * Start libexttextcat on a configuration written into a pipe, so that no
 * file is created: the library reads "/dev/fd/N" like any file.  Models
 * whose file is missing are left out (the library's own error path leaks),
 * and a group with none fails.
 */
static void *
group_init(const char *dir, const char *const *models)
{
    char conf[2048], path[600], prefix[512];
    size_t n = 0;
    int fds[2];
    void *h;

    if (snprintf(prefix, sizeof(prefix), "%s/", dir) >= (int)sizeof(prefix))
        return NULL;
    for (size_t i = 0; models[i]; i++) {
        int w;

        snprintf(path, sizeof(path), "%s%s.lm", prefix, models[i]);
        if (access(path, R_OK) < 0)
            continue;
        w = snprintf(conf + n, sizeof(conf) - n, "%s.lm %s\n", models[i], models[i]);
        if (w < 0 || (size_t)w >= sizeof(conf) - n)
            return NULL;
        n += (size_t)w;
    }
    if (n == 0)
        return NULL;
    if (pipe(fds) < 0)
        return NULL;
    if (write(fds[1], conf, n) != (ssize_t)n) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    close(fds[1]);
    snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
    h = special_textcat_Init(path, prefix);
    close(fds[0]);
    return h;
}

void
text_langid_free(struct text_langid *l)
{
    if (!l)
        return;
    for (int g = 0; g < G_COUNT; g++) {
        if (l->tc[g]) {
            textcat_ReleaseClassifyFullOutput(l->tc[g], l->cand[g]);
            textcat_Done(l->tc[g]);
        }
    }
    free(l);
}

struct text_langid *
text_langid_new(const char *dir, struct gz_err *err)
{
    struct text_langid *l = xcalloc(1, sizeof(*l));

    if (!dir)
        dir = "/usr/share/libexttextcat";
    for (int g = 0; g < G_COUNT; g++) {
        l->tc[g] = group_init(dir, groups[g]);
        if (!l->tc[g]) {
            text_langid_free(l);
            gz_errf(err, GZ_EIO, "cannot load language models from '%s'", dir);
            return NULL;
        }
        l->cand[g] = textcat_GetClassifyFullOutput(l->tc[g]);
    }
    return l;
}

/* A category name ("sr-Latn", "nb") as a static ISO 639-1 code. */
static const char *
category_code(const char *name)
{
    static const struct {
        const char *name, *code;
    } map[] = {{"nb", "no"}, {"nn", "no"}, {"sr-Latn", "sr"}, {"sr-Cyrl", "sr"}};

    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        if (!strcmp(name, map[i].name))
            return map[i].code;
    }
    for (int g = 0; g < G_COUNT; g++) {
        for (size_t i = 0; groups[g][i]; i++) {
            if (!strcmp(name, groups[g][i]))
                return groups[g][i];
        }
    }
    return NULL;
}

const char *
text_langid_detect(struct text_langid *l, const char *p, size_t len, const char *fallback)
{
    const unsigned char *s = (const unsigned char *)p;
    size_t count[S_COUNT] = {0}, letters = 0, n, i = 0, best = S_OTHER;
    const char *fb = fallback ? fallback : "";
    int g, k;

    if (!l || !p)
        return fb;
    if (len > TEXT_LANGID_SAMPLE)
        len = str_utf8_cut(p, len, TEXT_LANGID_SAMPLE);
    while (i < len) {
        utf8proc_int32_t cp;
        enum script sc;

        if (s[i] < 0x80) {
            sc = script_of(s[i]);
            n = 1;
        } else {
            utf8proc_ssize_t r = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);

            if (r <= 0) {
                i++;
                continue;
            }
            n = (size_t)r;
            sc = script_of(cp);
        }
        i += n;
        if (sc == S_OTHER)
            continue;
        count[sc]++;
        letters++;
    }
    for (size_t sc = 1; sc < S_COUNT; sc++) {
        if (count[sc] > count[best])
            best = sc;
    }
    if (best == S_HAN || best == S_KANA) {
        size_t cjk = count[S_HAN] + count[S_KANA];

        if (cjk < 10)
            return fb;
        /* Japanese mixes kana into Han text; Chinese has none */
        return count[S_KANA] * 20 >= cjk ? "ja" : "zh";
    }
    if (best == S_HANGUL)
        return count[S_HANGUL] >= 10 ? "ko" : fb;
    if (letters < TEXT_LANGID_MIN_LETTERS || best == S_OTHER)
        return fb;
    switch (best) {
    case S_LATIN:
        g = G_LATIN;
        break;
    case S_CYRILLIC:
        g = G_CYRILLIC;
        break;
    case S_ARABIC:
        g = G_ARABIC;
        break;
    case S_DEVANAGARI:
        g = G_DEVANAGARI;
        break;
    default:
        return script_lang[best] ? script_lang[best] : fb;
    }
    k = textcat_ClassifyFull(l->tc[g], p, len, l->cand[g]);
    /* the library lists every model within 3 % of the best; more than a
     * few means the text fits none well */
    if (k <= 0 || k > 3 || !l->cand[g][0].name)
        return fb;
    {
        const char *code = category_code(l->cand[g][0].name);

        return code ? code : fb;
    }
}
