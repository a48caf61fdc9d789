/*
 * fuzz_parse.c - the page parser (extract/parse.c) on arbitrary bytes.
 *
 * Besides "no crash, no sanitizer report": every link of the tree agrees
 * with its reverse (parent, first/last child, previous/next sibling),
 * every element has a name, every text node has content, the tree is no
 * deeper than the parser's limit, and xmlFreeDoc() frees it cleanly.
 */
#include "extract/extract_int.h"
#include "util/arena.h"

#include <libxml/parser.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_tree(const xmlNode *root)
{
    const xmlNode *n = root;
    int depth = 0;

    while (n) {
        if (n->type == XML_ELEMENT_NODE) {
            if (!n->name || !n->name[0] || !n->_private)
                abort();
            for (const xmlAttr *a = n->properties; a; a = a->next)
                if (a->parent != n || !a->name || (a->next && a->next->prev != a))
                    abort();
        } else if (n->type == XML_TEXT_NODE) {
            if (!n->content || n->children)
                abort();
        } else {
            abort(); /* the parser makes elements and text only */
        }
        if (n->children) {
            if (n->children->parent != n || n->last->parent != n || n->children->prev ||
                n->last->next)
                abort();
            n = n->children;
            if (++depth > 1000)
                abort();
            continue;
        }
        while (n != root && !n->next) {
            n = n->parent;
            depth--;
        }
        if (n == root)
            break;
        if (n->next->prev != n || n->next->parent != n->parent)
            abort();
        n = n->next;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct arena *a;
    xmlDoc *doc;

    if (!init) {
        xmlInitParser();
        init = 1;
    }
    a = arena_new();
    doc = xdom_parse((const char *)data, size, size && (data[0] & 1) ? XDOM_SKIP_UNREAD : 0, a);
    if (!doc || !xmlDocGetRootElement(doc))
        abort();
    check_tree(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    arena_free(a);
    return 0;
}
