/*
 * permit.c - PERMIT profile|(profile ...) CLASS(c) ID(id ...|*)
 * [ACCESS(a)|DELETE] [RESET[(ALL|STANDARD|WHEN)]] [FROM(p) [FCLASS(c)]]
 * [GENERIC] [FGENERIC].
 *
 * Order of work, per profile: RESET, then the FROM profile's entries, then
 * the ID entries.  ACCESS defaults to READ.  CLASS defaults to DATASET as
 * in RACF, which attls does not have, so in practice CLASS is required.
 * GENERIC and FGENERIC are accepted: attls finds a profile by its exact
 * name whether it is generic or not.  WHEN (conditional access lists) is
 * refused.
 */
#include <string.h>

#include "racf/util.h"
#include "saf/class.h"
#include "saf/profile.h"

struct permit_args {
	char cls[SAF_NAME_MAX + 1];
	struct saf_class c;
	enum saf_access access;
	bool del;
	bool reset;      /* clear the standard access list */
	const struct racf_opnd *ids;
	char from[SAF_PROFILE_MAX + 1];
	char fcls[SAF_NAME_MAX + 1];
};

static enum at_rc
read_reset(const struct racf_opnd *k, struct permit_args *a, struct at_buf *out,
    struct at_err *err)
{
	char how[16] = "STANDARD";
	enum at_rc rc = AT_OK;

	if (k == NULL)
		return AT_OK;
	if (racf_has_value(k))
		rc = racf_single_upper(k, how, sizeof(how), "RESET OPTION", err);
	if (rc == AT_OK && strcmp(how, "ALL") != 0 && strcmp(how, "STANDARD") != 0 &&
	    strcmp(how, "WHEN") != 0)
		rc = racf_err_invalid(err, racf_single(k), "RESET OPTION", "ALL, STANDARD, OR WHEN");
	if (rc == AT_OK && a->del)
		return at_buf_printf(out, "ICH06009I RESET OPTION IGNORED, CONFLICTS WITH DELETE "
		    "REQUEST\n");
	a->reset = rc == AT_OK && strcmp(how, "WHEN") != 0;
	return rc;
}

static enum at_rc
read_permit_args(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct permit_args *a,
    struct at_buf *out, struct at_err *err)
{
	const struct racf_opnd *k;
	enum at_rc rc = AT_OK;

	memset(a, 0, sizeof(*a));
	a->access = SAF_ACC_READ;
	a->del = racf_kw(cmd, "DELETE") != NULL;
	a->ids = racf_kw(cmd, "ID");
	if (racf_kw(cmd, "WHEN") != NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID OPERAND, WHEN: "
		    "conditional access lists are not supported");
	if (a->del && racf_kw(cmd, "ACCESS") != NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OPERAND, ACCESS AND DELETE CONFLICT");
	if ((k = racf_kw(cmd, "CLASS")) != NULL)
		rc = racf_single_upper(k, a->cls, sizeof(a->cls), "CLASS", err);
	else
		(void)at_str_copy(a->cls, sizeof(a->cls), at_str_c("DATASET"));
	if (rc == AT_OK)
		rc = saf_class_get(ctx->db, a->cls, &a->c, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "ACCESS")) != NULL)
		rc = racf_access_arg(k, "ACCESS", &a->access, err);
	if (rc == AT_OK)
		rc = read_reset(racf_kw(cmd, "RESET"), a, out, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "FROM")) != NULL) {
		rc = racf_single_upper(k, a->from, sizeof(a->from), "PROFILE NAME", err);
		if (rc == AT_OK && (k = racf_kw(cmd, "FCLASS")) != NULL)
			rc = racf_single_upper(k, a->fcls, sizeof(a->fcls), "CLASS", err);
		else if (rc == AT_OK)
			(void)at_str_copy(a->fcls, sizeof(a->fcls), at_str_c(a->cls));
	}
	if (rc == AT_OK && a->ids == NULL && !a->reset && a->from[0] == '\0' &&
	    racf_kw(cmd, "RESET") == NULL)
		rc = at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING USERID OR GROUP NAME");
	return rc;
}

struct from_ctx {
	struct racf_ctx *ctx;
	const char *cls;
	const char *name;
};

static enum at_rc
from_cb(void *arg, const struct saf_acl_entry *e, struct at_err *err)
{
	struct from_ctx *f = arg;

	return saf_permit(f->ctx->db, f->ctx->actor, f->cls, f->name, e->id, e->access, err);
}

static enum at_rc
permit_one(struct racf_ctx *ctx, const struct permit_args *a, const char *name,
    struct at_err *err)
{
	struct from_ctx f = { ctx, a->cls, name };
	char id[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	if (a->reset)
		rc = saf_permit_reset(ctx->db, ctx->actor, a->cls, name, err);
	if (rc == AT_OK && a->from[0] != '\0')
		rc = saf_acl_each(ctx->db, a->fcls, a->from, from_cb, &f, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(a->ids); i++) {
		rc = racf_get_upper(racf_list_at(a->ids, i), id, sizeof(id), "USERID", err);
		if (rc == AT_OK && a->del)
			rc = saf_permit_delete(ctx->db, ctx->actor, a->cls, name, id, err);
		else if (rc == AT_OK)
			rc = saf_permit(ctx->db, ctx->actor, a->cls, name, id, a->access, err);
	}
	return rc;
}

enum at_rc
racf_permit(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct permit_args a;
	char name[SAF_PROFILE_MAX + 1];
	enum at_rc rc;
	size_t i;

	rc = read_permit_args(ctx, cmd, &a, out, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[0]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[0], i), name, sizeof(name),
		    "PROFILE NAME", err);
		if (rc == AT_OK)
			rc = permit_one(ctx, &a, name, err);
	}
	if (rc == AT_OK && a.c.raclist)
		rc = at_buf_printf(out, "ICH06011I RACLISTED PROFILES FOR %s WILL NOT REFLECT THE "
		    "UPDATE(S) UNTIL A SETROPTS REFRESH IS ISSUED\n", a.cls);
	return rc;
}
