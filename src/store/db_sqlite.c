/*
 * db_sqlite.c - the SQLite backend of db.h.
 *
 * One connection per handle, opened in WAL mode with foreign keys on, a
 * busy timeout, and synchronous=FULL so that a committed transaction
 * survives a crash of the process or the machine.
 */
#include "store/db.h"

#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <sqlite3.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db {
    sqlite3 *h;
    char *path;
};

struct db_stmt {
    sqlite3_stmt *s;
    struct db *db;
};

static int
fail(struct db *db, int rc, struct gz_err *err, const char *what)
{
    int code = GZ_EDB;
    int sys = sqlite3_system_errno(db->h);

    if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR) {
        /* name the cause the OS gave: "No space left on device", "File too large" */
        return gz_errf(err, GZ_EIO, "%s '%s': %s (%s)", what, db->path, sqlite3_errmsg(db->h),
                       sys ? strerror(sys) : "is the disk full or read-only?");
    }
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        code = GZ_EBUSY;
    else if ((rc & 0xff) == SQLITE_CONSTRAINT &&
             (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY))
        code = GZ_EEXIST;
    return gz_errf(err, code, "%s '%s': %s", what, db->path, sqlite3_errmsg(db->h));
}

static int
sq_exec(struct db *db, const char *sql, struct gz_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        int code = rc == SQLITE_BUSY ? GZ_EBUSY : (rc == SQLITE_FULL ? GZ_EIO : GZ_EDB);

        gz_errf(err, code, "database '%s': %s", db->path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return code;
    }
    return 0;
}

static void
sq_close(struct db *db)
{
    if (!db)
        return;
    sqlite3_close_v2(db->h);
    free(db->path);
    free(db);
}

static int
sq_open(struct db **out, const char *dsn, unsigned flags, struct gz_err *err)
{
    struct db *db = xcalloc(1, sizeof(*db));
    int oflags = (flags & 2) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc;

    if (str_has_prefix(dsn, "sqlite:"))
        dsn += 7;
    db->path = xstrdup(dsn);
    rc = sqlite3_open_v2(dsn, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        gz_errf(err, GZ_EDB, "cannot open database '%s': %s", dsn,
                db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        sq_close(db);
        return GZ_EDB;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, 10000);
    /* reading the schema finds a file that is not a database, or a damaged one */
    rc = sq_exec(db, "SELECT count(*) FROM sqlite_schema", err);
    if (!rc && !(flags & 2))
        rc = sq_exec(db, "PRAGMA journal_mode=WAL", err);
    if (!rc)
        rc = sq_exec(db,
                     "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32000",
                     err);
    if (rc) {
        gz_errf(err, rc, "cannot use database '%s': %s", dsn, sqlite3_errmsg(db->h));
        sq_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* $1 -> ?1 outside string literals and quoted identifiers. */
static void
rewrite_params(struct buf *out, const char *sql)
{
    char quote = 0;

    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            buf_addc(out, '?');
            continue;
        }
        buf_addc(out, *p);
    }
}

static int
sq_prepare(struct db *db, const char *sql, struct db_stmt **out, struct gz_err *err)
{
    struct buf b = BUF_INIT;
    sqlite3_stmt *s = NULL;
    int rc;

    rewrite_params(&b, sql);
    rc = sqlite3_prepare_v3(db->h, b.p, (int)b.len + 1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    buf_release(&b);
    if (rc != SQLITE_OK)
        return fail(db, rc, err, "cannot prepare statement on");
    *out = xcalloc(1, sizeof(**out));
    (*out)->s = s;
    (*out)->db = db;
    return 0;
}

static void
sq_finalize(struct db_stmt *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->s);
    free(s);
}

static void
sq_bind_i64(struct db_stmt *s, int i, int64_t v)
{
    sqlite3_bind_int64(s->s, i, v);
}

static void
sq_bind_double(struct db_stmt *s, int i, double v)
{
    sqlite3_bind_double(s->s, i, v);
}

static void
sq_bind_text(struct db_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s->s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s->s, i);
}

static void
sq_bind_blob(struct db_stmt *s, int i, const void *p, size_t n)
{
    if (p)
        sqlite3_bind_blob64(s->s, i, p, n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s->s, i);
}

static int
sq_step(struct db_stmt *s, struct gz_err *err)
{
    int rc = sqlite3_step(s->s);

    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    rc = fail(s->db, sqlite3_extended_errcode(s->db->h), err, "query failed on");
    sqlite3_reset(s->s);
    return rc;
}

static void
sq_reset(struct db_stmt *s)
{
    sqlite3_reset(s->s);
    sqlite3_clear_bindings(s->s);
}

static int
sq_is_null(struct db_stmt *s, int col)
{
    return sqlite3_column_type(s->s, col) == SQLITE_NULL;
}

static int64_t
sq_col_i64(struct db_stmt *s, int col)
{
    return sqlite3_column_int64(s->s, col);
}

static double
sq_col_double(struct db_stmt *s, int col)
{
    return sqlite3_column_double(s->s, col);
}

static const char *
sq_col_text(struct db_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s->s, col);
}

static const void *
sq_col_blob(struct db_stmt *s, int col, size_t *len)
{
    const void *p = sqlite3_column_blob(s->s, col);

    *len = (size_t)sqlite3_column_bytes(s->s, col);
    return p;
}

static int
sq_col_count(struct db_stmt *s)
{
    return sqlite3_column_count(s->s);
}

static enum db_type
sq_col_type(struct db_stmt *s, int col)
{
    switch (sqlite3_column_type(s->s, col)) {
    case SQLITE_INTEGER:
        return DB_INT;
    case SQLITE_FLOAT:
        return DB_REAL;
    case SQLITE_TEXT:
        return DB_TEXT;
    case SQLITE_BLOB:
        return DB_BLOB;
    default:
        return DB_NULL;
    }
}

static int64_t
sq_changes(struct db *db)
{
    return sqlite3_changes64(db->h);
}

static int
sq_get_version(struct db *db, int *version, struct gz_err *err)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &s, NULL);

    if (rc != SQLITE_OK)
        return fail(db, rc, err, "cannot read schema version of");
    rc = sqlite3_step(s);
    *version = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return 0;
}

static int
sq_set_version(struct db *db, int version, struct gz_err *err)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", version);
    return sq_exec(db, sql, err);
}

const struct db_ops db_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind_i64 = sq_bind_i64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .step = sq_step,
    .reset = sq_reset,
    .is_null = sq_is_null,
    .col_i64 = sq_col_i64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_count = sq_col_count,
    .col_type = sq_col_type,
    .changes = sq_changes,
    .get_version = sq_get_version,
    .set_version = sq_set_version,
};
