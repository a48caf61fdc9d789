/*
 * words.c - the word lists of enrich: cues for entities, weak words of keyphrases.
 *
 * Every list holds folded words sorted in strcmp() order (a test checks it)
 * and is searched with bsearch().  English only: other languages simply
 * never match.
 */
#include "enrich/internal.h"

#include "text/text.h"
#include "util/hmap.h"
#include "util/mem.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
static const char *const weak_words[] = {
    "able", "according", "across", "added", "ago", "almost", "already", "also", "although", "amid",
    "among", "amp", "another", "anyone", "anything", "apos", "around", "ask", "asked", "back",
    "bad", "became", "become", "becomes", "began", "begin", "best", "better", "big", "call",
    "called", "calls", "came", "can", "cent", "come", "comes", "could", "day", "days", "despite",
    "dr", "earlier", "early", "eight", "end", "ended", "ends", "even", "every", "everyone",
    "everything", "far", "find", "finds", "first", "five", "former", "found", "four", "friday",
    "get", "gets", "give", "given", "gives", "go", "goes", "going", "good", "got", "group", "held",
    "high", "hold", "holds", "however", "include", "included", "includes", "including", "instead",
    "just", "keep", "kept", "know", "known", "large", "last", "late", "later", "latest", "least",
    "less", "like", "long", "look", "looked", "looks", "lot", "lots", "low", "made", "make",
    "makes", "many", "may", "might", "monday", "month", "months", "more", "most", "mr", "mrs",
    "ms", "much", "must", "nbsp", "near", "nearly", "need", "needs", "new", "next", "nine",
    "nothing", "number", "numbers", "often", "old", "one", "onto", "other", "others", "part",
    "people", "per", "percent", "put", "puts", "quite", "quot", "ran", "rather", "really",
    "recent", "recently", "report", "reported", "reports", "run", "runs", "said", "saturday",
    "say", "saying", "says", "see", "seem", "seemed", "seems", "seen", "sees", "set", "sets",
    "seven", "several", "short", "should", "show", "showed", "shows", "since", "six", "small",
    "someone", "something", "still", "sunday", "sure", "take", "takes", "tell", "tells", "ten",
    "thing", "things", "think", "thinks", "though", "three", "thursday", "time", "times", "today",
    "told", "tomorrow", "took", "toward", "towards", "tuesday", "two", "unable", "use", "used",
    "uses", "using", "via", "want", "wants", "way", "ways", "wednesday", "week", "weeks", "well",
    "went", "whether", "whom", "whose", "will", "within", "without", "would", "year", "years",
    "yesterday", "yet", "young",
};

/* Words that open a noun phrase: what follows them is (part of) a noun phrase. */
static const char *const det_words[] = {
    "a", "an", "any", "each", "every", "her", "his", "its", "my", "no", "our", "some", "that",
    "the", "their", "these", "this", "those", "your",
};

static const char *const title_words[] = {
    "admiral", "ambassador", "archbishop", "attorney", "ayatollah", "bishop", "capt", "captain",
    "cardinal", "ceo", "chair", "chairman", "chairwoman", "chancellor", "chief", "coach", "col",
    "colonel", "commissioner", "congressman", "congresswoman", "crown", "dame", "deputy",
    "detective", "director", "dr", "emir", "emperor", "empress", "father", "gen", "general", "gov",
    "governor", "imam", "inspector", "judge", "justice", "king", "lady", "lord", "lt", "maj",
    "major", "marshal", "mayor", "metropolitan", "minister", "ministers", "miss", "mr", "mrs",
    "ms", "officer", "patriarch", "pope", "premier", "president", "president-elect", "presidents",
    "prime", "prince", "princess", "prof", "professor", "queen", "rabbi", "rep", "representative",
    "rev", "reverend", "saint", "secretary", "sen", "senator", "sergeant", "sgt", "sheikh", "sir",
    "speaker", "st", "sultan", "superintendent", "vice",
};

static const char *const role_words[] = {
    "activist", "actor", "actress", "adviser", "advisor", "aide", "ambassador", "analyst",
    "anchor", "archbishop", "artist", "attorney", "author", "banker", "billionaire", "bishop",
    "blogger", "brother", "businessman", "businesswoman", "campaigner", "candidate", "captain",
    "chairman", "challenger", "champion", "chef", "chief", "cleric", "co-founder", "coach",
    "cofounder", "columnist", "comedian", "commander", "correspondent", "daughter", "defender",
    "designer", "diplomat", "director", "dissident", "economist", "editor", "entrepreneur",
    "envoy", "executive", "father", "filmmaker", "founder", "general", "goalkeeper", "governor",
    "husband", "incumbent", "investor", "journalist", "judge", "lawyer", "leader", "manager",
    "mayor", "midfielder", "minister", "model", "mother", "musician", "nominee", "novelist",
    "officer", "opponent", "painter", "pastor", "photographer", "pitcher", "player", "presenter",
    "president", "priest", "producer", "professor", "prosecutor", "quarterback", "rapper",
    "reporter", "researcher", "rival", "scientist", "secretary", "senator", "singer", "sister",
    "son", "spokesman", "spokesperson", "spokeswoman", "star", "striker", "tycoon", "widow",
    "wife", "writer",
};

static const char *const org_words[] = {
    "academy", "administration", "agency", "airlines", "airways", "alliance", "army", "assembly",
    "association", "authority", "bank", "board", "brigade", "broadcasting", "bureau", "cabinet",
    "capital", "center", "centre", "channel", "church", "club", "co", "coalition", "college",
    "command", "commission", "committee", "company", "congress", "corp", "corporation", "corps",
    "council", "court", "department", "energy", "enterprises", "exchange", "fc", "federation",
    "fleet", "foods", "forces", "foundation", "front", "fund", "games", "gazette", "government",
    "group", "guard", "herald", "holdings", "hospital", "inc", "industries", "institute",
    "international", "journal", "labs", "league", "llc", "ltd", "magazine", "media", "ministry",
    "motors", "movement", "navy", "network", "news", "office", "oil", "organisation",
    "organization", "parliament", "partners", "party", "petroleum", "pharmaceuticals", "pictures",
    "plc", "police", "post", "press", "radio", "railway", "railways", "records", "reserve",
    "school", "senate", "service", "services", "society", "studios", "systems", "technologies",
    "telegraph", "television", "times", "tribunal", "tribune", "trust", "tv", "union", "unit",
    "university",
};

static const char *const orgcue_words[] = {
    "agency", "airline", "alliance", "automaker", "bank", "brand", "broadcaster", "carmaker",
    "channel", "charity", "club", "coalition", "company", "firm", "group", "insurer", "label",
    "lender", "magazine", "maker", "manufacturer", "militia", "movement", "network", "newspaper",
    "organisation", "organization", "outlet", "party", "publisher", "retailer", "site", "start-up",
    "startup", "studio", "team", "union", "website",
};

static const char *const place_words[] = {
    "area", "bay", "border", "capital", "city", "coast", "county", "desert", "district", "enclave",
    "exclave", "governorate", "gulf", "island", "islands", "lake", "mountain", "mountains",
    "municipality", "neighborhood", "neighbourhood", "oblast", "peninsula", "prefecture",
    "province", "region", "republic", "river", "sea", "state", "strait", "suburb", "territories",
    "territory", "town", "valley", "village",
};

static const char *const speech_words[] = {
    "acknowledged", "added", "admitted", "announced", "argued", "asked", "claimed", "confirmed",
    "declared", "explained", "insisted", "noted", "posted", "replied", "responded", "said", "says",
    "stated", "testified", "told", "tweeted", "warned", "wrote",
};

static const char *const notname_words[] = {
    "am", "apr", "april", "aug", "august", "bst", "cest", "cet", "christmas", "coronavirus",
    "covid", "covid-19", "dec", "december", "dr", "easter", "edt", "est", "feb", "february",
    "friday", "gmt", "god", "hey", "however", "internet", "jan", "january", "jul", "july", "jun",
    "june", "mar", "march", "may", "meanwhile", "monday", "mr", "mrs", "ms", "nov", "november",
    "oct", "october", "oh", "ok", "okay", "online", "pdt", "please", "pm", "pst", "ramadan",
    "saturday", "sep", "sept", "september", "sunday", "tba", "tbd", "thanks", "though", "thursday",
    "today", "tomorrow", "tuesday", "update", "updated", "utc", "web", "wednesday", "yes",
    "yesterday",
};

static const char *const connector_words[] = {
    "al", "bin", "bint", "da", "de", "del", "della", "der", "des", "di", "du", "el", "ibn", "la",
    "le", "of", "van", "von",
};

/* Place names missing from ISO 3166 or written otherwise there, folded. */
static const char *const extra_places[] = {
    "africa", "america", "antarctica", "asia", "balkans", "britain", "burma", "caucasus",
    "central america", "crimea", "czech republic", "donbas", "england", "europe", "gaza",
    "great britain", "holland", "iran", "ivory coast", "kashmir", "kosovo", "latin america",
    "middle east", "north america", "north korea", "northern ireland", "oceania", "palestine",
    "russia", "scotland", "siberia", "south america", "south caucasus", "south korea",
    "soviet union", "syria", "taiwan", "tibet", "u.k.", "u.s.", "u.s.a.", "uae", "uk",
    "united states of america", "us", "usa", "vatican", "wales", "west bank",
};
/* clang-format on */

static int
cmp_word(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

#define LOOKUP(list, w) (bsearch(&(w), list, ARRAY_SIZE(list), sizeof(*(list)), cmp_word) != NULL)

int
enrich_weak_word(const char *fold)
{
    return LOOKUP(weak_words, fold);
}

int
enrich_title_word(const char *fold)
{
    return LOOKUP(title_words, fold);
}

int
enrich_role_word(const char *fold)
{
    return LOOKUP(role_words, fold);
}

int
enrich_org_word(const char *fold)
{
    return LOOKUP(org_words, fold);
}

int
enrich_org_cue(const char *fold)
{
    return LOOKUP(orgcue_words, fold);
}

int
enrich_place_cue(const char *fold)
{
    return LOOKUP(place_words, fold);
}

int
enrich_speech_word(const char *fold)
{
    return LOOKUP(speech_words, fold);
}

int
enrich_not_name(const char *fold)
{
    return LOOKUP(notname_words, fold);
}

int
enrich_connector(const char *fold)
{
    return LOOKUP(connector_words, fold);
}

const char *const *
enrich_extra_places(size_t *n)
{
    *n = ARRAY_SIZE(extra_places);
    return extra_places;
}

void
enrich_words_load(struct hmap *m)
{
    static const struct {
        const char *const *w;
        size_t n;
        unsigned cls;
    } lists[] = {
        {weak_words, ARRAY_SIZE(weak_words), EW_WEAK},
        {title_words, ARRAY_SIZE(title_words), EW_TITLE},
        {role_words, ARRAY_SIZE(role_words), EW_ROLE},
        {org_words, ARRAY_SIZE(org_words), EW_ORG},
        {orgcue_words, ARRAY_SIZE(orgcue_words), EW_ORGCUE},
        {place_words, ARRAY_SIZE(place_words), EW_PLACE},
        {speech_words, ARRAY_SIZE(speech_words), EW_SPEECH},
        {notname_words, ARRAY_SIZE(notname_words), EW_NOTNAME},
        {connector_words, ARRAY_SIZE(connector_words), EW_CONNECTOR},
        {det_words, ARRAY_SIZE(det_words), EW_DET},
    };

    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        for (size_t j = 0; j < lists[i].n; j++)
            *hmap_put(m, text_word_hash(lists[i].w[j], strlen(lists[i].w[j])), NULL) |=
                lists[i].cls;
}

/* For the tests: 1 when every list is sorted and free of repeats. */
int enrich_words_sorted(void);

int
enrich_words_sorted(void)
{
    static const struct {
        const char *const *w;
        size_t n;
    } lists[] = {
        {weak_words, ARRAY_SIZE(weak_words)},
        {title_words, ARRAY_SIZE(title_words)},
        {role_words, ARRAY_SIZE(role_words)},
        {org_words, ARRAY_SIZE(org_words)},
        {orgcue_words, ARRAY_SIZE(orgcue_words)},
        {place_words, ARRAY_SIZE(place_words)},
        {speech_words, ARRAY_SIZE(speech_words)},
        {notname_words, ARRAY_SIZE(notname_words)},
        {connector_words, ARRAY_SIZE(connector_words)},
        {extra_places, ARRAY_SIZE(extra_places)},
        {det_words, ARRAY_SIZE(det_words)},
    };

    for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
        for (size_t j = 1; j < lists[i].n; j++)
            if (strcmp(lists[i].w[j - 1], lists[i].w[j]) >= 0)
                return 0;
    return 1;
}
