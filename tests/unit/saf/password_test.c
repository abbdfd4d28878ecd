/* password_test.c - hashes, verification outcomes, revoke after failures. */
#include "saf_fixture.h"

#include "common/buf.h"

static void
set_pw(struct fx *f, const char *user, const char *pw, bool noexpired)
{
	struct saf_user_change ch = { .set = SAF_UC_PASSWORD, .password = pw,
	    .noexpired = noexpired };

	fx_begin(f);
	FX_OK(f, saf_user_alter(f->db, &f->admin, user, &ch, &f->err));
	fx_commit(f);
}

static enum saf_verify_result
verify(struct fx *f, const char *user, const char *pw)
{
	enum saf_verify_result r;

	FX_OK(f, saf_verify_password(f->db, user, pw, &r, &f->err));
	return r;
}

static void
test_outcomes(void **state)
{
	struct fx *f = fx_new();
	struct saf_user u;

	(void)state;
	fx_user(f, "FRED", "SYS1");
	FX_OK(f, saf_user_get(f->db, "FRED", &u, &f->err));
	assert_true(u.protected_user);
	assert_int_equal(verify(f, "FRED", "anything"), SAF_VERIFY_PROTECTED);
	assert_int_equal(verify(f, "NOBODY", "x"), SAF_VERIFY_UNKNOWN_USER);
	set_pw(f, "FRED", "s3cret", false);
	FX_OK(f, saf_user_get(f->db, "FRED", &u, &f->err));
	assert_false(u.protected_user);
	assert_true(u.pw_expired);
	assert_int_equal(verify(f, "FRED", "s3cret"), SAF_VERIFY_EXPIRED);
	assert_int_equal(verify(f, "FRED", "S3CRET"),
	    SAF_VERIFY_WRONG_PASSWORD);
	set_pw(f, "FRED", "s3cret", true);
	assert_int_equal(verify(f, "fred", "s3cret"), SAF_VERIFY_OK);
	FX_OK(f, saf_user_get(f->db, "FRED", &u, &f->err));
	assert_true(u.last_access > 0);
	assert_int_equal(u.failed, 0);
	fx_free(f);
}

static void
test_revoke_after_failures(void **state)
{
	struct fx *f = fx_new();
	struct saf_user_change resume = { .set = SAF_UC_REVOKE,
	    .revoked = false };
	struct saf_user u;

	(void)state;
	fx_user(f, "FRED", "SYS1");
	set_pw(f, "FRED", "good", true);
	assert_int_equal(verify(f, "FRED", "bad1"), SAF_VERIFY_WRONG_PASSWORD);
	assert_int_equal(verify(f, "FRED", "bad2"), SAF_VERIFY_WRONG_PASSWORD);
	/* a success in between resets the count */
	assert_int_equal(verify(f, "FRED", "good"), SAF_VERIFY_OK);
	assert_int_equal(verify(f, "FRED", "bad1"), SAF_VERIFY_WRONG_PASSWORD);
	assert_int_equal(verify(f, "FRED", "bad2"), SAF_VERIFY_WRONG_PASSWORD);
	assert_int_equal(verify(f, "FRED", "bad3"), SAF_VERIFY_WRONG_PASSWORD);
	FX_OK(f, saf_user_get(f->db, "FRED", &u, &f->err));
	assert_true(u.revoked);
	assert_int_equal(verify(f, "FRED", "good"), SAF_VERIFY_REVOKED);
	fx_begin(f);
	FX_OK(f, saf_user_alter(f->db, &f->admin, "FRED", &resume, &f->err));
	/* REVOKE(0): no limit */
	FX_OK(f, saf_option_set(f->db, &f->admin, SAF_OPT_PASSWORD_REVOKE, 0,
	    &f->err));
	fx_commit(f);
	assert_int_equal(verify(f, "FRED", "good"), SAF_VERIFY_OK);
	assert_int_equal(verify(f, "FRED", "x"), SAF_VERIFY_WRONG_PASSWORD);
	assert_int_equal(verify(f, "FRED", "x"), SAF_VERIFY_WRONG_PASSWORD);
	assert_int_equal(verify(f, "FRED", "x"), SAF_VERIFY_WRONG_PASSWORD);
	assert_int_equal(verify(f, "FRED", "good"), SAF_VERIFY_OK);
	fx_free(f);
}

static void
test_hash_storage(void **state)
{
	struct fx *f = fx_new();
	sqlite3_stmt *st = NULL;
	const void *h1, *h2;

	(void)state;
	fx_user(f, "A1", "SYS1");
	fx_user(f, "A2", "SYS1");
	set_pw(f, "A1", "same", false);
	set_pw(f, "A2", "same", false);
	FX_OK(f, saf_db_prepare(f->db, "SELECT a.pw_hash, b.pw_hash, "
	    "length(a.pw_salt), a.pw_iter FROM users a, users b WHERE "
	    "a.name = 'A1' AND b.name = 'A2'", &st, &f->err));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), SAF_PW_HASH_LEN);
	h1 = sqlite3_column_blob(st, 0);
	h2 = sqlite3_column_blob(st, 1);
	assert_memory_not_equal(h1, h2, SAF_PW_HASH_LEN);
	assert_int_equal(sqlite3_column_int(st, 2), SAF_PW_SALT_LEN);
	assert_int_equal(sqlite3_column_int(st, 3), SAF_PBKDF2_ITER);
	sqlite3_finalize(st);
	fx_free(f);
}

static void
test_self_change(void **state)
{
	struct fx *f = fx_new();
	struct saf_actor fred;

	(void)state;
	fx_user(f, "FRED", "SYS1");
	fx_user(f, "BOB", "SYS1");
	set_pw(f, "FRED", "first", false);
	FX_OK(f, saf_actor_load(f->db, "FRED", &fred, &f->err));
	fx_begin(f);
	assert_int_equal(saf_password_change(f->db, &fred, "FRED", "wrong",
	    "second", false, &f->err), AT_E_DENIED);
	assert_int_equal(saf_password_change(f->db, &fred, "FRED", "first",
	    "first", false, &f->err), AT_E_INPUT);
	FX_OK(f, saf_password_change(f->db, &fred, "FRED", "first", "second",
	    false, &f->err));
	/* FRED neither SPECIAL nor BOB's owner */
	assert_int_equal(saf_password_change(f->db, &fred, "BOB", NULL, "x",
	    false, &f->err), AT_E_DENIED);
	fx_commit(f);
	assert_int_equal(verify(f, "FRED", "second"), SAF_VERIFY_OK);
	fx_free(f);
}

static void
test_joins_caller_transaction(void **state)
{
	struct fx *f = fx_new();
	enum saf_verify_result r;
	struct saf_user u;

	(void)state;
	fx_user(f, "FRED", "SYS1");
	set_pw(f, "FRED", "good", true);
	fx_begin(f);
	FX_OK(f, saf_verify_password(f->db, "FRED", "bad", &r, &f->err));
	assert_int_equal(r, SAF_VERIFY_WRONG_PASSWORD);
	assert_true(saf_db_in_txn(f->db));
	saf_db_rollback(f->db);
	/* the caller rolled back: the failure was not counted */
	FX_OK(f, saf_user_get(f->db, "FRED", &u, &f->err));
	assert_int_equal(u.failed, 0);
	fx_free(f);
}

static void
test_options(void **state)
{
	struct fx *f = fx_new();
	struct saf_actor nobody;
	int64_t v = 0;

	(void)state;
	fx_user(f, "FRED", "SYS1");
	FX_OK(f, saf_actor_load(f->db, "FRED", &nobody, &f->err));
	FX_OK(f, saf_option_get(f->db, SAF_OPT_PASSWORD_REVOKE, &v, &f->err));
	assert_int_equal(v, SAF_PW_REVOKE_DEFAULT);
	fx_begin(f);
	assert_int_equal(saf_option_set(f->db, &f->admin,
	    SAF_OPT_PASSWORD_REVOKE, 256, &f->err), AT_E_INPUT);
	assert_int_equal(saf_option_set(f->db, &f->admin, "NOSUCH", 1,
	    &f->err), AT_E_INPUT);
	assert_int_equal(saf_option_set(f->db, &nobody,
	    SAF_OPT_PASSWORD_REVOKE, 5, &f->err), AT_E_DENIED);
	FX_OK(f, saf_option_set(f->db, &f->admin, SAF_OPT_PASSWORD_INTERVAL,
	    90, &f->err));
	fx_commit(f);
	FX_OK(f, saf_option_get(f->db, SAF_OPT_PASSWORD_INTERVAL, &v,
	    &f->err));
	assert_int_equal(v, 90);
	fx_free(f);
}

static void
test_messages(void **state)
{
	struct at_buf b;

	(void)state;
	at_buf_init(&b, 4096);
	assert_int_equal(saf_verify_message("NOTDFND", "", "",
	    SAF_VERIFY_UNKNOWN_USER, &b), AT_OK);
	assert_string_equal((const char *)b.data,
	    "ICH408I USER(NOTDFND ) GROUP(        ) NAME(???                 )\n"
	    "  LOGON/JOB INITIATION - USER AT TERMINAL          NOT "
	    "RACF-DEFINED\n"
	    "IRR012I  VERIFICATION FAILED. USER PROFILE NOT FOUND.\n");
	at_buf_reset(&b);
	assert_int_equal(saf_verify_message("USR001", "GRP001", "AUSER",
	    SAF_VERIFY_REVOKED, &b), AT_OK);
	assert_string_equal((const char *)b.data,
	    "ICH408I USER(USR001  ) GROUP(GRP001  ) NAME(AUSER               )\n"
	    "  LOGON/JOB INITIATION - REVOKED USER ACCESS ATTEMPT\n");
	at_buf_reset(&b);
	assert_int_equal(saf_verify_message("FRED", "SYS1", "",
	    SAF_VERIFY_WRONG_PASSWORD, &b), AT_OK);
	assert_non_null(strstr((const char *)b.data, "IRR013I  VERIFICATION "
	    "FAILED. INVALID PASSWORD GIVEN.\n"));
	at_buf_reset(&b);
	assert_int_equal(saf_verify_message("FRED", "SYS1", "",
	    SAF_VERIFY_OK, &b), AT_OK);
	assert_int_equal(b.len, 0);
	at_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_revoke_after_failures),
		cmocka_unit_test(test_hash_storage),
		cmocka_unit_test(test_self_change),
		cmocka_unit_test(test_joins_caller_transaction),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
