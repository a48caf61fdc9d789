/*
 * enrich_test.c - keyphrases, entities, tags, summaries and the source
 * diff on small texts and on the seed article.
 */
#include "enrich/enrich.h"
#include "enrich/internal.h"

#include "text/analyze.h"
#include "text/tfidf.h"
#include "unit.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int enrich_words_sorted(void);

static const char seed_title[] =
    "Leaders of Azerbaijan and Armenia reach no breakthrough on decades-long conflict";
/* The seed page's first article (shared/seed/articles.jsonl, "seed-main"). */
static const char seed_text[] =
    "The two nations are working toward a peace treaty after Azerbaijan regained full control of "
    "the Karabakh province that had been under the control of ethnic Armenian forces, backed by "
    "Armenia, since the 1990s.\n\n"
    "Despite both sides agreeing on the wording of a potential bilateral peace treaty in March, "
    "the talks on Thursday brought about little clarity on when the treaty could be finalized.\n\n"
    "Armenian Prime Minister Nikol Pashinyan and Azerbaijani President Ilham Aliyev instead both "
    "pledged to continue work on sensitive issues such as border demarcation.\n\n"
    "In a joint statement published Thursday, the two countries reaffirmed their commitment to "
    "bilateral negotiations and said the two sides would continue 'confidence building "
    "measures.'\n\n"
    "Armenia and Azerbaijan have been locked in a bitter conflict over territory since the early "
    "1990s, when ethnic Armenian forces took control over the Karabakh province and nearby "
    "territories.\n\n"
    "A six-week war in 2020 resulted in Azerbaijan retaking large parts of the breakaway region. "
    "In September 2023, Azerbaijani forces launched a lightning blitz to retake remaining "
    "portions, forcing Karabakh's Armenian authorities to capitulate in negotiations mediated by "
    "Russian forces. Armenia later also handed over several border villages to Azerbaijan.\n\n"
    "Both sides also have struggled to resolve a dispute over opening a land corridor to "
    "Azerbaijan's Nakhichevan exclave, passing through Armenia's Syunik region.\n\n"
    "Last year, Pashinyan said that Armenia needs to quickly define the border with Azerbaijan to "
    "avoid a new round of hostilities. Many residents of Armenia's border regions have resisted "
    "the demarcation effort, seeing it as Azerbaijan's encroachment on areas they consider their "
    "own.\n\n"
    "A series of demonstrations last year protested against the transfer of villages to "
    "Azerbaijani control and called for Pashinyan's resignation.\n\n"
    "Pashinyan has responded to the growing tension by cracking down on protest leaders.\n\n"
    "Two leaders of the opposition group Sacred Struggle, Archbishop Mikael Ajapahyan and "
    "Archbishop Bagrat Galstanyan \xe2\x80\x94 senior leaders in the country's influential "
    "Apostolic Church \xe2\x80\x94 were placed in pre-trial detention in recent weeks after being "
    "accused of taking part in an alleged plot to overthrow the government.";

static struct enrich *
handle(void)
{
    struct gz_err err = GZ_ERR_INIT;
    struct enrich *e = enrich_new(NULL, &err);

    CHECK(e != NULL);
    return e;
}

static const struct enrich_entity *
find_entity(const struct enrich_result *r, const char *name)
{
    for (size_t i = 0; i < r->nentities; i++)
        if (!strcmp(r->entities[i].name, name))
            return &r->entities[i];
    return NULL;
}

static int
has_tag(const struct enrich_result *r, const char *hashtag)
{
    for (size_t i = 0; i < r->ntags; i++)
        if (!strcmp(r->tags[i].hashtag, hashtag))
            return 1;
    return 0;
}

static void
test_seed(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    const struct enrich_entity *x;
    const char *people[] = {"Nikol Pashinyan", "Ilham Aliyev"};
    const char *places[] = {"Nakhichevan", "Syunik", "Armenia", "Azerbaijan", "Karabakh"};

    CHECK(enrich_has_gazetteer(e) > 1000);
    CHECK_INT(enrich_article(e, seed_title, seed_text, NULL, NULL, a, &r), 0);
    CHECK_STR(r.lang, "en");
    CHECK(has_tag(&r, "Armenia"));
    CHECK(has_tag(&r, "Azerbaijan"));
    CHECK(has_tag(&r, "Karabakh"));
    for (size_t i = 0; i < 2; i++) {
        x = find_entity(&r, people[i]);
        CHECK(x != NULL);
        if (x)
            CHECK_INT(x->kind, ENRICH_PERSON);
    }
    for (size_t i = 0; i < 5; i++) {
        x = find_entity(&r, places[i]);
        CHECK(x != NULL);
        if (x)
            CHECK_INT(x->kind, ENRICH_PLACE);
    }
    /* the surname alone joins the full name; no separate "Pashinyan" */
    CHECK(find_entity(&r, "Pashinyan") == NULL);
    x = find_entity(&r, "Nikol Pashinyan");
    CHECK(x && x->count >= 4);
    /* titles and demonyms are not entities */
    CHECK(find_entity(&r, "Prime Minister") == NULL);
    CHECK(find_entity(&r, "Armenian") == NULL);
    CHECK(find_entity(&r, "Azerbaijani") == NULL);
    x = find_entity(&r, "Apostolic Church");
    CHECK(x && x->kind == ENRICH_ORG);
    x = find_entity(&r, "Sacred Struggle");
    CHECK(x && x->kind == ENRICH_ORG);
    /* three sentences of the text, key points, keyphrases */
    CHECK(strlen(r.summary) > 200);
    CHECK(r.nkey_points >= 2 && r.nkey_points <= 4);
    CHECK(r.nkeyphrases >= 10);
    CHECK_NOT_CONTAINS(r.summary, "  ");
    enrich_free(e);
    arena_free(a);
}

static void
test_slug_hashtag(void)
{
    char out[64];

    CHECK_INT(enrich_slug("Peace treaty", 12, out, sizeof(out)), 12);
    CHECK_STR(out, "peace-treaty");
    enrich_slug("Nikol Pashinyan", 15, out, sizeof(out));
    CHECK_STR(out, "nikol-pashinyan");
    enrich_slug("S\xc3\xa3o Paulo", 10, out, sizeof(out));
    CHECK_STR(out, "sao-paulo");
    enrich_slug("Stra\xc3\x9f"
                "e",
                7, out, sizeof(out));
    CHECK_STR(out, "strasse");
    enrich_slug("  U.S. -- Bebe's  ", 18, out, sizeof(out));
    CHECK_STR(out, "u-s-bebes");
    enrich_slug("\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", 12, out, sizeof(out));
    CHECK_STR(out, "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0"); /* "москва" */
    /* cut on a word */
    CHECK_INT(enrich_slug("alpha beta gamma", 16, out, 12), 10);
    CHECK_STR(out, "alpha-beta");
    CHECK_INT(enrich_slug("\xff\xfe", 2, out, sizeof(out)), 0);

    enrich_hashtag("peace treaty", 12, out, sizeof(out));
    CHECK_STR(out, "PeaceTreaty");
    enrich_hashtag("COVID-19 vaccine", 16, out, sizeof(out));
    CHECK_STR(out, "COVID19Vaccine");
    enrich_hashtag("Syunik'", 7, out, sizeof(out));
    CHECK_STR(out, "Syunik");
    enrich_hashtag("\xc3\xa9t\xc3\xa9 chaud", 11, out, sizeof(out));
    CHECK_STR(out, "\xc3\x89t\xc3\xa9"
                   "Chaud");
    CHECK_INT(enrich_hashtag("abc def", 7, out, 4), 3);
}

static void
test_words(void)
{
    CHECK(enrich_words_sorted());
    CHECK(enrich_title_word("archbishop"));
    CHECK(enrich_weak_word("said"));
    CHECK(!enrich_weak_word("treaty"));
    CHECK(enrich_place_cue("exclave"));
}

static void
test_entities_cues(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    const struct enrich_entity *x;
    const char *text =
        "Shares of Acme Corp rose on Monday. The company's chief executive, Jane Doe, said the "
        "results were strong. Doe added that the firm Globex would be bought. Analysts in "
        "Toronto were surprised. President Ilham Aliyev of Azerbaijan did not comment. NATO "
        "also said nothing, according to Tom Smith.";

    enrich_article(e, "Acme buys Globex", text, "en", NULL, a, &r);
    x = find_entity(&r, "Acme Corp");
    CHECK(x && x->kind == ENRICH_ORG);
    x = find_entity(&r, "Jane Doe");
    CHECK(x && x->kind == ENRICH_PERSON && x->count == 2);
    x = find_entity(&r, "Globex");
    CHECK(x && x->kind == ENRICH_ORG);
    x = find_entity(&r, "Ilham Aliyev");
    CHECK(x && x->kind == ENRICH_PERSON);
    x = find_entity(&r, "Azerbaijan");
    CHECK(x && x->kind == ENRICH_PLACE);
    x = find_entity(&r, "NATO");
    CHECK(x && x->kind == ENRICH_ORG);
    x = find_entity(&r, "Tom Smith");
    CHECK(x && x->kind == ENRICH_PERSON);
    CHECK(find_entity(&r, "Monday") == NULL);
    CHECK(find_entity(&r, "Shares") == NULL);
    CHECK(find_entity(&r, "Analysts") == NULL);
    enrich_free(e);
    arena_free(a);
}

/* Words that ride along with a name: openers, descriptors, time zones, numerals. */
static void
test_entities_trimmed(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    const struct enrich_entity *x;
    const char *text =
        "The Church of Scientology said on Monday that its website was attacked. Scientologist "
        "Tom Cruise appeared in a video. Though YouTube removed the video, copies spread, and "
        "Tom Cruise said nothing. The attack began at 09:00 GMT, the church said. Pope Pius XII "
        "was not mentioned. The Bank of England was not involved either.";
    /* a transcript: Q marks the questions */
    const char *briefing =
        "The Vice President spoke on Monday about the virus.\n\nQ Well, what about the "
        "tests?\n\nTHE VICE PRESIDENT: Well, we have more tests than any country.\n\nQ Yeah, "
        "and the masks?\n\nTHE VICE PRESIDENT: Yeah, the masks are coming.";

    enrich_article(e, "Hackers attack Church of Scientology website", text, "en", NULL, a, &r);
    x = find_entity(&r, "Church of Scientology");
    CHECK(x && x->kind == ENRICH_ORG);
    x = find_entity(&r, "Bank of England");
    CHECK(x && x->kind == ENRICH_ORG);
    x = find_entity(&r, "Tom Cruise");
    CHECK(x && x->kind == ENRICH_PERSON);
    CHECK(find_entity(&r, "Scientologist Tom Cruise") == NULL);
    CHECK(find_entity(&r, "Though YouTube") == NULL);
    CHECK(find_entity(&r, "GMT") == NULL);
    CHECK(find_entity(&r, "XII") == NULL);
    for (size_t i = 0; i < r.ntags; i++) {
        CHECK_NOT_CONTAINS(r.tags[i].name, "Though");
        CHECK_NOT_CONTAINS(r.tags[i].name, "Scientologist");
    }
    enrich_article(e, "Briefing on the virus", briefing, "en", NULL, a, &r);
    CHECK(find_entity(&r, "Q Well") == NULL);
    CHECK(find_entity(&r, "Q Yeah") == NULL);
    /* titles alone are no one; a title word that is a surname stays */
    enrich_article(e, "Astronomer wins the prize",
                   "Michel Mayor won the prize on Tuesday. Mayor said the work took decades. "
                   "The Vice President congratulated him, and the President said so too. The "
                   "President later met Mayor in Geneva.",
                   "en", NULL, a, &r);
    x = find_entity(&r, "Michel Mayor");
    CHECK(x && x->kind == ENRICH_PERSON);
    CHECK(find_entity(&r, "Vice President") == NULL);
    CHECK(find_entity(&r, "President") == NULL);
    enrich_free(e);
    arena_free(a);
}

static void
test_keyphrases_df(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct text_stemmer *st = text_stemmer_new();
    struct text_df df;
    struct enrich_result r;
    const char *common = "The government said on Monday that the report was published.";
    const char *text = "The government said the vaccine rollout would continue. The vaccine "
                       "rollout reached rural clinics, and the government said the vaccine was "
                       "safe. Officials of the government expect more vaccine doses.";
    int vaccine = -1, government = -1;

    text_df_init(&df);
    for (int i = 0; i < 60; i++) {
        struct text_doc d;

        text_analyze(st, a, NULL, 0, common, strlen(common), "en", TEXT_AN_NO_PHRASES, &d);
        text_df_add_doc(&df, &d);
    }
    enrich_article(e, "Vaccine rollout continues", text, "en", &df, a, &r);
    for (size_t i = 0; i < r.nkeyphrases; i++) {
        if (!strcmp(r.keyphrases[i].text, "vaccine") && vaccine < 0)
            vaccine = (int)i;
        if (!strcmp(r.keyphrases[i].text, "government") && government < 0)
            government = (int)i;
    }
    /* equally frequent, but "government" is in every document of the corpus */
    CHECK(vaccine == 0);
    CHECK(government < 0 || government > vaccine);
    CHECK(has_tag(&r, "Vaccine") || has_tag(&r, "VaccineRollout"));
    CHECK(!has_tag(&r, "Government"));
    text_df_release(&df);
    text_stemmer_free(st);
    enrich_free(e);
    arena_free(a);
}

/* The rank of keyphrase text in r, or -1. */
static int
kp_rank(const struct enrich_result *r, const char *text)
{
    for (size_t i = 0; i < r->nkeyphrases; i++)
        if (!strcmp(r->keyphrases[i].text, text))
            return (int)i;
    return -1;
}

static void
test_keyphrases_context(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    /*
     * "castle" and "garden": same length, three uses in three sentences
     * each; "castle" stands as a noun phrase of its own ("the castle"),
     * "garden" only ever inside a longer run of words; "garden" comes
     * first, which would win a tie.
     */
    const char *text = "Volunteers planted rose garden beds. Critics praised rose garden "
                       "design. Ticket sales for rose garden tours rose. Visitors reached the "
                       "castle before noon. Guards closed the castle early. Tourists "
                       "photographed the castle at dusk.";
    int castle, garden;

    enrich_article(e, NULL, text, "en", NULL, a, &r);
    castle = kp_rank(&r, "castle");
    garden = kp_rank(&r, "garden");
    CHECK(castle >= 0);
    CHECK(garden < 0 || garden > castle);
    enrich_free(e);
    arena_free(a);
}

static void
test_empty_and_bad(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    struct buf b = BUF_INIT;
    char junk[600];

    CHECK_INT(enrich_article(e, NULL, NULL, NULL, NULL, a, &r), 0);
    CHECK_STR(r.summary, "");
    CHECK_INT(r.nkeyphrases, 0);
    CHECK_INT(enrich_article(e, "", "", "xx", NULL, a, &r), 0);
    for (size_t i = 0; i < sizeof(junk) - 1; i++)
        junk[i] = (char)(0x80 + (i * 37) % 128);
    junk[sizeof(junk) - 1] = '\0';
    CHECK_INT(enrich_article(e, junk, junk, NULL, NULL, a, &r), 0);
    CHECK_INT(enrich_result_json(&r, "1", &b), 0);
    {
        json_t *j = json_loads(b.p, 0, NULL);

        CHECK(j != NULL);
        json_decref(j);
    }
    CHECK_INT(enrich_story(e, NULL, 0, NULL, a, &r), 0);
    CHECK_STR(r.source_diff, "{\"shared\":[],\"sources\":[]}");
    CHECK(enrich_new(&(struct enrich_opts){.summary_sentences = 99}, NULL) == NULL);
    buf_release(&b);
    enrich_free(e);
    enrich_free(NULL);
    arena_free(a);
}

static void
test_summary_sentences(void)
{
    struct gz_err err = GZ_ERR_INIT;
    struct enrich *e = enrich_new(&(struct enrich_opts){.summary_sentences = 1}, &err);
    struct arena *a = arena_new();
    struct enrich_result r;
    size_t stops = 0;

    enrich_article(e, seed_title, seed_text, "en", NULL, a, &r);
    for (const char *p = r.summary; *p; p++)
        stops += (*p == '.' && (p[1] == ' ' || !p[1]));
    CHECK_INT(stops, 1);
    enrich_free(e);
    arena_free(a);
}

/* Sentences in a summary: full stops followed by a space or the end. */
static size_t
count_sentences(const char *p)
{
    size_t n = 0;

    for (; *p; p++)
        n += (*p == '.' && (p[1] == ' ' || !p[1]));
    return n;
}

static void
test_story_budget(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    /* two articles of long sentences: two of them fill the 60-word budget of three */
    struct enrich_story_article longs[2] = {
        {"Council approves harbour plan",
         "The city council approved on Monday a long-debated plan to rebuild the old harbour "
         "district with new housing, a ferry terminal, a public park along the water and a "
         "flood wall that engineers say will protect thousands of homes from storm surges for "
         "decades. The harbour plan, which will cost about four hundred million dollars over "
         "ten years, is to be paid for by the city, the regional government and private "
         "developers who will build most of the housing on land leased from the port.",
         "en", "A", 1},
        {"Harbour district to be rebuilt",
         "Councillors voted by a wide margin on Monday to rebuild the harbour district with "
         "housing, a ferry terminal, a waterfront park and a flood wall meant to protect "
         "thousands of homes from the storm surges that have flooded the area three times in "
         "the past decade. Residents who opposed the harbour plan said the new housing would "
         "be too expensive for the families who live there now and that the ferry terminal "
         "would bring heavy traffic to narrow streets.",
         "en", "B", 2},
    };
    /* short sentences: three fit */
    struct enrich_story_article shorts[2] = {
        {"Council approves harbour plan",
         "The council approved the harbour plan on Monday. The harbour plan adds housing and a "
         "park. A flood wall will protect the harbour homes. The ferry terminal opens next "
         "year.",
         "en", "A", 1},
        {"Harbour plan approved",
         "Councillors approved the harbour plan on Monday. The harbour plan adds new housing. "
         "The flood wall protects harbour homes from storms. Residents fear more traffic.",
         "en", "B", 2},
    };

    enrich_story(e, longs, 2, NULL, a, &r);
    CHECK_INT(count_sentences(r.summary), 2);
    enrich_story(e, shorts, 2, NULL, a, &r);
    CHECK_INT(count_sentences(r.summary), 3);
    enrich_free(e);
    arena_free(a);
}

static void
test_story_diff(void)
{
    struct enrich *e = handle();
    struct arena *a = arena_new();
    struct enrich_result r;
    json_t *j, *shared, *sources;
    struct enrich_story_article arts[3] = {
        {"Quake hits coastal city",
         "A magnitude 6.1 earthquake struck the coastal city of Port Vale on Tuesday, officials "
         "said. At least twelve people were killed when buildings collapsed in the old town. "
         "Rescue teams searched the rubble through the night.",
         "en", "Daily One", 11},
        {"Deadly earthquake in Port Vale",
         "An earthquake of magnitude 6.1 struck the coastal city of Port Vale on Tuesday. At "
         "least twelve people were killed as buildings collapsed in the old town. The mayor "
         "asked the national government for emergency funds to rebuild the harbour.",
         "en", "Second Post", 12},
        {"Port Vale shaken",
         "A strong earthquake struck Port Vale on Tuesday and killed at least twelve people in "
         "the old town. Insurers estimate the damage at two billion dollars, most of it to "
         "uninsured homes near the fishing docks.",
         "en", NULL, 13},
    };

    CHECK_INT(enrich_story(e, arts, 3, NULL, a, &r), 0);
    CHECK(strlen(r.summary) > 50);
    CHECK_CONTAINS(r.summary, "Port Vale");
    j = json_loads(r.source_diff, 0, NULL);
    CHECK(j != NULL);
    shared = json_object_get(j, "shared");
    sources = json_object_get(j, "sources");
    CHECK(json_array_size(shared) >= 1);
    CHECK_INT(json_array_size(sources), 3);
    CHECK_CONTAINS(json_string_value(json_array_get(shared, 0)), "twelve");
    for (size_t i = 0; i < json_array_size(sources); i++) {
        json_t *s = json_array_get(sources, i);
        json_t *adds = json_object_get(s, "adds");
        const char *first = json_string_value(json_array_get(adds, 0));

        CHECK_INT(json_integer_value(json_object_get(s, "article_id")), 11 + (long long)i);
        CHECK(json_array_size(adds) >= 1);
        if (i == 0) {
            CHECK_STR(json_string_value(json_object_get(s, "source")), "Daily One");
            CHECK_CONTAINS(first, "Rescue teams");
        } else if (i == 1) {
            CHECK_CONTAINS(first, "emergency funds");
        } else {
            CHECK_STR(json_string_value(json_object_get(s, "source")), "");
            CHECK_CONTAINS(first, "two billion");
        }
        /* what all report is never listed as one source's addition */
        for (size_t k = 0; k < json_array_size(adds); k++)
            CHECK_NOT_CONTAINS(json_string_value(json_array_get(adds, k)), "twelve");
    }
    json_decref(j);
    enrich_free(e);
    arena_free(a);
}

static const struct unit_test tests[] = {
    {"seed", test_seed},
    {"slug_hashtag", test_slug_hashtag},
    {"words", test_words},
    {"entities_cues", test_entities_cues},
    {"entities_trimmed", test_entities_trimmed},
    {"keyphrases_df", test_keyphrases_df},
    {"keyphrases_context", test_keyphrases_context},
    {"empty_and_bad", test_empty_and_bad},
    {"summary_sentences", test_summary_sentences},
    {"story_budget", test_story_budget},
    {"story_diff", test_story_diff},
    {NULL, NULL},
};

int
main(int argc, char **argv)
{
    return unit_main(argc, argv, tests);
}
