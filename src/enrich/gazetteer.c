/*
 * gazetteer.c - place names from Debian's iso-codes package, slugs and
 * hashtags.
 *
 * The gazetteer is read at start-up (enrich_new()) from the JSON files of
 * the iso-codes package (/usr/share/iso-codes/json, listed in
 * scripts/deps.sh) rather than compiled in: the package is kept up to date
 * by Debian and the files are small (0.5 MB, ~10 ms to read).  It maps the
 * slug of every name to a kind:
 *   - iso_3166-1.json: each country's name (when it has no comma, i.e. is
 *     not "Iran, Islamic Republic of"), common_name and official_name;
 *   - iso_3166-2.json: each subdivision's name, split at " / " (bilingual
 *     names), parenthesised parts dropped, names with a comma skipped;
 *   - a short list of names ISO spells otherwise or lacks (words.c).
 * Countries are strong evidence of a place; subdivisions are weak (many
 * share their name with a person or a word) and lose to other cues.
 */
#include "enrich/internal.h"

#include "text/text.h"
#include "util/buf.h"
#include "util/hash.h"
#include "util/str.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

static void
gaz_add(struct enrich *e, const char *name, size_t len, uint64_t kind)
{
    char slug[256];
    size_t n = enrich_slug(name, len, slug, sizeof(slug));
    uint64_t *v;
    int inserted;

    if (n < 2)
        return;
    v = hmap_put(&e->gaz, hash64(slug, n, 0), &inserted);
    /* a country beats a subdivision of the same name */
    if (inserted || kind < *v)
        *v = kind;
}

/* A subdivision's name: split at " / ", drop "(...)", skip names with commas. */
static void
gaz_add_subdiv(struct enrich *e, const char *name)
{
    const char *p = name;

    while (*p) {
        const char *end = strstr(p, " / ");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *paren = memchr(p, '(', len);

        if (paren)
            len = (size_t)(paren - p);
        if (!memchr(p, ',', len))
            gaz_add(e, p, len, GAZ_SUBDIV);
        if (!end)
            break;
        p = end + 3;
    }
}

static json_t *
load_list(const char *dir, const char *file, const char *key)
{
    char path[4096];
    json_t *root, *list;

    snprintf(path, sizeof(path), "%s/%s", dir, file);
    root = json_load_file(path, 0, NULL);
    if (!root)
        return NULL;
    list = json_object_get(root, key);
    if (!json_is_array(list)) {
        json_decref(root);
        return NULL;
    }
    json_incref(list);
    json_decref(root);
    return list;
}

void
enrich_gazetteer_load(struct enrich *e, const char *dir)
{
    json_t *countries = load_list(dir, "iso_3166-1.json", "3166-1");
    json_t *subdivs = load_list(dir, "iso_3166-2.json", "3166-2");
    const char *const *extra;
    size_t n, i;
    json_t *v;

    json_array_foreach(countries, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));
        const char *common = json_string_value(json_object_get(v, "common_name"));
        const char *official = json_string_value(json_object_get(v, "official_name"));

        if (name && !strchr(name, ',') && !strchr(name, '('))
            gaz_add(e, name, strlen(name), GAZ_COUNTRY);
        if (common)
            gaz_add(e, common, strlen(common), GAZ_COUNTRY);
        if (official && !strchr(official, ','))
            gaz_add(e, official, strlen(official), GAZ_COUNTRY);
    }
    json_array_foreach(subdivs, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));

        if (name)
            gaz_add_subdiv(e, name);
    }
    json_decref(countries);
    json_decref(subdivs);
    if (!hmap_len(&e->gaz))
        return; /* no iso-codes: no gazetteer at all, not a partial one */
    extra = enrich_extra_places(&n);
    for (i = 0; i < n; i++)
        gaz_add(e, extra[i], strlen(extra[i]), GAZ_COUNTRY);
}

int
enrich_gazetteer_find(const struct enrich *e, const char *name, size_t len)
{
    char slug[256];
    size_t n;
    const uint64_t *v;

    if (!hmap_len(&e->gaz))
        return -1;
    n = enrich_slug(name, len, slug, sizeof(slug));
    if (n < 2)
        return -1;
    v = hmap_get(&e->gaz, hash64(slug, n, 0));
    if (!v)
        return -1;
    return (int)*v; /* GAZ_COUNTRY or GAZ_SUBDIV */
}

/* ---- slugs and hashtags ---- */

/* Letters, marks and digits make words; everything else separates them. */
static int
is_word_cp(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
        return 1;
    default:
        return 0;
    }
}

/* An apostrophe inside a word is dropped, not a break: "Bebe's" -> "bebes". */
static int
is_apostrophe(utf8proc_int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

static int
is_ascii(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)p[i] >= 0x80)
            return 0;
    return 1;
}

size_t
enrich_slug(const char *name, size_t len, char *out, size_t cap)
{
    struct buf folded = BUF_INIT;
    const char *p = name;
    size_t n = 0, i = 0, word_start = 0;
    int in_word = 0;

    if (!cap)
        return 0;
    if (len > 1024)
        len = str_utf8_cut(name, len, 1024);
    if (!is_ascii(name, len)) {
        /* text_normalize() never fails without a limit */
        (void)text_normalize(name, len, TEXT_NORM_FOLD | TEXT_NORM_STRIP_MARKS, &folded);
        p = folded.p;
        len = folded.len;
    }
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r =
            utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(len - i), &cp);

        if (r < 1) {
            i++;
            cp = ' ';
            r = 0;
        }
        if (is_word_cp(cp)) {
            size_t need = (size_t)r + (in_word || !n ? 0 : 1);

            if (n + need + 1 > cap) {
                n = in_word ? word_start : n; /* cut on a word */
                if (n && out[n - 1] == '-')
                    n--;
                break;
            }
            if (!in_word && n)
                out[n++] = '-';
            if (!in_word)
                word_start = n;
            if (cp < 0x80)
                out[n++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
            else
                memcpy(out + n, p + i, (size_t)r), n += (size_t)r;
            in_word = 1;
        } else if (!(in_word && is_apostrophe(cp))) {
            in_word = 0;
        }
        i += (size_t)r;
    }
    out[n] = '\0';
    buf_release(&folded);
    return n;
}

size_t
enrich_hashtag(const char *name, size_t len, char *out, size_t cap)
{
    size_t n = 0, i = 0;
    int in_word = 0;

    if (!cap)
        return 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t r =
            utf8proc_iterate((const utf8proc_uint8_t *)name + i, (utf8proc_ssize_t)(len - i), &cp);

        if (r < 1) {
            i++;
            in_word = 0;
            continue;
        }
        if (is_word_cp(cp)) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t m;

            if (!in_word)
                cp = utf8proc_toupper(cp);
            m = utf8proc_encode_char(cp, enc);
            if (n + (size_t)m + 1 > cap)
                break;
            memcpy(out + n, enc, (size_t)m);
            n += (size_t)m;
            in_word = 1;
        } else if (!(in_word && is_apostrophe(cp))) {
            in_word = 0;
        }
        i += (size_t)r;
    }
    out[n] = '\0';
    return n;
}
