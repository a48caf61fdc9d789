/*
 * store_int.h - the store handle, shared by the files of src/store/ only.
 */
#ifndef GZ_STORE_STORE_INT_H
#define GZ_STORE_STORE_INT_H

#include "store/db.h"

/* Room for the statements of the "web pages" section at the end of store.c. */
#define STORE_WEB_STMTS 24

struct store {
    const struct db_ops *ops;
    struct db *db;
    int is_pg;
    int in_tx;
    struct db_stmt **cache;                     /* prepared statements of store.c, by stmt id */
    struct db_stmt *web_cache[STORE_WEB_STMTS]; /* the "web pages" section's statements */
};

#endif
