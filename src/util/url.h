/*
 * url.h - URL resolution and canonicalization on libcurl's URL API.
 *
 * All functions are pure and thread-safe.  Results are written into a
 * caller's struct buf.
 */
#ifndef GZ_UTIL_URL_H
#define GZ_UTIL_URL_H

#include <stddef.h>

struct buf;
struct gz_err;

/*
 * Resolve ref against base (either may be NULL or empty) into out, as a
 * browser would.  GZ_EPARSE when the result is not a valid absolute URL,
 * or is not UTF-8 (a host with bytes, or %XX escapes, that are not).
 * A ref that is already absolute is normalized and returned.
 */
int url_resolve(struct buf *out, const char *base, const char *ref, struct gz_err *err);

/*
 * url_resolve() for display and for links kept in documents: characters
 * beyond ASCII that ref spells out stay characters ("/À" is not turned
 * into "/%C3%80"), as an IRI keeps them.  Same errors as url_resolve().
 */
int url_resolve_iri(struct buf *out, const char *base, const char *ref, struct gz_err *err);

/*
 * The canonical form used to recognise the same article under two URLs:
 * scheme and host lower-cased, default port and fragment dropped, tracking
 * parameters (utm_*, fbclid, gclid, mc_cid, ...) removed from the query,
 * remaining parameters kept in order, an empty path made "/".
 * Only http and https are accepted; anything else, or a URL whose host is
 * not UTF-8, is GZ_EINVAL.
 */
int url_canonical(struct buf *out, const char *url, struct gz_err *err);

/* 1 when url is an absolute http or https URL, else 0. */
int url_is_http(const char *url);

/*
 * 1 when an attribute value is a URL safe to put in href/src: http, https,
 * mailto (when allow_mailto), or relative; 0 for javascript:, data:,
 * vbscript: and every other scheme, however it is disguised with case,
 * whitespace, control characters or entities already decoded by the parser.
 */
int url_is_safe_link(const char *url, int allow_mailto);

#endif
