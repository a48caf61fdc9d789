/*
 * content.h - the article-body finder's internals, shared by content.c
 * (the search), boiler.c (boilerplate inside the body) and extract.c
 * (the driver).  Not a public API.
 *
 * Thread-safety: all functions work on one document owned by one thread.
 */
#ifndef GZ_EXTRACT_CONTENT_H
#define GZ_EXTRACT_CONTENT_H

#include "extract/extract_int.h"

/* The search's filters, dropped one by one when a try finds too little. */
enum cx_flags {
    CX_STRIP_UNLIKELY = 1 << 0,      /* drop blocks whose class/id look like boilerplate */
    CX_WEIGHT_CLASSES = 1 << 1,      /* weigh scores by class/id hints */
    CX_CLEAN_CONDITIONALLY = 1 << 2, /* drop linky, formy, image-heavy blocks */
    CX_ALL = 7,
};

/* A body shorter than this many characters makes the search try again. */
#define CX_CHAR_THRESHOLD 500

/* Counts over a subtree (the root itself not counted among the elements). */
struct cx_stats {
    size_t text;    /* characters of whitespace-collapsed text */
    double link;    /* characters inside links (in-page anchors count 0.3) */
    size_t heading; /* characters inside h1-h6 */
    size_t commas;
    size_t p, img, li, input, embeds, tables, data_tables, lists;
    int textish; /* some text sits inside a span, li, td, div, p, ... */
};

void cx_stats(const xmlNode *root, struct cx_stats *st);
double cx_link_density(const xmlNode *n);

/* Tree surgery that never merges text nodes (pointers stay valid). */
void cx_append(xmlNode *parent, xmlNode *child);
void cx_insert_before(xmlNode *ref, xmlNode *n);
void cx_replace(xmlNode *old, xmlNode *n);

/*
 * 1 when s contains one of pats[0..n) (n at most 64, each pattern at
 * least two bytes): what strstr() on each pattern would say, in one pass.
 */
int cx_contains_any(const char *s, const char *const *pats, size_t n);

int cx_class_weight(const xmlNode *n, unsigned flags);
/* class+id (lower case) looks like boilerplate and not like content. */
int cx_is_unlikely(const char *match_string);
int cx_is_phrasing(const xmlNode *n);
int cx_is_whitespace(const xmlNode *n);

/* State of one search, kept across tries. */
struct cx_search {
    struct arena *a;
    const char *title; /* article title, to drop a heading that repeats it */
    int want_byline;   /* the metadata had no byline: look for one in the page */
    char *byline;      /* found in the page */
    char *dir;         /* dir attribute of the body's nearest ancestor that has one */
};

/*
 * Prepare a freshly parsed and annotated document: drop scripts and
 * styles, turn <br><br> runs into paragraphs, unwrap noscript images.
 */
void cx_prep(xmlDoc *doc, struct arena *a);

/*
 * One try: find the body of doc (which the try changes) with the filters
 * in flags.  Returns an element (not linked into the document) whose
 * children are the body, or NULL when the page has no body element.
 * *text_len receives the body's text length.
 */
xmlNode *cx_grab(xmlDoc *doc, struct cx_search *s, unsigned flags, size_t *text_len);

/* Remove the boilerplate that sits inside a found body (boiler.c). */
void cx_clean_boiler(xmlNode *body, struct cx_search *s);

#endif
