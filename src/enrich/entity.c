/*
 * entity.c - people, places and organizations of one analysed document.
 *
 * 1. Runs of capitalized words inside a sentence (or a title that is not
 *    in Title Case), joined across connectors ("Bank of England") and
 *    ended by a possessive ("Armenia's | Syunik region").  A capitalized
 *    stop word, day or month at either end is dropped; so is a
 *    sentence's first word when the text also uses it in lowercase.
 * 2. A run is cut at a title ("Armenian | Prime Minister | Nikol
 *    Pashinyan"): the words after a title are a person's name (up to an
 *    "of": "President Ilham Aliyev | of | Azerbaijan"), those before it
 *    another candidate.  A run whose last word makes it an organization
 *    ("Apostolic Church", "General Motors") is not cut.
 * 3. Each use adds evidence for a kind:
 *      person  a title in the run or a title or role word just before
 *              ("actor Tom Hanks"), a verb of speech after ("Aliyev
 *              said"), "according to" before;
 *      org     an organization word last ("Party", "Church", "Inc"), an
 *              organization word before ("the group Sacred Struggle"),
 *              an acronym ("NATO");
 *      place   the gazetteer (countries strongly, subdivisions weakly), a
 *              place word after ("Karabakh province", "Syunik region"), a
 *              preposition of place before ("in", "from", "near").
 * 4. A name seen only at sentence starts, with no other evidence, is
 *    dropped.  A one-word name that is the last word of a person's name
 *    joins that person ("Pashinyan" -> "Nikol Pashinyan"); a two- or
 *    three-word name without evidence whose last word is also used alone
 *    is taken as a person.  Names that stay untyped are not entities.
 * 5. Salience: uses (aliases included), title uses counted twice more,
 *    and a bonus for an early first use.
 */
#include "enrich/internal.h"

#include "util/arena.h"
#include "util/hash.h"
#include "util/hmap.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

#define RUN_MAX 10

struct ent {
    uint64_t key;
    const char *fold; /* folded words joined by spaces */
    uint32_t nwords;
    uint32_t first;              /* token index of the first use */
    uint32_t name_from, name_to; /* token range of the longest-form use shown as name */
    uint32_t count, initial, title_count;
    double person, org, place;
    int gaz; /* -1, or GAZ_COUNTRY (1) / GAZ_SUBDIV (2) */
    int acronym;
    int kind;       /* decided kind, or -1 */
    int32_t merged; /* index of the entity this one joined, or -1 */
    uint32_t alias_count;
    double score;
};

struct scan {
    struct enrich *e;
    const struct text_doc *d;
    struct arena *a;
    struct hmap map;   /* key -> index */
    struct hmap lower; /* hashes of words used in lowercase */
    struct ent *ents;
    size_t n, alloc;
};

static int
cap_word(const struct text_tok *t)
{
    return (t->flags & TEXT_TOK_ALPHA) && (t->flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)) &&
           !(t->flags & TEXT_TOK_IDEO);
}

static int
possessive(const char *w)
{
    size_t n = strlen(w);

    return n > 2 && w[n - 2] == '\'' && w[n - 1] == 's';
}

static const char *
tok_src(const struct text_doc *d, size_t i)
{
    return (d->toks[i].flags & TEXT_TOK_TITLE) ? d->title : d->text;
}

static int
adjacent(const struct text_doc *d, size_t i)
{
    const struct text_tok *a = &d->toks[i], *b = &d->toks[i + 1];

    if ((a->flags & TEXT_TOK_TITLE) != (b->flags & TEXT_TOK_TITLE) || a->sent != b->sent)
        return 0;
    return enrich_only_blanks(tok_src(d, i), a->off + a->len, b->off);
}

/* Title Case or capitals: at most a tenth of the content words in lowercase. */
static int
mostly_capitalized(const struct text_doc *d, size_t from, size_t to)
{
    size_t words = 0, lower = 0;

    for (size_t i = from; i < to; i++) {
        const struct text_tok *t = &d->toks[i];

        if (!(t->flags & TEXT_TOK_ALPHA) || (t->flags & TEXT_TOK_STOP))
            continue;
        words++;
        if (!(t->flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)))
            lower++;
    }
    return words >= 3 && lower * 10 <= words;
}

/* Folded words of toks[from..to) joined by spaces, final possessive dropped, into buf. */
static size_t
join_folds(const struct text_doc *d, size_t from, size_t to, char *buf, size_t cap)
{
    size_t n = 0;

    for (size_t i = from; i < to; i++) {
        const char *w = d->toks[i].fold;
        size_t wl = strlen(w);

        if (i + 1 == to && possessive(w))
            wl -= 2;
        if (n + wl + 2 > cap)
            break;
        if (n)
            buf[n++] = ' ';
        memcpy(buf + n, w, wl);
        n += wl;
    }
    buf[n] = '\0';
    return n;
}

/* The word classes of token i (words.c). */
static unsigned
wc(const struct scan *s, size_t i)
{
    return i < s->d->ntoks ? enrich_wc(s->e, s->d->toks[i].hash) : 0;
}

static const char *
fold_at(const struct text_doc *d, size_t i)
{
    return i < d->ntoks ? d->toks[i].fold : "";
}

/* "ii", "xvii": a number in Roman numerals (of I, V and X), no acronym. */
static int
roman_numeral(const char *fold, size_t len)
{
    if (len < 2)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (fold[i] != 'i' && fold[i] != 'v' && fold[i] != 'x')
            return 0;
    return 1;
}

/* Record one use of the name toks[from..to); person_cue from the run's own title. */
static void
add_use(struct scan *s, size_t from, size_t to, int person_cue, int initial)
{
    const struct text_doc *d = s->d;
    char text[512];
    size_t len = join_folds(d, from, to, text, sizeof(text));
    uint64_t key, *slot;
    int inserted, adj_prev, adj_next;
    struct ent *x;
    const struct text_tok *first = &d->toks[from], *last = &d->toks[to - 1];
    int title = (first->flags & TEXT_TOK_TITLE) != 0;
    const char *prev = from > 0 && !(d->toks[from - 1].flags & TEXT_TOK_TITLE) == !title &&
                               d->toks[from - 1].sent == first->sent
                           ? fold_at(d, from - 1)
                           : "";
    const char *prev2 =
        from > 1 && d->toks[from - 2].sent == first->sent ? fold_at(d, from - 2) : "";
    const char *next = to < d->ntoks && d->toks[to].sent == last->sent &&
                               !(d->toks[to].flags & TEXT_TOK_TITLE) == !title
                           ? fold_at(d, to)
                           : "";

    if (len < 2)
        return;
    /* cues next to the name must touch it: "Karabakh province", not "Trump 'border czar'" */
    adj_prev = from > 0 && *prev && adjacent(d, from - 1);
    adj_next = *next && adjacent(d, to - 1);
    key = hash64(text, len, 0);
    slot = hmap_put(&s->map, key, &inserted);
    if (inserted) {
        ALLOC_GROW(s->ents, s->n + 1, s->alloc);
        x = &s->ents[s->n];
        memset(x, 0, sizeof(*x));
        x->key = key;
        x->fold = arena_strndup(s->a, text, len);
        x->nwords = (uint32_t)(to - from);
        x->first = (uint32_t)from;
        x->name_from = (uint32_t)from;
        x->name_to = (uint32_t)to;
        x->gaz = enrich_gazetteer_find(s->e, text, len);
        x->acronym = to - from == 1 && (first->flags & TEXT_TOK_UPPER) && len <= 6 &&
                     !roman_numeral(text, len);
        x->kind = -1;
        x->merged = -1;
        *slot = s->n++;
    }
    x = &s->ents[*slot];
    x->count++;
    if (title)
        x->title_count++;
    else if (x->name_from < d->ntitle)
        x->name_from = (uint32_t)from, x->name_to = (uint32_t)to;
    if (initial && to - from == 1)
        x->initial++;

    /* evidence of a person */
    if (person_cue)
        x->person += 3;
    if (adj_prev && (wc(s, from - 1) & (EW_TITLE | EW_ROLE)))
        x->person += 2;
    if (*next && (wc(s, to) & EW_SPEECH) && !possessive(last->fold))
        x->person += 2;
    if (!strcmp(prev, "to") && !strcmp(prev2, "according"))
        x->person += 1;
    /* of an organization: "Apostolic Church", or "Church of Scientology", "Bank of England" */
    if ((wc(s, to - 1) & EW_ORG) ||
        (to - from > 2 && (wc(s, from) & EW_ORG) && !strcmp(d->toks[from + 1].fold, "of")))
        x->org += 3;
    if (adj_prev && (wc(s, from - 1) & EW_ORGCUE))
        x->org += 2;
    /* of a place */
    if (adj_next && (wc(s, to) & EW_PLACE) && !(wc(s, to - 1) & EW_PLACE))
        x->place += 2;
    if (adj_prev && (!strcmp(prev, "in") || !strcmp(prev, "from") || !strcmp(prev, "near") ||
                     !strcmp(prev, "across")))
        x->place += 0.5;
}

/* A name candidate toks[from..to) without title splitting (trim its ends first). */
static void
add_name(struct scan *s, size_t from, size_t to, int person_cue, int initial)
{
    const struct text_doc *d = s->d;

    /* trim stop words, days and months, connectors at both ends */
    while (from < to &&
           ((d->toks[from].flags & TEXT_TOK_STOP) || (wc(s, from) & (EW_NOTNAME | EW_CONNECTOR)) ||
            !cap_word(&d->toks[from]))) {
        from++;
        initial = 0;
    }
    while (to > from && ((d->toks[to - 1].flags & TEXT_TOK_STOP) || (wc(s, to - 1) & EW_NOTNAME) ||
                         !cap_word(&d->toks[to - 1])))
        to--;
    if (from >= to)
        return;
    /* lone capitals without a full stop opening a run are a speaker's mark or
     * letters, not initials: "Q Well, ..." in a transcript, "T C Phailin"; what
     * follows starts the sentence */
    while (to - from > 1 && d->toks[from].len == 1 &&
           (d->toks[from].flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)) &&
           !(d->toks[from].flags & TEXT_TOK_TITLE) && d->toks[from].off + 1 < d->text_len &&
           d->text[d->toks[from].off + 1] != '.') {
        from++;
        initial = 1;
    }
    /* "Shares of Acme Corp" at a sentence start: the first word is no name's */
    if (initial && to - from > 2 && (wc(s, from + 1) & EW_CONNECTOR) &&
        !(wc(s, from) & (EW_ORG | EW_PLACE)) &&
        enrich_gazetteer_find(s->e, d->toks[from].fold, strlen(d->toks[from].fold)) < 0) {
        from += 2;
        initial = 0;
    }
    /* a sentence's first word that the text also writes in lowercase is no name */
    if (initial && hmap_get(&s->lower, d->toks[from].hash)) {
        from++;
        initial = 0;
        if (from >= to)
            return;
    }
    if (initial && to - from == 1 && (wc(s, from) & EW_WEAK))
        return;
    /* titles alone ("Vice President", "Prime Minister", a transcript's "PRESIDENT:")
     * name nobody in particular; one title word may be a surname ("Mayor") */
    for (size_t i = from; (to - from > 1 || (d->toks[from].flags & TEXT_TOK_UPPER)) && i < to &&
                          (wc(s, i) & EW_TITLE);
         i++)
        if (i + 1 == to)
            return;
    add_use(s, from, to, person_cue, initial);
}

/* Cut a run at titles and hand its parts to add_name(). */
static void
split_run(struct scan *s, size_t from, size_t to, int initial)
{
    const struct text_doc *d = s->d;
    size_t i = from, seg = from;

    if (wc(s, to - 1) & EW_ORG) {
        add_name(s, from, to, 0, initial);
        return;
    }
    while (i < to) {
        size_t j = i, name_end;

        if (!(wc(s, i) & EW_TITLE) || (d->toks[i].flags & TEXT_TOK_UPPER)) {
            i++;
            continue;
        }
        /* a block of title words, then a name */
        while (j < to && (wc(s, j) & EW_TITLE))
            j++;
        if (j >= to || (wc(s, j) & EW_CONNECTOR)) {
            i = j;
            continue; /* no name after it: "Prime Minister" alone stays in the run */
        }
        if (seg < i)
            add_name(s, seg, i, 0, initial && seg == from);
        name_end = j;
        while (name_end < to && !(wc(s, name_end) & EW_CONNECTOR))
            name_end++;
        add_name(s, j, name_end, 1, 0);
        seg = name_end;
        while (seg < to && (wc(s, seg) & EW_CONNECTOR))
            seg++;
        i = seg;
    }
    if (seg < to)
        add_name(s, seg, to, 0, initial && seg == from);
}

/* Runs of capitalized words in toks[from..to), one sentence or the title. */
static void
scan_sentence(struct scan *s, size_t from, size_t to)
{
    const struct text_doc *d = s->d;
    size_t i = from;

    if (mostly_capitalized(d, from, to))
        return;
    while (i < to) {
        size_t j;

        if (!cap_word(&d->toks[i])) {
            i++;
            continue;
        }
        j = i + 1;
        while (j < to && j - i < RUN_MAX && !possessive(d->toks[j - 1].fold) &&
               adjacent(d, j - 1)) {
            if (cap_word(&d->toks[j])) {
                j++;
                continue;
            }
            if ((wc(s, j) & EW_CONNECTOR) && j + 1 < to && cap_word(&d->toks[j + 1]) &&
                adjacent(d, j)) {
                j++;
                continue;
            }
            break;
        }
        split_run(s, i, j, (d->toks[i].flags & TEXT_TOK_SSTART) != 0 || i == from);
        i = j;
    }
}

static int
cmp_ent_score(const void *a, const void *b)
{
    const struct enrich_entity *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The last word of a folded name. */
static const char *
last_word(const char *fold)
{
    const char *sp = strrchr(fold, ' ');

    return sp ? sp + 1 : fold;
}

/* A word made from a country's name: "armenian", "azerbaijani", "iranian". */
static int
demonym(const struct enrich *e, const char *w)
{
    size_t n = strlen(w);

    for (size_t cut = 1; cut <= 3 && cut + 4 <= n; cut++)
        if (enrich_gazetteer_find(e, w, n - cut) == 1)
            return 1;
    return 0;
}

/* Every word an organization word: "administration", "police department". */
static int
all_org_words(const char *fold)
{
    char w[TEXT_TOKEN_MAX + 1];
    const char *p = fold;

    while (*p) {
        size_t n = strcspn(p, " ");

        if (n > TEXT_TOKEN_MAX)
            return 0;
        memcpy(w, p, n);
        w[n] = '\0';
        if (!enrich_org_word(w))
            return 0;
        p += n;
        while (*p == ' ')
            p++;
    }
    return 1;
}

static void
decide(struct scan *s)
{
    /* kinds from evidence */
    for (size_t i = 0; i < s->n; i++) {
        struct ent *x = &s->ents[i];
        double place = x->place + (x->gaz == 1 ? 4 : x->gaz == 2 ? 1.5 : 0);
        double org = x->org + (x->acronym && x->gaz < 0 ? 2 : 0);
        double person = x->person;

        if (x->initial == x->count && x->gaz != 1 && person + org + place < 2)
            continue; /* only ever a sentence's first word */
        if (x->nwords == 1 && x->gaz < 0 && demonym(s->e, x->fold))
            continue; /* "Armenian", "Azerbaijani": an adjective */
        if (!x->acronym && all_org_words(x->fold))
            continue; /* "Administration" alone names nobody */
        if (x->gaz == 1 && person < 4) {
            x->kind = ENRICH_PLACE;
            continue;
        }
        if (org > 0 && org >= person && org >= place)
            x->kind = ENRICH_ORG;
        else if (person > 0 && person >= place)
            x->kind = ENRICH_PERSON;
        else if (place > 0)
            x->kind = ENRICH_PLACE;
    }
    /* names whose last word is used alone: people */
    for (size_t i = 0; i < s->n; i++) {
        struct ent *x = &s->ents[i];
        const char *lw;
        uint64_t *slot;

        if (x->nwords < 2 || x->nwords > 3 || x->kind >= 0 || strchr(x->fold, '.'))
            continue;
        lw = last_word(x->fold);
        slot = hmap_get(&s->map, hash64_str(lw));
        if (slot && s->ents[*slot].count > s->ents[*slot].initial && s->ents[*slot].gaz != 1 &&
            !enrich_connector(lw))
            x->kind = ENRICH_PERSON;
    }
    /*
     * a word before a person's whole name is no part of it: "Scientologist
     * Tom Cruise" joins "Tom Cruise" when the text also names him alone
     */
    for (size_t i = 0; i < s->n; i++) {
        struct ent *x = &s->ents[i];
        const char *rest = strchr(x->fold, ' ');
        uint64_t *slot;

        if (x->nwords < 3 || x->kind != ENRICH_PERSON || !rest ||
            (enrich_wc(s->e, text_word_hash(last_word(x->fold), strlen(last_word(x->fold)))) &
             EW_ORG))
            continue;
        slot = hmap_get(&s->map, hash64_str(rest + 1));
        if (slot && *slot != i && s->ents[*slot].kind == ENRICH_PERSON &&
            s->ents[*slot].count > s->ents[*slot].initial)
            x->merged = (int32_t)*slot;
    }
    /* surnames join their person */
    for (size_t i = 0; i < s->n; i++) {
        struct ent *x = &s->ents[i];
        uint64_t *slot;
        struct ent *y;

        if (x->nwords < 2 || x->kind != ENRICH_PERSON || x->merged >= 0)
            continue;
        slot = hmap_get(&s->map, hash64_str(last_word(x->fold)));
        if (!slot || *slot == i)
            continue;
        y = &s->ents[*slot];
        /* the surname joins unless it is surely something else (a country, an org) */
        if (y->gaz == 1 || y->merged >= 0 || y->org >= 2 || y->place >= 2)
            continue;
        /* a surname shared by two people stays with the first one */
        y->merged = (int32_t)i;
    }
    for (size_t i = 0; i < s->n; i++) {
        struct ent *y = &s->ents[i];

        if (y->merged >= 0) {
            struct ent *x = &s->ents[y->merged];

            x->alias_count += y->count;
            x->title_count += y->title_count;
            if (y->first < x->first)
                x->first = y->first;
        } else if (y->nwords == 1 &&
                   (enrich_wc(s->e, text_word_hash(y->fold, strlen(y->fold))) & EW_TITLE)) {
            y->kind = -1; /* "the President said": a title that is no one's surname here */
        }
    }
}

void
enrich_entities(struct enrich *e, const struct enrich_doc *ed, struct arena *a,
                struct enrich_entity **out, size_t *nout)
{
    const struct text_doc *d = &ed->d;
    struct scan s;
    size_t i, k = 0;
    double ntok = d->ntoks > 0 ? (double)d->ntoks : 1.0;

    memset(&s, 0, sizeof(s));
    s.e = e;
    s.d = d;
    s.a = a;
    hmap_init(&s.map, 64);
    hmap_init(&s.lower, d->ntoks + 16);
    *out = NULL;
    *nout = 0;
    for (i = 0; i < d->ntoks; i++)
        if ((d->toks[i].flags & TEXT_TOK_ALPHA) &&
            !(d->toks[i].flags & (TEXT_TOK_CAP | TEXT_TOK_UPPER)))
            hmap_set(&s.lower, d->toks[i].hash, 1);

    if (d->ntitle)
        scan_sentence(&s, 0, d->ntitle);
    i = d->ntitle;
    while (i < d->ntoks) {
        size_t j = i + 1;

        while (j < d->ntoks && d->toks[j].sent == d->toks[i].sent)
            j++;
        scan_sentence(&s, i, j);
        i = j;
    }
    decide(&s);

    for (i = 0; i < s.n; i++)
        if (s.ents[i].kind >= 0 && s.ents[i].merged < 0)
            k++;
    if (k) {
        *out = arena_alloc(a, k * sizeof(**out));
        for (i = 0; i < s.n; i++) {
            struct ent *x = &s.ents[i];
            struct enrich_entity *o;
            const struct text_tok *f, *l;
            const char *src;
            size_t len;

            if (x->kind < 0 || x->merged >= 0)
                continue;
            o = &(*out)[(*nout)++];
            f = &d->toks[x->name_from];
            l = &d->toks[x->name_to - 1];
            src = tok_src(d, x->name_from);
            len = l->off + l->len - f->off;
            if (possessive(l->fold)) {
                const char *end = src + l->off + l->len;

                len -= end[-2] == '\'' ? 2 : 4; /* "'s" or "’s" */
            }
            o->name = enrich_clean_sentence(a, src + f->off, len);
            o->kind = x->kind;
            o->count = x->count + x->alias_count;
            o->score = o->count + 2.0 * x->title_count + 1.0 - x->first / ntok;
        }
        qsort(*out, *nout, sizeof(**out), cmp_ent_score);
    }
    free(s.ents);
    hmap_release(&s.map);
    hmap_release(&s.lower);
}
