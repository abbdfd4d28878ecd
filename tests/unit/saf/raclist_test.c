/*
 * raclist_test.c - RACLISTed classes are decided from the copy taken at
 * the last SETROPTS RACLIST(class) REFRESH, in every open handle and in a
 * freshly opened one; classes that are not RACLISTed are read live.
 */
#include "saf_fixture.h"

#include "saf/raclist.h"

static enum saf_result
check(struct fx *f, struct saf_db *db, const char *user, const char *cls,
    const char *res)
{
	struct saf_decision d;

	FX_OK(f, saf_check_access(db, user, cls, res, SAF_ACC_READ, &d,
	    &f->err));
	return d.result;
}

static struct saf_db *
second(struct fx *f)
{
	struct saf_db *db = NULL;

	FX_OK(f, saf_db_open(f->path, 0, &db, &f->err));
	return db;
}

static void
test_permit_waits_for_refresh(void **state)
{
	struct fx *f = fx_new();
	struct saf_db *other, *late;

	(void)state;
	fx_group(f, "ATSGRP");
	fx_user(f, "USER1", "ATSGRP");
	fx_class(f, "FACILITY", true, true);
	fx_rdef(f, "FACILITY", "BPX.SERVER", SAF_ACC_NONE);
	other = second(f);
	/* defined after the RACLIST: not in the copy yet */
	assert_int_equal(check(f, f->db, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_NOT_PROTECTED);
	fx_refresh(f, "FACILITY");
	assert_int_equal(check(f, f->db, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_DENIED);
	assert_int_equal(check(f, other, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_DENIED);
	fx_permit(f, "FACILITY", "BPX.SERVER", "USER1", SAF_ACC_READ);
	/* the PERMIT is in the database, not in any copy */
	assert_int_equal(check(f, f->db, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_DENIED);
	assert_int_equal(check(f, other, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_DENIED);
	late = second(f);
	assert_int_equal(check(f, late, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_DENIED);
	fx_refresh(f, "FACILITY");
	assert_int_equal(check(f, f->db, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_ALLOWED);
	assert_int_equal(check(f, other, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_ALLOWED);
	assert_int_equal(check(f, late, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_ALLOWED);
	/* one rebuild per REFRESH, not one per decision */
	assert_int_equal(check(f, other, "USER1", "FACILITY", "BPX.SERVER"),
	    SAF_ALLOWED);
	assert_int_equal(saf_raclist_builds(other), 2);
	saf_db_close(other);
	saf_db_close(late);
	fx_free(f);
}

static void
test_generic_and_delete(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	fx_group(f, "ATSGRP");
	fx_user(f, "USER1", "ATSGRP");
	fx_class(f, "FACILITY", true, true);
	fx_rdef(f, "FACILITY", "IRR.**", SAF_ACC_NONE);
	fx_rdef(f, "FACILITY", "IRR.DIGTCERT.*", SAF_ACC_READ);
	fx_refresh(f, "FACILITY");
	assert_int_equal(check(f, f->db, "USER1", "FACILITY",
	    "IRR.DIGTCERT.LISTRING"), SAF_ALLOWED);
	assert_int_equal(check(f, f->db, "USER1", "FACILITY", "IRR.OTHER"),
	    SAF_DENIED);
	fx_begin(f);
	FX_OK(f, saf_profile_delete(f->db, &f->admin, "FACILITY",
	    "IRR.DIGTCERT.*", &f->err));
	fx_commit(f);
	/* still decided by the deleted profile until the REFRESH */
	assert_int_equal(check(f, f->db, "USER1", "FACILITY",
	    "IRR.DIGTCERT.LISTRING"), SAF_ALLOWED);
	fx_refresh(f, "FACILITY");
	assert_int_equal(check(f, f->db, "USER1", "FACILITY",
	    "IRR.DIGTCERT.LISTRING"), SAF_DENIED);
	fx_free(f);
}

static void
test_live_classes(void **state)
{
	struct fx *f = fx_new();
	struct saf_db *other;

	(void)state;
	fx_group(f, "ATSGRP");
	fx_user(f, "USER1", "ATSGRP");
	fx_class(f, "DSNR", false, false);
	fx_rdef(f, "DSNR", "DSN2.REST", SAF_ACC_NONE);
	other = second(f);
	assert_int_equal(check(f, other, "USER1", "DSNR", "DSN2.REST"),
	    SAF_DENIED);
	fx_permit(f, "DSNR", "DSN2.REST", "USER1", SAF_ACC_READ);
	assert_int_equal(check(f, other, "USER1", "DSNR", "DSN2.REST"),
	    SAF_ALLOWED);
	assert_int_equal(saf_raclist_builds(other), 0);
	/* RACLIST it: decided from the copy from now on */
	fx_class(f, "DSNR", false, true);
	fx_permit(f, "DSNR", "DSN2.REST", "USER1", SAF_ACC_NONE);
	assert_int_equal(check(f, other, "USER1", "DSNR", "DSN2.REST"),
	    SAF_ALLOWED);
	/* NORACLIST: live again */
	fx_begin(f);
	FX_OK(f, saf_setropts_raclist(f->db, &f->admin, "DSNR", false,
	    &f->err));
	fx_commit(f);
	assert_int_equal(check(f, other, "USER1", "DSNR", "DSN2.REST"),
	    SAF_DENIED);
	saf_db_close(other);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_permit_waits_for_refresh),
		cmocka_unit_test(test_generic_and_delete),
		cmocka_unit_test(test_live_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
