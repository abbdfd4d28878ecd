/*
 * sqlfault_test.c - a bind or an allocation that fails inside SQLite must
 * give an error, never "not protected".  SQLite's allocator is replaced
 * by one that fails the n-th allocation, and an access decision is run
 * with n = 1, 2, ... until it completes untouched.
 */
#include "saf_fixture.h"

#include "saf/sqlutil.h"

static sqlite3_mem_methods real;
static long countdown = -1; /* allocations left before one fails; -1 off */
static bool injected;

static bool
fail_now(void)
{
	if (countdown < 0)
		return false;
	if (countdown-- > 0)
		return false;
	injected = true;
	return true;
}

static void *
f_malloc(int n)
{
	return fail_now() ? NULL : real.xMalloc(n);
}

static void *
f_realloc(void *p, int n)
{
	return fail_now() ? NULL : real.xRealloc(p, n);
}

static void
arm(long n)
{
	countdown = n;
	injected = false;
}

static void
disarm(void)
{
	countdown = -1;
}

/* A bind to a parameter that does not exist (SQLITE_RANGE) stops the
 * statement: stepping it is an error, not a lookup by NULL. */
static void
test_bind_wrong_index(void **state)
{
	struct fx *f = fx_new();
	sqlite3_stmt *st = NULL;
	int row = 1;

	(void)state;
	FX_OK(f, saf_db_prepare(f->db, "SELECT 1 FROM users WHERE name = ?1",
	    &st, &f->err));
	saf_sql_bind(st, 5, "ADMIN");
	assert_int_not_equal(saf_sql_row(f->db, st, &row, "a test lookup",
	    &f->err), AT_OK);
	assert_non_null(strstr(f->err.msg, "could not be bound"));
	sqlite3_finalize(st);
	FX_OK(f, saf_db_prepare(f->db, "UPDATE users SET data = ?1 WHERE "
	    "name = ?2", &st, &f->err));
	saf_sql_bind_i64(st, 3, 7);
	assert_int_not_equal(saf_sql_done(f->db, st, "a test update",
	    &f->err), AT_OK);
	sqlite3_finalize(st);
	/* two statements with failed binds, stepped in the other order */
	{
		sqlite3_stmt *a = NULL, *b = NULL;

		FX_OK(f, saf_db_prepare(f->db, "SELECT 1 FROM users WHERE "
		    "name = ?1", &a, &f->err));
		saf_sql_bind(a, 2, "X");
		FX_OK(f, saf_db_prepare(f->db, "SELECT 1 FROM groups WHERE "
		    "name = ?1", &b, &f->err));
		saf_sql_bind(b, 3, "Y");
		assert_int_not_equal(saf_sql_row(f->db, b, &row, "b", &f->err),
		    AT_OK);
		assert_int_not_equal(saf_sql_row(f->db, a, &row, "a", &f->err),
		    AT_OK);
		sqlite3_finalize(a);
		sqlite3_finalize(b);
	}
	/* a new statement starts clean */
	FX_OK(f, saf_db_prepare(f->db, "SELECT 1 FROM users WHERE name = ?1",
	    &st, &f->err));
	saf_sql_bind(st, 1, "ADMIN");
	FX_OK(f, saf_sql_row(f->db, st, &row, "a test lookup", &f->err));
	assert_int_equal(row, 1);
	sqlite3_finalize(st);
	fx_free(f);
}

/*
 * FACILITY P.Q has UACC(NONE): ANN and the undefined user ?64002 are
 * denied READ.  With each allocation in turn made to fail, the decision is
 * an error or that denial, never "not protected" and never "allowed".
 */
static void
test_oom_never_unprotected(void **state)
{
	struct fx *f = fx_new();
	static const char *const who[] = { "ANN", "?64002" };
	struct saf_decision d;
	enum at_rc rc;
	size_t w;
	long n;

	(void)state;
	fx_group(f, "DEPT1");
	fx_user(f, "ANN", "DEPT1");
	fx_class(f, "FACILITY", true, false);
	fx_rdef(f, "FACILITY", "P.Q", SAF_ACC_NONE);
	fx_rdef(f, "FACILITY", "P.*", SAF_ACC_READ);
	for (w = 0; w < sizeof(who) / sizeof(who[0]); w++) {
		FX_OK(f, saf_check_access(f->db, who[w], "FACILITY", "P.Q",
		    SAF_ACC_READ, &d, &f->err));
		assert_int_equal(d.result, SAF_DENIED);
		for (n = 0; n < 10000; n++) {
			arm(n);
			rc = saf_check_access(f->db, who[w], "FACILITY", "P.Q",
			    SAF_ACC_READ, &d, &f->err);
			disarm();
			if (rc == AT_OK && d.result != SAF_DENIED)
				fail_msg("%s: allocation %ld failed and the answer was "
				    "'%s'", who[w], n, saf_result_name(d.result));
			if (!injected)
				break;
		}
		assert_true(n > 0);
		assert_true(n < 10000);
	}
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bind_wrong_index),
		cmocka_unit_test(test_oom_never_unprotected),
	};
	sqlite3_mem_methods m;

	/* Before any connection: our allocator, and no lookaside, so every
	 * allocation SQLite makes reaches it. */
	if (sqlite3_shutdown() != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real) != SQLITE_OK)
		return 1;
	m = real;
	m.xMalloc = f_malloc;
	m.xRealloc = f_realloc;
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK ||
	    sqlite3_initialize() != SQLITE_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
