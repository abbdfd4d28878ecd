/*
 * listuser.c - LISTUSER in RACF's layout (the base segment as IRRSMO00
 * returns it, then the OMVS segment on request).
 *
 * Who may list: the user itself, SPECIAL, AUDITOR, or the profile's owner.
 * LISTUSER * lists every user the issuer may list and skips the others.
 */
#include <string.h>
#include <time.h>

#include "racf/util.h"
#include "saf/class.h"
#include "saf/group.h"
#include "saf/user.h"

struct lu {
	struct racf_ctx *ctx;
	struct at_buf *out;
	bool base;
	bool omvs;
	size_t listed;
};

static void
date_or(int64_t t, const char *none, char out[16])
{
	char d[8];

	if (t <= 0) {
		(void)at_str_copy(out, 16, at_str_c(none));
		return;
	}
	saf_date_yyddd(t, d);
	(void)at_str_copy(out, 16, at_str_c(d));
}

static enum at_rc
clauth_cb(void *ctx, const char *name, struct at_err *err)
{
	struct at_buf *out = ctx;

	(void)err;
	return at_buf_printf(out, " %s", name);
}

static enum at_rc
connect_cb(void *ctx, const struct saf_connect *c, struct at_err *err)
{
	struct at_buf *out = ctx;
	char d[16];
	enum at_rc rc;

	(void)err;
	date_or(c->created, "00.000", d);
	rc = at_buf_printf(out, "  GROUP=%-8s  AUTH=%-8s CONNECT-OWNER=%-8s  CONNECT-DATE=%s\n",
	    c->group, saf_group_auth_name(c->auth), c->owner, d);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "    CONNECTS=    00  UACC=%-8s LAST-CONNECT=UNKNOWN\n",
		    saf_access_name(c->uacc));
	if (rc == AT_OK)
		rc = at_buf_printf(out, "    CONNECT ATTRIBUTES=%s%s%s%s%s\n",
		    c->special || c->operations || c->auditor || c->revoked ? "" : "NONE",
		    c->special ? "SPECIAL " : "", c->operations ? "OPERATIONS " : "",
		    c->auditor ? "AUDITOR " : "", c->revoked ? "REVOKED" : "");
	if (rc == AT_OK)
		rc = at_buf_printf(out, "    REVOKE DATE=NONE   RESUME DATE=NONE\n");
	return rc;
}

static enum at_rc
print_attrs(struct at_buf *out, const struct saf_user *u)
{
	bool any = u->special || u->operations || u->auditor || u->restricted || u->revoked ||
	    u->protected_user;

	return at_buf_printf(out, " ATTRIBUTES=%s%s%s%s%s%s%s\n", any ? "" : "NONE",
	    u->special ? "SPECIAL " : "", u->operations ? "OPERATIONS " : "",
	    u->auditor ? "AUDITOR " : "", u->restricted ? "RESTRICTED " : "",
	    u->revoked ? "REVOKED " : "", u->protected_user ? "PROTECTED" : "");
}

static enum at_rc
print_base(struct lu *l, const struct saf_user *u, struct at_err *err)
{
	struct at_buf *out = l->out;
	char created[16], pass[16], last[16];
	int64_t interval = 186;
	enum at_rc rc;

	date_or(u->created, "00.000", created);
	date_or(u->pass_date, u->protected_user ? "N/A" : "00.000", pass);
	date_or(u->last_access, "UNKNOWN", last);
	if (saf_option_get(l->ctx->db, SAF_OPT_PASSWORD_INTERVAL, &interval, err) != AT_OK)
		interval = 186;
	rc = at_buf_printf(out, "USER=%-8s  NAME=%-20s  OWNER=%-8s  CREATED=%s\n", u->name,
	    u->pname[0] != '\0' ? u->pname : "???", u->owner, created);
	if (rc == AT_OK)
		rc = at_buf_printf(out,
		    " DEFAULT-GROUP=%-8s PASSDATE=%-6s PASS-INTERVAL=%3lld PHRASEDATE=N/A\n",
		    u->dfltgrp, pass, (long long)interval);
	if (rc == AT_OK)
		rc = print_attrs(out, u);
	if (rc == AT_OK)
		rc = at_buf_printf(out, " REVOKE DATE=NONE   RESUME DATE=NONE\n");
	if (rc == AT_OK && u->last_access > 0) {
		time_t t = (time_t)u->last_access;
		struct tm tm;

		(void)gmtime_r(&t, &tm);
		rc = at_buf_printf(out, " LAST-ACCESS=%s/%02d:%02d:%02d\n", last, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
	} else if (rc == AT_OK)
		rc = at_buf_printf(out, " LAST-ACCESS=UNKNOWN\n");
	if (rc == AT_OK) {
		size_t before = out->len;

		rc = at_buf_printf(out, " CLASS AUTHORIZATIONS=");
		if (rc == AT_OK)
			rc = saf_user_clauth_each(l->ctx->db, u->name, clauth_cb, out, err);
		if (rc == AT_OK && out->len == before + strlen(" CLASS AUTHORIZATIONS="))
			rc = at_buf_printf(out, "NONE");
		if (rc == AT_OK)
			rc = at_buf_printf(out, "\n");
	}
	if (rc == AT_OK && u->data[0] != '\0')
		rc = at_buf_printf(out, " INSTALLATION-DATA=%s\n", u->data);
	else if (rc == AT_OK)
		rc = at_buf_printf(out, " NO-INSTALLATION-DATA\n");
	if (rc == AT_OK)
		rc = at_buf_printf(out, " NO-MODEL-NAME\n"
		    " LOGON ALLOWED   (DAYS)          (TIME)\n"
		    " ---------------------------------------------\n"
		    " ANYDAY                          ANYTIME\n");
	if (rc == AT_OK)
		rc = saf_connect_each(l->ctx->db, u->name, NULL, connect_cb, out, err);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "SECURITY-LEVEL=NONE SPECIFIED\n"
		    "CATEGORY-AUTHORIZATION\n NONE SPECIFIED\nSECURITY-LABEL=NONE SPECIFIED\n");
	return rc;
}

static enum at_rc
print_omvs(struct at_buf *out, const struct saf_user *u)
{
	enum at_rc rc;

	if (!u->has_uid && u->home[0] == '\0' && u->program[0] == '\0')
		return at_buf_printf(out, "\nNO OMVS INFORMATION\n");
	rc = at_buf_printf(out, "\nOMVS INFORMATION\n----------------\n");
	if (rc == AT_OK && u->has_uid)
		rc = at_buf_printf(out, "UID= %010lld\n", (long long)u->uid);
	else if (rc == AT_OK)
		rc = at_buf_printf(out, "UID= NONE\n");
	if (rc == AT_OK)
		rc = at_buf_printf(out, "HOME= %s\nPROGRAM= %s\n"
		    "CPUTIMEMAX= NONE\nASSIZEMAX= NONE\nFILEPROCMAX= NONE\nPROCUSERMAX= NONE\n"
		    "THREADSMAX= NONE\nMMAPAREAMAX= NONE\n", u->home, u->program);
	return rc;
}

static bool
may_list(const struct saf_actor *a, const struct saf_user *u)
{
	return a->special || a->auditor || strcmp(a->user, u->name) == 0 ||
	    saf_auth_is_owner(a, u->owner);
}

static enum at_rc
list_one(struct lu *l, const char *name, bool quiet_denied, struct at_err *err)
{
	struct saf_user u;
	enum at_rc rc;

	rc = saf_user_get(l->ctx->db, name, &u, err);
	if (rc == AT_E_NOTFOUND)
		return at_err_setx(err, rc, "ICH30001I UNABLE TO LOCATE USER    ENTRY %s", name);
	if (rc != AT_OK)
		return rc;
	if (!may_list(l->ctx->actor, &u))
		return quiet_denied ? AT_OK : at_err_setx(err, AT_E_DENIED,
		    "ICH30009I NOT AUTHORIZED TO LIST %s", name);
	if (l->listed++ > 0)
		rc = at_buf_printf(l->out, "\n");
	if (rc == AT_OK && l->base)
		rc = print_base(l, &u, err);
	else if (rc == AT_OK)
		rc = at_buf_printf(l->out, "USER=%s\n", u.name);
	if (rc == AT_OK && l->omvs)
		rc = print_omvs(l->out, &u);
	return rc;
}

static enum at_rc
each_cb(void *ctx, const char *name, struct at_err *err)
{
	return list_one(ctx, name, true, err);
}

enum at_rc
racf_listuser(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct lu l = { ctx, out, racf_kw(cmd, "NORACF") == NULL, racf_kw(cmd, "OMVS") != NULL, 0 };
	const struct racf_opnd *users = cmd->npos > 0 ? &cmd->pos[0] : NULL;
	char name[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	if (users == NULL)
		return list_one(&l, ctx->actor->user, false, err);
	if (racf_list_count(users) == 1 && strcmp(racf_list_at(users, 0)->text, "*") == 0)
		return saf_user_each(ctx->db, each_cb, &l, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(users); i++) {
		rc = racf_get_upper(racf_list_at(users, i), name, sizeof(name), "USERID", err);
		if (rc == AT_OK)
			rc = list_one(&l, name, false, err);
	}
	return rc;
}
