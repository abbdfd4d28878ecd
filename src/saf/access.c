/* access.c - the access decision and the ICH408I violation message. */
#include "saf/access.h"

#include <stdio.h>
#include <string.h>

#include "saf/authority.h"
#include "saf/class.h"
#include "saf/match.h"
#include "saf/raclist.h"
#include "saf/sqlutil.h"
#include "saf/user.h"

/* The profile that protects a resource. */
struct found {
	int64_t id;
	char name[SAF_PROFILE_MAX + 1];
	bool generic;
	enum saf_access uacc;
	bool warning;
	const struct saf_rl_profile *rl; /* from a RACLIST copy, or NULL */
};

static enum at_rc
find_discrete(struct saf_db *db, const char *c, const char *r,
    struct found *f, bool *hit, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	*hit = false;
	rc = saf_db_prepare(db, "SELECT id, uacc, warning FROM profiles "
	    "WHERE class = ? AND name = ? AND generic = 0", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c);
	saf_sql_bind(st, 2, r);
	rc = saf_sql_row(db, st, &row, "finding a profile", err);
	if (rc == AT_OK && row) {
		*hit = true;
		f->id = sqlite3_column_int64(st, 0);
		f->uacc = (enum saf_access)sqlite3_column_int(st, 1);
		f->warning = sqlite3_column_int(st, 2) != 0;
		f->generic = false;
		rc = saf_copy_bounded(f->name, sizeof(f->name), r, "profile",
		    err);
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The most specific generic profile of class c covering r. */
static enum at_rc
find_generic(struct saf_db *db, const char *c, const char *r,
    struct found *f, bool *hit, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	char name[SAF_PROFILE_MAX + 1];
	enum at_rc rc;
	int row = 0;

	*hit = false;
	rc = saf_db_prepare(db, "SELECT id, uacc, warning, name FROM profiles "
	    "WHERE class = ? AND generic = 1", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, c);
	for (;;) {
		rc = saf_sql_row(db, st, &row, "finding a profile", err);
		if (rc != AT_OK || !row)
			break;
		saf_sql_text(st, 3, name, sizeof(name));
		if (!saf_generic_match(name, r))
			continue;
		if (*hit && saf_generic_cmp(name, f->name) <= 0)
			continue;
		*hit = true;
		f->id = sqlite3_column_int64(st, 0);
		f->uacc = (enum saf_access)sqlite3_column_int(st, 1);
		f->warning = sqlite3_column_int(st, 2) != 0;
		f->generic = true;
		memcpy(f->name, name, sizeof(f->name));
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* The access-list entry of profile f for `who`, or -1. */
static enum at_rc
entry(struct saf_db *db, const struct found *f, const char *who, int *access,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t id = f->id;
	enum at_rc rc;
	int row = 0;

	*access = -1;
	if (f->rl != NULL) {
		*access = saf_rl_entry_access(f->rl, who);
		return AT_OK;
	}
	rc = saf_db_prepare(db, "SELECT access FROM acl WHERE profile_id = ? "
	    "AND id = ?", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, id);
	saf_sql_bind(st, 2, who);
	rc = saf_sql_row(db, st, &row, "reading an access list", err);
	if (rc == AT_OK && row)
		*access = sqlite3_column_int(st, 0);
out:
	sqlite3_finalize(st);
	return rc;
}

/* Steps 3-7: the access the actor has to profile f. */
static enum at_rc
allowed_access(struct saf_db *db, const struct saf_actor *a,
    const struct found *f, struct saf_decision *d, struct at_err *err)
{
	enum at_rc rc;
	size_t i;
	int acc = -1, best = -1;

	d->allowed = SAF_ACC_NONE;
	d->via = SAF_VIA_NONE;
	if (a->defined && a->revoked)
		return AT_OK;
	/* An undefined user has no access-list entry, group or ID(*). */
	if (!a->defined) {
		d->allowed = f->uacc;
		d->via = SAF_VIA_UACC;
		return AT_OK;
	}
	rc = entry(db, f, a->user, &acc, err);
	if (rc != AT_OK || acc >= 0) {
		d->allowed = acc >= 0 ? (enum saf_access)acc : SAF_ACC_NONE;
		d->via = SAF_VIA_USER;
		memcpy(d->via_id, a->user, sizeof(d->via_id));
		return rc;
	}
	for (i = 0; i < a->ngroups; i++) {
		if (a->groups[i].revoked)
			continue;
		rc = entry(db, f, a->groups[i].name, &acc, err);
		if (rc != AT_OK)
			return rc;
		if (acc > best) {
			best = acc;
			memcpy(d->via_id, a->groups[i].name, sizeof(d->via_id));
		}
	}
	if (best >= 0) {
		d->allowed = (enum saf_access)best;
		d->via = SAF_VIA_GROUP;
		return AT_OK;
	}
	if (a->defined && !a->restricted) {
		rc = entry(db, f, "*", &acc, err);
		if (rc != AT_OK || acc >= 0) {
			d->allowed = acc >= 0 ? (enum saf_access)acc :
			    SAF_ACC_NONE;
			d->via = SAF_VIA_ID_STAR;
			memcpy(d->via_id, "*", 2);
			return rc;
		}
	}
	if (!a->restricted) {
		d->allowed = f->uacc;
		d->via = SAF_VIA_UACC;
	}
	return AT_OK;
}

static const char *
padded_access(enum saf_access a)
{
	return saf_access_name(a);
}

void
saf_format_ich408i(char *out, size_t cap, const char *user,
    const char *group, const char *name, const char *resource,
    const char *class_name, const char *generic_profile,
    enum saf_access intent, enum saf_access allowed, bool warning)
{
	char from[SAF_PROFILE_MAX + 32];
	int n;

	if (cap == 0)
		return;
	from[0] = '\0';
	if (generic_profile != NULL && generic_profile[0] != '\0')
		(void)snprintf(from, sizeof(from), "ICH408I   FROM %s (G)\n",
		    generic_profile);
	n = snprintf(out, cap,
	    "ICH408I USER(%-8s) GROUP(%-8.8s) NAME(%-20.20s)\n"
	    "ICH408I   %s CL(%-8.8s)\n"
	    "ICH408I   %s\n"
	    "%s"
	    "ICH408I   ACCESS INTENT(%-7s)  ACCESS ALLOWED(%-7s)\n",
	    user, group != NULL ? group : "",
	    name != NULL && name[0] != '\0' ? name : "???", resource,
	    class_name, warning ?
	    "WARNING: INSUFFICIENT AUTHORITY - TEMPORARY ACCESS ALLOWED" :
	    "INSUFFICIENT ACCESS AUTHORITY", from, padded_access(intent),
	    padded_access(allowed));
	if (n < 0)
		out[0] = '\0';
}

/* user NULL: an undefined user ("?<uid>"), which has no profile. */
static enum at_rc
load_subject(struct saf_db *db, const char *user, struct saf_actor *a,
    struct saf_user *u, struct at_err *err)
{
	enum at_rc rc = AT_OK;

	memset(a, 0, sizeof(*a));
	if (user != NULL)
		rc = saf_actor_load(db, user, a, err);
	memset(u, 0, sizeof(*u));
	if (rc == AT_OK && a->defined)
		rc = saf_user_get(db, a->user, u, err);
	return rc;
}

/* user: a user id, or NULL for the undefined user `shown`. */
static enum at_rc
decide(struct saf_db *db, const char *user, const char *shown,
    const struct saf_class *c,
    const char *r, struct saf_decision *d, struct at_err *err)
{
	struct saf_actor a;
	struct saf_user u;
	struct found f;
	bool hit = false;
	enum at_rc rc;

	memset(&f, 0, sizeof(f));
	if (c->raclist) {
		/* Decided from the in-storage copy, as of the last
		 * SETROPTS RACLIST(class) REFRESH. */
		rc = saf_raclist_find(db, c, r, &f.rl, err);
		hit = f.rl != NULL;
		if (hit) {
			memcpy(f.name, f.rl->name, sizeof(f.name));
			f.generic = f.rl->generic;
			f.uacc = f.rl->uacc;
			f.warning = f.rl->warning;
		}
	} else {
		rc = find_discrete(db, c->name, r, &f, &hit, err);
		if (rc == AT_OK && !hit && c->generic)
			rc = find_generic(db, c->name, r, &f, &hit, err);
	}
	if (rc != AT_OK || !hit)
		return rc;
	memcpy(d->profile, f.name, sizeof(d->profile));
	d->generic = f.generic;
	rc = load_subject(db, user, &a, &u, err);
	if (rc == AT_OK)
		rc = allowed_access(db, &a, &f, d, err);
	if (rc != AT_OK)
		return rc;
	if (d->allowed >= d->requested) {
		d->result = SAF_ALLOWED;
		return AT_OK;
	}
	d->result = f.warning ? SAF_ALLOWED : SAF_DENIED;
	d->warning = f.warning;
	saf_format_ich408i(d->message, sizeof(d->message), shown,
	    a.defined ? u.dfltgrp : "", u.pname, r, c->name,
	    f.generic ? f.name : NULL, d->requested, d->allowed, f.warning);
	return AT_OK;
}

enum at_rc
saf_check_access(struct saf_db *db, const char *user, const char *class_name,
    const char *resource, enum saf_access requested, struct saf_decision *out,
    struct at_err *err)
{
	char r[SAF_PROFILE_MAX + 1], u[SAF_NAME_MAX + 1];
	struct saf_class c;
	bool undefined;
	enum at_rc rc;

	memset(out, 0, sizeof(*out));
	out->result = SAF_NOT_PROTECTED;
	out->requested = requested;
	if ((unsigned)requested > SAF_ACC_ALTER)
		return at_err_setx(err, AT_E_INPUT, "invalid access level");
	/* The undefined-user form never reaches saf_name_norm, so a name
	 * like "?64002" is UACC-only and never a user id. */
	undefined = saf_name_is_undefined(user);
	rc = undefined ? AT_OK : saf_name_norm(user, "user id", u, err);
	if (rc == AT_OK)
		rc = saf_class_get(db, class_name, &c, err);
	if (rc == AT_OK)
		rc = saf_resource_norm(resource, r, err);
	if (rc != AT_OK)
		return rc;
	if (!saf_class_in_effect(&c)) {
		out->class_inactive = true;
		return AT_OK;
	}
	return decide(db, undefined ? NULL : u, undefined ? user : u, &c, r,
	    out, err);
}

const char *
saf_result_name(enum saf_result r)
{
	switch (r) {
	case SAF_ALLOWED:
		return "allowed";
	case SAF_NOT_PROTECTED:
		return "not protected";
	case SAF_DENIED:
		return "denied";
	default:
		return "unknown";
	}
}
