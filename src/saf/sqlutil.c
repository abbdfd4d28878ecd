/* sqlutil.c - small helpers for the saf modules' SQL. */
#include "saf/sqlutil.h"

#include <string.h>

/*
 * The statement on this thread whose bind or column read failed, and the
 * SQLite code.  One slot is enough: every caller checks (by stepping) the
 * statement it is binding before it binds another one.
 */
static _Thread_local const sqlite3_stmt *failed_st;
static _Thread_local int failed_src;

static void
note(sqlite3_stmt *st, int src)
{
	if (src == SQLITE_OK || failed_st != NULL)
		return;
	failed_st = st;
	failed_src = src;
}

void
saf_sql_forget(const sqlite3_stmt *st)
{
	if (failed_st == st)
		failed_st = NULL;
}

enum at_rc
saf_sql_check(struct saf_db *db, sqlite3_stmt *st, const char *what,
    struct at_err *err)
{
	int src;

	if (failed_st == NULL || failed_st != st)
		return AT_OK;
	src = failed_src;
	failed_st = NULL;
	(void)db;
	return at_err_setx(err, src == SQLITE_NOMEM ? AT_E_NOMEM : AT_E_IO,
	    "security database: %s: a value could not be bound or read (%s); "
	    "nothing was decided", what, sqlite3_errstr(src));
}

void
saf_sql_bind(sqlite3_stmt *st, int i, const char *text)
{
	if (text == NULL)
		note(st, sqlite3_bind_null(st, i));
	else
		note(st, sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT));
}

void
saf_sql_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
	note(st, sqlite3_bind_int64(st, i, v));
}

void
saf_sql_bind_blob(sqlite3_stmt *st, int i, const void *p, size_t n)
{
	if (n > (size_t)INT32_MAX)
		note(st, SQLITE_TOOBIG);
	else
		note(st, sqlite3_bind_blob(st, i, p, (int)n, SQLITE_STATIC));
}

void
saf_sql_bind_null(sqlite3_stmt *st, int i)
{
	note(st, sqlite3_bind_null(st, i));
}

enum at_rc
saf_sql_done(struct saf_db *db, sqlite3_stmt *st, const char *what,
    struct at_err *err)
{
	enum at_rc rc = saf_sql_check(db, st, what, err);
	int src;

	if (rc != AT_OK)
		return rc;
	src = sqlite3_step(st);

	if (src == SQLITE_DONE || src == SQLITE_ROW)
		return AT_OK;
	return saf_db_fail(db, src, what, err);
}

enum at_rc
saf_sql_row(struct saf_db *db, sqlite3_stmt *st, int *row, const char *what,
    struct at_err *err)
{
	enum at_rc rc;
	int src;

	*row = 0;
	rc = saf_sql_check(db, st, what, err);
	if (rc != AT_OK)
		return rc;
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		*row = 1;
		return AT_OK;
	}
	if (src == SQLITE_DONE)
		return AT_OK;
	return saf_db_fail(db, src, what, err);
}

void
saf_sql_text(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n;

	if (cap == 0)
		return;
	dst[0] = '\0';
	if (t == NULL) {
		if (sqlite3_column_type(st, i) != SQLITE_NULL)
			note(st, SQLITE_NOMEM);
		return;
	}
	n = (size_t)sqlite3_column_bytes(st, i);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, t, n);
	dst[n] = '\0';
}

enum at_rc
saf_sql_text_req(struct saf_db *db, sqlite3_stmt *st, int i, char *dst,
    size_t cap, const char *what, struct at_err *err)
{
	enum at_rc rc;

	saf_sql_text(st, i, dst, cap);
	rc = saf_sql_check(db, st, what, err);
	if (rc == AT_OK && cap > 0 &&
	    (size_t)sqlite3_column_bytes(st, i) > cap - 1)
		rc = at_err_setx(err, AT_E_TOOBIG, "security database: %s is "
		    "longer than %zu bytes", what, cap - 1);
	if (rc != AT_OK && cap > 0)
		dst[0] = '\0';
	return rc;
}

enum at_rc
saf_sql_int(struct saf_db *db, const char *sql, const char *arg,
    int64_t *out, int *found, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	*out = 0;
	*found = 0;
	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	if (arg != NULL)
		saf_sql_bind(st, 1, arg);
	rc = saf_sql_row(db, st, found, "reading the security database", err);
	if (rc == AT_OK && *found)
		*out = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_sql_exec1(struct saf_db *db, const char *sql, const char *arg,
    const char *what, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	if (arg != NULL)
		saf_sql_bind(st, 1, arg);
	rc = saf_sql_done(db, st, what, err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_sql_each_name(struct saf_db *db, const char *sql, const char *arg,
    saf_sql_name_cb cb, void *ctx, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;
	char name[512];

	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	if (arg != NULL)
		saf_sql_bind(st, 1, arg);
	for (;;) {
		rc = saf_sql_row(db, st, &row, "listing", err);
		if (rc != AT_OK || !row)
			break;
		saf_sql_text(st, 0, name, sizeof(name));
		rc = cb(ctx, name, err);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_sql_set_col(struct saf_db *db, const char *sql, const char *name, const char *text,
    int64_t num, int use_num, const char *what, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc = saf_db_prepare(db, sql, &st, err);

	if (rc != AT_OK)
		goto out;
	if (use_num)
		saf_sql_bind_i64(st, 1, num);
	else
		saf_sql_bind(st, 1, text);
	saf_sql_bind(st, 2, name);
	rc = saf_sql_done(db, st, what, err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_sql_each_row(struct saf_db *db, const char *sql, const char *arg1, const char *arg2,
    saf_sql_row_cb cb, void *ctx, const char *what, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc = saf_db_prepare(db, sql, &st, err);
	int row = 0;

	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, arg1);
	saf_sql_bind(st, 2, arg2);
	for (;;) {
		rc = saf_sql_row(db, st, &row, what, err);
		if (rc != AT_OK || !row)
			break;
		rc = cb(ctx, st, err);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}
