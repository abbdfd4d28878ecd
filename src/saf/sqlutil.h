/*
 * sqlutil.h - small helpers for the saf modules' SQL (src/saf/ only).
 */
#ifndef ATTLS_SAF_SQLUTIL_H
#define ATTLS_SAF_SQLUTIL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "saf/db.h"

/* Steps st expecting no row (INSERT/UPDATE/DELETE). */
AT_MUST_CHECK enum at_rc saf_sql_done(struct saf_db *db, sqlite3_stmt *st,
    const char *what, struct at_err *err);

/*
 * Steps st once: AT_OK with *row = 1 for a row, *row = 0 at the end; an
 * error otherwise.
 */
AT_MUST_CHECK enum at_rc saf_sql_row(struct saf_db *db, sqlite3_stmt *st,
    int *row, const char *what, struct at_err *err);

/* Copies column i as text (NULL -> ""), cut to cap - 1 bytes. */
void saf_sql_text(sqlite3_stmt *st, int i, char *dst, size_t cap);

/* Binds text (copied by SQLite); NULL binds SQL NULL. */
void saf_sql_bind(sqlite3_stmt *st, int i, const char *text);

/*
 * Runs `sql` (one ?-parameter bound to arg, may be NULL for none) and
 * stores the first column of the first row in *out; *found says whether
 * there was a row.
 */
AT_MUST_CHECK enum at_rc saf_sql_int(struct saf_db *db, const char *sql,
    const char *arg, int64_t *out, int *found, struct at_err *err);

/* Runs sql with one text parameter (arg) and no result. */
AT_MUST_CHECK enum at_rc saf_sql_exec1(struct saf_db *db, const char *sql,
    const char *arg, const char *what, struct at_err *err);

/* Calls cb for column 0 of every row of sql (one optional parameter). */
typedef enum at_rc (*saf_sql_name_cb)(void *ctx, const char *name,
    struct at_err *err);
AT_MUST_CHECK enum at_rc saf_sql_each_name(struct saf_db *db,
    const char *sql, const char *arg, saf_sql_name_cb cb, void *ctx,
    struct at_err *err);

/*
 * Runs one "UPDATE ... SET <col> = ?1 WHERE name = ?2" (sql is a constant):
 * ?1 is num when use_num, else text (NULL binds SQL NULL); ?2 is name.
 * what names the change in an error ("changing a user").
 */
AT_MUST_CHECK enum at_rc saf_sql_set_col(struct saf_db *db, const char *sql,
    const char *name, const char *text, int64_t num, int use_num, const char *what,
    struct at_err *err);

/*
 * Runs sql with ?1 = arg1 and ?2 = arg2 (NULL binds SQL NULL) and calls cb
 * with the statement positioned on each row, stopping at the first error.
 * what names the query in an error ("listing mappings").
 */
typedef enum at_rc (*saf_sql_row_cb)(void *ctx, sqlite3_stmt *st, struct at_err *err);
AT_MUST_CHECK enum at_rc saf_sql_each_row(struct saf_db *db, const char *sql,
    const char *arg1, const char *arg2, saf_sql_row_cb cb, void *ctx, const char *what,
    struct at_err *err);

#endif
