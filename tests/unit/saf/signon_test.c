/*
 * signon_test.c - saf_signon (RACROUTE REQUEST=VERIFY) against a real
 * security database: password and PassTicket sign-on, the failed-attempt
 * count, replay, the APPL class, expired and new passwords, and the
 * return codes and messages of each outcome.
 */
#include "saf_fixture.h"

#include "saf/passticket.h"
#include "saf/signon.h"

static const unsigned char dsn2key[8] = {
	0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0
};

#define NOW 1700000000

/* USER1 (password SECRET1, not expired), FRED (FREDPW), NOPW (PROTECTED);
 * PTKTDATA DSN2APPL with a legacy key, and the caller LIBSERV may
 * generate tickets for it. */
static struct fx *
son_fx(bool no_replay)
{
	struct fx *f = fx_new();
	struct saf_profile_change ch;
	struct saf_user_change uc;
	static const char *const users[][2] = { { "USER1", "SECRET1" },
	    { "FRED", "FREDPW" }, { "LIBSERV", "LIBPW" } };
	size_t i;

	fx_group(f, "ATSGRP");
	for (i = 0; i < 3; i++) {
		memset(&uc, 0, sizeof(uc));
		uc.set = SAF_UC_DFLTGRP | SAF_UC_PASSWORD;
		uc.dfltgrp = "ATSGRP";
		uc.password = users[i][1];
		uc.noexpired = true;
		fx_begin(f);
		FX_OK(f, saf_user_add(f->db, &f->admin, users[i][0], &uc,
		    &f->err));
		fx_commit(f);
	}
	fx_user(f, "NOPW", "ATSGRP");
	fx_class(f, "PTKTDATA", true, true);
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_PTKT_KEY | SAF_PC_UACC;
	ch.ptkt_key = dsn2key;
	if (no_replay) {
		ch.set |= SAF_PC_APPLDATA;
		ch.appldata = SAF_PTKT_NO_REPLAY;
	}
	fx_begin(f);
	FX_OK(f, saf_profile_define(f->db, &f->admin, "PTKTDATA", "DSN2APPL",
	    &ch, NULL, &f->err));
	fx_commit(f);
	fx_rdef(f, "PTKTDATA", "IRRPTAUTH.DSN2APPL.*", SAF_ACC_NONE);
	fx_permit(f, "PTKTDATA", "IRRPTAUTH.DSN2APPL.*", "LIBSERV",
	    SAF_ACC_UPDATE);
	fx_refresh(f, "PTKTDATA");
	return f;
}

static void
son(struct fx *f, const char *user, const char *secret, const char *appl,
    const char *newpw, int64_t now, struct saf_signon_res *res)
{
	struct saf_signon_req req = { .user = user, .secret = secret,
	    .appl = appl, .new_password = newpw, .now = now };

	FX_OK(f, saf_signon(f->db, &req, res, &f->err));
}

static void
ticket(struct fx *f, const char *user, int64_t t, char out[SAF_PTKT_LEN + 1])
{
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", user, "DSN2APPL", t,
	    out, &f->err));
}

static unsigned
failed_count(struct fx *f, const char *user)
{
	struct saf_user u;

	FX_OK(f, saf_user_get(f->db, user, &u, &f->err));
	return u.failed;
}

static void
expect(const struct saf_signon_res *res, enum saf_signon_result r,
    int saf_rc, int racf_rc, const char *msg)
{
	if (res->result != r)
		fail_msg("result %s, wanted %s; messages:\n%s",
		    saf_signon_result_name(res->result),
		    saf_signon_result_name(r), res->messages);
	assert_int_equal(res->saf_rc, saf_rc);
	assert_int_equal(res->racf_rc, racf_rc);
	if (msg != NULL && strstr(res->messages, msg) == NULL)
		fail_msg("no \"%s\" in:\n%s", msg, res->messages);
}

static void
test_password(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_signon_res res;

	(void)state;
	son(f, "user1", "SECRET1", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, "ICH70001I USER1    LAST ACCESS AT");
	assert_false(res.passticket);
	assert_string_equal(res.user, "USER1");
	/* the second sign-on reports the first one's time */
	son(f, "USER1", "SECRET1", "", NULL, 0, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, "LAST ACCESS AT ");
	assert_null(strstr(res.messages, "UNKNOWN"));
	son(f, "NOBODY", "X", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_UNKNOWN_USER, 8, 0x04, "IRR012I");
	son(f, "NOPW", "X", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_PROTECTED, 8, 0x08, "IRR013I");
	fx_free(f);
}

static void
test_wrong_password_revokes(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_signon_res res;
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	son(f, "FRED", "WRONG", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08,
	    "LOGON/JOB INITIATION - INVALID PASSWORD\nIRR013I");
	assert_int_equal(failed_count(f, "FRED"), 1);
	/* a wrong PassTicket counts as a wrong password */
	son(f, "FRED", "ABCDEFGH", "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, "IRR013I");
	assert_false(res.passticket);
	assert_int_equal(failed_count(f, "FRED"), 2);
	son(f, "FRED", "WRONG", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	/* the third failure revoked FRED: the right password and a valid
	 * PassTicket no longer help */
	son(f, "FRED", "FREDPW", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_REVOKED, 8, 0x1C, "REVOKED USER ACCESS ATTEMPT");
	ticket(f, "FRED", NOW, t);
	son(f, "FRED", t, "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_REVOKED, 8, 0x1C, NULL);
	fx_free(f);
}

static void
test_passticket_and_replay(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_signon_res res;
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	ticket(f, "USER1", NOW, t);
	/* without an application the ticket is only a wrong password */
	son(f, "USER1", t, NULL, NULL, NOW, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	son(f, "USER1", t, "dsn2appl", NULL, NOW + 30, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, "ICH70001I");
	assert_true(res.passticket);
	assert_string_equal(res.appl, "DSN2APPL");
	/* the good sign-on cleared the failure before it */
	assert_int_equal(failed_count(f, "USER1"), 0);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 31, &res);
	expect(&res, SAF_SIGNON_REPLAY, 8, 0x08,
	    "ATTEMPTED REPLAY OF PASSTICKET");
	assert_int_equal(res.reason, 0x10);
	assert_int_equal(failed_count(f, "USER1"), 1);
	/* outside the 10-minute window */
	ticket(f, "USER1", NOW + 1000, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 1000 + 601, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	/* the password still works with an application named */
	son(f, "USER1", "SECRET1", "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	assert_false(res.passticket);
	/* an application with no PTKTDATA key takes only passwords */
	ticket(f, "USER1", NOW + 2000, t);
	son(f, "USER1", t, "OTHERAPP", NULL, NOW + 2000, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	/* a PROTECTED user cannot sign on with a PassTicket either */
	ticket(f, "NOPW", NOW, t);
	son(f, "NOPW", t, "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_PROTECTED, 8, 0x08, NULL);
	fx_free(f);
}

static void
test_no_replay_protection(void **state)
{
	struct fx *f = son_fx(true);
	struct saf_signon_res res;
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	ticket(f, "USER1", NOW, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 1, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	assert_true(res.passticket);
	fx_free(f);
}

static void
test_appl_class(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_signon_res res;
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	/* APPL inactive: no check */
	fx_rdef(f, "APPL", "DSN2APPL", SAF_ACC_NONE);
	son(f, "FRED", "FREDPW", "DSN2APPL", NULL, 0, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	fx_class(f, "APPL", false, false);
	fx_permit(f, "APPL", "DSN2APPL", "USER1", SAF_ACC_READ);
	son(f, "FRED", "FREDPW", "DSN2APPL", NULL, 0, &res);
	expect(&res, SAF_SIGNON_APPL_DENIED, 8, 0x34,
	    "NOT AUTHORIZED TO APPLICATION DSN2APPL");
	assert_non_null(strstr(res.messages, "ICH408I USER(FRED    )"));
	/* a denial is not a failed password */
	assert_int_equal(failed_count(f, "FRED"), 0);
	ticket(f, "FRED", NOW, t);
	son(f, "FRED", t, "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_APPL_DENIED, 8, 0x34, NULL);
	ticket(f, "USER1", NOW, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	/* an application no APPL profile covers is open */
	son(f, "FRED", "FREDPW", "OTHERAPP", NULL, 0, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	fx_free(f);
}

static void
test_expired_and_new_password(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_signon_res res;
	struct saf_user_change uc = { .set = SAF_UC_PASSWORD,
	    .password = "TEMP1" };
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	fx_begin(f);
	FX_OK(f, saf_user_alter(f->db, &f->admin, "USER1", &uc, &f->err));
	fx_commit(f);
	son(f, "USER1", "TEMP1", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_EXPIRED, 8, 0x0C, "IRR014I");
	/* a PassTicket is not the password: its expiry is not asked, and
	 * it cannot set a new one */
	ticket(f, "USER1", NOW, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	ticket(f, "USER1", NOW + 5, t);
	son(f, "USER1", t, "DSN2APPL", "NEWPW1", NOW + 5, &res);
	expect(&res, SAF_SIGNON_NEWPW_INVALID, 8, 0x10, "IRR015I");
	assert_false(res.password_changed);
	/* the current password again is not a new one */
	son(f, "USER1", "TEMP1", NULL, "TEMP1", 0, &res);
	expect(&res, SAF_SIGNON_NEWPW_INVALID, 8, 0x10, "IRR015I");
	son(f, "USER1", "TEMP1", NULL, "NEWPW1", 0, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, "ICH70001I");
	assert_true(res.password_changed);
	son(f, "USER1", "NEWPW1", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	son(f, "USER1", "TEMP1", NULL, NULL, 0, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	/* a wrong password cannot change it */
	son(f, "USER1", "WRONG", NULL, "OTHER2", 0, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	assert_false(res.password_changed);
	fx_free(f);
}

static void
test_enhanced_ticket(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_profile_change ch;
	struct saf_signon_res res;
	unsigned char ekey[64];
	char t[SAF_PTKT_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ekey); i++)
		ekey[i] = (unsigned char)(0x30 + i);
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_PTKT_EKEY | SAF_PC_NOPTKT_KEY | SAF_PC_PTKT_TIMEOUT;
	ch.ptkt_ekey = ekey;
	ch.ptkt_ekey_len = sizeof(ekey);
	ch.ptkt_timeout = 30;
	fx_begin(f);
	FX_OK(f, saf_profile_alter(f->db, &f->admin, "PTKTDATA", "DSN2APPL",
	    &ch, &f->err));
	fx_commit(f);
	ticket(f, "USER1", NOW, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 30, &res);
	expect(&res, SAF_SIGNON_OK, 0, 0, NULL);
	assert_true(res.passticket);
	ticket(f, "USER1", NOW, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 30, &res);
	expect(&res, SAF_SIGNON_REPLAY, 8, 0x08, NULL);
	ticket(f, "USER1", NOW + 100, t);
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 131, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	/* NOLEGACYKEY: a legacy ticket made with the old key is refused */
	FX_OK(f, saf_ptkt_legacy(dsn2key, "USER1", "DSN2APPL", NOW + 200, t,
	    &f->err));
	son(f, "USER1", t, "DSN2APPL", NULL, NOW + 200, &res);
	expect(&res, SAF_SIGNON_WRONG_SECRET, 8, 0x08, NULL);
	fx_free(f);
}

static void
test_bad_requests(void **state)
{
	struct fx *f = son_fx(false);
	struct saf_signon_res res;
	struct saf_signon_req req = { .user = "USER1", .secret = NULL };

	(void)state;
	assert_int_equal(saf_signon(f->db, &req, &res, &f->err), AT_E_INPUT);
	assert_int_equal(res.saf_rc, 8);
	req.secret = "SECRET1";
	req.user = "TOOLONGUSER";
	assert_int_equal(saf_signon(f->db, &req, &res, &f->err), AT_E_INPUT);
	assert_int_equal(res.saf_rc, 8);
	assert_int_not_equal(res.result, SAF_SIGNON_OK);
	req.user = "USER1";
	req.appl = "BAD APPL";
	assert_int_equal(saf_signon(f->db, &req, &res, &f->err), AT_E_INPUT);
	assert_int_equal(res.saf_rc, 8);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_wrong_password_revokes),
		cmocka_unit_test(test_passticket_and_replay),
		cmocka_unit_test(test_no_replay_protection),
		cmocka_unit_test(test_appl_class),
		cmocka_unit_test(test_expired_and_new_password),
		cmocka_unit_test(test_enhanced_ticket),
		cmocka_unit_test(test_bad_requests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
