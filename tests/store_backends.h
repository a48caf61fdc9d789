/*
 * store_backends.h - run a test file's store cases on every backend, header only.
 *
 * The cases open their database with backend_fresh() and close it with
 * backend_done(); backend_main() runs the table on SQLite, then again on
 * PostgreSQL when GZ_TEST_PG names a server (the ctest fixture pg/start
 * sets it: postgresql://...?host=DIR&port=N with "%s" where the database
 * name goes).  Each file names its own database, so test binaries that
 * ctest runs side by side never share one.
 */
#ifndef GZ_TESTS_STORE_BACKENDS_H
#define GZ_TESTS_STORE_BACKENDS_H

#include "unit.h"

#include "store/db.h"
#include "store/store.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *backend_pg_base; /* GZ_TEST_PG */
static int backend_on_pg;           /* the cases are running against PostgreSQL */
static char backend_dsn[512];       /* the open test database */

/* backend_pg_base with "%s" replaced by the database name db. */
static void
backend_pg_dsn(char *out, size_t n, const char *db)
{
    const char *hole = strstr(backend_pg_base, "%s");

    if (!hole) {
        snprintf(out, n, "%s", backend_pg_base);
        return;
    }
    snprintf(out, n, "%.*s%s%s", (int)(hole - backend_pg_base), backend_pg_base, db, hole + 2);
}

/* Drop and create the PostgreSQL database db through the backend layer. */
static int
backend_pg_recreate(const char *db)
{
    struct db *h;
    struct gz_err err = GZ_ERR_INIT;
    char dsn[512];
    char sql[256];
    int rc;

    backend_pg_dsn(dsn, sizeof(dsn), "postgres");
    if (db_pg_ops.open(&h, dsn, 0, &err)) {
        fprintf(stderr, "pg: %s\n", err.msg);
        return -1;
    }
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    rc = db_pg_ops.exec(h, sql, &err);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
    if (!rc)
        rc = db_pg_ops.exec(h, sql, &err);
    if (rc)
        fprintf(stderr, "pg: %s\n", err.msg);
    db_pg_ops.close(h);
    return rc;
}

static void
backend_unlink_sqlite(void)
{
    char side[600];

    unlink(backend_dsn);
    snprintf(side, sizeof(side), "%s-wal", backend_dsn);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", backend_dsn);
    unlink(side);
}

/* A new, migrated, empty database called name (a file name.db on SQLite); NULL on failure. */
static struct store *
backend_fresh(const char *name)
{
    struct store *st = NULL;
    struct gz_err err = GZ_ERR_INIT;

    if (backend_on_pg) {
        if (backend_pg_recreate(name))
            return NULL;
        backend_pg_dsn(backend_dsn, sizeof(backend_dsn), name);
    } else {
        snprintf(backend_dsn, sizeof(backend_dsn), "%s_%d.db", name, (int)getpid());
        backend_unlink_sqlite();
    }
    if (store_open(&st, backend_dsn, 0, &err)) {
        fprintf(stderr, "open %s: %s\n", backend_dsn, err.msg);
        return NULL;
    }
    return st;
}

/* Close a database from backend_fresh() (and remove the SQLite files). */
static void
backend_done(struct store *st)
{
    store_close(st);
    if (!backend_on_pg)
        backend_unlink_sqlite();
}

/* Run tests on SQLite, then on PostgreSQL when GZ_TEST_PG is set. */
static int
backend_main(int argc, char **argv, const struct unit_test *tests)
{
    int rc;

    backend_on_pg = 0;
    rc = unit_main(argc, argv, tests);
    backend_pg_base = getenv("GZ_TEST_PG");
    if (backend_pg_base && *backend_pg_base) {
        fprintf(stderr, "-- the same tests on PostgreSQL\n");
        backend_on_pg = 1;
        rc |= unit_main(argc, argv, tests);
    } else {
        fprintf(stderr, "-- GZ_TEST_PG not set: PostgreSQL backend not tested here\n");
    }
    return rc;
}

#endif
