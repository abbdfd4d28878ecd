/*
 * racf_fixture.h - a fresh temporary security database per test, with an
 * administrator (ADMIN, SPECIAL, made by the bootstrap) as the issuer, and
 * helpers to run RACF commands and compare their output.
 */
#ifndef ATTLS_TEST_RACF_FIXTURE_H
#define ATTLS_TEST_RACF_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/buf.h"
#include "racf/exec.h"
#include "saf/authority.h"
#include "saf/db.h"

#define FIX_ADMIN_UID 4242

struct fix {
	char dir[128];
	char path[160];
	struct saf_db *db;
	struct saf_actor actor;
	struct racf_ctx ctx;
	struct at_buf out;
	struct at_err err;
};

static inline int
fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	bool created = false;

	assert_non_null(f);
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 100)
		tmp = "/tmp";
	(void)snprintf(f->dir, sizeof(f->dir), "%s/racf-test-XXXXXX", tmp);
	assert_non_null(mkdtemp(f->dir));
	(void)snprintf(f->path, sizeof(f->path), "%s/saf.db", f->dir);
	assert_int_equal(saf_db_open(f->path, SAF_DB_CREATE, &f->db, &f->err), AT_OK);
	assert_int_equal(saf_bootstrap_admin2(f->db, FIX_ADMIN_UID, "admin", &created, &f->err),
	    AT_OK);
	assert_true(created);
	assert_int_equal(saf_actor_for_uid(f->db, FIX_ADMIN_UID, &f->actor, &f->err),
	    AT_OK);
	f->ctx.db = f->db;
	f->ctx.actor = &f->actor;
	at_buf_init(&f->out, RACF_OUT_MAX);
	*state = f;
	return 0;
}

static inline int
fix_teardown(void **state)
{
	struct fix *f = *state;

	saf_db_close(f->db);
	at_buf_free(&f->out);
	(void)unlink(f->path);
	(void)rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs one command as the current issuer; output in f->out, error in f->err. */
static inline enum at_rc
fix_run(struct fix *f, const char *cmd)
{
	at_buf_reset(&f->out);
	at_err_clear(&f->err);
	return racf_exec_text(&f->ctx, cmd, &f->out, &f->err);
}

/* Runs cmd and fails the test unless it succeeds. */
static inline void
fix_ok(struct fix *f, const char *cmd)
{
	enum at_rc rc = fix_run(f, cmd);

	if (rc != AT_OK)
		fail_msg("command '%s' failed: %s", cmd, f->err.msg);
}

/* Makes `user` the issuer (reloading its authority from the database). */
static inline void
fix_as(struct fix *f, const char *user)
{
	assert_int_equal(saf_actor_load(f->db, user, &f->actor, &f->err), AT_OK);
}

/* Whether the output holds text. */
static inline bool
fix_out_has(const struct fix *f, const char *text)
{
	return strstr(at_buf_cstr(&f->out), text) != NULL;
}

#endif
