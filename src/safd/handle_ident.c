/*
 * handle_ident.c - GROUPS and OMVS: what the security manager says about
 * a user (the caller, or with BPX.SERVER another, or the user of a uid).
 * A user that does not exist is SAF RC 4 (nothing to say), told only to
 * a caller that may ask about other users.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saf/authority.h"
#include "saf/group.h"
#include "saf/user.h"
#include "safd/safd.h"

static void
no_such_user(struct safp_rep *rep, const char *what)
{
	struct at_err ignored;
	char text[128];

	rep->saf_rc = 4;
	rep->racf_rc = 4;
	(void)snprintf(text, sizeof(text), "%s\n", what);
	(void)safp_rep_set(rep, SAFT_MESSAGES, text, &ignored);
}

/* The user a request is about; AT_E_DENIED means rep holds the refusal. */
static enum at_rc
target(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, char user[SAF_SUBJECT_MAX + 1],
    struct safp_rep *rep, struct at_err *err)
{
	enum at_rc rc;
	bool defined = false;

	if ((req->present & SAFP_F(SAFT_UID)) != 0 && req->uid == c->uid) {
		(void)snprintf(user, SAF_SUBJECT_MAX + 1, "%s", c->user);
		return AT_OK;
	}
	if ((req->present & (SAFP_F(SAFT_USER) | SAFP_F(SAFT_UID))) == 0 ||
	    ((req->present & SAFP_F(SAFT_USER)) != 0 &&
	    safd_caller_is(c, req->user))) {
		(void)snprintf(user, SAF_SUBJECT_MAX + 1, "%s", c->user);
		return AT_OK;
	}
	rc = safd_authz_server(d, c, rep, err);
	if (rc != AT_OK)
		return rc;
	if ((req->present & SAFP_F(SAFT_UID)) != 0) {
		rc = saf_user_from_uid(d->db, (uid_t)req->uid, user, &defined,
		    err);
		if (rc == AT_OK && !defined)
			user[0] = '\0';
		return rc;
	}
	return saf_name_norm(req->user, "user id", user, err);
}

enum at_rc
safd_handle_groups(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	char user[SAF_SUBJECT_MAX + 1];
	struct saf_actor *a;
	enum at_rc rc;
	size_t i;

	rc = target(d, c, req, user, rep, err);
	if (rc == AT_E_DENIED)
		return AT_OK;
	if (rc != AT_OK)
		return rc;
	if (saf_name_is_undefined(user)) {
		no_such_user(rep, "the caller's uid is not the OMVS UID of any "
		    "user");
		return AT_OK;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = saf_actor_load(d->db, user, a, err);
	if (rc == AT_OK && !a->defined) {
		no_such_user(rep, "IRR012I  VERIFICATION FAILED. USER PROFILE "
		    "NOT FOUND.");
		free(a);
		return AT_OK;
	}
	for (i = 0; rc == AT_OK && i < a->ngroups; i++)
		if (!a->groups[i].revoked)
			rc = safp_rep_add_group(rep, a->groups[i].name, err);
	if (rc == AT_OK)
		rc = safp_rep_set(rep, SAFT_RUSER, a->user, err);
	if (rc == AT_OK)
		rc = safp_rep_set(rep, SAFT_DFLTGRP, a->dfltgrp, err);
	free(a);
	return rc;
}

enum at_rc
safd_handle_omvs(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	char user[SAF_SUBJECT_MAX + 1];
	struct saf_user *u;
	struct saf_group g;
	enum at_rc rc;

	rc = target(d, c, req, user, rep, err);
	if (rc == AT_E_DENIED)
		return AT_OK;
	if (rc != AT_OK)
		return rc;
	if (user[0] == '\0' || saf_name_is_undefined(user)) {
		no_such_user(rep, "no user has that OMVS UID");
		return AT_OK;
	}
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = saf_user_get(d->db, user, u, err);
	if (rc == AT_E_NOTFOUND) {
		at_err_clear(err);
		no_such_user(rep, "IRR012I  VERIFICATION FAILED. USER PROFILE "
		    "NOT FOUND.");
		free(u);
		return AT_OK;
	}
	if (rc == AT_OK)
		rc = safp_rep_set(rep, SAFT_RUSER, u->name, err);
	if (rc == AT_OK)
		rc = safp_rep_set(rep, SAFT_DFLTGRP, u->dfltgrp, err);
	if (rc == AT_OK && u->has_uid) {
		rep->ouid = (uint32_t)u->uid;
		rep->present |= SAFP_F(SAFT_OUID);
	}
	if (rc == AT_OK && u->home[0] != '\0')
		rc = safp_rep_set(rep, SAFT_HOME, u->home, err);
	if (rc == AT_OK && u->program[0] != '\0')
		rc = safp_rep_set(rep, SAFT_PROGRAM, u->program, err);
	if (rc == AT_OK && u->dfltgrp[0] != '\0' &&
	    saf_group_get(d->db, u->dfltgrp, &g, err) == AT_OK && g.has_gid) {
		rep->ogid = (uint32_t)g.gid;
		rep->present |= SAFP_F(SAFT_OGID);
	}
	at_err_clear(err);
	free(u);
	return rc;
}
