/*
 * db.h - the backend layer under store.c (internal to src/store/).
 *
 * store.c writes each query once.  A backend (db_sqlite.c, db_pg.c) gives
 * it connections and prepared statements with positional parameters
 * written $1, $2, ... in the SQL text (the SQLite backend rewrites them to
 * ?1, ?2).  Parameters are 1-based, result columns 0-based, as in SQLite.
 *
 * Ownership: text and blobs returned by the column functions are owned by
 * the statement and valid until the next step, reset or finalize.
 * Threads: one connection, and its statements, belong to one thread.
 */
#ifndef GZ_STORE_DB_H
#define GZ_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct db;
struct db_stmt;

enum db_step { DB_DONE = 0, DB_ROW = 1 };

/* The type of a value in a result row. */
enum db_type { DB_NULL = 0, DB_INT = 1, DB_REAL = 2, DB_TEXT = 3, DB_BLOB = 4 };

struct db_ops {
    const char *name; /* "sqlite", "postgres" */
    int (*open)(struct db **out, const char *dsn, unsigned flags, struct gz_err *err);
    void (*close)(struct db *db);
    /* Run SQL statements without parameters (migrations). */
    int (*exec)(struct db *db, const char *sql, struct gz_err *err);
    int (*prepare)(struct db *db, const char *sql, struct db_stmt **out, struct gz_err *err);
    void (*finalize)(struct db_stmt *s);
    void (*bind_i64)(struct db_stmt *s, int i, int64_t v);
    void (*bind_double)(struct db_stmt *s, int i, double v);
    /* NULL text binds SQL NULL; the bytes are copied. */
    void (*bind_text)(struct db_stmt *s, int i, const char *v);
    void (*bind_blob)(struct db_stmt *s, int i, const void *p, size_t n);
    /* DB_ROW, DB_DONE, or a negative GZ_E* (GZ_EEXIST on a unique clash). */
    int (*step)(struct db_stmt *s, struct gz_err *err);
    /* Ready the statement for new bindings and a new run. */
    void (*reset)(struct db_stmt *s);
    int (*is_null)(struct db_stmt *s, int col);
    int64_t (*col_i64)(struct db_stmt *s, int col);
    double (*col_double)(struct db_stmt *s, int col);
    const char *(*col_text)(struct db_stmt *s, int col); /* NULL for SQL NULL */
    const void *(*col_blob)(struct db_stmt *s, int col, size_t *len);
    int (*col_count)(struct db_stmt *s);
    enum db_type (*col_type)(struct db_stmt *s, int col);
    /* Rows changed by the last statement run on this connection. */
    int64_t (*changes)(struct db *db);
    /* The schema version recorded in the database (0 when new). */
    int (*get_version)(struct db *db, int *version, struct gz_err *err);
    int (*set_version)(struct db *db, int version, struct gz_err *err);
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif
