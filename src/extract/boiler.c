/*
 * boiler.c - boilerplate that sits inside a found article body.
 */
#include "extract/content.h"

void
cx_clean_boiler(xmlNode *body, struct cx_search *s)
{
    (void)body;
    (void)s;
}
