/*
 * saf_fixture.h - helpers shared by the saf unit tests: a fresh database
 * in its own temporary directory, a SPECIAL administrator, and shortcuts
 * that run one change in its own transaction.  Included by *_test.c only.
 */
#ifndef ATTLS_TEST_SAF_FIXTURE_H
#define ATTLS_TEST_SAF_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "saf/access.h"
#include "saf/authority.h"
#include "saf/class.h"
#include "saf/db.h"
#include "saf/group.h"
#include "saf/password.h"
#include "saf/profile.h"
#include "saf/user.h"

struct fx {
	char dir[256];
	char path[300];
	struct saf_db *db;
	struct saf_actor admin;
	struct at_err err;
};

static inline void
fx_dir(struct fx *f)
{
	const char *tmp = getenv("TMPDIR");

	memset(f, 0, sizeof(*f));
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 200)
		tmp = "/tmp";
	(void)snprintf(f->dir, sizeof(f->dir), "%s/saf-test-XXXXXX", tmp);
	assert_non_null(mkdtemp(f->dir));
	(void)snprintf(f->path, sizeof(f->path), "%s/saf.db", f->dir);
}

/* A fresh database with ADMIN (SPECIAL) bootstrapped. */
static inline struct fx *
fx_new(void)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fx_dir(f);
	if (saf_db_open(f->path, SAF_DB_CREATE, &f->db, &f->err) != AT_OK)
		fail_msg("open: %s", f->err.msg);
	if (saf_bootstrap_admin(f->db, 4242, "admin", &f->err) != AT_OK)
		fail_msg("bootstrap: %s", f->err.msg);
	if (saf_actor_load(f->db, "ADMIN", &f->admin, &f->err) != AT_OK)
		fail_msg("actor: %s", f->err.msg);
	return f;
}

static inline void
fx_rmdir(const char *dir)
{
	char cmd[300];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static inline void
fx_free(struct fx *f)
{
	if (f == NULL)
		return;
	saf_db_close(f->db);
	fx_rmdir(f->dir);
	free(f);
}

static inline void
fx_begin(struct fx *f)
{
	if (saf_db_begin(f->db, &f->err) != AT_OK)
		fail_msg("begin: %s", f->err.msg);
}

static inline void
fx_commit(struct fx *f)
{
	if (saf_db_commit(f->db, &f->err) != AT_OK)
		fail_msg("commit: %s", f->err.msg);
}

/* Asserts rc is AT_OK, printing the error otherwise. */
#define FX_OK(f, call) do { \
	enum at_rc fx_rc_ = (call); \
	if (fx_rc_ != AT_OK) \
		fail_msg("%s: %s (%s)", #call, (f)->err.msg, \
		    at_rc_name(fx_rc_)); \
} while (0)

static inline void
fx_group(struct fx *f, const char *name)
{
	struct saf_group_change ch = { .set = SAF_GC_SUPGROUP,
	    .supgroup = "SYS1" };

	fx_begin(f);
	FX_OK(f, saf_group_add(f->db, &f->admin, name, &ch, &f->err));
	fx_commit(f);
}

static inline void
fx_user(struct fx *f, const char *name, const char *group)
{
	struct saf_user_change ch = { .set = SAF_UC_DFLTGRP,
	    .dfltgrp = group };

	fx_begin(f);
	FX_OK(f, saf_user_add(f->db, &f->admin, name, &ch, &f->err));
	fx_commit(f);
}

static inline void
fx_connect(struct fx *f, const char *user, const char *group)
{
	fx_begin(f);
	FX_OK(f, saf_connect(f->db, &f->admin, user, group, NULL, &f->err));
	fx_commit(f);
}

static inline void
fx_class(struct fx *f, const char *cls, bool generic, bool raclist)
{
	fx_begin(f);
	FX_OK(f, saf_setropts_classact(f->db, &f->admin, cls, true, &f->err));
	if (generic)
		FX_OK(f, saf_setropts_generic(f->db, &f->admin, cls, true,
		    &f->err));
	if (raclist)
		FX_OK(f, saf_setropts_raclist(f->db, &f->admin, cls, true,
		    &f->err));
	fx_commit(f);
}

static inline void
fx_rdef(struct fx *f, const char *cls, const char *name, enum saf_access uacc)
{
	struct saf_profile_change ch = { .set = SAF_PC_UACC, .uacc = uacc };

	fx_begin(f);
	FX_OK(f, saf_profile_define(f->db, &f->admin, cls, name, &ch, NULL,
	    &f->err));
	fx_commit(f);
}

static inline void
fx_permit(struct fx *f, const char *cls, const char *name, const char *id,
    enum saf_access a)
{
	fx_begin(f);
	FX_OK(f, saf_permit(f->db, &f->admin, cls, name, id, a, &f->err));
	fx_commit(f);
}

/* SETROPTS RACLIST(cls) REFRESH: RACLISTed changes take effect. */
static inline void
fx_refresh(struct fx *f, const char *cls)
{
	fx_begin(f);
	FX_OK(f, saf_setropts_refresh(f->db, &f->admin, cls, &f->err));
	fx_commit(f);
}

#endif
