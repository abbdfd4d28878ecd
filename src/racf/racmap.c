/*
 * racmap.c - the RACMAP command: distributed identity filters (MAP,
 * DELMAP, LISTMAP, QUERY), kept by saf/usermap.h.
 *
 * Authority as RACF: MAP and DELMAP need SPECIAL; LISTMAP needs SPECIAL
 * or AUDITOR, or lists one's own filters; QUERY needs SPECIAL or READ to
 * FACILITY IRR.IDIDMAP.QUERY.
 */
#include <stdio.h>
#include <string.h>

#include "racf/util.h"
#include "saf/access.h"
#include "saf/authority.h"
#include "saf/usermap.h"
#include "saf/user.h"

static const struct racf_kwspec name_kws[] = {
	{ "NAME", NULL, 0, RACF_KW_VALUE, NULL, "NAME" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static const struct racf_kwspec label_kws[] = {
	{ "LABEL", NULL, 0, RACF_KW_VALUE, NULL, "LABEL" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

const struct racf_kwspec racf_racmap_keywords[] = {
	{ "ID", NULL, 0, RACF_KW_VALUE, NULL, "USERID" },
	{ "MAP", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "DELMAP", NULL, 0, RACF_KW_OPTVALUE, label_kws, NULL },
	{ "LISTMAP", NULL, 0, RACF_KW_OPTVALUE, label_kws, NULL },
	{ "QUERY", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "USERDIDFILTER", NULL, 0, RACF_KW_VALUE, name_kws, "USER NAME FILTER" },
	{ "REGISTRY", NULL, 0, RACF_KW_VALUE, name_kws, "REGISTRY NAME" },
	{ "WITHLABEL", NULL, 0, RACF_KW_VALUE, NULL, "LABEL" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

/* ID(u), else the issuer; the user must be defined. */
static enum at_rc
map_user(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    char id[SAF_NAME_MAX + 1], struct at_err *err)
{
	const struct racf_opnd *k = racf_kw(cmd, "ID");
	struct saf_user u;
	enum at_rc rc = AT_OK;

	if (k != NULL)
		rc = racf_single_upper(k, id, SAF_NAME_MAX + 1, "USERID", err);
	else
		(void)snprintf(id, SAF_NAME_MAX + 1, "%s", ctx->actor->user);
	if (rc == AT_OK)
		rc = saf_user_get(ctx->db, id, &u, err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "User %s is not defined to RACF.", id);
	return rc;
}

/* USERDIDFILTER(NAME('...')) or REGISTRY(NAME('...')). */
static enum at_rc
name_of(const struct racf_cmd *cmd, const char *kwname, char *dst, size_t cap,
    struct at_err *err)
{
	const struct racf_opnd *n = racf_sub(racf_kw(cmd, kwname), "NAME");

	if (n == NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING %s(NAME(...))",
		    kwname);
	return racf_single_text(n, dst, cap, kwname, err);
}

static enum at_rc
show(void *vout, const struct saf_idid *m, struct at_err *err)
{
	struct at_buf *out = vout;

	if (at_buf_printf(out, "  Label: %s\n"
	    "  Distributed Identity User Name Filter:\n    >%s<\n"
	    "  Registry name:\n    >%s<\n\n", m->label, m->name,
	    m->registry) != AT_OK)
		return at_err_setx(err, AT_E_TOOBIG, "LISTMAP output too long");
	return AT_OK;
}

static enum at_rc
do_map(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_err *err)
{
	char id[SAF_NAME_MAX + 1], label[SAF_CERT_LABEL_MAX + 1] = "";
	char name[SAF_IDID_NAME_MAX + 1], reg[SAF_IDID_REGISTRY_MAX + 1];
	const struct racf_opnd *k;
	enum at_rc rc;

	rc = saf_auth_special(ctx->actor, "RACMAP MAP", err);
	if (rc == AT_OK)
		rc = map_user(ctx, cmd, id, err);
	if (rc == AT_OK)
		rc = name_of(cmd, "USERDIDFILTER", name, sizeof(name), err);
	if (rc == AT_OK)
		rc = name_of(cmd, "REGISTRY", reg, sizeof(reg), err);
	if (rc == AT_OK && (k = racf_kw(cmd, "WITHLABEL")) != NULL)
		rc = racf_single_text(k, label, sizeof(label), "LABEL", err);
	if (rc == AT_OK)
		rc = saf_idid_add(ctx->db, id, label[0] != '\0' ? label : NULL, name,
		    reg, NULL, err);
	return rc;
}

/* The LABEL of DELMAP(LABEL(...)) / LISTMAP(LABEL(...)), if given. */
static enum at_rc
opt_label(const struct racf_opnd *kw, char label[SAF_CERT_LABEL_MAX + 1],
    bool *given, struct at_err *err)
{
	const struct racf_opnd *l = racf_sub(kw, "LABEL");

	*given = l != NULL;
	if (l == NULL)
		return AT_OK;
	return racf_single_text(l, label, SAF_CERT_LABEL_MAX + 1, "LABEL", err);
}

static enum at_rc
do_delmap(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_err *err)
{
	char id[SAF_NAME_MAX + 1], label[SAF_CERT_LABEL_MAX + 1];
	bool one = false;
	enum at_rc rc;

	rc = saf_auth_special(ctx->actor, "RACMAP DELMAP", err);
	if (rc == AT_OK)
		rc = map_user(ctx, cmd, id, err);
	if (rc == AT_OK)
		rc = opt_label(racf_kw(cmd, "DELMAP"), label, &one, err);
	if (rc == AT_OK)
		rc = saf_idid_delete(ctx->db, id, one ? label : NULL, err);
	return rc;
}

static enum at_rc
do_listmap(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct at_buf *out, struct at_err *err)
{
	char id[SAF_NAME_MAX + 1], label[SAF_CERT_LABEL_MAX + 1];
	bool one = false;
	size_t before;
	enum at_rc rc;

	rc = map_user(ctx, cmd, id, err);
	if (rc == AT_OK && strcmp(id, ctx->actor->user) != 0 &&
	    !ctx->actor->auditor)
		rc = saf_auth_special(ctx->actor, "RACMAP LISTMAP", err);
	if (rc == AT_OK)
		rc = opt_label(racf_kw(cmd, "LISTMAP"), label, &one, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_printf(out, "Mapping information for user %s:\n", id) != AT_OK)
		return at_err_setx(err, AT_E_TOOBIG, "LISTMAP output too long");
	before = out->len;
	rc = saf_idid_each(ctx->db, id, one ? label : NULL, show, out, err);
	if (rc == AT_OK && out->len == before)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "No mapping information was found for user %s.", id);
	return rc;
}

static enum at_rc
do_query(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	char name[SAF_IDID_NAME_MAX + 1], reg[SAF_IDID_REGISTRY_MAX + 1];
	struct saf_decision d;
	struct saf_idid m;
	enum at_rc rc = AT_OK;

	if (!ctx->actor->special) {
		rc = saf_check_access(ctx->db, ctx->actor->user, "FACILITY",
		    "IRR.IDIDMAP.QUERY", SAF_ACC_READ, &d, err);
		if (rc == AT_OK && d.result != SAF_ALLOWED)
			rc = at_err_setx(err, AT_E_DENIED,
			    "%sRACMAP QUERY needs SPECIAL or READ access to FACILITY IRR.IDIDMAP.QUERY.",
			    d.message);
	}
	if (rc == AT_OK)
		rc = name_of(cmd, "USERDIDFILTER", name, sizeof(name), err);
	if (rc == AT_OK)
		rc = name_of(cmd, "REGISTRY", reg, sizeof(reg), err);
	if (rc == AT_OK)
		rc = saf_idid_best(ctx->db, name, reg, &m, err);
	if (rc == AT_OK && at_buf_printf(out, "Mapping information for user %s:\n",
	    m.userid) != AT_OK)
		rc = at_err_setx(err, AT_E_TOOBIG, "QUERY output too long");
	if (rc == AT_OK)
		rc = show(out, &m, err);
	return rc;
}

enum at_rc
racf_racmap(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct at_buf *out, struct at_err *err)
{
	int n = (racf_kw(cmd, "MAP") != NULL) + (racf_kw(cmd, "DELMAP") != NULL) +
	    (racf_kw(cmd, "LISTMAP") != NULL) + (racf_kw(cmd, "QUERY") != NULL);

	if (n > 1)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID RACMAP FUNCTION: specify only one of MAP, DELMAP, LISTMAP and QUERY");
	if (racf_kw(cmd, "MAP") != NULL)
		return do_map(ctx, cmd, err);
	if (racf_kw(cmd, "DELMAP") != NULL)
		return do_delmap(ctx, cmd, err);
	if (racf_kw(cmd, "QUERY") != NULL)
		return do_query(ctx, cmd, out, err);
	return do_listmap(ctx, cmd, out, err);
}
