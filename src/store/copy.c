/*
 * copy.c - store_copy(): move every row from one database to another.
 *
 * The tables and columns come from the databases themselves (the SQLite
 * catalog, PostgreSQL's information schema), so a copy follows the schema
 * as migrations change it.  Tables are copied in the order they were
 * created, which is an order where every referenced table comes first;
 * self-references (a story merged into a later one, a reply) are checked
 * at commit (deferred constraints).
 *
 * The statement text here is built from identifiers the catalogs return,
 * quoted; every value is bound.
 */
#include "store/store.h"

#include "store/db.h"
#include "store/store_int.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/mem.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

struct names {
    char **v;
    size_t n;
    size_t alloc;
};

static void
names_add(struct names *ns, const char *s)
{
    ALLOC_GROW(ns->v, ns->n + 1, ns->alloc);
    ns->v[ns->n++] = xstrdup(s);
}

static int
names_has(const struct names *ns, const char *s)
{
    for (size_t i = 0; i < ns->n; i++)
        if (!strcmp(ns->v[i], s))
            return 1;
    return 0;
}

static void
names_release(struct names *ns)
{
    for (size_t i = 0; i < ns->n; i++)
        free(ns->v[i]);
    free(ns->v);
    memset(ns, 0, sizeof(*ns));
}

/* Run a one-off query with at most one text parameter; collect column 0. */
static int
query_names(struct store *st, const char *sql, const char *param, struct names *out,
            struct gz_err *err)
{
    struct db_stmt *s;
    int rc = st->ops->prepare(st->db, sql, &s, err);

    if (rc)
        return rc;
    if (param)
        st->ops->bind_text(s, 1, param);
    while ((rc = st->ops->step(s, err)) == DB_ROW) {
        const char *v = st->ops->col_text(s, 0);

        if (v)
            names_add(out, v);
    }
    st->ops->finalize(s);
    return rc < 0 ? rc : 0;
}

static int
tables(struct store *st, struct names *out, struct gz_err *err)
{
    if (st->is_pg)
        return query_names(
            st,
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relkind = 'r' AND c.relname NOT IN ('gazette_schema', 'gazette_data') "
            "ORDER BY c.oid",
            NULL, out, err);
    return query_names(st,
                       "SELECT name FROM sqlite_schema WHERE type = 'table' "
                       "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' ORDER BY rowid",
                       NULL, out, err);
}

static int
columns(struct store *st, const char *table, struct names *out, struct gz_err *err)
{
    if (st->is_pg)
        return query_names(st,
                           "SELECT column_name FROM information_schema.columns "
                           "WHERE table_schema = current_schema() AND table_name = $1 "
                           "AND is_generated = 'NEVER' ORDER BY ordinal_position",
                           table, out, err);
    return query_names(st, "SELECT name FROM pragma_table_info($1) ORDER BY cid", table, out, err);
}

static int
count_rows(struct store *st, const char *table, int64_t *n, struct gz_err *err)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *s;
    int rc;

    buf_addf(&sql, "SELECT count(*) FROM \"%s\"", table);
    rc = st->ops->prepare(st->db, sql.p, &s, err);
    buf_release(&sql);
    if (rc)
        return rc;
    rc = st->ops->step(s, err);
    *n = rc == DB_ROW ? st->ops->col_i64(s, 0) : 0;
    st->ops->finalize(s);
    return rc < 0 ? rc : 0;
}

static int
copy_table(struct store *from, struct store *to, const char *table, const struct names *cols,
           store_copy_progress progress, void *ctx, int64_t *total, struct gz_err *err)
{
    struct buf sel = BUF_INIT;
    struct buf ins = BUF_INIT;
    struct db_stmt *s = NULL;
    struct db_stmt *w = NULL;
    int64_t rows = 0;
    int rc;

    buf_adds(&sel, "SELECT ");
    buf_addf(&ins, "INSERT INTO \"%s\" (", table);
    for (size_t i = 0; i < cols->n; i++) {
        buf_addf(&sel, "%s\"%s\"", i ? ", " : "", cols->v[i]);
        buf_addf(&ins, "%s\"%s\"", i ? ", " : "", cols->v[i]);
    }
    buf_addf(&sel, " FROM \"%s\"", table);
    buf_adds(&ins, ") VALUES (");
    for (size_t i = 0; i < cols->n; i++)
        buf_addf(&ins, "%s$%zu", i ? ", " : "", i + 1);
    buf_adds(&ins, ")");
    rc = from->ops->prepare(from->db, sel.p, &s, err);
    if (!rc)
        rc = to->ops->prepare(to->db, ins.p, &w, err);
    while (!rc && (rc = from->ops->step(s, err)) == DB_ROW) {
        to->ops->reset(w);
        for (size_t i = 0; i < cols->n; i++) {
            int c = (int)i;
            int p = (int)i + 1;
            size_t len;
            const void *blob;

            switch (from->ops->col_type(s, c)) {
            case DB_INT:
                to->ops->bind_i64(w, p, from->ops->col_i64(s, c));
                break;
            case DB_REAL:
                to->ops->bind_double(w, p, from->ops->col_double(s, c));
                break;
            case DB_BLOB:
                blob = from->ops->col_blob(s, c, &len);
                to->ops->bind_blob(w, p, blob ? blob : "", len);
                break;
            case DB_TEXT:
                to->ops->bind_text(w, p, from->ops->col_text(s, c));
                break;
            default:
                to->ops->bind_text(w, p, NULL);
                break;
            }
        }
        rc = to->ops->step(w, err);
        if (rc < 0)
            break;
        rc = 0;
        rows++;
        if (progress && rows % 5000 == 0)
            progress(ctx, table, rows);
    }
    if (rc == DB_DONE)
        rc = 0;
    if (progress && !rc)
        progress(ctx, table, rows);
    *total += rows;
    from->ops->finalize(s);
    to->ops->finalize(w);
    buf_release(&sel);
    buf_release(&ins);
    if (rc)
        return gz_errf(err, rc, "copying table '%s': %s", table, err ? err->msg : "");
    return 0;
}

/* Move an id sequence of the PostgreSQL target past the copied ids. */
static int
bump_sequence(struct store *to, const char *table, struct gz_err *err)
{
    struct buf sql = BUF_INIT;
    int rc;

    buf_addf(&sql,
             "SELECT setval(pg_get_serial_sequence('\"%s\"', 'id'), "
             "(SELECT coalesce(max(id), 0) + 1 FROM \"%s\"), false)",
             table, table);
    rc = to->ops->exec(to->db, sql.p, err);
    buf_release(&sql);
    return rc;
}

int
store_copy(struct store *from, struct store *to, store_copy_progress progress, void *ctx,
           int64_t *rows, struct gz_err *err)
{
    static const char *const must_be_empty[] = {"sources", "articles", "users"};
    struct names src = {0};
    struct names dst = {0};
    int rc;

    *rows = 0;
    for (size_t i = 0; i < sizeof(must_be_empty) / sizeof(must_be_empty[0]); i++) {
        int64_t n = 0;

        rc = count_rows(to, must_be_empty[i], &n, err);
        if (rc)
            return rc;
        if (n)
            return gz_errf(err, GZ_EEXIST, "the target database is not empty ('%s' has %lld rows)",
                           must_be_empty[i], (long long)n);
    }
    rc = tables(from, &src, err);
    if (!rc)
        rc = tables(to, &dst, err);
    if (!rc)
        rc = store_begin(to, err);
    if (!rc)
        rc = to->ops->exec(
            to->db, to->is_pg ? "SET CONSTRAINTS ALL DEFERRED" : "PRAGMA defer_foreign_keys = ON",
            err);
    for (size_t i = 0; !rc && i < src.n; i++) {
        struct names scols = {0};
        struct names dcols = {0};
        struct names both = {0};

        if (!names_has(&dst, src.v[i]))
            continue; /* a table the target does not have (another version) */
        rc = columns(from, src.v[i], &scols, err);
        if (!rc)
            rc = columns(to, src.v[i], &dcols, err);
        for (size_t k = 0; !rc && k < scols.n; k++)
            if (names_has(&dcols, scols.v[k]))
                names_add(&both, scols.v[k]);
        if (!rc && both.n)
            rc = copy_table(from, to, src.v[i], &both, progress, ctx, rows, err);
        if (!rc && to->is_pg && names_has(&both, "id"))
            rc = bump_sequence(to, src.v[i], err);
        names_release(&scols);
        names_release(&dcols);
        names_release(&both);
    }
    if (!rc)
        rc = store_commit(to, err);
    else
        store_rollback(to);
    names_release(&src);
    names_release(&dst);
    return rc;
}
