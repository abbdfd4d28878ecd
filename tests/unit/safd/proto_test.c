/*
 * proto_test.c - SAF service records survive encoding and decoding
 * exactly, for every request and for replies; every truncation, every
 * trailing byte, every field an op does not take or lacks, and text with
 * control characters is refused as a whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "safd/proto.h"

static void
set(struct safp_req *r, enum safp_tag t, const char *s)
{
	struct at_err err;

	assert_int_equal(safp_req_set(r, t, s, &err), AT_OK);
}

static void
roundtrip_req(const struct safp_req *in)
{
	struct safp_req out;
	struct at_buf b;
	struct at_err err;
	size_t cut;

	at_buf_init(&b, SAFP_MSG_MAX);
	assert_int_equal(safp_req_encode(in, &b, &err), AT_OK);
	assert_int_equal(safp_req_decode(b.data, b.len, &out, &err), AT_OK);
	assert_int_equal(out.op, in->op);
	assert_int_equal(out.id, in->id);
	assert_int_equal(out.present, in->present);
	assert_string_equal(out.user, in->user);
	assert_string_equal(out.secret, in->secret);
	assert_string_equal(out.appl, in->appl);
	assert_string_equal(out.newpass, in->newpass);
	assert_string_equal(out.cls, in->cls);
	assert_string_equal(out.resource, in->resource);
	assert_string_equal(out.access, in->access);
	assert_string_equal(out.name, in->name);
	assert_string_equal(out.registry, in->registry);
	assert_int_equal(out.uid, in->uid);
	assert_int_equal(out.certlen, in->certlen);
	if (in->certlen > 0)
		assert_memory_equal(out.cert, in->cert, in->certlen);
	/* Every shorter record is refused, and so is one byte more. */
	for (cut = 0; cut < b.len; cut++) {
		int rc = safp_req_decode(b.data, cut, &out, &err);

		/* A cut exactly between fields may leave a whole record
		 * that lacks a required field: refused by the op's rules;
		 * or one that only lacks optional ones: a different,
		 * complete request.  It must never decode as the same. */
		if (rc == AT_OK)
			assert_int_not_equal(out.present, in->present);
	}
	assert_int_equal(at_buf_put_u8(&b, 0), AT_OK);
	assert_int_not_equal(safp_req_decode(b.data, b.len, &out, &err), AT_OK);
	at_buf_free(&b);
}

static void
test_requests_roundtrip(void **state)
{
	static const unsigned char der[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	struct safp_req r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.op = SAFP_VERIFY;
	r.id = 42;
	set(&r, SAFT_USER, "user1");
	set(&r, SAFT_SECRET, "pass phrase with blanks");
	set(&r, SAFT_APPL, "DSN2APPL");
	set(&r, SAFT_NEWPASS, "newpw");
	roundtrip_req(&r);

	memset(&r, 0, sizeof(r));
	r.op = SAFP_AUTH;
	r.id = 0xffffffffu;
	set(&r, SAFT_CLASS, "DSNR");
	set(&r, SAFT_RESOURCE, "DSN2.REST");
	set(&r, SAFT_ACCESS, "READ");
	roundtrip_req(&r);
	set(&r, SAFT_USER, "FRED");
	roundtrip_req(&r);

	memset(&r, 0, sizeof(r));
	r.op = SAFP_GROUPS;
	roundtrip_req(&r);

	memset(&r, 0, sizeof(r));
	r.op = SAFP_PTKTGEN;
	set(&r, SAFT_USER, "USER1");
	set(&r, SAFT_APPL, "DSN2APPL");
	roundtrip_req(&r);

	memset(&r, 0, sizeof(r));
	r.op = SAFP_MAPCERT;
	r.cert = der;
	r.certlen = sizeof(der);
	r.present = SAFP_F(SAFT_CERT);
	roundtrip_req(&r);

	memset(&r, 0, sizeof(r));
	r.op = SAFP_MAPIDID;
	set(&r, SAFT_NAME, "CN=Bob,OU=Accounting,O=Bobs\xc3\xa9Mart,C=US");
	set(&r, SAFT_REGISTRY, "ldap://ldap.example:389");
	roundtrip_req(&r);

	memset(&r, 0, sizeof(r));
	r.op = SAFP_OMVS;
	r.uid = 64141;
	r.present = SAFP_F(SAFT_UID);
	roundtrip_req(&r);
}

static void
test_rules_refused(void **state)
{
	struct safp_req r;
	struct at_buf b;
	struct at_err err;

	(void)state;
	at_buf_init(&b, SAFP_MSG_MAX);
	/* VERIFY without a password */
	memset(&r, 0, sizeof(r));
	r.op = SAFP_VERIFY;
	set(&r, SAFT_USER, "USER1");
	assert_int_equal(safp_req_encode(&r, &b, &err), AT_E_INPUT);
	assert_non_null(strstr(err.msg, "needs a password"));
	/* GROUPS with a class */
	memset(&r, 0, sizeof(r));
	r.op = SAFP_GROUPS;
	set(&r, SAFT_CLASS, "DSNR");
	assert_int_equal(safp_req_encode(&r, &b, &err), AT_E_INPUT);
	assert_non_null(strstr(err.msg, "takes no class"));
	/* OMVS with both */
	memset(&r, 0, sizeof(r));
	r.op = SAFP_OMVS;
	set(&r, SAFT_USER, "USER1");
	r.present |= SAFP_F(SAFT_UID);
	assert_int_equal(safp_req_encode(&r, &b, &err), AT_E_INPUT);
	/* unknown op */
	memset(&r, 0, sizeof(r));
	r.op = 99;
	assert_int_equal(safp_req_encode(&r, &b, &err), AT_E_INPUT);
	/* bounds and control characters, refused when set */
	memset(&r, 0, sizeof(r));
	assert_int_equal(safp_req_set(&r, SAFT_USER, "NINECHARS", &err),
	    AT_E_INPUT);
	assert_int_equal(safp_req_set(&r, SAFT_USER, "A\nB", &err), AT_E_INPUT);
	assert_int_equal(safp_req_set(&r, SAFT_USER, "", &err), AT_E_INPUT);
	assert_int_equal(safp_req_set(&r, SAFT_SECRET, "x\x7f", &err),
	    AT_E_INPUT);
	assert_int_equal(r.present, 0);
	at_buf_free(&b);
}

static void
test_decoder_refuses(void **state)
{
	static const struct {
		const char *what;
		unsigned char b[24];
		size_t n;
	} bad[] = {
		{ "short", { 1, 3, 0 }, 3 },
		{ "version", { 2, 3, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "reply bit", { 1, 0x83, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "op 0", { 1, 0, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "op 8", { 1, 8, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "reserved", { 1, 3, 0, 1, 0, 0, 0, 1 }, 8 },
		{ "past the end", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 2, 'A' }, 12 },
		{ "unknown tag", { 1, 3, 0, 0, 0, 0, 0, 1, 12, 0, 1, 'A' }, 12 },
		{ "reply tag", { 1, 3, 0, 0, 0, 0, 0, 1, 16, 0, 1, 0 }, 12 },
		{ "twice", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 1, 'A', 1, 0, 1, 'A' },
		    16 },
		{ "NUL", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 2, 'A', 0 }, 13 },
		{ "empty text", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 0 }, 11 },
		{ "uid size", { 1, 7, 0, 0, 0, 0, 0, 1, 11, 0, 2, 1, 2 }, 13 },
		{ "empty cert", { 1, 5, 0, 0, 0, 0, 0, 1, 8, 0, 0 }, 11 },
	};
	struct safp_req r;
	struct at_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0xa5, sizeof(r));
		if (safp_req_decode(bad[i].b, bad[i].n, &r, &err) != AT_E_INPUT)
			fail_msg("accepted: %s", bad[i].what);
		/* Nothing of a refused record survives. */
		assert_int_equal(r.present, 0);
		assert_int_equal(r.user[0], '\0');
	}
}

static void
test_reply_roundtrip(void **state)
{
	struct safp_rep *in, *out;
	struct at_buf b;
	struct at_err err;
	size_t cut;
	int i;

	(void)state;
	in = calloc(1, sizeof(*in));
	out = calloc(1, sizeof(*out));
	assert_non_null(in);
	assert_non_null(out);
	in->op = SAFP_OMVS;
	in->id = 9;
	in->saf_rc = 8;
	in->racf_rc = 8;
	in->reason = 12;
	assert_int_equal(safp_rep_set(in, SAFT_RUSER, "USER1", &err), AT_OK);
	assert_int_equal(safp_rep_set(in, SAFT_MESSAGES, "ICH408I a\nICH408I b\n",
	    &err), AT_OK);
	assert_int_equal(safp_rep_set(in, SAFT_HOME, "/u/user1", &err), AT_OK);
	in->ouid = 64141;
	in->present |= SAFP_F(SAFT_OUID);
	for (i = 0; i < SAFP_GROUPS_MAX; i++)
		assert_int_equal(safp_rep_add_group(in, "GRP", &err), AT_OK);
	assert_int_equal(safp_rep_add_group(in, "ONEMORE", &err), AT_E_TOOBIG);
	at_buf_init(&b, SAFP_MSG_MAX);
	assert_int_equal(safp_rep_encode(in, &b, &err), AT_OK);
	assert_int_equal(safp_rep_decode(b.data, b.len, out, &err), AT_OK);
	assert_int_equal(out->op, SAFP_OMVS);
	assert_int_equal(out->id, 9);
	assert_int_equal(out->saf_rc, 8);
	assert_int_equal(out->reason, 12);
	assert_string_equal(out->ruser, "USER1");
	assert_string_equal(out->messages, "ICH408I a\nICH408I b\n");
	assert_string_equal(out->home, "/u/user1");
	assert_int_equal(out->ouid, 64141);
	assert_true((out->present & SAFP_F(SAFT_OUID)) != 0);
	assert_false((out->present & SAFP_F(SAFT_OGID)) != 0);
	assert_int_equal(out->ngroups, SAFP_GROUPS_MAX);
	/* A reply cut anywhere is refused or loses something. */
	for (cut = 0; cut < b.len; cut++)
		if (safp_rep_decode(b.data, cut, out, &err) == AT_OK)
			assert_true(out->present != in->present ||
			    out->ngroups != in->ngroups ||
			    strcmp(out->messages, in->messages) != 0 ||
			    strcmp(out->home, in->home) != 0);
	/* A request is not a reply, and a SAF RC other than 0/4/8 is not one. */
	b.data[1] &= 0x7f;
	assert_int_equal(safp_rep_decode(b.data, b.len, out, &err), AT_E_INPUT);
	in->saf_rc = 12;
	assert_int_equal(safp_rep_encode(in, &b, &err), AT_OK);
	assert_int_equal(safp_rep_decode(b.data, b.len, out, &err), AT_E_INPUT);
	at_buf_free(&b);
	free(in);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_roundtrip),
		cmocka_unit_test(test_rules_refused),
		cmocka_unit_test(test_decoder_refuses),
		cmocka_unit_test(test_reply_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
