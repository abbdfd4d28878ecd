/*
 * user_test.c - users, groups, connections, name rules, bootstrap, uid
 * mapping, and who may administer what.
 */
#include "saf_fixture.h"

#include "saf/match.h"

struct ncase {
	const char *in;
	enum at_rc rc;
	const char *out;
};

static const struct ncase names[] = {
	{ "fred", AT_OK, "FRED" },
	{ "A1#$@", AT_OK, "A1#$@" },
	{ "ABCDEFGH", AT_OK, "ABCDEFGH" },
	{ "ABCDEFGHI", AT_E_INPUT, "" },
	{ "1ABC", AT_E_INPUT, "" },
	{ "", AT_E_INPUT, "" },
	{ "A-B", AT_E_INPUT, "" },
	{ "A B", AT_E_INPUT, "" },
};

static void
test_name_rules(void **state)
{
	char out[SAF_NAME_MAX + 1];
	struct at_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_int_equal(saf_name_norm(names[i].in, "user id", out,
		    &err), names[i].rc);
		assert_string_equal(out, names[i].out);
	}
}

struct gcase {
	const char *pat, *name;
	bool match;
};

static const struct gcase gcases[] = {
	{ "A.B.*", "A.B.C", true },
	{ "A.B.*", "A.B.C.D", true },
	{ "A.B.*", "A.B", false },
	{ "A.*.C", "A.X.C", true },
	{ "A.*.C", "A.X.Y.C", false },
	{ "A.**", "A", true },
	{ "A.**", "A.B.C", true },
	{ "A.**.Z", "A.Z", true },
	{ "A.**.Z", "A.B.C.Z", true },
	{ "A.**.Z", "A.B.C", false },
	{ "**", "ANYTHING.AT.ALL", true },
	{ "AB*", "ABC.DEF", true },
	{ "AB*", "AB", true },
	{ "A*C.D", "AXYC.D", true },
	{ "A*C.D", "AX.C.D", false },
	{ "%B", "AB", true },
	{ "%B", "B", false },
	{ "%B", ".B", false },
	{ "DSN2.*", "DSN2.REST", true },
	{ "IRRPTAUTH.DSN2APPL.*", "IRRPTAUTH.DSN2APPL.USER1", true },
};

static void
test_generic_match(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gcases) / sizeof(gcases[0]); i++)
		if (saf_generic_match(gcases[i].pat, gcases[i].name) !=
		    gcases[i].match)
			fail_msg("%s vs %s: want %d", gcases[i].pat,
			    gcases[i].name, gcases[i].match);
	assert_true(saf_generic_cmp("A.B.*", "A.**") > 0);
	assert_true(saf_generic_cmp("A.%.C", "A.*.C") > 0);
	assert_true(saf_generic_cmp("A.*", "A.**") > 0);
	assert_true(saf_generic_cmp("AB*", "A%*") > 0);
	assert_true(saf_generic_cmp("A.*.C", "A.*") > 0);
	assert_int_equal(saf_generic_cmp("A.*", "A.*"), 0);
}

static void
test_bootstrap(void **state)
{
	struct fx f;
	struct saf_user u;
	struct saf_group g;
	struct saf_actor a;
	bool created = false;
	char name[SAF_SUBJECT_MAX + 1];
	bool defined = false;

	(void)state;
	fx_dir(&f);
	FX_OK(&f, saf_db_open(f.path, SAF_DB_CREATE, &f.db, &f.err));
	FX_OK(&f, saf_bootstrap_admin2(f.db, 1000, "alice", &created, &f.err));
	assert_true(created);
	FX_OK(&f, saf_user_get(f.db, "ALICE", &u, &f.err));
	assert_true(u.special);
	assert_true(u.has_uid);
	assert_int_equal(u.uid, 1000);
	assert_string_equal(u.dfltgrp, "SYS1");
	assert_true(u.protected_user);
	FX_OK(&f, saf_group_get(f.db, "SYS1", &g, &f.err));
	/* a second bootstrap does nothing */
	FX_OK(&f, saf_bootstrap_admin2(f.db, 1001, "bob", &created, &f.err));
	assert_false(created);
	assert_int_equal(saf_user_get(f.db, "BOB", &u, &f.err), AT_E_NOTFOUND);
	assert_non_null(strstr(f.err.msg, "ICH30001I"));
	/* uid mapping: by OMVS UID only, never by login name */
	FX_OK(&f, saf_user_from_uid(f.db, 1000, name, &defined, &f.err));
	assert_string_equal(name, "ALICE");
	assert_true(defined);
	FX_OK(&f, saf_user_from_uid(f.db, 1001, name, &defined, &f.err));
	assert_string_equal(name, "?1001");
	assert_false(defined);
	assert_true(saf_name_is_undefined(name));
	assert_int_equal(saf_actor_for_uid(f.db, 1001, &a, &f.err),
	    AT_E_DENIED);
	assert_non_null(strstr(f.err.msg, "OMVS UID(1001)"));
	FX_OK(&f, saf_actor_for_uid(f.db, 1000, &a, &f.err));
	assert_string_equal(a.user, "ALICE");
	assert_true(a.special);
	saf_db_close(f.db);
	fx_rmdir(f.dir);
}

static void
test_user_lifecycle(void **state)
{
	struct fx *f = fx_new();
	struct saf_user_change ch;
	struct saf_user u;

	(void)state;
	fx_group(f, "DEPT1");
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_UC_DFLTGRP | SAF_UC_PNAME | SAF_UC_UID | SAF_UC_HOME |
	    SAF_UC_PROGRAM | SAF_UC_DATA;
	ch.dfltgrp = "dept1";
	ch.pname = "SQUIDWARD";
	ch.uid = 2424;
	ch.home = "/u/squidwrd";
	ch.program = "/bin/sh";
	ch.data = "test user";
	fx_begin(f);
	FX_OK(f, saf_user_add(f->db, &f->admin, "squidwrd", &ch, &f->err));
	assert_int_equal(saf_user_add(f->db, &f->admin, "SQUIDWRD", &ch,
	    &f->err), AT_E_EXISTS);
	assert_int_equal(saf_user_add(f->db, &f->admin, "DEPT1", NULL,
	    &f->err), AT_E_EXISTS);
	/* UID already used */
	ch.set = SAF_UC_DFLTGRP | SAF_UC_UID;
	assert_int_equal(saf_user_add(f->db, &f->admin, "OTHER", &ch, &f->err),
	    AT_E_EXISTS);
	fx_commit(f);
	FX_OK(f, saf_user_get(f->db, "SQUIDWRD", &u, &f->err));
	assert_string_equal(u.owner, "ADMIN");
	assert_string_equal(u.dfltgrp, "DEPT1");
	assert_string_equal(u.pname, "SQUIDWARD");
	assert_string_equal(u.home, "/u/squidwrd");
	assert_string_equal(u.program, "/bin/sh");
	assert_int_equal(u.uid, 2424);
	assert_true(u.created > 0);
	/* DFLTGRP must be a connected group; NOOMVS */
	memset(&ch, 0, sizeof(ch));
	ch.set = SAF_UC_DFLTGRP;
	ch.dfltgrp = "SYS1";
	fx_begin(f);
	assert_int_equal(saf_user_alter(f->db, &f->admin, "SQUIDWRD", &ch,
	    &f->err), AT_E_INPUT);
	ch.set = SAF_UC_NOOMVS;
	FX_OK(f, saf_user_alter(f->db, &f->admin, "SQUIDWRD", &ch, &f->err));
	fx_commit(f);
	FX_OK(f, saf_user_get(f->db, "SQUIDWRD", &u, &f->err));
	assert_false(u.has_uid);
	/* REMOVE of the default group is refused; DELUSER works */
	fx_begin(f);
	assert_int_equal(saf_remove(f->db, &f->admin, "SQUIDWRD", "DEPT1",
	    &f->err), AT_E_INPUT);
	assert_int_equal(saf_group_delete(f->db, &f->admin, "DEPT1", &f->err),
	    AT_E_INPUT);
	FX_OK(f, saf_user_delete(f->db, &f->admin, "SQUIDWRD", &f->err));
	FX_OK(f, saf_group_delete(f->db, &f->admin, "DEPT1", &f->err));
	fx_commit(f);
	assert_int_equal(saf_user_get(f->db, "SQUIDWRD", &u, &f->err),
	    AT_E_NOTFOUND);
	fx_free(f);
}

static enum at_rc
count_connect(void *ctx, const struct saf_connect *c, struct at_err *err)
{
	(void)c;
	(void)err;
	(*(int *)ctx)++;
	return AT_OK;
}

static enum at_rc
count_name(void *ctx, const char *name, struct at_err *err)
{
	(void)name;
	(void)err;
	(*(int *)ctx)++;
	return AT_OK;
}

static enum at_rc
count_acl(void *ctx, const struct saf_acl_entry *e, struct at_err *err)
{
	(void)err;
	assert_string_equal(e->id, "ADMIN");
	assert_int_equal(e->access, SAF_ACC_READ);
	(*(int *)ctx)++;
	return AT_OK;
}

static void
test_group_authority(void **state)
{
	struct fx *f = fx_new();
	struct saf_connect_change cc;
	struct saf_group_change gc;
	struct saf_actor boss, ann;
	int n = 0;

	(void)state;
	fx_group(f, "DEPT1");
	fx_group(f, "DEPT2");
	fx_user(f, "BOSS", "DEPT1");
	fx_user(f, "ANN", "DEPT2");
	memset(&cc, 0, sizeof(cc));
	cc.set = SAF_CC_AUTH;
	cc.auth = SAF_GAUTH_JOIN;
	fx_begin(f);
	FX_OK(f, saf_connect(f->db, &f->admin, "BOSS", "DEPT1", &cc, &f->err));
	fx_commit(f);
	FX_OK(f, saf_actor_load(f->db, "BOSS", &boss, &f->err));
	FX_OK(f, saf_actor_load(f->db, "ANN", &ann, &f->err));
	fx_begin(f);
	/* JOIN in DEPT1: may connect to DEPT1, add users and subgroups */
	FX_OK(f, saf_connect(f->db, &boss, "ANN", "DEPT1", NULL, &f->err));
	FX_OK(f, saf_user_add(f->db, &boss, "NEWBIE", NULL, &f->err));
	memset(&gc, 0, sizeof(gc));
	gc.set = SAF_GC_SUPGROUP;
	gc.supgroup = "DEPT1";
	FX_OK(f, saf_group_add(f->db, &boss, "SUB1", &gc, &f->err));
	/* but not in DEPT2, nor SPECIAL attributes */
	assert_int_equal(saf_connect(f->db, &boss, "NEWBIE", "DEPT2", NULL,
	    &f->err), AT_E_DENIED);
	assert_non_null(strstr(f->err.msg, "ICH02004I"));
	cc.set = SAF_CC_SPECIAL;
	cc.special = true;
	assert_int_equal(saf_connect(f->db, &boss, "ANN", "DEPT1", &cc,
	    &f->err), AT_E_DENIED);
	/* ANN has USE only */
	assert_int_equal(saf_user_add(f->db, &ann, "X1", NULL, &f->err),
	    AT_E_DENIED);
	/* a cycle of superior groups is refused */
	gc.supgroup = "SUB1";
	assert_int_equal(saf_group_alter(f->db, &f->admin, "DEPT1", &gc,
	    &f->err), AT_E_INPUT);
	FX_OK(f, saf_remove(f->db, &boss, "ANN", "DEPT1", &f->err));
	assert_int_equal(saf_remove(f->db, &boss, "ANN", "DEPT1", &f->err),
	    AT_E_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "ICH03002I ANN      WAS NOT "
	    "CONNECTED TO GROUP."));
	fx_commit(f);
	FX_OK(f, saf_connect_each(f->db, NULL, "DEPT1", count_connect, &n,
	    &f->err));
	assert_int_equal(n, 2);
	n = 0;
	FX_OK(f, saf_group_subgroups(f->db, "DEPT1", count_name, &n, &f->err));
	assert_int_equal(n, 1);
	n = 0;
	FX_OK(f, saf_user_each(f->db, count_name, &n, &f->err));
	assert_int_equal(n, 4);
	fx_free(f);
}

static void
test_profile_authority(void **state)
{
	struct fx *f = fx_new();
	struct saf_actor fred;
	struct saf_profile p;
	bool generic = true;
	int n = 0;

	(void)state;
	fx_user(f, "FRED", "SYS1");
	fx_class(f, "FACILITY", true, false);
	FX_OK(f, saf_actor_load(f->db, "FRED", &fred, &f->err));
	fx_begin(f);
	assert_int_equal(saf_profile_define(f->db, &fred, "FACILITY", "F.ONE",
	    NULL, NULL, &f->err), AT_E_DENIED);
	assert_non_null(strstr(f->err.msg, "ICH10103I"));
	assert_int_equal(saf_setropts_classact(f->db, &fred, "FACILITY", true,
	    &f->err), AT_E_DENIED);
	FX_OK(f, saf_user_clauth(f->db, &f->admin, "FRED", "FACILITY", true,
	    &f->err));
	fx_commit(f);
	/* with CLAUTH(FACILITY), FRED defines, owns, permits */
	FX_OK(f, saf_actor_load(f->db, "FRED", &fred, &f->err));
	fx_begin(f);
	FX_OK(f, saf_profile_define(f->db, &fred, "FACILITY", "F.*", NULL,
	    &generic, &f->err));
	assert_true(generic);
	FX_OK(f, saf_permit(f->db, &fred, "FACILITY", "F.*", "ADMIN",
	    SAF_ACC_READ, &f->err));
	assert_int_equal(saf_permit(f->db, &fred, "FACILITY", "F.*", "NOBODY",
	    SAF_ACC_READ, &f->err), AT_E_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "ICH06007I NOBODY NOT DEFINED"));
	FX_OK(f, saf_permit(f->db, &fred, "FACILITY", "F.*", "*",
	    SAF_ACC_READ, &f->err));
	FX_OK(f, saf_permit_delete(f->db, &fred, "FACILITY", "F.*", "*",
	    &f->err));
	assert_int_equal(saf_permit_delete(f->db, &fred, "FACILITY", "F.*",
	    "*", &f->err), AT_E_NOTFOUND);
	assert_int_equal(saf_profile_define(f->db, &fred, "FACILITY", "F.*",
	    NULL, NULL, &f->err), AT_E_EXISTS);
	fx_commit(f);
	FX_OK(f, saf_profile_get(f->db, "FACILITY", "F.*", &p, &f->err));
	assert_string_equal(p.owner, "FRED");
	assert_true(p.generic);
	assert_string_equal(p.audit, "FAILURES(READ)");
	FX_OK(f, saf_acl_each(f->db, "FACILITY", "F.*", count_acl, &n,
	    &f->err));
	assert_int_equal(n, 1);
	/* an administrator's profile is not FRED's to change */
	fx_rdef(f, "FACILITY", "ADMIN.ONLY", SAF_ACC_NONE);
	fx_begin(f);
	assert_int_equal(saf_permit(f->db, &fred, "FACILITY", "ADMIN.ONLY",
	    "FRED", SAF_ACC_ALTER, &f->err), AT_E_DENIED);
	assert_int_equal(saf_profile_delete(f->db, &fred, "FACILITY",
	    "ADMIN.ONLY", &f->err), AT_E_DENIED);
	FX_OK(f, saf_profile_delete(f->db, &fred, "FACILITY", "F.*", &f->err));
	assert_int_equal(saf_profile_delete(f->db, &fred, "FACILITY", "F.*",
	    &f->err), AT_E_NOTFOUND);
	fx_commit(f);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test(test_generic_match),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_user_lifecycle),
		cmocka_unit_test(test_group_authority),
		cmocka_unit_test(test_profile_authority),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
