/*
 * sqlutil.h - small helpers for the saf modules' SQL (src/saf/ only).
 */
#ifndef ATTLS_SAF_SQLUTIL_H
#define ATTLS_SAF_SQLUTIL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "saf/db.h"

/*
 * Binding.  A bind can fail (out of memory, a wrong index, a value too
 * big); a parameter left unbound reads as NULL, and a lookup by NULL finds
 * nothing, which would turn "cannot tell" into "no profile, not
 * protected".  So every bind goes through these wrappers: a failure is
 * remembered for its statement, and the next saf_sql_done or saf_sql_row
 * on that statement fails instead of running it.  The same holds for a
 * text column that cannot be read (see saf_sql_text).
 */
void saf_sql_bind(sqlite3_stmt *st, int i, const char *text);
void saf_sql_bind_i64(sqlite3_stmt *st, int i, int64_t v);
/* Not copied: p must stay valid until st is finalized (so a caller can
 * wipe a secret it bound). */
void saf_sql_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n);
void saf_sql_bind_null(sqlite3_stmt *st, int i);

/* Forgets a failure remembered for st (saf_db_prepare calls it on a new
 * statement, which may reuse a finalized one's address). */
void saf_sql_forget(const sqlite3_stmt *st);

/*
 * AT_OK unless a bind or column read on st has failed since it was
 * prepared or last stepped; then the error, naming what.
 */
AT_MUST_CHECK enum at_rc saf_sql_check(struct saf_db *db, sqlite3_stmt *st,
    const char *what, struct at_err *err);

/* Steps st expecting no row (INSERT/UPDATE/DELETE). */
AT_MUST_CHECK enum at_rc saf_sql_done(struct saf_db *db, sqlite3_stmt *st,
    const char *what, struct at_err *err);

/*
 * Steps st once: AT_OK with *row = 1 for a row, *row = 0 at the end; an
 * error otherwise.
 */
AT_MUST_CHECK enum at_rc saf_sql_row(struct saf_db *db, sqlite3_stmt *st,
    int *row, const char *what, struct at_err *err);

/*
 * Copies column i as text (SQL NULL -> ""), cut to cap - 1 bytes.  A value
 * SQLite cannot hand over (out of memory) gives "" and is remembered as
 * for a failed bind; saf_sql_text_req reports it (and a cut value) at once.
 */
void saf_sql_text(sqlite3_stmt *st, int i, char *dst, size_t cap);
AT_MUST_CHECK enum at_rc saf_sql_text_req(struct saf_db *db,
    sqlite3_stmt *st, int i, char *dst, size_t cap, const char *what,
    struct at_err *err);

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
