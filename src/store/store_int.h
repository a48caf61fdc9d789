/*
 * store_int.h - the store handle, shared by the files of src/store/ only.
 */
#ifndef GZ_STORE_STORE_INT_H
#define GZ_STORE_STORE_INT_H

#include "store/db.h"

struct store {
    const struct db_ops *ops;
    struct db *db;
    int is_pg;
    int in_tx;
    struct db_stmt **cache; /* prepared statements of store.c, by stmt id */
};

#endif
