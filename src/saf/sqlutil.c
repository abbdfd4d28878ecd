/* sqlutil.c - small helpers for the saf modules' SQL. */
#include "saf/sqlutil.h"

#include <string.h>

enum at_rc
saf_sql_done(struct saf_db *db, sqlite3_stmt *st, const char *what,
    struct at_err *err)
{
	int src = sqlite3_step(st);

	if (src == SQLITE_DONE || src == SQLITE_ROW)
		return AT_OK;
	return saf_db_fail(db, src, what, err);
}

enum at_rc
saf_sql_row(struct saf_db *db, sqlite3_stmt *st, int *row, const char *what,
    struct at_err *err)
{
	int src = sqlite3_step(st);

	*row = 0;
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
	if (t == NULL)
		return;
	n = (size_t)sqlite3_column_bytes(st, i);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(dst, t, n);
	dst[n] = '\0';
}

void
saf_sql_bind(sqlite3_stmt *st, int i, const char *text)
{
	if (text == NULL)
		(void)sqlite3_bind_null(st, i);
	else
		(void)sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
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
		(void)sqlite3_bind_int64(st, 1, num);
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
