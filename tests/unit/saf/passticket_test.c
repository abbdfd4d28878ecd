/*
 * passticket_test.c - the PassTicket algorithms step by step (the
 * reference's checks), end-to-end values cross-checked against a separate
 * implementation of the published algorithms, and the service: authority,
 * key profiles, window, replay.
 */
#include "saf_fixture.h"

#include "saf/passticket.h"

static const unsigned char dsn2key[8] = {
	0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0
};

static void
test_translate_step(void **state)
{
	char out[SAF_PTKT_LEN + 1];

	(void)state;
	saf_ptkt_translate(0x07247F79u, out);
	assert_string_equal(out, "QHOAH1TV");
}

static void
test_perm_step(void **state)
{
	(void)state;
	assert_int_equal(saf_ptkt_perm(1, 0x017B), 0xA32A);
	/* round 6 reverses bits 2..16 and keeps bit 1 */
	assert_int_equal(saf_ptkt_perm(6, 0x8000), 0x8000);
	assert_int_equal(saf_ptkt_perm(6, 0x4000), 0x0001);
}

static void
test_pad_step(void **state)
{
	static const unsigned char tom[12] = { 0xE3, 0xD6, 0xD4, 0x55, 0x55,
	    0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
	static const unsigned char ibmuser[12] = { 0xC9, 0xC2, 0xD4, 0xE4,
	    0xE2, 0xC5, 0xD9, 0x55, 0x55, 0x55, 0x55, 0x55 };
	unsigned char pad[12];
	struct at_err err;

	(void)state;
	assert_int_equal(saf_ptkt_pad("TOM", pad, &err), AT_OK);
	assert_memory_equal(pad, tom, 12);
	assert_int_equal(saf_ptkt_pad("ibmuser", pad, &err), AT_OK);
	assert_memory_equal(pad, ibmuser, 12);
}

struct vec {
	const char *user, *appl;
	uint32_t t;
	const char *want;
};

/* Computed by an independent implementation of the reference steps. */
static const struct vec legacy_vecs[] = {
	{ "FRED", "DSN2APPL", 1700000000u, "DMHQFQH0" },
	{ "USER1", "DSN2APPL", 1700000000u, "H0HQKFYC" },
	{ "IBMUSER", "TSO1234", 0u, "DYIMMKBU" },
};

static void
test_legacy_vectors(void **state)
{
	char out[SAF_PTKT_LEN + 1];
	struct at_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(legacy_vecs) / sizeof(legacy_vecs[0]); i++) {
		const struct vec *v = &legacy_vecs[i];

		if (saf_ptkt_legacy(dsn2key, v->user, v->appl, v->t, out,
		    &err) != AT_OK)
			fail_msg("legacy: %s", err.msg);
		assert_string_equal(out, v->want);
	}
}

static void
test_enhanced_vectors(void **state)
{
	unsigned char key[64];
	char out[SAF_PTKT_LEN + 1];
	struct at_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	assert_int_equal(saf_ptkt_enhanced(key, sizeof(key), "FRED",
	    "DSN2APPL", 1700000000u, SAF_PTKT_UPPER, out, &err), AT_OK);
	assert_string_equal(out, "DPH5MMXV");
	assert_int_equal(saf_ptkt_enhanced(key, sizeof(key), "FRED",
	    "DSN2APPL", 1700000000u, SAF_PTKT_MIXED, out, &err), AT_OK);
	assert_string_equal(out, "bkqyyVl0");
}

static void
test_find_window(void **state)
{
	char t[SAF_PTKT_LEN + 1];
	struct at_err err;
	int64_t when = 0;
	int hit = 0;

	(void)state;
	assert_int_equal(saf_ptkt_legacy(dsn2key, "FRED", "DSN2APPL",
	    1700000000u, t, &err), AT_OK);
	assert_int_equal(saf_ptkt_legacy_find(dsn2key, "FRED", "DSN2APPL", t,
	    1700000000 + 599, 600, &hit, &when, &err), AT_OK);
	assert_true(hit);
	assert_int_equal(when, 1700000000);
	assert_int_equal(saf_ptkt_legacy_find(dsn2key, "FRED", "DSN2APPL", t,
	    1700000000 + 601, 600, &hit, &when, &err), AT_OK);
	assert_false(hit);
}

/* --- the service --- */

static struct fx *
ptkt_fx(bool no_replay)
{
	struct fx *f = fx_new();
	struct saf_profile_change ch;

	fx_group(f, "ATSGRP");
	fx_user(f, "FRED", "ATSGRP");
	fx_user(f, "USER1", "ATSGRP");
	fx_user(f, "LIBSERV", "ATSGRP");
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
test_round_trip_and_replay(void **state)
{
	struct fx *f = ptkt_fx(false);
	char t[SAF_PTKT_LEN + 1];
	enum saf_ptkt_result r;
	int64_t now = 1700000000;

	(void)state;
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "USER1", "DSN2APPL",
	    now, t, &f->err));
	assert_string_equal(t, "H0HQKFYC");
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "USER1",
	    "DSN2APPL", t, now + 30, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_VALID);
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "USER1",
	    "DSN2APPL", t, now + 31, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_REPLAY);
	/* wrong user, wrong application key, outside the window */
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    t, now, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_INVALID);
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    now, t, &f->err));
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    t, now + 601, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_INVALID);
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    t, now - 600, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_VALID);
	/* a ticket made with another key */
	{
		static const unsigned char other[8] = { 1, 2, 3, 4, 5, 6, 7,
		    8 };
		char t2[SAF_PTKT_LEN + 1];

		FX_OK(f, saf_ptkt_legacy(other, "FRED", "DSN2APPL",
		    (uint32_t)now, t2, &f->err));
		FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED",
		    "DSN2APPL", t2, now, &r, &f->err));
		assert_int_equal(r, SAF_PTKT_INVALID);
	}
	/* a ticket for another application, same key */
	{
		struct saf_profile_change ch = { .set = SAF_PC_PTKT_KEY,
		    .ptkt_key = dsn2key };
		char t3[SAF_PTKT_LEN + 1];

		fx_begin(f);
		FX_OK(f, saf_profile_define(f->db, &f->admin, "PTKTDATA",
		    "OTHERAPP", &ch, NULL, &f->err));
		fx_commit(f);
		fx_rdef(f, "PTKTDATA", "IRRPTAUTH.OTHERAPP.*", SAF_ACC_NONE);
		fx_permit(f, "PTKTDATA", "IRRPTAUTH.OTHERAPP.*", "LIBSERV",
		    SAF_ACC_READ);
		fx_refresh(f, "PTKTDATA");
		FX_OK(f, saf_ptkt_legacy(dsn2key, "FRED", "DSN2APPL",
		    (uint32_t)now + 5, t3, &f->err));
		FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED",
		    "OTHERAPP", t3, now, &r, &f->err));
		assert_int_equal(r, SAF_PTKT_INVALID);
		/* READ is enough to evaluate, not to generate */
		assert_int_equal(saf_passticket_generate(f->db, "LIBSERV",
		    "FRED", "OTHERAPP", now, t3, &f->err), AT_E_DENIED);
	}
	/* unknown target user */
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "NOBODY",
	    "DSN2APPL", t, now, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_UNKNOWN_USER);
	fx_free(f);
}

static void
test_no_replay_protection(void **state)
{
	struct fx *f = ptkt_fx(true);
	char t[SAF_PTKT_LEN + 1];
	enum saf_ptkt_result r;
	int i;

	(void)state;
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    1700000000, t, &f->err));
	for (i = 0; i < 3; i++) {
		FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED",
		    "DSN2APPL", t, 1700000000, &r, &f->err));
		assert_int_equal(r, SAF_PTKT_VALID);
	}
	fx_free(f);
}

static void
test_authority_and_keys(void **state)
{
	struct fx *f = ptkt_fx(false);
	char t[SAF_PTKT_LEN + 1];
	enum saf_ptkt_result r;
	enum at_rc rc;

	(void)state;
	/* FRED has no IRRPTAUTH access */
	rc = saf_passticket_generate(f->db, "FRED", "USER1", "DSN2APPL",
	    1700000000, t, &f->err);
	assert_int_equal(rc, AT_E_DENIED);
	assert_non_null(strstr(f->err.msg, "ICH408I USER(FRED    )"));
	rc = saf_passticket_evaluate(f->db, "FRED", "USER1", "DSN2APPL",
	    "AAAAAAAA", 1700000000, &r, &f->err);
	assert_int_equal(rc, AT_E_DENIED);
	/* no key profile for the application; no IRRPTAUTH profile */
	rc = saf_passticket_generate(f->db, "LIBSERV", "USER1", "OTHERAPP",
	    1700000000, t, &f->err);
	assert_int_equal(rc, AT_E_NOTFOUND);
	fx_free(f);
}

static void
test_qualified_profile_and_enhanced(void **state)
{
	struct fx *f = ptkt_fx(false);
	struct saf_profile_change ch;
	unsigned char ekey[32];
	char t[SAF_PTKT_LEN + 1], want[SAF_PTKT_LEN + 1];
	enum saf_ptkt_result r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ekey); i++)
		ekey[i] = (unsigned char)(0xA0 + i);
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_PC_PTKT_EKEY | SAF_PC_PTKT_TYPE;
	ch.ptkt_ekey = ekey;
	ch.ptkt_ekey_len = sizeof(ekey);
	ch.ptkt_type = SAF_PTKT_UPPER;
	fx_begin(f);
	FX_OK(f, saf_profile_define(f->db, &f->admin, "PTKTDATA",
	    "DSN2APPL.ATSGRP.FRED", &ch, NULL, &f->err));
	fx_commit(f);
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    1700000000, t, &f->err));
	FX_OK(f, saf_ptkt_enhanced(ekey, sizeof(ekey), "FRED", "DSN2APPL",
	    1700000000, SAF_PTKT_UPPER, want, &f->err));
	assert_string_equal(t, want);
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    t, 1700000059, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_VALID);
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    t, 1700000059, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_REPLAY);
	/* the enhanced window is TIMEOUT (60 s) */
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    1700001000, t, &f->err));
	FX_OK(f, saf_passticket_evaluate(f->db, "LIBSERV", "FRED", "DSN2APPL",
	    t, 1700001061, &r, &f->err));
	assert_int_equal(r, SAF_PTKT_INVALID);
	/* USER1 still uses the APPL profile's legacy key */
	FX_OK(f, saf_passticket_generate(f->db, "LIBSERV", "USER1", "DSN2APPL",
	    1700000000, t, &f->err));
	assert_string_equal(t, "H0HQKFYC");
	fx_free(f);
}

static void
test_class_must_be_raclisted(void **state)
{
	struct fx *f = ptkt_fx(false);
	char t[SAF_PTKT_LEN + 1];

	(void)state;
	fx_begin(f);
	FX_OK(f, saf_setropts_raclist(f->db, &f->admin, "PTKTDATA", false,
	    &f->err));
	fx_commit(f);
	assert_int_equal(saf_passticket_generate(f->db, "LIBSERV", "USER1",
	    "DSN2APPL", 1700000000, t, &f->err), AT_E_INPUT);
	assert_non_null(strstr(f->err.msg, "RACLIST"));
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_translate_step),
		cmocka_unit_test(test_perm_step),
		cmocka_unit_test(test_pad_step),
		cmocka_unit_test(test_legacy_vectors),
		cmocka_unit_test(test_enhanced_vectors),
		cmocka_unit_test(test_find_window),
		cmocka_unit_test(test_round_trip_and_replay),
		cmocka_unit_test(test_no_replay_protection),
		cmocka_unit_test(test_authority_and_keys),
		cmocka_unit_test(test_qualified_profile_and_enhanced),
		cmocka_unit_test(test_class_must_be_raclisted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
