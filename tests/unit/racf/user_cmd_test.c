/*
 * user_cmd_test.c - ADDUSER, ALTUSER, DELUSER, LISTUSER and PASSWORD on a
 * fresh database: output text and the effect through the saf API.
 */
#include "racf_fixture.h"
#include "saf/password.h"
#include "saf/user.h"

static void
test_adduser(void **state)
{
	struct fix *f = *state;
	struct saf_user u;

	fix_ok(f, "ADDUSER FRED NAME('User Fred') DATA('Mixed Data')");
	assert_string_equal(at_buf_cstr(&f->out), "ICH01024I User FRED is defined as PROTECTED.\n");
	assert_int_equal(saf_user_get(f->db, "FRED", &u, &f->err), AT_OK);
	assert_true(u.protected_user);
	assert_string_equal(u.owner, "ADMIN");
	assert_string_equal(u.dfltgrp, "SYS1");
	assert_string_equal(u.pname, "USER FRED");
	assert_string_equal(u.data, "Mixed Data");
	assert_false(u.special);
}

static void
test_adduser_fails_whole(void **state)
{
	struct fix *f = *state;
	struct saf_user u;

	fix_ok(f, "AU B");
	/* B exists: A must not be created either */
	assert_int_not_equal(fix_run(f, "ADDUSER (A B)"), AT_OK);
	assert_non_null(strstr(f->err.msg, "ICH01005I"));
	assert_int_equal(saf_user_get(f->db, "A", &u, &f->err), AT_E_NOTFOUND);
	assert_int_equal(fix_run(f, "ADDUSER X UACC(ALL)"), AT_E_INPUT);
	assert_string_equal(f->err.msg, "IKJ56702I INVALID UNIVERSAL ACCESS, ALL\n"
	    "IKJ56701I MISSING ALTER, CONTROL, UPDATE, READ, EXECUTE, OR NONE");
	assert_int_equal(saf_user_get(f->db, "X", &u, &f->err), AT_E_NOTFOUND);
	assert_int_equal(fix_run(f, "ADDUSER 1BAD"), AT_E_INPUT);
	assert_int_equal(fix_run(f, "ADDUSER X PASSWORD(a) NOPASSWORD"), AT_E_INPUT);
	assert_int_equal(saf_user_get(f->db, "X", &u, &f->err), AT_E_NOTFOUND);
}

static void
test_altuser(void **state)
{
	struct fix *f = *state;
	struct saf_user u;
	enum saf_verify_result vr;

	fix_ok(f, "ADDUSER FRED");
	fix_ok(f, "ALU FRED SPECIAL NAME('Fred Smith') PASSWORD(abc) NOEXPIRED OMVS(UID(77) "
	    "HOME('/u/fred') PROGRAM('/bin/sh'))");
	assert_int_equal(saf_user_get(f->db, "FRED", &u, &f->err), AT_OK);
	assert_true(u.special);
	assert_false(u.protected_user);
	assert_string_equal(u.pname, "FRED SMITH");
	assert_true(u.has_uid);
	assert_int_equal(u.uid, 77);
	assert_string_equal(u.home, "/u/fred");
	assert_int_equal(saf_verify_password(f->db, "FRED", "abc", &vr, &f->err), AT_OK);
	assert_int_equal(vr, SAF_VERIFY_OK);
	fix_ok(f, "ALTUSER FRED NOSPECIAL REVOKE NOOMVS");
	assert_int_equal(saf_user_get(f->db, "FRED", &u, &f->err), AT_OK);
	assert_false(u.special);
	assert_true(u.revoked);
	assert_false(u.has_uid);
	fix_ok(f, "ALTUSER FRED RESUME");
	assert_int_equal(saf_user_get(f->db, "FRED", &u, &f->err), AT_OK);
	assert_false(u.revoked);
	assert_int_equal(fix_run(f, "ALTUSER FRED REVOKE(2030/01/01)"), AT_E_INPUT);
	assert_int_equal(fix_run(f, "ALTUSER NOSUCH SPECIAL"), AT_E_NOTFOUND);
}

static void
test_listuser(void **state)
{
	struct fix *f = *state;

	fix_ok(f, "ADDUSER FRED NAME('User Fred') OMVS(UID(1234) HOME('/u/fred'))");
	fix_ok(f, "LISTUSER FRED OMVS");
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "USER=FRED      NAME=USER FRED             OWNER=ADMIN     CREATED="));
	assert_true(fix_out_has(f, "\n DEFAULT-GROUP=SYS1     PASSDATE=N/A    PASS-INTERVAL=186 "
	    "PHRASEDATE=N/A\n ATTRIBUTES=PROTECTED\n REVOKE DATE=NONE   RESUME DATE=NONE\n"));
	assert_true(fix_out_has(f, "\n  GROUP=SYS1      AUTH=USE      CONNECT-OWNER=ADMIN     "
	    "CONNECT-DATE="));
	assert_true(fix_out_has(f, "\nOMVS INFORMATION\n----------------\nUID= 0000001234\n"
	    "HOME= /u/fred\n"));
	fix_ok(f, "LU");
	assert_true(fix_out_has(f, "USER=ADMIN "));
	assert_true(fix_out_has(f, " ATTRIBUTES=SPECIAL PROTECTED\n"));
	fix_ok(f, "LU *");
	assert_true(fix_out_has(f, "USER=ADMIN "));
	assert_true(fix_out_has(f, "USER=FRED "));
	assert_int_equal(fix_run(f, "LISTUSER NOSUCH"), AT_E_NOTFOUND);
	assert_string_equal(f->err.msg, "ICH30001I UNABLE TO LOCATE USER    ENTRY NOSUCH");
	fix_ok(f, "LU FRED NORACF OMVS");
	assert_false(fix_out_has(f, "DEFAULT-GROUP"));
	assert_true(fix_out_has(f, "UID= 0000001234"));
}

static void
test_deluser(void **state)
{
	struct fix *f = *state;
	struct saf_user u;

	fix_ok(f, "ADDUSER (FRED JOE)");
	fix_ok(f, "DELUSER FRED");
	assert_int_equal(saf_user_get(f->db, "FRED", &u, &f->err), AT_E_NOTFOUND);
	assert_int_equal(fix_run(f, "DU FRED"), AT_E_NOTFOUND);
	assert_string_equal(f->err.msg, "IKJ56702I INVALID USERID, FRED");
	/* (JOE FRED): FRED is gone, so JOE stays */
	assert_int_not_equal(fix_run(f, "DELUSER (JOE FRED)"), AT_OK);
	assert_int_equal(saf_user_get(f->db, "JOE", &u, &f->err), AT_OK);
}

static void
test_authority(void **state)
{
	struct fix *f = *state;
	struct saf_user u;

	fix_ok(f, "ADDUSER FRED PASSWORD(old1)");
	fix_as(f, "FRED");
	assert_int_equal(fix_run(f, "ADDUSER MALLORY"), AT_E_DENIED);
	assert_int_equal(saf_user_get(f->db, "MALLORY", &u, &f->err), AT_E_NOTFOUND);
	assert_int_equal(fix_run(f, "ALTUSER FRED SPECIAL"), AT_E_DENIED);
	assert_int_equal(fix_run(f, "LISTUSER ADMIN"), AT_E_DENIED);
	assert_non_null(strstr(f->err.msg, "ICH30009I"));
	fix_ok(f, "LISTUSER");
	assert_true(fix_out_has(f, "USER=FRED "));
	fix_ok(f, "LU *");
	assert_false(fix_out_has(f, "USER=ADMIN "));
}

static void
test_password(void **state)
{
	struct fix *f = *state;
	enum saf_verify_result vr;

	fix_ok(f, "ADDUSER FRED PASSWORD(old1)");
	fix_ok(f, "PW USER(FRED) NOINTERVAL");
	fix_ok(f, "PASSWORD USER(FRED) PASSWORD(new2)");
	assert_int_equal(saf_verify_password(f->db, "FRED", "new2", &vr, &f->err), AT_OK);
	assert_int_equal(vr, SAF_VERIFY_EXPIRED);
	fix_as(f, "FRED");
	fix_ok(f, "PASSWORD PASSWORD(new2 new3)");
	assert_int_equal(saf_verify_password(f->db, "FRED", "new3", &vr, &f->err), AT_OK);
	assert_int_equal(vr, SAF_VERIFY_OK);
	assert_int_equal(fix_run(f, "PASSWORD PASSWORD(new3)"), AT_E_INPUT);
	assert_int_not_equal(fix_run(f, "PASSWORD PASSWORD(wrong new4)"), AT_OK);
	assert_int_equal(saf_verify_password(f->db, "FRED", "new3", &vr, &f->err), AT_OK);
	assert_int_equal(vr, SAF_VERIFY_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_adduser, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_adduser_fails_whole, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_altuser, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_listuser, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_deluser, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_authority, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_password, fix_setup, fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
