/*
 * digest.h - a reader's e-mail digest: the top stories in what they
 * follow, as a multipart (plain text and HTML) message sent over SMTP.
 *
 * Schedule (store_reader_prefs.digest): daily or weekly.  A digest is due
 * when none was sent for 20 hours (daily) or 6 days and 20 hours (weekly),
 * so that `gazette digest --send` run every hour from cron sends one a day
 * (or week) even when the runs drift by minutes.  It covers what arrived
 * since the last one, at most a day (or a week) back.
 *
 * What goes in: the articles that arrived in that window from sources the
 * reader follows, with their mutes applied, grouped by story (an article
 * without a story is its own group), ranked by how many distinct sources
 * cover the story, highlighted ones first; at most DIGEST_MAX_STORIES.
 * Each links to the site (base-url): the story page, or the article's.
 *
 * Sending: libcurl's SMTP (smtp:// or smtps:// URL, STARTTLS when the
 * server offers it) to the reader's address, from the smtp-from setting.
 *
 * Memory: everything built lives in the caller's arena or buffer.
 * Threads: digest_build() belongs to its store's thread; the rest are
 * pure but for the network (libcurl's global init must have run).
 */
#ifndef GZ_READER_DIGEST_H
#define GZ_READER_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct gz_err;
struct reader_user;
struct store;
struct store_reader_prefs;

#define DIGEST_MAX_STORIES 12
#define DIGEST_DAILY_DUE (20 * 3600)
#define DIGEST_WEEKLY_DUE (6 * 86400 + 20 * 3600)

struct digest_story {
    int64_t story_id;   /* 0: a single article */
    int64_t article_id; /* the lead article */
    const char *title;
    const char *snippet;  /* the story's summary or the lead's excerpt; may be NULL */
    const char **sources; /* distinct source names, nsources of them */
    size_t nsources;
    int64_t articles;
    int64_t newest; /* when its latest article arrived */
    int highlight;
};

struct digest {
    const char *name; /* the reader */
    int kind;         /* enum store_reader_digest (daily when off: a dry run) */
    int64_t since;
    int64_t until;
    struct digest_story *stories;
    size_t n;
};

/*
 * Whether u's digest is due at now (0 or 1); *since gets where its window
 * starts.  A digest that is off is never due (*since is still set, as for
 * a daily one, for dry runs).
 */
int digest_due(const struct store_reader_prefs *p, int64_t now, int64_t *since);

/* Gather u's digest for the window [since, now). */
int digest_build(struct store *st, const struct reader_user *u, int64_t since, int64_t now,
                 struct arena *a, struct digest *out, struct gz_err *err);

/*
 * The whole message, headers and body, CRLF line ends, appended to out:
 * From, To, Subject, Date, Message-ID, MIME-Version, multipart/alternative
 * with a text/plain (8bit) and a text/html (base64) part.  GZ_EINVAL when
 * from or to could break a header (line breaks, no '@').
 */
int digest_message(const struct digest *d, const char *from, const char *to, const char *base_url,
                   int64_t now, struct buf *out, struct gz_err *err);

/* The address part of a From setting: "News <a@b.org>" gives "a@b.org", into out. */
int digest_address(const char *from, char *out, size_t n);
/* 1 when s is usable as a digest address (one addr-spec, no spaces, 3 to 254 bytes). */
int digest_address_valid(const char *s);

/*
 * Send msg[0..len) from `from` (a From setting) to `to` through the SMTP
 * server at smtp_url.  GZ_ENET with curl's message when it fails.
 */
int digest_send(const char *smtp_url, const char *from, const char *to, const char *msg, size_t len,
                struct gz_err *err);

#endif
