/*
 * group_cmd_test.c - ADDGROUP, ALTGROUP, DELGROUP, LISTGRP, CONNECT and
 * REMOVE on a fresh database.
 */
#include "racf_fixture.h"
#include "saf/group.h"

struct seen {
	size_t n;
	struct saf_connect last;
};

static enum at_rc
count_cb(void *ctx, const struct saf_connect *c, struct at_err *err)
{
	struct seen *s = ctx;

	(void)err;
	s->n++;
	s->last = *c;
	return AT_OK;
}

static size_t
connections(struct fix *f, const char *user, const char *group, struct saf_connect *last)
{
	struct seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(saf_connect_each(f->db, user, group, count_cb, &s, &f->err), AT_OK);
	if (last != NULL)
		*last = s.last;
	return s.n;
}

static void
test_addgroup_listgrp(void **state)
{
	struct fix *f = *state;
	struct saf_group g;

	fix_ok(f, "ADDGROUP ATSGRP DATA('Lab group') OMVS(GID(500))");
	assert_int_equal(saf_group_get(f->db, "ATSGRP", &g, &f->err), AT_OK);
	assert_string_equal(g.supgroup, "SYS1");
	assert_true(g.has_gid);
	assert_int_equal(g.gid, 500);
	fix_ok(f, "ADDUSER FRED DFLTGRP(ATSGRP)");
	fix_ok(f, "LISTGRP ATSGRP OMVS");
	assert_true(fix_out_has(f, "INFORMATION FOR GROUP ATSGRP\n    SUPERIOR GROUP=SYS1         "
	    "OWNER=SYS1        CREATED="));
	assert_true(fix_out_has(f, "\n    INSTALLATION DATA=Lab group\n    NO MODEL DATA SET\n"
	    "    TERMUACC\n    NO SUBGROUPS\n"
	    "    USER(S)=      ACCESS=      ACCESS COUNT=      UNIVERSAL ACCESS=\n"
	    "      FRED          USE           000000               NONE\n"
	    "         CONNECT ATTRIBUTES=NONE\n"
	    "         REVOKE DATE=NONE                 RESUME DATE=NONE\n"));
	assert_true(fix_out_has(f, "GID= 0000000500"));
	fix_ok(f, "LG SYS1");
	assert_true(fix_out_has(f, "    SUBGROUP(S)= ATSGRP"));
	assert_int_equal(fix_run(f, "LISTGRP NOPE"), AT_E_NOTFOUND);
	assert_string_equal(f->err.msg, "ICH51003I NAME NOT FOUND IN RACF DATA SET");
	fix_ok(f, "ALG ATSGRP NOTERMUACC");
	assert_int_equal(saf_group_get(f->db, "ATSGRP", &g, &f->err), AT_OK);
	assert_false(g.termuacc);
	assert_int_not_equal(fix_run(f, "ADDGROUP ATSGRP"), AT_OK);
}

static void
test_connect_remove(void **state)
{
	struct fix *f = *state;
	struct saf_connect c;

	fix_ok(f, "AG (G1 G2)");
	fix_ok(f, "AU (FRED JOE)");
	fix_ok(f, "connect    fred  group(g1) authority(connect) uacc(read) special");
	assert_int_equal(connections(f, "FRED", "G1", &c), 1);
	assert_int_equal(c.auth, SAF_GAUTH_CONNECT);
	assert_int_equal(c.uacc, SAF_ACC_READ);
	assert_true(c.special);
	/* the whole list or nothing */
	assert_int_not_equal(fix_run(f, "CONNECT (JOE NOSUCH) GROUP(G2)"), AT_OK);
	assert_int_equal(connections(f, "JOE", "G2", NULL), 0);
	assert_int_not_equal(fix_run(f, "CONNECT JOE GROUP(NOPE)"), AT_OK);
	assert_non_null(strstr(f->err.msg, "ICH02003I"));
	assert_int_equal(fix_run(f, "CONNECT JOE GROUP(G2) AUTHORITY(BOSS)"), AT_E_INPUT);
	assert_string_equal(f->err.msg, "IKJ56702I INVALID GROUP AUTHORITY, BOSS\n"
	    "IKJ56701I MISSING USE, CREATE, CONNECT, OR JOIN");
	/* GROUP defaults to the issuer's default group */
	fix_ok(f, "CO JOE");
	assert_int_equal(connections(f, "JOE", "SYS1", NULL), 1);
	fix_ok(f, "REMOVE FRED GROUP(G1)");
	assert_int_equal(connections(f, "FRED", "G1", NULL), 0);
	assert_int_equal(fix_run(f, "RE FRED GROUP(G1)"), AT_E_NOTFOUND);
	assert_non_null(strstr(f->err.msg, "ICH03002I FRED     WAS NOT CONNECTED TO GROUP."));
}

static void
test_delgroup(void **state)
{
	struct fix *f = *state;
	struct saf_group g;

	fix_ok(f, "AG G1");
	fix_ok(f, "AU FRED");
	fix_ok(f, "CO FRED GROUP(G1)");
	assert_int_not_equal(fix_run(f, "DELGROUP G1"), AT_OK);
	assert_int_equal(saf_group_get(f->db, "G1", &g, &f->err), AT_OK);
	fix_ok(f, "RE FRED GROUP(G1)");
	fix_ok(f, "DG G1");
	assert_int_equal(saf_group_get(f->db, "G1", &g, &f->err), AT_E_NOTFOUND);
}

static void
test_group_authority(void **state)
{
	struct fix *f = *state;

	fix_ok(f, "AG G1");
	fix_ok(f, "AU (FRED JOE)");
	fix_as(f, "FRED");
	assert_int_equal(fix_run(f, "CONNECT JOE GROUP(G1)"), AT_E_DENIED);
	assert_int_equal(connections(f, "JOE", "G1", NULL), 0);
	fix_as(f, "ADMIN");
	fix_ok(f, "CONNECT FRED GROUP(G1) AUTHORITY(CONNECT)");
	fix_as(f, "FRED");
	fix_ok(f, "CONNECT JOE GROUP(G1)");
	assert_int_equal(connections(f, "JOE", "G1", NULL), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_addgroup_listgrp, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_connect_remove, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_delgroup, fix_setup, fix_teardown),
		cmocka_unit_test_setup_teardown(test_group_authority, fix_setup, fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
