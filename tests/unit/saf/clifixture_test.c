/*
 * clifixture_test.c - builds the database the `attls saf` command-line
 * test uses.  Run with no argument it is an ordinary unit test (it builds
 * the fixture in a temporary directory and checks it); run with a path it
 * writes the fixture there for tests/cli/saf_cmd_test.sh.
 *
 * The fixture: the invoking Linux uid is LIBSERV (SPECIAL, the first
 * user); group ATSGRP with FRED (NAME 'USER FRED', password fredpw, not
 * expired) and USER1 (password user1pw, expired); DSNR DSN2.* UACC(NONE)
 * with USER1 READ; PTKTDATA DSN2APPL (key 123456789ABCDEF0) and NOREPLAY
 * (same key, APPLDATA('NO REPLAY PROTECTION')) with IRRPTAUTH.<appl>.*
 * UPDATE for LIBSERV.
 */
#include "saf_fixture.h"

static const unsigned char key[8] = {
	0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0
};

static void
build(const char *path)
{
	struct fx f;
	struct saf_user_change uc;
	struct saf_profile_change pc;

	memset(&f, 0, sizeof(f));
	FX_OK(&f, saf_db_open(path, SAF_DB_CREATE, &f.db, &f.err));
	FX_OK(&f, saf_bootstrap_admin(f.db, getuid(), "LIBSERV", &f.err));
	FX_OK(&f, saf_actor_load(f.db, "LIBSERV", &f.admin, &f.err));
	fx_group(&f, "ATSGRP");
	fx_user(&f, "FRED", "ATSGRP");
	fx_user(&f, "USER1", "ATSGRP");
	memset(&uc, 0, sizeof(uc));
	uc.set = SAF_UC_PNAME | SAF_UC_PASSWORD;
	uc.pname = "USER FRED";
	uc.password = "fredpw";
	uc.noexpired = true;
	fx_begin(&f);
	FX_OK(&f, saf_user_alter(f.db, &f.admin, "FRED", &uc, &f.err));
	uc.set = SAF_UC_PASSWORD;
	uc.password = "user1pw";
	uc.noexpired = false;
	FX_OK(&f, saf_user_alter(f.db, &f.admin, "USER1", &uc, &f.err));
	fx_commit(&f);
	fx_class(&f, "DSNR", true, false);
	fx_rdef(&f, "DSNR", "DSN2.*", SAF_ACC_NONE);
	fx_permit(&f, "DSNR", "DSN2.*", "USER1", SAF_ACC_READ);
	fx_class(&f, "PTKTDATA", true, true);
	memset(&pc, 0, sizeof(pc));
	pc.set = SAF_PC_PTKT_KEY;
	pc.ptkt_key = key;
	fx_begin(&f);
	FX_OK(&f, saf_profile_define(f.db, &f.admin, "PTKTDATA", "DSN2APPL",
	    &pc, NULL, &f.err));
	pc.set |= SAF_PC_APPLDATA;
	pc.appldata = "NO REPLAY PROTECTION";
	FX_OK(&f, saf_profile_define(f.db, &f.admin, "PTKTDATA", "NOREPLAY",
	    &pc, NULL, &f.err));
	fx_commit(&f);
	fx_rdef(&f, "PTKTDATA", "IRRPTAUTH.DSN2APPL.*", SAF_ACC_NONE);
	fx_permit(&f, "PTKTDATA", "IRRPTAUTH.DSN2APPL.*", "LIBSERV",
	    SAF_ACC_UPDATE);
	fx_rdef(&f, "PTKTDATA", "IRRPTAUTH.NOREPLAY.*", SAF_ACC_NONE);
	fx_permit(&f, "PTKTDATA", "IRRPTAUTH.NOREPLAY.*", "LIBSERV",
	    SAF_ACC_UPDATE);
	fx_begin(&f);
	FX_OK(&f, saf_setropts_refresh(f.db, &f.admin, "PTKTDATA", &f.err));
	fx_commit(&f);
	saf_db_close(f.db);
}

static void
test_fixture(void **state)
{
	struct fx f;
	struct saf_decision d;

	(void)state;
	fx_dir(&f);
	build(f.path);
	FX_OK(&f, saf_db_open(f.path, 0, &f.db, &f.err));
	FX_OK(&f, saf_check_access(f.db, "FRED", "DSNR", "DSN2.REST",
	    SAF_ACC_READ, &d, &f.err));
	assert_int_equal(d.result, SAF_DENIED);
	saf_db_close(f.db);
	fx_rmdir(f.dir);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
	};

	if (argc == 2) {
		build(argv[1]);
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
