/*
 * undefined_test.c - a process whose uid is no user's OMVS UID is the
 * undefined user "?<uid>": never a defined user however its login is
 * spelled, UACC and nothing more, no key ring of its own.
 */
#include "saf_fixture.h"

#include "saf/names.h"
#include "saf/ring.h"

static void
check(struct fx *f, const char *user, const char *resource,
    enum saf_result want)
{
	struct saf_decision d;

	FX_OK(f, saf_check_access(f->db, user, "FACILITY", resource,
	    SAF_ACC_READ, &d, &f->err));
	if (d.result != want)
		fail_msg("%s to %s: got %s, want %s", user, resource,
		    saf_result_name(d.result), saf_result_name(want));
}

static void
test_uacc_only(void **state)
{
	struct fx *f = fx_new();
	struct saf_decision d;

	(void)state;
	fx_group(f, "STAFF");
	fx_user(f, "ALICE", "STAFF");
	fx_class(f, "FACILITY", false, false);
	fx_rdef(f, "FACILITY", "UACC.READ", SAF_ACC_READ);
	fx_rdef(f, "FACILITY", "STAR.READ", SAF_ACC_NONE);
	fx_permit(f, "FACILITY", "STAR.READ", "*", SAF_ACC_READ);
	fx_rdef(f, "FACILITY", "ALICE.ONLY", SAF_ACC_NONE);
	fx_permit(f, "FACILITY", "ALICE.ONLY", "ALICE", SAF_ACC_READ);
	fx_permit(f, "FACILITY", "ALICE.ONLY", "STAFF", SAF_ACC_READ);

	check(f, "ALICE", "ALICE.ONLY", SAF_ALLOWED);
	check(f, "ALICE", "STAR.READ", SAF_ALLOWED);
	check(f, "?64002", "UACC.READ", SAF_ALLOWED);
	check(f, "?64002", "STAR.READ", SAF_DENIED);
	check(f, "?64002", "ALICE.ONLY", SAF_DENIED);
	FX_OK(f, saf_check_access(f->db, "?64002", "FACILITY", "ALICE.ONLY",
	    SAF_ACC_READ, &d, &f->err));
	assert_non_null(strstr(d.message, "ICH408I USER(?64002  ) GROUP("));
	/* only '?' and 1-10 digits is the undefined form */
	assert_true(saf_name_is_undefined("?0"));
	assert_true(saf_name_is_undefined("?4294967295"));
	assert_false(saf_name_is_undefined("?"));
	assert_false(saf_name_is_undefined("?12345678901"));
	assert_false(saf_name_is_undefined("?ALICE"));
	assert_false(saf_name_is_undefined("ALICE"));
	assert_int_equal(saf_check_access(f->db, "?ALICE", "FACILITY",
	    "UACC.READ", SAF_ACC_READ, &d, &f->err), AT_E_INPUT);
	fx_free(f);
}

/* The undefined user owns no ring: "Keyring R" is never someone's R. */
static void
test_no_ring_of_its_own(void **state)
{
	struct fx *f = fx_new();
	struct saf_ring_keys *k = NULL;

	(void)state;
	fx_class(f, "FACILITY", false, false);
	fx_rdef(f, "FACILITY", "IRR.DIGTCERT.LISTRING", SAF_ACC_READ);
	fx_rdef(f, "FACILITY", "IRR.DIGTCERT.LIST", SAF_ACC_READ);
	assert_int_equal(saf_ring_open(f->db, "?64002", "RING1", &k, &f->err),
	    AT_E_DENIED);
	assert_null(k);
	assert_non_null(strstr(f->err.msg, "owns no key ring"));
	/* ADMIN's ring needs UPDATE to LISTRING: UACC(READ) is not enough */
	assert_int_equal(saf_ring_open(f->db, "?64002", "ADMIN/RING1", &k,
	    &f->err), AT_E_DENIED);
	assert_non_null(strstr(f->err.msg, "ICH408I USER(?64002"));
	/* the CERTAUTH virtual ring, as far as UACC allows */
	FX_OK(f, saf_ring_open(f->db, "?64002", "*AUTH*/*", &k, &f->err));
	saf_ring_keys_free(k);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uacc_only),
		cmocka_unit_test(test_no_ring_of_its_own),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
