#include "util/embed.h"

#include <string.h>

const struct embed_file *
embed_find(const struct embed_file *table, const char *name)
{
    for (const struct embed_file *f = table; f->name; f++)
        if (!strcmp(f->name, name))
            return f;
    return NULL;
}
