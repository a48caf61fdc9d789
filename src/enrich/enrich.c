/*
 * enrich.c - the handle, the article and story entry points, JSON output.
 */
#include "enrich/internal.h"

#include "text/lang.h"
#include "text/tfidf.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ISO_CODES "/usr/share/iso-codes/json"

const char *
enrich_kind_name(int kind)
{
    switch (kind) {
    case ENRICH_PERSON:
        return "person";
    case ENRICH_PLACE:
        return "place";
    case ENRICH_ORG:
        return "org";
    default:
        return "topic";
    }
}

struct enrich *
enrich_new(const struct enrich_opts *opts, struct gz_err *err)
{
    struct enrich *e;
    struct enrich_opts o;

    memset(&o, 0, sizeof(o));
    if (opts)
        o = *opts;
    if (o.summary_sentences < 0 || o.summary_sentences > ENRICH_MAX_SENTENCES)
        return gz_errf(err, GZ_EINVAL, "summary sentences must be 1 to %d", ENRICH_MAX_SENTENCES),
               NULL;
    if (o.max_keyphrases < 0 || o.max_keyphrases > 64 || o.max_tags < 0 || o.max_tags > 32 ||
        o.max_key_points < 0 || o.max_key_points > 16 || o.max_adds < 0 || o.max_adds > 16)
        return gz_errf(err, GZ_EINVAL, "enrichment limits out of range"), NULL;
    if (!o.summary_sentences)
        o.summary_sentences = 3;
    if (!o.max_keyphrases)
        o.max_keyphrases = 15;
    if (!o.max_tags)
        o.max_tags = 8;
    if (!o.max_key_points)
        o.max_key_points = 4;
    if (!o.max_adds)
        o.max_adds = 3;
    e = xcalloc(1, sizeof(*e));
    e->o = o;
    e->o.iso_codes_dir = NULL; /* borrowed strings are not kept */
    e->o.langid_dir = NULL;
    e->st = text_stemmer_new();
    e->lid = text_langid_new(o.langid_dir, NULL); /* may be NULL: hints only */
    hmap_init(&e->gaz, 8192);
    hmap_init(&e->words, 1024);
    enrich_words_load(&e->words);
    enrich_gazetteer_load(e, o.iso_codes_dir ? o.iso_codes_dir : DEFAULT_ISO_CODES);
    return e;
}

void
enrich_free(struct enrich *e)
{
    if (!e)
        return;
    text_stemmer_free(e->st);
    text_langid_free(e->lid);
    hmap_release(&e->gaz);
    hmap_release(&e->words);
    free(e);
}

size_t
enrich_has_gazetteer(const struct enrich *e)
{
    return hmap_len(&e->gaz);
}

void
enrich_doc_prepare(struct enrich_doc *ed, const struct text_df *df, struct arena *a)
{
    const struct text_doc *d = &ed->d;

    ed->df = df;
    ed->idf = arena_alloc(a, (d->nterms + 1) * sizeof(*ed->idf));
    ed->nsent = arena_alloc(a, (d->nterms + 1) * sizeof(*ed->nsent));
    for (size_t t = 0; t < d->nterms; t++) {
        const struct text_term *term = &d->terms[t];
        uint32_t last = UINT32_MAX - 1, n = 0;

        ed->idf[t] = df && df->ndocs ? text_df_idf(df, term->id) : 1.0;
        for (uint32_t k = 0; k < term->count; k++) {
            uint32_t s = d->toks[term->pos[k]].sent;

            if (s != last) {
                n++;
                last = s;
            }
        }
        ed->nsent[t] = n;
    }
}

void
enrich_detect_lang(struct enrich *e, const char *hint, const char *title, const char *text,
                   char out[TEXT_LANG_MAX])
{
    struct buf sample = BUF_INIT;

    text_lang_norm(hint, out);
    if (*out || !e->lid)
        return;
    /* title and text together, when the text alone is short */
    if (text && strlen(text) >= ENRICH_LANG_MIN_SAMPLE) {
        text_lang_norm(text_langid_detect(e->lid, text, strlen(text), NULL), out);
        return;
    }
    buf_adds(&sample, title ? title : "");
    buf_adds(&sample, "\n\n");
    buf_adds(&sample, text ? text : "");
    if (sample.len >= ENRICH_LANG_MIN_SAMPLE)
        text_lang_norm(text_langid_detect(e->lid, sample.p, sample.len, NULL), out);
    buf_release(&sample);
}

static void
analyze(struct enrich *e, const char *title, const char *text, const char *lang,
        const struct text_df *df, struct arena *a, struct enrich_doc *ed)
{
    memset(ed, 0, sizeof(*ed));
    text_analyze(e->st, a, title, title ? strlen(title) : 0, text, text ? strlen(text) : 0, lang,
                 TEXT_AN_NO_PHRASES, &ed->d);
    enrich_doc_prepare(ed, df, a);
}

/* Keyphrases, entities and tags of one analysed document into res. */
static void
describe(struct enrich *e, const struct enrich_doc *ed, struct arena *a, struct enrich_result *res)
{
    enrich_keyphrases(e, ed, a, (size_t)e->o.max_keyphrases, &res->keyphrases, &res->nkeyphrases);
    enrich_entities(e, ed, a, &res->entities, &res->nentities);
    enrich_make_tags(res->entities, res->nentities, res->keyphrases, res->nkeyphrases,
                     ed->df ? ed->df->ndocs : 0, (size_t)e->o.max_tags, a, &res->tags, &res->ntags);
}

int
enrich_article(struct enrich *e, const char *title, const char *text, const char *lang_hint,
               const struct text_df *df, struct arena *a, struct enrich_result *out)
{
    struct enrich_doc ed;

    memset(out, 0, sizeof(*out));
    enrich_detect_lang(e, lang_hint, title, text, out->lang);
    analyze(e, title, text, out->lang, df, a, &ed);
    describe(e, &ed, a, out);
    enrich_summarize(e, &ed, a, out);
    return 0;
}

int
enrich_story(struct enrich *e, const struct enrich_story_article *arts, size_t n,
             const struct text_df *df, struct arena *a, struct enrich_result *out)
{
    struct enrich_doc *docs, all;
    struct buf text = BUF_INIT;
    char lang[TEXT_LANG_MAX];

    memset(out, 0, sizeof(*out));
    out->summary = "";
    out->source_diff = "{\"shared\":[],\"sources\":[]}";
    if (n > ENRICH_STORY_MAX)
        n = ENRICH_STORY_MAX;
    if (!n)
        return 0;
    docs = arena_alloc(a, n * sizeof(*docs));
    for (size_t i = 0; i < n; i++) {
        enrich_detect_lang(e, arts[i].lang, arts[i].title, arts[i].text, lang);
        if (!i)
            memcpy(out->lang, lang, sizeof(lang));
        analyze(e, arts[i].title, arts[i].text, lang, df, a, &docs[i]);
        /* the story's own text for its keyphrases and entities */
        if (i)
            buf_adds(&text, "\n\n");
        if (arts[i].title && *arts[i].title) {
            buf_adds(&text, arts[i].title);
            buf_adds(&text, ".\n\n");
        }
        if (arts[i].text)
            buf_adds(&text, arts[i].text);
    }
    {
        const char *story_text = arena_strndup(a, text.p, text.len);

        buf_release(&text);
        analyze(e, NULL, story_text, out->lang, df, a, &all);
        describe(e, &all, a, out);
    }
    enrich_story_summarize(e, docs, arts, n, a, out);
    return 0;
}

int
enrich_result_json(const struct enrich_result *res, const char *id, struct buf *out)
{
    json_t *o = json_object(), *arr;
    char *s;
    int rc;

    if (id) {
        json_t *v = json_loads(id, JSON_DECODE_ANY, NULL);

        json_object_set_new(o, "id", v ? v : json_string(id));
    }
    json_object_set_new(o, "lang", json_string(res->lang));
    arr = json_array();
    for (size_t i = 0; i < res->nkeyphrases; i++)
        json_array_append_new(arr, json_string(res->keyphrases[i].text));
    json_object_set_new(o, "keyphrases", arr);
    arr = json_array();
    for (size_t i = 0; i < res->ntags; i++) {
        struct buf tag = BUF_INIT;

        buf_addc(&tag, '#');
        buf_adds(&tag, res->tags[i].hashtag);
        json_array_append_new(arr, json_string(tag.p));
        buf_release(&tag);
    }
    json_object_set_new(o, "tags", arr);
    arr = json_array();
    for (size_t i = 0; i < res->nentities; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s}", "name", res->entities[i].name, "type",
                                             enrich_kind_name(res->entities[i].kind)));
    json_object_set_new(o, "entities", arr);
    json_object_set_new(o, "summary", json_string(res->summary ? res->summary : ""));
    arr = json_array();
    for (size_t i = 0; i < res->nkey_points; i++)
        json_array_append_new(arr, json_string(res->key_points[i]));
    json_object_set_new(o, "key_points", arr);
    if (res->source_diff) {
        json_t *v = json_loads(res->source_diff, 0, NULL);

        if (v)
            json_object_set_new(o, "source_diff", v);
    }
    s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    if (!s)
        return GZ_EINVAL;
    rc = buf_adds(out, s);
    free(s);
    return rc;
}

/* ---- helpers ---- */

int
enrich_only_blanks(const char *src, size_t a, size_t b)
{
    if (b < a || b - a > 8)
        return 0;
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c == ' ' || c == '\t')
            continue;
        if (c == 0xC2 && i + 1 < b && (unsigned char)src[i + 1] == 0xA0) {
            i++;
            continue;
        }
        return 0;
    }
    return 1;
}

char *
enrich_clean_sentence(struct arena *a, const char *p, size_t len)
{
    char *out = arena_alloc(a, len + 1);
    size_t n = 0, i = 0;
    int space = 0;

    while (i < len) {
        unsigned char c = (unsigned char)p[i];
        size_t ok;

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            space = n > 0;
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            i++;
            continue;
        }
        ok = c < 0x80 ? 1 : str_utf8_valid_prefix(p + i, len - i < 4 ? len - i : 4);
        if (c >= 0x80) {
            /* one whole character, or drop the bad byte */
            size_t clen = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;

            if (!clen || ok < clen) {
                i++;
                continue;
            }
            ok = clen;
        }
        if (space)
            out[n++] = ' ';
        space = 0;
        memcpy(out + n, p + i, ok);
        n += ok;
        i += ok;
    }
    out[n] = '\0';
    return out;
}
