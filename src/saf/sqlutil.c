/* sqlutil.c - small helpers for the saf modules' SQL. */
#include "saf/sqlutil.h"

#include <string.h>

/*
 * The statements on this thread whose bind or column read failed, with
 * the SQLite code, until they are stepped (or a new statement takes the
 * address).  A few slots are plenty: a statement is bound and then
 * stepped before the next one is bound, except on error paths that drop
 * it unstepped; when full, the oldest entry (most likely such a dropped
 * one) gives way.
 */
#define FAILED_SLOTS 8
static _Thread_local struct {
	const sqlite3_stmt *st;
	int src;
} failed[FAILED_SLOTS];
static _Thread_local size_t failed_next;

static void
note(sqlite3_stmt *st, int src)
{
	size_t i;

	if (src == SQLITE_OK)
		return;
	for (i = 0; i < FAILED_SLOTS; i++)
		if (failed[i].st == st)
			return;
	for (i = 0; i < FAILED_SLOTS && failed[i].st != NULL; i++)
		;
	if (i == FAILED_SLOTS)
		i = failed_next++ % FAILED_SLOTS;
	failed[i].st = st;
	failed[i].src = src;
}

/* Removes st's entry; its code, or SQLITE_OK if it had none. */
static int
take(const sqlite3_stmt *st)
{
	size_t i;
	int src;

	for (i = 0; i < FAILED_SLOTS; i++)
		if (failed[i].st == st && st != NULL) {
			src = failed[i].src;
			failed[i].st = NULL;
			return src;
		}
	return SQLITE_OK;
}

void
saf_sql_forget(const sqlite3_stmt *st)
{
	(void)take(st);
}

enum at_rc
saf_sql_check(struct saf_db *db, sqlite3_stmt *st, const char *what,
    struct at_err *err)
{
	int src = take(st);

	if (src == SQLITE_OK)
		return AT_OK;
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
