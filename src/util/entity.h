/*
 * entity.h - HTML character references: the WHATWG table of named
 * references, numeric references, and the windows-1252 meaning of the C1
 * range that feeds and pages use where they mean typographic characters.
 *
 * All functions are pure and thread-safe; the table is static and const.
 */
#ifndef GZ_UTIL_ENTITY_H
#define GZ_UTIL_ENTITY_H

#include <stddef.h>
#include <stdint.h>

struct entity {
    const char *name;     /* without '&' and ';' */
    uint32_t cp1;         /* the code point(s) it stands for */
    uint32_t cp2;         /* a second code point, or 0 */
    unsigned char legacy; /* also recognised without the ';' (as in "&amp") */
};

/* Sorted by name (bytewise), for bsearch. */
extern const struct entity entity_table[];
extern const size_t entity_count;

/* The entity named name[0..len) (case-sensitive), or NULL. */
const struct entity *entity_find(const char *name, size_t len);

/*
 * Decode the character reference at p[0..len), where p[0] == '&':
 * "&#233;", "&#xE9;", "&eacute;" and, when legacy_ok, the legacy forms
 * without ';' ("&copy 2025").  Writes its UTF-8 (at most 8 bytes) to out
 * and returns how many input bytes it took; 0 when p is not a reference
 * (the '&' is then literal text).  Numeric references to 0x80-0x9F are
 * read as windows-1252 ("&#146;" is U+2019); references to NUL,
 * surrogates or beyond U+10FFFF give U+FFFD.
 */
size_t entity_decode(const char *p, size_t len, int legacy_ok, char out[8], size_t *outlen);

/* UTF-8 of code point cp into out (at least 4 bytes); returns its length. */
size_t entity_utf8(uint32_t cp, char *out);

/*
 * The windows-1252 character for a C1 code point (0x80-0x9F); any other
 * code point is returned unchanged.  The five holes of windows-1252 (0x81,
 * 0x8D, 0x8F, 0x90, 0x9D) stay as they are.
 */
uint32_t entity_cp1252(uint32_t cp);

#endif
