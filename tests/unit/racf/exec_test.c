/*
 * exec_test.c - a run of several commands (racf_run): the TSO-style
 * transcript, going on after a failure, counting failures, and the
 * transaction around each command.
 */
#include "racf_fixture.h"
#include "saf/user.h"

static char *
run(struct fix *f, const char *text, bool echo, unsigned *nfailed)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(racf_run(&f->ctx, "jobs.txt", text, strlen(text), echo, fp, nfailed,
	    &f->err), AT_OK);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
test_transcript(void **state)
{
	struct fix *f = *state;
	unsigned nfailed = 99;
	struct saf_user u;
	char *t;

	t = run(f, "ADDUSER A\n\n/* a comment */\nBOGUS X\nALU A +\n   PASSWORD(sekrit)\n"
	    "ADDUSER B\n", true, &nfailed);
	assert_int_equal(nfailed, 1);
	assert_string_equal(t,
	    "READY\n"
	    " ADDUSER A\n"
	    "ICH01024I User A is defined as PROTECTED.\n"
	    "READY\n"
	    " BOGUS X\n"
	    "jobs.txt:4:1: IKJ56500I COMMAND BOGUS NOT FOUND\n"
	    "READY\n"
	    " ALU A PASSWORD(******)\n"
	    "READY\n"
	    " ADDUSER B\n"
	    "ICH01024I User B is defined as PROTECTED.\n"
	    "READY\n"
	    "END\n");
	free(t);
	assert_int_equal(saf_user_get(f->db, "B", &u, &f->err), AT_OK);
	assert_true(u.protected_user);
	assert_int_equal(saf_user_get(f->db, "A", &u, &f->err), AT_OK);
	assert_false(u.protected_user);
}

/* A command that does not parse is echoed with its passwords masked too. */
static void
test_echo_masks_unparsed(void **state)
{
	struct fix *f = *state;
	unsigned nfailed = 0;
	char *t;

	t = run(f, "ALU A PASS(sekrit) BOGUS\nPW PA(old,new) x(\nALU A PA('s3 c)t') NAME(X Y Z)\n",
	    true, &nfailed);
	assert_int_equal(nfailed, 3);
	assert_null(strstr(t, "sekrit"));
	assert_null(strstr(t, "old"));
	assert_null(strstr(t, "s3"));
	assert_non_null(strstr(t, " ALU A PASS(******) BOGUS\n"));
	assert_non_null(strstr(t, " PW PA(***,***) x(\n"));
	assert_non_null(strstr(t, " ALU A PA(********) NAME(X Y Z)\n"));
	free(t);
}

static void
test_quiet_and_errors(void **state)
{
	struct fix *f = *state;
	unsigned nfailed = 0;
	char *t;

	t = run(f, "AU X\nAU X\nLU X NORACF\nAU (Z X)\nAU Y /* never closed", false, &nfailed);
	assert_int_equal(nfailed, 3);
	/* Z was rolled back with the failure on X: no "defined" message for it */
	assert_null(strstr(t, "User Z"));
	assert_non_null(strstr(t, "ICH01024I User X is defined as PROTECTED.\nICH01005I"));
	assert_non_null(strstr(t, "jobs.txt:5:6: IKJ56702I INVALID COMMENT"));
	assert_non_null(strstr(t, "USER=X\n"));
	if (strstr(t, "READY\n") != NULL)
		fail_msg("quiet transcript has READY: %s", t);
	free(t);
}

/* Every command runs in its own transaction and leaves none open. */
static void
test_transactions(void **state)
{
	struct fix *f = *state;

	fix_ok(f, "AU X");
	assert_false(saf_db_in_txn(f->db));
	assert_int_not_equal(fix_run(f, "AU X"), AT_OK);
	assert_false(saf_db_in_txn(f->db));
	fix_ok(f, "LU X");
	assert_false(saf_db_in_txn(f->db));
	assert_int_equal(saf_db_begin(f->db, &f->err), AT_OK);
	assert_int_not_equal(fix_run(f, "AU Z"), AT_OK); /* cannot nest: refused */
	saf_db_rollback(f->db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transcript, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_echo_masks_unparsed, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_quiet_and_errors, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_transactions, fix_setup, fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
