/*
 * resource_cmd_test.c - RDEFINE, RALTER, RDELETE, RLIST, PERMIT and
 * SETROPTS on a fresh database, checked through the output and through
 * saf_profile_get / saf_check_access.
 */
#include "racf_fixture.h"
#include "saf/access.h"
#include "saf/class.h"
#include "saf/profile.h"

static enum saf_result
check(struct fix *f, const char *user, const char *cls, const char *res, enum saf_access a,
    struct saf_decision *d)
{
	assert_int_equal(saf_check_access(f->db, user, cls, res, a, d, &f->err), AT_OK);
	return d->result;
}

/* The lab: USER1 has READ to DSNR DSN2.REST, FRED has nothing. */
static void
test_dsnr_lab(void **state)
{
	struct fix *f = *state;
	struct saf_decision d;

	fix_ok(f, "ADDGROUP ATSGRP");
	fix_ok(f, "ADDUSER FRED DFLTGRP(ATSGRP) NAME('USER FRED')");
	fix_ok(f, "ADDUSER USER1 NAME('WORKSHOP USER1')");
	fix_ok(f, "SETROPTS CLASSACT(DSNR)");
	assert_string_equal(at_buf_cstr(&f->out), "ICH14063I SETROPTS command complete.\n");
	fix_ok(f, "RDEFINE DSNR DSN2.REST UACC(NONE)");
	assert_string_equal(at_buf_cstr(&f->out), "");
	fix_ok(f, "PERMIT DSN2.REST CLASS(DSNR) ID(USER1) ACCESS(READ)");
	assert_string_equal(at_buf_cstr(&f->out), "");
	assert_int_equal(check(f, "USER1", "DSNR", "DSN2.REST", SAF_ACC_READ, &d), SAF_ALLOWED);
	assert_int_equal(check(f, "FRED", "DSNR", "DSN2.REST", SAF_ACC_READ, &d), SAF_DENIED);
	assert_non_null(strstr(d.message, "ICH408I USER(FRED    ) GROUP(ATSGRP  )"));
	fix_ok(f, "RLIST DSNR DSN2.REST AUTHUSER");
	assert_string_equal(at_buf_cstr(&f->out),
	    "CLASS      NAME\n"
	    "-----      ----\n"
	    "DSNR       DSN2.REST\n"
	    "\n"
	    "LEVEL  OWNER      UNIVERSAL ACCESS  YOUR ACCESS  WARNING\n"
	    "-----  --------   ----------------  -----------  -------\n"
	    " 00    ADMIN           NONE               NONE    NO\n"
	    "\n"
	    "INSTALLATION DATA\n"
	    "-----------------\n"
	    "NONE\n"
	    "\n"
	    "APPLICATION DATA\n"
	    "----------------\n"
	    "NONE\n"
	    "\n"
	    "AUDITING\n"
	    "--------\n"
	    "FAILURES(READ)\n"
	    "\n"
	    "NOTIFY\n"
	    "------\n"
	    "NO USER TO BE NOTIFIED\n"
	    "\n"
	    "USER      ACCESS   ACCESS COUNT\n"
	    "----      ------   ------ -----\n"
	    "USER1     READ        000000\n");
	fix_ok(f, "PERMIT DSN2.REST CLASS(DSNR) ID(USER1) DELETE");
	assert_int_equal(check(f, "USER1", "DSNR", "DSN2.REST", SAF_ACC_READ, &d), SAF_DENIED);
	assert_int_equal(fix_run(f, "PERMIT DSN2.REST CLASS(DSNR) ID(USER1) DELETE"), AT_E_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "ICH06002I USER1 NOT AUTHORIZED, DELETE IGNORED"));
}

/* The DB2PTKT block of the lab, as written. */
static void
test_ptktdata_lab(void **state)
{
	struct fix *f = *state;
	struct saf_profile p;

	fix_ok(f, "ADDUSER LIBSERV");
	fix_ok(f, "SETROPTS CLASSACT(PTKTDATA) RACLIST(PTKTDATA)");
	fix_ok(f, "RDEFINE PTKTDATA DSN2APPL SSIGNON(KEYMASK(123456789ABCDEF0)) +\n"
	    "APPLDATA('NO REPLAY PROTECTION')");
	assert_string_equal(at_buf_cstr(&f->out), "ICH10006I RACLISTED PROFILES FOR PTKTDATA WILL "
	    "NOT REFLECT THE ADDITION(S) UNTIL A SETROPTS REFRESH IS ISSUED.\n");
	assert_int_equal(saf_profile_get(f->db, "PTKTDATA", "DSN2APPL", &p, &f->err), AT_OK);
	assert_true(p.has_ptkt_key);
	assert_string_equal(p.appldata, "NO REPLAY PROTECTION");
	fix_ok(f, "RDEFINE PTKTDATA IRRPTAUTH.DSN2APPL.* UACC(NONE)");
	fix_ok(f, "PERMIT IRRPTAUTH.DSN2APPL.* ID(LIBSERV) CLASS(PTKTDATA) ACC(UPDATE)");
	assert_true(fix_out_has(f, "ICH06011I RACLISTED PROFILES FOR PTKTDATA WILL NOT REFLECT "
	    "THE UPDATE(S) UNTIL A SETROPTS REFRESH IS ISSUED\n"));
	fix_ok(f, "SETROPTS RACLIST(PTKTDATA) REFRESH");
	fix_ok(f, "RLIST PTKTDATA DSN2APPL SSIGNON");
	assert_true(fix_out_has(f, "\nSSIGNON INFORMATION\n-------------------\n"
	    "KEYMASKED DATA NOT DISPLAYABLE\n"));
	assert_false(fix_out_has(f, "123456789ABCDEF0"));
	assert_int_equal(fix_run(f, "RDEFINE PTKTDATA BAD SSIGNON(KEYMASKED(12345))"), AT_E_INPUT);
	assert_string_equal(f->err.msg, "IKJ56702I INVALID KEY, 12345\n"
	    "IKJ56701I MISSING 16 HEXADECIMAL DIGITS");
	assert_int_equal(saf_profile_get(f->db, "PTKTDATA", "BAD", &p, &f->err), AT_E_NOTFOUND);
}

static void
test_ralter_rdelete(void **state)
{
	struct fix *f = *state;
	struct saf_profile p;

	fix_ok(f, "RDEFINE FACILITY (A.B C.D) UACC(READ) AUDIT(ALL(UPDATE) FAILURES)");
	assert_int_equal(saf_profile_get(f->db, "FACILITY", "C.D", &p, &f->err), AT_OK);
	assert_string_equal(p.audit, "ALL(UPDATE),FAILURES(READ)");
	fix_ok(f, "RALTER FACILITY A.B UACC(NONE) WARNING DATA('why') NOTIFY");
	assert_int_equal(saf_profile_get(f->db, "FACILITY", "A.B", &p, &f->err), AT_OK);
	assert_int_equal(p.uacc, SAF_ACC_NONE);
	assert_true(p.warning);
	assert_string_equal(p.data, "why");
	assert_string_equal(p.notify, "ADMIN");
	assert_int_equal(fix_run(f, "RALTER FACILITY NOPE UACC(READ)"), AT_E_NOTFOUND);
	assert_string_equal(f->err.msg, "ICH11102I NOPE NOT DEFINED TO CLASS FACILITY.");
	/* E.F does not exist: A.B must survive the failed command */
	assert_int_not_equal(fix_run(f, "RDELETE FACILITY (A.B E.F)"), AT_OK);
	assert_int_equal(saf_profile_get(f->db, "FACILITY", "A.B", &p, &f->err), AT_OK);
	fix_ok(f, "RDEL FACILITY (A.B C.D)");
	assert_int_equal(saf_profile_get(f->db, "FACILITY", "A.B", &p, &f->err), AT_E_NOTFOUND);
	assert_int_equal(fix_run(f, "RLIST FACILITY A.B"), AT_E_NOTFOUND);
	assert_string_equal(f->err.msg, "ICH13003I A.B NOT FOUND");
	assert_int_equal(fix_run(f, "RDEFINE NOCLASS X"), AT_E_INPUT);
	assert_string_equal(f->err.msg, "IKJ56702I INVALID CLASS, NOCLASS");
	fix_ok(f, "RDEFINE FACILITY X.* UACC(READ)");
	assert_true(fix_out_has(f, "ICH10321I"));
}

static void
test_permit_forms(void **state)
{
	struct fix *f = *state;
	struct saf_decision d;

	fix_ok(f, "SETROPTS CLASSACT(FACILITY)");
	fix_ok(f, "AG G1");
	fix_ok(f, "AU (U1 U2 U3)");
	fix_ok(f, "CO U3 GROUP(G1)");
	fix_ok(f, "RDEFINE FACILITY P1 UACC(NONE)");
	fix_ok(f, "RDEFINE FACILITY P2 UACC(NONE)");
	fix_ok(f, "PERMIT (P1) CLASS(FACILITY) ID(U1 G1)");
	assert_int_equal(check(f, "U1", "FACILITY", "P1", SAF_ACC_READ, &d), SAF_ALLOWED);
	assert_int_equal(check(f, "U1", "FACILITY", "P1", SAF_ACC_UPDATE, &d), SAF_DENIED);
	assert_int_equal(check(f, "U3", "FACILITY", "P1", SAF_ACC_READ, &d), SAF_ALLOWED);
	fix_ok(f, "PERMIT P2 CLASS(FACILITY) FROM(P1)");
	assert_int_equal(check(f, "U1", "FACILITY", "P2", SAF_ACC_READ, &d), SAF_ALLOWED);
	fix_ok(f, "PERMIT P2 CLASS(FACILITY) RESET");
	assert_int_equal(check(f, "U1", "FACILITY", "P2", SAF_ACC_READ, &d), SAF_DENIED);
	fix_ok(f, "PERMIT P2 CLASS(FACILITY) ID(*) ACCESS(UPDATE)");
	assert_int_equal(check(f, "U2", "FACILITY", "P2", SAF_ACC_UPDATE, &d), SAF_ALLOWED);
	/* an unknown id anywhere in the list: nothing is permitted */
	assert_int_not_equal(fix_run(f, "PERMIT P1 CLASS(FACILITY) ID(U2 NOSUCH) ACCESS(ALTER)"),
	    AT_OK);
	assert_string_equal(f->err.msg, "ICH06007I NOSUCH NOT DEFINED TO RACF");
	assert_int_equal(check(f, "U2", "FACILITY", "P1", SAF_ACC_READ, &d), SAF_DENIED);
	assert_int_equal(fix_run(f, "PERMIT P1 CLASS(FACILITY) ID(U2) ACCESS(ALL)"), AT_E_INPUT);
	assert_int_equal(fix_run(f, "PERMIT P1 CLASS(FACILITY) ID(U2) ACCESS(READ) DELETE"),
	    AT_E_INPUT);
	assert_int_equal(fix_run(f, "PERMIT NOPE CLASS(FACILITY) ID(U2)"), AT_E_NOTFOUND);
	assert_string_equal(f->err.msg, "ICH06004I NOPE NOT DEFINED TO RACF");
	fix_ok(f, "PERMIT P1 CLASS(FACILITY) ID(U1) DELETE RESET");
	assert_true(fix_out_has(f, "ICH06009I RESET OPTION IGNORED, CONFLICTS WITH DELETE REQUEST"));
	/* not the owner, not SPECIAL */
	fix_as(f, "U2");
	assert_int_equal(fix_run(f, "PERMIT P1 CLASS(FACILITY) ID(U2) ACCESS(ALTER)"), AT_E_DENIED);
	assert_int_equal(fix_run(f, "RLIST FACILITY P1"), AT_E_DENIED);
	fix_ok(f, "RLIST FACILITY P2 AUTHUSER");
	assert_true(fix_out_has(f, " 00    ADMIN           NONE               UPDATE  NO\n"));
	assert_false(fix_out_has(f, "ACCESS COUNT"));
}

static void
test_setropts(void **state)
{
	struct fix *f = *state;
	struct saf_class c;
	uint64_t gen;
	int64_t v = 0;

	fix_ok(f, "SETR CLASSACT(FACILITY DSNR) GENERIC(FACILITY)");
	assert_int_equal(saf_class_get(f->db, "FACILITY", &c, &f->err), AT_OK);
	assert_true(c.active);
	assert_true(c.generic);
	fix_ok(f, "SETR RACLIST(FACILITY)");
	assert_int_equal(saf_class_get(f->db, "FACILITY", &c, &f->err), AT_OK);
	assert_true(c.raclist);
	gen = c.generation;
	fix_ok(f, "SETR RACLIST(FACILITY) REFRESH");
	assert_int_equal(saf_class_get(f->db, "FACILITY", &c, &f->err), AT_OK);
	assert_true(c.generation > gen);
	fix_ok(f, "SETROPTS PASSWORD(REVOKE(5) INTERVAL(90))");
	assert_int_equal(saf_option_get(f->db, SAF_OPT_PASSWORD_REVOKE, &v, &f->err), AT_OK);
	assert_int_equal(v, 5);
	fix_ok(f, "SETROPTS LIST");
	assert_true(fix_out_has(f, "ACTIVE CLASSES = "));
	assert_true(fix_out_has(f, " DSNR"));
	assert_true(fix_out_has(f, "SETR RACLIST CLASSES = FACILITY\n"));
	assert_true(fix_out_has(f, "PASSWORD CHANGE INTERVAL IS 90 DAYS."));
	/* REFRESH of a class that is not RACLISTed: a warning, not a failure */
	fix_ok(f, "setr raclist(digtcert,digtmap) refresh");
	assert_true(fix_out_has(f, "ICH14070I SETROPTS RACLIST REFRESH HAS NO EFFECT: CLASS DIGTCERT "
	    "IS NOT RACLISTED.\n"));
	assert_true(fix_out_has(f, "ICH14070I SETROPTS RACLIST REFRESH HAS NO EFFECT: CLASS DIGTMAP "
	    "IS NOT RACLISTED.\n"));
	assert_true(fix_out_has(f, "ICH14063I SETROPTS command complete.\n"));
	fix_ok(f, "setr raclist(nosuchcl) refresh");
	assert_true(fix_out_has(f, "ICH14070I SETROPTS RACLIST REFRESH HAS NO EFFECT: CLASS NOSUCHCL "
	    "IS NOT DEFINED.\n"));
	assert_int_equal(fix_run(f, "setr raclist(nosuchcl)"), AT_E_INPUT);
	fix_ok(f, "setr raclist(digtmap)");
	fix_ok(f, "SETR NOCLASSACT(DSNR)");
	assert_int_equal(saf_class_get(f->db, "DSNR", &c, &f->err), AT_OK);
	assert_false(c.active);
	assert_int_equal(fix_run(f, "SETR REFRESH"), AT_E_INPUT);
	assert_int_equal(fix_run(f, "SETR CLASSACT(NOCLASS)"), AT_E_INPUT);
	/* a failed SETROPTS changes nothing, even the classes before the error */
	assert_int_not_equal(fix_run(f, "SETR CLASSACT(DSNR NOCLASS)"), AT_OK);
	assert_int_equal(saf_class_get(f->db, "DSNR", &c, &f->err), AT_OK);
	assert_false(c.active);
	fix_ok(f, "AU FRED");
	fix_as(f, "FRED");
	assert_int_equal(fix_run(f, "SETR CLASSACT(DSNR)"), AT_E_DENIED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dsnr_lab, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_ptktdata_lab, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_ralter_rdelete, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_permit_forms, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_setropts, fix_setup, fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
