/*
 * racmap_test.c - RACMAP MAP, LISTMAP, QUERY and DELMAP through the
 * command language, with the seed's command and SPECIAL authority.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "racf/exec.h"
#include "saf/authority.h"
#include "saf/db.h"

struct fx {
	char dir[64];
	struct saf_db *db;
	struct saf_actor admin;
	struct racf_ctx ctx;
	struct at_buf out;
};

static enum at_rc
run(struct fx *f, const char *text, struct at_err *err)
{
	at_buf_reset(&f->out);
	at_err_clear(err);
	return racf_exec_text(&f->ctx, text, &f->out, err);
}

static void
must(struct fx *f, const char *text)
{
	struct at_err err;

	if (run(f, text, &err) != AT_OK)
		fail_msg("'%s': %s", text, err.msg);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct at_err err;
	char path[128];

	if (f == NULL)
		return -1;
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/racmap_test.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/saf.db", f->dir);
	if (saf_db_open(path, SAF_DB_CREATE, &f->db, &err) != AT_OK ||
	    saf_bootstrap_admin(f->db, 0, "admin", &err) != AT_OK ||
	    saf_actor_load(f->db, "ADMIN", &f->admin, &err) != AT_OK)
		return -1;
	f->ctx.db = f->db;
	f->ctx.actor = &f->admin;
	at_buf_init(&f->out, RACF_OUT_MAX);
	*state = f;
	must(f, "ADDUSER USER1");
	must(f, "ADDUSER RLCOOK");
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	at_buf_free(&f->out);
	saf_db_close(f->db);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
test_seed_map_and_query(void **state)
{
	struct fx *f = *state;

	/* The seed's command, unchanged. */
	must(f, "RACMAP ID(USER1) MAP USERDIDFILTER(NAME('distuser')) REGISTRY(NAME('*'))");
	must(f, "RACMAP ID(RLCOOK) MAP USERDIDFILTER(NAME('UID=BobC,CN=Bob Cook,"
	    "OU=Accounting,O=BobsMart,C=US')) REGISTRY(NAME('ldaps://us.bobsmarturl.com')) "
	    "WITHLABEL('Accounting boss')");
	must(f, "RACMAP ID(RLCOOK) LISTMAP");
	assert_string_equal(at_buf_cstr(&f->out),
	    "Mapping information for user RLCOOK:\n"
	    "  Label: Accounting boss\n"
	    "  Distributed Identity User Name Filter:\n"
	    "    >UID=BobC,CN=Bob Cook,OU=Accounting,O=BobsMart,C=US<\n"
	    "  Registry name:\n"
	    "    >ldaps://us.bobsmarturl.com<\n\n");
	must(f, "RACMAP QUERY USERDIDFILTER(NAME('distuser')) REGISTRY(NAME('zCEERealm'))");
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "Mapping information for user USER1:\n  Label: LABEL00000001\n"));
	must(f, "RACMAP ID(USER1) LISTMAP(LABEL('LABEL00000001'))");
	assert_non_null(strstr(at_buf_cstr(&f->out), ">distuser<"));
}

static void
test_errors_and_authority(void **state)
{
	static const struct {
		const char *cmd;
		enum at_rc want;
		const char *want_msg;
	} cases[] = {
		{ "RACMAP ID(USER1) MAP USERDIDFILTER(NAME('distuser')) REGISTRY(NAME('*'))",
		    AT_E_EXISTS, "already" },
		{ "RACMAP ID(NOBODY) MAP USERDIDFILTER(NAME('x')) REGISTRY(NAME('*'))",
		    AT_E_NOTFOUND, "NOBODY" },
		{ "RACMAP ID(USER1) MAP REGISTRY(NAME('*'))", AT_E_INPUT, "USERDIDFILTER" },
		{ "RACMAP QUERY USERDIDFILTER(NAME('other')) REGISTRY(NAME('r'))",
		    AT_E_NOTFOUND, "No RACF user ID found" },
		{ "RACMAP ID(USER1) DELMAP(LABEL('nope'))", AT_E_NOTFOUND, "nope" },
		{ "RACMAP ID(RLCOOK) LISTMAP", AT_E_NOTFOUND, "RLCOOK" },
		{ "RACMAP ID(USER1) MAP DELMAP", AT_E_INPUT, "only one" },
	};
	struct fx *f = *state;
	struct saf_actor u1;
	struct at_err err;
	size_t i;

	must(f, "RACMAP ID(USER1) MAP USERDIDFILTER(NAME('distuser')) REGISTRY(NAME('*'))");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum at_rc rc = run(f, cases[i].cmd, &err);

		if (rc != cases[i].want || strstr(err.msg, cases[i].want_msg) == NULL)
			fail_msg("case %zu '%s': got %d '%s', want %d '%s'", i,
			    cases[i].cmd, rc, err.msg, cases[i].want, cases[i].want_msg);
	}
	/* Without SPECIAL: no MAP or DELMAP; one's own LISTMAP is fine. */
	assert_int_equal(saf_actor_load(f->db, "USER1", &u1, &err), AT_OK);
	f->ctx.actor = &u1;
	assert_int_equal(run(f, "RACMAP ID(USER1) MAP USERDIDFILTER(NAME('me')) "
	    "REGISTRY(NAME('*'))", &err), AT_E_DENIED);
	assert_int_equal(run(f, "RACMAP ID(USER1) DELMAP", &err), AT_E_DENIED);
	assert_int_equal(run(f, "RACMAP LISTMAP", &err), AT_OK);
	assert_int_equal(run(f, "RACMAP ID(RLCOOK) LISTMAP", &err), AT_E_DENIED);
	assert_int_equal(run(f, "RACMAP QUERY USERDIDFILTER(NAME('distuser')) "
	    "REGISTRY(NAME('*'))", &err), AT_E_DENIED);
	f->ctx.actor = &f->admin;
	must(f, "RACMAP ID(USER1) DELMAP");
	assert_int_equal(run(f, "RACMAP QUERY USERDIDFILTER(NAME('distuser')) "
	    "REGISTRY(NAME('*'))", &err), AT_E_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed_map_and_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_and_authority, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
