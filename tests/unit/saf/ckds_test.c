/*
 * ckds_test.c - enhanced PassTickets from a labelled key of the key store
 * (SSIGNON(EPTKEYLABEL(label))): generation and evaluation round trip,
 * TYPE, TIMEOUT, REPLAY, NOLEGACYKEY, a missing label failing closed, and
 * the key store's own rules.
 */
#include "saf_fixture.h"

#include "saf/ckds.h"
#include "saf/passticket.h"

static const unsigned char legacy[8] = {
	0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0
};

#define NOW 1700000000

static void
profile(struct fx *f, struct saf_profile_change *ch, bool define)
{
	fx_begin(f);
	if (define)
		FX_OK(f, saf_profile_define(f->db, &f->admin, "PTKTDATA",
		    "DSN2APPL", ch, NULL, &f->err));
	else
		FX_OK(f, saf_profile_alter(f->db, &f->admin, "PTKTDATA",
		    "DSN2APPL", ch, &f->err));
	fx_commit(f);
}

/* Key PTKEY1 imported from known bytes; DSN2APPL names it. */
static struct fx *
ck_fx(unsigned char key[64])
{
	struct fx *f = fx_new();
	struct saf_profile_change ch;
	size_t i;

	for (i = 0; i < 64; i++)
		key[i] = (unsigned char)(0x40 + i);
	fx_group(f, "ATSGRP");
	fx_user(f, "USER1", "ATSGRP");
	fx_user(f, "LIBSERV", "ATSGRP");
	fx_class(f, "PTKTDATA", true, true);
	fx_begin(f);
	FX_OK(f, saf_ckds_add(f->db, &f->admin, "ptkey1", key, 64, &f->err));
	fx_commit(f);
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_PTKT_KEY | SAF_PC_PTKT_EKEYLABEL;
	ch.ptkt_key = legacy;
	ch.ptkt_ekey_label = "PTKEY1";
	profile(f, &ch, true);
	fx_rdef(f, "PTKTDATA", "IRRPTAUTH.DSN2APPL.*", SAF_ACC_NONE);
	fx_permit(f, "PTKTDATA", "IRRPTAUTH.DSN2APPL.*", "LIBSERV",
	    SAF_ACC_UPDATE);
	fx_refresh(f, "PTKTDATA");
	return f;
}

static enum saf_ptkt_result
eval(struct fx *f, const char *t, int64_t now)
{
	enum saf_ptkt_result r;

	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "USER1", "DSN2APPL",
	    t, now, &r, &f->err));
	return r;
}

static void
test_round_trip_type_timeout(void **state)
{
	unsigned char key[64];
	struct fx *f = ck_fx(key);
	struct saf_profile_change ch;
	char t[SAF_PTKT_LEN + 1], want[SAF_PTKT_LEN + 1];
	struct saf_profile p;
	size_t i;
	bool lower = false;

	(void)state;
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "USER1", "DSN2APPL",
	    NOW, t, &f->err));
	/* enhanced (the profile has both keys), MIXED by default */
	FX_OK(f, saf_ptkt_enhanced(key, 64, "USER1", "DSN2APPL", NOW,
	    SAF_PTKT_MIXED, want, &f->err));
	assert_string_equal(t, want);
	assert_int_equal(eval(f, t, NOW + 60), SAF_PTKT_VALID);
	/* REPLAY(NO), the default */
	assert_int_equal(eval(f, t, NOW + 60), SAF_PTKT_REPLAY);
	/* the default TIMEOUT is 60 s */
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "USER1", "DSN2APPL",
	    NOW + 1000, t, &f->err));
	assert_int_equal(eval(f, t, NOW + 1061), SAF_PTKT_INVALID);
	FX_OK(f, saf_profile_get(f->db, "PTKTDATA", "DSN2APPL", &p, &f->err));
	assert_string_equal(p.ptkt_ekey_label, "PTKEY1");
	assert_true(p.has_ptkt_ekey);
	/* TYPE(UPPER) TIMEOUT(300) REPLAY(YES) */
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_PTKT_TYPE | SAF_PC_PTKT_TIMEOUT | SAF_PC_PTKT_REPLAY;
	ch.ptkt_type = SAF_PTKT_UPPER;
	ch.ptkt_timeout = 300;
	ch.ptkt_replay = true;
	profile(f, &ch, false);
	for (i = 0; i < 20; i++) {
		FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "USER1",
		    "DSN2APPL", NOW + 2000 + (int64_t)i, t, &f->err));
		FX_OK(f, saf_ptkt_enhanced(key, 64, "USER1", "DSN2APPL",
		    NOW + 2000 + i, SAF_PTKT_UPPER, want, &f->err));
		assert_string_equal(t, want);
		lower = lower || strpbrk(t, "abcdefghijklmnopqrstuvwxyz-_");
	}
	assert_false(lower);
	assert_int_equal(eval(f, t, NOW + 2019 + 299), SAF_PTKT_VALID);
	assert_int_equal(eval(f, t, NOW + 2019 + 299), SAF_PTKT_VALID);
	assert_int_equal(eval(f, t, NOW + 2019 + 301), SAF_PTKT_INVALID);
	fx_free(f);
}

static void
test_nolegacykey(void **state)
{
	unsigned char key[64];
	struct fx *f = ck_fx(key);
	struct saf_profile_change ch;
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	/* with both keys, a legacy ticket is still evaluated */
	FX_OK(f, saf_ptkt_legacy(legacy, "USER1", "DSN2APPL", NOW, t, &f->err));
	assert_int_equal(eval(f, t, NOW), SAF_PTKT_VALID);
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_NOPTKT_KEY;
	profile(f, &ch, false);
	FX_OK(f, saf_ptkt_legacy(legacy, "USER1", "DSN2APPL", NOW + 5, t,
	    &f->err));
	assert_int_equal(eval(f, t, NOW + 5), SAF_PTKT_INVALID);
	fx_free(f);
}

static void
test_missing_label_fails_closed(void **state)
{
	unsigned char key[64];
	struct fx *f = ck_fx(key);
	struct saf_profile_change ch;
	char t[SAF_PTKT_LEN + 1];
	enum saf_ptkt_result r;
	enum at_rc rc;

	(void)state;
	/* a label that is not in the store is refused at RDEFINE/RALTER */
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_PTKT_EKEYLABEL;
	ch.ptkt_ekey_label = "NOSUCH.KEY";
	fx_begin(f);
	rc = saf_profile_alter(f->db, &f->admin, "PTKTDATA", "DSN2APPL", &ch,
	    &f->err);
	saf_db_rollback(f->db);
	assert_int_equal(rc, AT_E_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "CKDSKEY ADD LABEL(NOSUCH.KEY)"));
	/* in use: cannot be deleted */
	fx_begin(f);
	rc = saf_ckds_delete(f->db, &f->admin, "PTKEY1", &f->err);
	saf_db_rollback(f->db);
	assert_int_equal(rc, AT_E_INPUT);
	/* gone behind the command's back: no ticket made or accepted, not
	 * even a legacy one */
	FX_OK(f, saf_ptkt_legacy(legacy, "USER1", "DSN2APPL", NOW, t, &f->err));
	fx_begin(f);
	FX_OK(f, saf_db_exec(f->db, "DELETE FROM ckds_keys", &f->err));
	fx_commit(f);
	{
		char g[SAF_PTKT_LEN + 1];

		rc = saf_passticket_generate(f->db, "LIBSERV", "USER1",
		    "DSN2APPL", NOW, g, &f->err);
		assert_int_equal(rc, AT_E_INPUT);
		assert_non_null(strstr(f->err.msg, "EPTKEYLABEL(PTKEY1)"));
	}
	rc = saf_passticket_evaluate(f->db, "LIBSERV", "USER1", "DSN2APPL", t,
	    NOW, &r, &f->err);
	assert_int_equal(rc, AT_E_INPUT);
	fx_free(f);
}

static void
test_store_rules(void **state)
{
	struct fx *f = fx_new();
	struct saf_actor user;
	unsigned char k[64];
	size_t n = 0;
	enum at_rc rc;

	(void)state;
	fx_group(f, "ATSGRP");
	fx_user(f, "USER1", "ATSGRP");
	FX_OK(f, saf_actor_load(f->db, "USER1", &user, &f->err));
	fx_begin(f);
	/* SPECIAL only */
	assert_int_equal(saf_ckds_add(f->db, &user, "K1", NULL, 64, &f->err),
	    AT_E_DENIED);
	/* sizes and names */
	assert_int_equal(saf_ckds_add(f->db, &f->admin, "K1", NULL, 16,
	    &f->err), AT_E_INPUT);
	assert_int_equal(saf_ckds_add(f->db, &f->admin, "1K", NULL, 64,
	    &f->err), AT_E_INPUT);
	FX_OK(f, saf_ckds_add(f->db, &f->admin, "K1", NULL, 64, &f->err));
	assert_int_equal(saf_ckds_add(f->db, &f->admin, "k1", NULL, 64,
	    &f->err), AT_E_EXISTS);
	FX_OK(f, saf_ckds_add(f->db, &f->admin, "K2", NULL, 64, &f->err));
	/* generated keys are random, not a constant */
	FX_OK(f, saf_ckds_get(f->db, "K1", k, sizeof(k), &n, &f->err));
	assert_int_equal(n, 64);
	{
		unsigned char k2[64];
		size_t n2 = 0;

		FX_OK(f, saf_ckds_get(f->db, "K2", k2, sizeof(k2), &n2,
		    &f->err));
		assert_memory_not_equal(k, k2, 64);
	}
	rc = saf_ckds_delete(f->db, &f->admin, "K1", &f->err);
	assert_int_equal(rc, AT_OK);
	assert_int_equal(saf_ckds_get(f->db, "K1", k, sizeof(k), &n, &f->err),
	    AT_E_NOTFOUND);
	fx_commit(f);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_type_timeout),
		cmocka_unit_test(test_nolegacykey),
		cmocka_unit_test(test_missing_label_fails_closed),
		cmocka_unit_test(test_store_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
