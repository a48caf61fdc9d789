/*
 * db_pg.c - the PostgreSQL backend of db.h, on libpq.
 *
 * Statements are prepared on the server once per connection (PQprepare)
 * and run with PQexecPrepared; every value travels as a bound parameter,
 * text format except blobs (binary).  Results come back in text format;
 * bytea columns are unescaped on read.
 */
#include "store/db.h"

#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_PARAMS 32
#define PG_BYTEA_OID 17

struct db {
    PGconn *conn;
    int next_stmt;
    int64_t changes;
    char *dsn_safe; /* the DSN without password, for messages */
};

struct db_stmt {
    struct db *db;
    char name[24];
    int nparams;
    char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS];
    int formats[PG_MAX_PARAMS];
    PGresult *res;
    int row; /* next row to return */
    int ran;
    unsigned char *blob; /* last unescaped bytea */
};

/* The DSN with any password replaced, for error messages. */
static char *
redact(const char *dsn)
{
    char *s = xstrdup(dsn);
    char *at = strchr(s, '@');
    char *scheme = strstr(s, "://");

    if (at && scheme && scheme < at) {
        char *colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));

        if (colon)
            memmove(colon, at, strlen(at) + 1);
    }
    return s;
}

static int
pg_fail(struct db *db, PGresult *res, struct gz_err *err, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
    int code = GZ_EDB;
    struct str m = str_trim(str_from(msg));

    if (state && !strcmp(state, "23505"))
        code = GZ_EEXIST;
    else if (state &&
             (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03")))
        code = GZ_EBUSY;
    else if (state && !strncmp(state, "53", 2))
        code = GZ_EIO; /* insufficient resources: disk full, out of memory */
    else if (PQstatus(db->conn) != CONNECTION_OK)
        code = GZ_EIO;
    return gz_errf(err, code, "%s '%s': %.*s", what, db->dsn_safe, (int)m.len, m.p);
}

static void
pg_close(struct db *db)
{
    if (!db)
        return;
    PQfinish(db->conn);
    free(db->dsn_safe);
    free(db);
}

static int
pg_exec(struct db *db, const char *sql, struct gz_err *err)
{
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        rc = pg_fail(db, res, err, "database");
    else
        db->changes = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

static int
pg_open(struct db **out, const char *dsn, unsigned flags, struct gz_err *err)
{
    struct db *db = xcalloc(1, sizeof(*db));
    int rc;

    (void)flags;
    db->dsn_safe = redact(dsn);
    db->conn = PQconnectdb(dsn);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        struct str m = str_trim(str_from(PQerrorMessage(db->conn)));

        gz_errf(err, GZ_EDB, "cannot connect to '%s': %.*s", db->dsn_safe, (int)m.len, m.p);
        pg_close(db);
        return GZ_EDB;
    }
    rc = pg_exec(db, "SET client_min_messages = warning; SET client_encoding = 'UTF8'", err);
    if (rc) {
        pg_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* The highest $N in the statement: how many parameters it takes. */
static int
count_params(const char *sql)
{
    int max = 0;
    char quote = 0;

    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            int n = atoi(p + 1);

            if (n > max)
                max = n;
        }
    }
    return max;
}

static int
pg_prepare(struct db *db, const char *sql, struct db_stmt **out, struct gz_err *err)
{
    struct db_stmt *s = xcalloc(1, sizeof(*s));
    PGresult *res;

    s->db = db;
    s->nparams = count_params(sql);
    if (s->nparams > PG_MAX_PARAMS) {
        free(s);
        return gz_errf(err, GZ_EINVAL, "statement has too many parameters");
    }
    snprintf(s->name, sizeof(s->name), "gz%d", db->next_stmt++);
    res = PQprepare(db->conn, s->name, sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = pg_fail(db, res, err, "cannot prepare statement on");

        PQclear(res);
        free(s);
        return rc;
    }
    PQclear(res);
    *out = s;
    return 0;
}

static void
clear_values(struct db_stmt *s)
{
    for (int i = 0; i < PG_MAX_PARAMS; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
    }
}

static void
pg_reset(struct db_stmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = 0;
    s->ran = 0;
    PQfreemem(s->blob);
    s->blob = NULL;
    clear_values(s);
}

static void
pg_finalize(struct db_stmt *s)
{
    char sql[64];
    PGresult *res;

    if (!s)
        return;
    pg_reset(s);
    if (PQstatus(s->db->conn) == CONNECTION_OK) {
        snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
        res = PQexec(s->db->conn, sql);
        PQclear(res);
    }
    free(s);
}

static void
set_value(struct db_stmt *s, int i, char *v, int len, int format)
{
    if (i < 1 || i > PG_MAX_PARAMS) {
        free(v);
        return;
    }
    free(s->values[i - 1]);
    s->values[i - 1] = v;
    s->lengths[i - 1] = len;
    s->formats[i - 1] = format;
}

static void
pg_bind_i64(struct db_stmt *s, int i, int64_t v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    set_value(s, i, xstrdup(buf), 0, 0);
}

static void
pg_bind_double(struct db_stmt *s, int i, double v)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%.17g", v);
    set_value(s, i, xstrdup(buf), 0, 0);
}

static void
pg_bind_text(struct db_stmt *s, int i, const char *v)
{
    set_value(s, i, v ? xstrdup(v) : NULL, 0, 0);
}

static void
pg_bind_blob(struct db_stmt *s, int i, const void *p, size_t n)
{
    char *copy = NULL;

    if (p) {
        copy = xmalloc(n ? n : 1);
        memcpy(copy, p, n);
    }
    set_value(s, i, copy, (int)n, 1);
}

static int
pg_step(struct db_stmt *s, struct gz_err *err)
{
    if (!s->ran) {
        ExecStatusType st;

        s->res = PQexecPrepared(s->db->conn, s->name, s->nparams, (const char *const *)s->values,
                                s->lengths, s->formats, 0);
        s->ran = 1;
        st = PQresultStatus(s->res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            int rc = pg_fail(s->db, s->res, err, "query failed on");

            PQclear(s->res);
            s->res = NULL;
            return rc;
        }
        s->db->changes = strtoll(PQcmdTuples(s->res), NULL, 10);
    }
    if (s->res && s->row < PQntuples(s->res)) {
        s->row++;
        return DB_ROW;
    }
    return DB_DONE;
}

static int
pg_is_null(struct db_stmt *s, int col)
{
    return !s->res || PQgetisnull(s->res, s->row - 1, col);
}

static const char *
pg_col_text(struct db_stmt *s, int col)
{
    if (pg_is_null(s, col))
        return NULL;
    return PQgetvalue(s->res, s->row - 1, col);
}

static int64_t
pg_col_i64(struct db_stmt *s, int col)
{
    const char *v = pg_col_text(s, col);

    if (!v)
        return 0;
    if (v[0] == 't' && !v[1])
        return 1; /* boolean */
    return strtoll(v, NULL, 10);
}

static double
pg_col_double(struct db_stmt *s, int col)
{
    const char *v = pg_col_text(s, col);

    return v ? strtod(v, NULL) : 0.0;
}

static const void *
pg_col_blob(struct db_stmt *s, int col, size_t *len)
{
    const char *v = pg_col_text(s, col);
    size_t n = 0;

    *len = 0;
    if (!v)
        return NULL;
    if (PQftype(s->res, col) != PG_BYTEA_OID) {
        *len = strlen(v);
        return v;
    }
    PQfreemem(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)v, &n);
    *len = n;
    return s->blob;
}

static int
pg_col_count(struct db_stmt *s)
{
    return s->res ? PQnfields(s->res) : 0;
}

static enum db_type
pg_col_type(struct db_stmt *s, int col)
{
    if (pg_is_null(s, col))
        return DB_NULL;
    switch (PQftype(s->res, col)) {
    case 16: /* bool */
    case 20: /* int8 */
    case 21: /* int2 */
    case 23: /* int4 */
        return DB_INT;
    case 700:  /* float4 */
    case 701:  /* float8 */
    case 1700: /* numeric */
        return DB_REAL;
    case PG_BYTEA_OID:
        return DB_BLOB;
    default:
        return DB_TEXT;
    }
}

static int64_t
pg_changes(struct db *db)
{
    return db->changes;
}

static int
pg_get_version(struct db *db, int *version, struct gz_err *err)
{
    PGresult *res;
    int rc =
        pg_exec(db, "CREATE TABLE IF NOT EXISTS gazette_schema (version integer NOT NULL)", err);

    if (rc)
        return rc;
    res = PQexec(db->conn, "SELECT coalesce(max(version), 0) FROM gazette_schema");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rc = pg_fail(db, res, err, "cannot read schema version of");
        PQclear(res);
        return rc;
    }
    *version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

static int
pg_set_version(struct db *db, int version, struct gz_err *err)
{
    char sql[128];

    snprintf(sql, sizeof(sql),
             "DELETE FROM gazette_schema; INSERT INTO gazette_schema (version) VALUES (%d)",
             version);
    return pg_exec(db, sql, err);
}

const struct db_ops db_pg_ops = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_i64 = pg_bind_i64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .step = pg_step,
    .reset = pg_reset,
    .is_null = pg_is_null,
    .col_i64 = pg_col_i64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_count = pg_col_count,
    .col_type = pg_col_type,
    .changes = pg_changes,
    .get_version = pg_get_version,
    .set_version = pg_set_version,
};
