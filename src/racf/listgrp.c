/*
 * listgrp.c - LISTGRP in RACF's layout.  Any defined user may list a
 * group (RACF lets users list groups they are connected to or own; attls
 * shows groups to every defined user: a group holds no secrets).
 * LISTGRP with no operand lists the issuer's default group; LISTGRP *
 * lists every group.
 */
#include <string.h>

#include "racf/util.h"
#include "saf/group.h"

struct lg {
	struct racf_ctx *ctx;
	struct at_buf *out;
	bool omvs;
	size_t listed;
	size_t n; /* items printed by a walk */
};

static enum at_rc
sub_cb(void *ctx, const char *name, struct at_err *err)
{
	struct lg *l = ctx;

	(void)err;
	return at_buf_printf(l->out, "%s%-8s", l->n++ == 0 ? "    SUBGROUP(S)= " : " ", name);
}

static enum at_rc
member_cb(void *ctx, const struct saf_connect *c, struct at_err *err)
{
	struct lg *l = ctx;
	enum at_rc rc = AT_OK;

	(void)err;
	if (l->n++ == 0)
		rc = at_buf_printf(l->out,
		    "    USER(S)=      ACCESS=      ACCESS COUNT=      UNIVERSAL ACCESS=\n");
	if (rc == AT_OK)
		rc = at_buf_printf(l->out, "      %-8s      %-8s      000000               %s\n",
		    c->user, saf_group_auth_name(c->auth), saf_access_name(c->uacc));
	if (rc == AT_OK)
		rc = at_buf_printf(l->out, "         CONNECT ATTRIBUTES=%s%s%s%s%s\n",
		    c->special || c->operations || c->auditor || c->revoked ? "" : "NONE",
		    c->special ? "SPECIAL " : "", c->operations ? "OPERATIONS " : "",
		    c->auditor ? "AUDITOR " : "", c->revoked ? "REVOKED" : "");
	if (rc == AT_OK)
		rc = at_buf_printf(l->out,
		    "         REVOKE DATE=NONE                 RESUME DATE=NONE\n");
	return rc;
}

static enum at_rc
print_group(struct lg *l, const struct saf_group *g, struct at_err *err)
{
	char created[8];
	enum at_rc rc = AT_OK;

	saf_date_yyddd(g->created, created);
	if (l->listed++ > 0)
		rc = at_buf_printf(l->out, "\n");
	if (rc == AT_OK)
		rc = at_buf_printf(l->out,
		    "INFORMATION FOR GROUP %s\n    SUPERIOR GROUP=%-8s     OWNER=%-8s    CREATED=%s\n",
		    g->name, g->supgroup[0] != '\0' ? g->supgroup : "NONE", g->owner, created);
	if (rc == AT_OK && g->data[0] != '\0')
		rc = at_buf_printf(l->out, "    INSTALLATION DATA=%s\n", g->data);
	else if (rc == AT_OK)
		rc = at_buf_printf(l->out, "    NO INSTALLATION DATA\n");
	if (rc == AT_OK)
		rc = at_buf_printf(l->out, "    NO MODEL DATA SET\n    %s\n",
		    g->termuacc ? "TERMUACC" : "NO TERMUACC");
	l->n = 0;
	if (rc == AT_OK)
		rc = saf_group_subgroups(l->ctx->db, g->name, sub_cb, l, err);
	if (rc == AT_OK)
		rc = at_buf_printf(l->out, "%s\n", l->n == 0 ? "    NO SUBGROUPS" : "");
	l->n = 0;
	if (rc == AT_OK)
		rc = saf_connect_each(l->ctx->db, NULL, g->name, member_cb, l, err);
	if (rc == AT_OK && l->n == 0)
		rc = at_buf_printf(l->out, "    NO USERS\n");
	if (rc == AT_OK && l->omvs && g->has_gid)
		rc = at_buf_printf(l->out, "\nOMVS INFORMATION\n----------------\nGID= %010lld\n",
		    (long long)g->gid);
	else if (rc == AT_OK && l->omvs)
		rc = at_buf_printf(l->out, "\nNO OMVS INFORMATION\n");
	return rc;
}

static enum at_rc
list_one(void *ctx, const char *name, struct at_err *err)
{
	struct lg *l = ctx;
	struct saf_group g;
	enum at_rc rc;

	rc = saf_group_get(l->ctx->db, name, &g, err);
	if (rc == AT_E_NOTFOUND)
		return at_err_setx(err, rc, "ICH51003I NAME NOT FOUND IN RACF DATA SET");
	if (rc == AT_OK)
		rc = print_group(l, &g, err);
	return rc;
}

enum at_rc
racf_listgrp(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct lg l = { ctx, out, racf_kw(cmd, "OMVS") != NULL, 0, 0 };
	const struct racf_opnd *groups = cmd->npos > 0 ? &cmd->pos[0] : NULL;
	char name[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	if (!ctx->actor->defined)
		return at_err_setx(err, AT_E_DENIED, "ICH51003I NAME NOT FOUND IN RACF DATA SET");
	if (groups == NULL)
		return list_one(&l, ctx->actor->dfltgrp, err);
	if (racf_list_count(groups) == 1 && strcmp(racf_list_at(groups, 0)->text, "*") == 0)
		return saf_group_each(ctx->db, list_one, &l, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(groups); i++) {
		rc = racf_get_upper(racf_list_at(groups, i), name, sizeof(name), "GROUP NAME", err);
		if (rc == AT_OK)
			rc = list_one(&l, name, err);
	}
	return rc;
}
