/* access_test.c - every rule of the access decision, table-driven. */
#include "saf_fixture.h"

static struct fx *fx;

static int
setup(void **state)
{
	struct saf_user_change ch;

	(void)state;
	fx = fx_new();
	fx_group(fx, "ATSGRP");
	fx_group(fx, "DEPT1");
	fx_group(fx, "DEPT2");
	fx_user(fx, "FRED", "ATSGRP");
	fx_user(fx, "USER1", "ATSGRP");
	fx_user(fx, "ANN", "DEPT1");
	fx_user(fx, "RUSER", "DEPT1");
	fx_connect(fx, "ANN", "DEPT2");
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_UC_PNAME;
	ch.pname = "USER FRED";
	fx_begin(fx);
	FX_OK(fx, saf_user_alter(fx->db, &fx->admin, "FRED", &ch, &fx->err));
	ch.set = SAF_UC_RESTRICTED;
	ch.restricted = true;
	FX_OK(fx, saf_user_alter(fx->db, &fx->admin, "RUSER", &ch, &fx->err));
	fx_commit(fx);

	fx_class(fx, "FACILITY", true, false);
	fx_class(fx, "DSNR", true, false);
	fx_class(fx, "APPL", false, false);

	fx_rdef(fx, "FACILITY", "A.B.C", SAF_ACC_NONE);
	fx_permit(fx, "FACILITY", "A.B.C", "ANN", SAF_ACC_READ);
	fx_rdef(fx, "FACILITY", "A.B.*", SAF_ACC_READ);
	fx_rdef(fx, "FACILITY", "A.**", SAF_ACC_NONE);
	fx_permit(fx, "FACILITY", "A.**", "DEPT1", SAF_ACC_UPDATE);
	fx_permit(fx, "FACILITY", "A.**", "DEPT2", SAF_ACC_CONTROL);
	fx_permit(fx, "FACILITY", "A.**", "*", SAF_ACC_READ);
	fx_rdef(fx, "FACILITY", "X.%Y", SAF_ACC_READ);
	fx_rdef(fx, "FACILITY", "U.ENTRY", SAF_ACC_UPDATE);
	fx_permit(fx, "FACILITY", "U.ENTRY", "ANN", SAF_ACC_NONE);
	fx_permit(fx, "FACILITY", "U.ENTRY", "DEPT1", SAF_ACC_ALTER);
	fx_rdef(fx, "FACILITY", "RR.ONE", SAF_ACC_READ);
	fx_rdef(fx, "APPL", "ZZ.*", SAF_ACC_READ);

	fx_rdef(fx, "DSNR", "DSN2.*", SAF_ACC_NONE);
	fx_permit(fx, "DSNR", "DSN2.*", "USER1", SAF_ACC_READ);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	fx_free(fx);
	return 0;
}

struct acase {
	const char *user, *cls, *res;
	enum saf_access want;
	enum saf_result result;
	enum saf_access allowed;
	const char *profile;
	enum saf_via via;
};

static const struct acase cases[] = {
	/* user entry on the discrete profile */
	{ "ANN", "FACILITY", "A.B.C", SAF_ACC_READ, SAF_ALLOWED, SAF_ACC_READ,
	  "A.B.C", SAF_VIA_USER },
	{ "ANN", "FACILITY", "A.B.C", SAF_ACC_UPDATE, SAF_DENIED, SAF_ACC_READ,
	  "A.B.C", SAF_VIA_USER },
	/* discrete beats the generic A.B.* (UACC READ) */
	{ "FRED", "FACILITY", "A.B.C", SAF_ACC_READ, SAF_DENIED, SAF_ACC_NONE,
	  "A.B.C", SAF_VIA_UACC },
	/* most specific generic: A.B.* over A.** */
	{ "FRED", "FACILITY", "A.B.D", SAF_ACC_READ, SAF_ALLOWED, SAF_ACC_READ,
	  "A.B.*", SAF_VIA_UACC },
	/* highest of the user's groups: DEPT2 CONTROL over DEPT1 UPDATE */
	{ "ANN", "FACILITY", "A.Q.Z", SAF_ACC_CONTROL, SAF_ALLOWED,
	  SAF_ACC_CONTROL, "A.**", SAF_VIA_GROUP },
	{ "ANN", "FACILITY", "A.Q.Z", SAF_ACC_ALTER, SAF_DENIED,
	  SAF_ACC_CONTROL, "A.**", SAF_VIA_GROUP },
	/* ID(*) for a defined user with no user or group entry */
	{ "FRED", "FACILITY", "A.Q.Z", SAF_ACC_READ, SAF_ALLOWED, SAF_ACC_READ,
	  "A.**", SAF_VIA_ID_STAR },
	{ "FRED", "FACILITY", "A.Q.Z", SAF_ACC_UPDATE, SAF_DENIED,
	  SAF_ACC_READ, "A.**", SAF_VIA_ID_STAR },
	/* ID(*) is not for undefined users: UACC NONE */
	{ "GHOST", "FACILITY", "A.Q.Z", SAF_ACC_READ, SAF_DENIED, SAF_ACC_NONE,
	  "A.**", SAF_VIA_UACC },
	/* A.** also covers A itself */
	{ "FRED", "FACILITY", "A", SAF_ACC_READ, SAF_ALLOWED, SAF_ACC_READ,
	  "A.**", SAF_VIA_ID_STAR },
	/* a user entry decides even below UACC and below a group entry */
	{ "ANN", "FACILITY", "U.ENTRY", SAF_ACC_READ, SAF_DENIED, SAF_ACC_NONE,
	  "U.ENTRY", SAF_VIA_USER },
	{ "RUSER", "FACILITY", "U.ENTRY", SAF_ACC_ALTER, SAF_ALLOWED,
	  SAF_ACC_ALTER, "U.ENTRY", SAF_VIA_GROUP },
	{ "USER1", "FACILITY", "U.ENTRY", SAF_ACC_UPDATE, SAF_ALLOWED,
	  SAF_ACC_UPDATE, "U.ENTRY", SAF_VIA_UACC },
	/* % is one character */
	{ "FRED", "FACILITY", "X.AY", SAF_ACC_READ, SAF_ALLOWED, SAF_ACC_READ,
	  "X.%Y", SAF_VIA_UACC },
	{ "FRED", "FACILITY", "X.ABY", SAF_ACC_READ, SAF_NOT_PROTECTED,
	  SAF_ACC_NONE, "", SAF_VIA_NONE },
	/* UACC is not for RESTRICTED users; undefined users get it */
	{ "RUSER", "FACILITY", "RR.ONE", SAF_ACC_READ, SAF_DENIED,
	  SAF_ACC_NONE, "RR.ONE", SAF_VIA_NONE },
	{ "GHOST", "FACILITY", "RR.ONE", SAF_ACC_READ, SAF_ALLOWED,
	  SAF_ACC_READ, "RR.ONE", SAF_VIA_UACC },
	/* no profile; inactive class */
	{ "FRED", "FACILITY", "NO.PROFILE", SAF_ACC_READ, SAF_NOT_PROTECTED,
	  SAF_ACC_NONE, "", SAF_VIA_NONE },
	{ "FRED", "SERVAUTH", "EZB.X", SAF_ACC_READ, SAF_NOT_PROTECTED,
	  SAF_ACC_NONE, "", SAF_VIA_NONE },
	/* GENERIC off in APPL: ZZ.* was stored as a discrete profile */
	{ "FRED", "APPL", "ZZ.A", SAF_ACC_READ, SAF_NOT_PROTECTED,
	  SAF_ACC_NONE, "", SAF_VIA_NONE },
	{ "FRED", "APPL", "ZZ.*", SAF_ACC_READ, SAF_ALLOWED, SAF_ACC_READ,
	  "ZZ.*", SAF_VIA_UACC },
	/* the Db2 example */
	{ "USER1", "DSNR", "DSN2.REST", SAF_ACC_READ, SAF_ALLOWED,
	  SAF_ACC_READ, "DSN2.*", SAF_VIA_USER },
	{ "fred", "dsnr", "dsn2.rest", SAF_ACC_READ, SAF_DENIED, SAF_ACC_NONE,
	  "DSN2.*", SAF_VIA_UACC },
};

static void
test_decisions(void **state)
{
	struct saf_decision d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct acase *c = &cases[i];

		FX_OK(fx, saf_check_access(fx->db, c->user, c->cls, c->res,
		    c->want, &d, &fx->err));
		if (d.result != c->result || d.allowed != c->allowed ||
		    strcmp(d.profile, c->profile) != 0 || d.via != c->via)
			fail_msg("case %zu (%s %s %s %s): got %s allowed %s "
			    "profile '%s' via %d; want %s %s '%s' via %d", i,
			    c->user, c->cls, c->res, saf_access_name(c->want),
			    saf_result_name(d.result),
			    saf_access_name(d.allowed), d.profile, (int)d.via,
			    saf_result_name(c->result),
			    saf_access_name(c->allowed), c->profile,
			    (int)c->via);
		if (d.result == SAF_DENIED)
			assert_non_null(strstr(d.message, "ICH408I USER("));
		else
			assert_string_equal(d.message, "");
	}
}

static void
test_fred_ich408i(void **state)
{
	struct saf_decision d;
	static const char want[] =
	    "ICH408I USER(FRED    ) GROUP(ATSGRP  ) NAME(USER FRED           )\n"
	    "ICH408I   DSN2.REST CL(DSNR    )\n"
	    "ICH408I   INSUFFICIENT ACCESS AUTHORITY\n"
	    "ICH408I   FROM DSN2.* (G)\n"
	    "ICH408I   ACCESS INTENT(READ   )  ACCESS ALLOWED(NONE   )\n";

	(void)state;
	FX_OK(fx, saf_check_access(fx->db, "FRED", "DSNR", "DSN2.REST",
	    SAF_ACC_READ, &d, &fx->err));
	assert_int_equal(d.result, SAF_DENIED);
	assert_string_equal(d.message, want);
	FX_OK(fx, saf_check_access(fx->db, "USER1", "DSNR", "DSN2.REST",
	    SAF_ACC_READ, &d, &fx->err));
	assert_int_equal(d.result, SAF_ALLOWED);
}

static void
test_discrete_no_from_line_and_unnamed(void **state)
{
	struct saf_decision d;
	static const char want[] =
	    "ICH408I USER(ANN     ) GROUP(DEPT1   ) NAME(???                 )\n"
	    "ICH408I   A.B.C CL(FACILITY)\n"
	    "ICH408I   INSUFFICIENT ACCESS AUTHORITY\n"
	    "ICH408I   ACCESS INTENT(UPDATE )  ACCESS ALLOWED(READ   )\n";

	(void)state;
	FX_OK(fx, saf_check_access(fx->db, "ANN", "FACILITY", "A.B.C",
	    SAF_ACC_UPDATE, &d, &fx->err));
	assert_string_equal(d.message, want);
}

static void
test_warning(void **state)
{
	struct saf_profile_change ch = { .set = SAF_PC_WARNING,
	    .warning = true };
	struct saf_decision d;

	(void)state;
	fx_rdef(fx, "FACILITY", "W.ONE", SAF_ACC_NONE);
	fx_begin(fx);
	FX_OK(fx, saf_profile_alter(fx->db, &fx->admin, "FACILITY", "W.ONE",
	    &ch, &fx->err));
	fx_commit(fx);
	FX_OK(fx, saf_check_access(fx->db, "FRED", "FACILITY", "W.ONE",
	    SAF_ACC_READ, &d, &fx->err));
	assert_int_equal(d.result, SAF_ALLOWED);
	assert_true(d.warning);
	assert_non_null(strstr(d.message, "ICH408I   WARNING: INSUFFICIENT "
	    "AUTHORITY - TEMPORARY ACCESS ALLOWED\n"));
}

static void
test_class_deactivated_and_revoked(void **state)
{
	struct saf_user_change ch = { .set = SAF_UC_REVOKE, .revoked = true };
	struct saf_decision d;

	(void)state;
	fx_begin(fx);
	FX_OK(fx, saf_user_alter(fx->db, &fx->admin, "USER1", &ch, &fx->err));
	fx_commit(fx);
	FX_OK(fx, saf_check_access(fx->db, "USER1", "DSNR", "DSN2.REST",
	    SAF_ACC_READ, &d, &fx->err));
	assert_int_equal(d.result, SAF_DENIED);
	ch.revoked = false;
	fx_begin(fx);
	FX_OK(fx, saf_user_alter(fx->db, &fx->admin, "USER1", &ch, &fx->err));
	FX_OK(fx, saf_setropts_classact(fx->db, &fx->admin, "DSNR", false,
	    &fx->err));
	fx_commit(fx);
	FX_OK(fx, saf_check_access(fx->db, "FRED", "DSNR", "DSN2.REST",
	    SAF_ACC_READ, &d, &fx->err));
	assert_int_equal(d.result, SAF_NOT_PROTECTED);
	assert_true(d.class_inactive);
	fx_class(fx, "DSNR", true, false);
}

static void
test_bad_input(void **state)
{
	struct saf_decision d;

	(void)state;
	assert_int_equal(saf_check_access(fx->db, "FRED", "NOSUCH", "X",
	    SAF_ACC_READ, &d, &fx->err), AT_E_INPUT);
	assert_non_null(strstr(fx->err.msg, "INVALID CLASS"));
	assert_int_equal(saf_check_access(fx->db, "TOOLONGNAME", "FACILITY",
	    "X", SAF_ACC_READ, &d, &fx->err), AT_E_INPUT);
	assert_int_equal(saf_check_access(fx->db, "FRED", "FACILITY", "A B",
	    SAF_ACC_READ, &d, &fx->err), AT_E_INPUT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decisions),
		cmocka_unit_test(test_fred_ich408i),
		cmocka_unit_test(test_discrete_no_from_line_and_unnamed),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_class_deactivated_and_revoked),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
