/*
 * rlist.c - RLIST class (profile ...|*) [AUTHUSER] [SSIGNON] [STDATA] [ALL]
 * in RACF's layout.  The access list is shown with AUTHUSER or ALL, as
 * RACF does.  Who may list a profile: SPECIAL, AUDITOR, its owner, or a
 * user with at least READ access to it; the access list itself only to
 * SPECIAL, AUDITOR, the owner and users with ALTER.
 */
#include <string.h>

#include "racf/util.h"
#include "saf/class.h"
#include "saf/profile.h"

struct rl {
	struct racf_ctx *ctx;
	struct at_buf *out;
	bool authuser, ssignon, stdata;
	size_t listed;
	size_t n;
	/* the issuer's access from the access list being read */
	enum saf_access user_acc, group_acc, star_acc;
	bool user_hit, group_hit, star_hit;
};

static enum at_rc
your_cb(void *ctx, const struct saf_acl_entry *e, struct at_err *err)
{
	struct rl *l = ctx;
	const struct saf_actor *a = l->ctx->actor;
	size_t i;

	(void)err;
	if (strcmp(e->id, a->user) == 0) {
		l->user_hit = true;
		l->user_acc = e->access;
	} else if (strcmp(e->id, "*") == 0) {
		l->star_hit = true;
		l->star_acc = e->access;
	}
	for (i = 0; i < a->ngroups; i++) {
		if (a->groups[i].revoked || strcmp(a->groups[i].name, e->id) != 0)
			continue;
		if (!l->group_hit || e->access > l->group_acc)
			l->group_acc = e->access;
		l->group_hit = true;
	}
	return AT_OK;
}

/* YOUR ACCESS: the user's entry, else its groups', else ID(*), else UACC. */
static enum at_rc
your_access(struct rl *l, const struct saf_profile *p, enum saf_access *out,
    struct at_err *err)
{
	const struct saf_actor *a = l->ctx->actor;
	enum at_rc rc;

	l->user_hit = l->group_hit = l->star_hit = false;
	rc = saf_acl_each(l->ctx->db, p->class_name, p->name, your_cb, l, err);
	if (a->revoked)
		*out = SAF_ACC_NONE;
	else if (l->user_hit)
		*out = l->user_acc;
	else if (l->group_hit)
		*out = l->group_acc;
	else if (l->star_hit && a->defined && !a->restricted)
		*out = l->star_acc;
	else
		*out = a->restricted ? SAF_ACC_NONE : p->uacc;
	return rc;
}

static enum at_rc
acl_cb(void *ctx, const struct saf_acl_entry *e, struct at_err *err)
{
	struct rl *l = ctx;
	enum at_rc rc = AT_OK;

	(void)err;
	if (l->n++ == 0)
		rc = at_buf_printf(l->out, "\nUSER      ACCESS   ACCESS COUNT\n"
		    "----      ------   ------ -----\n");
	if (rc == AT_OK)
		rc = at_buf_printf(l->out, "%-8s  %-8s    000000\n", e->id,
		    saf_access_name(e->access));
	return rc;
}

static enum at_rc
print_ssignon(struct at_buf *out, const struct saf_profile *p)
{
	enum at_rc rc = at_buf_printf(out, "\nSSIGNON INFORMATION\n-------------------\n");

	if (rc == AT_OK && !p->has_ptkt_key && !p->has_ptkt_ekey)
		return at_buf_printf(out, "NO SSIGNON DATA\n");
	if (rc == AT_OK && p->has_ptkt_key)
		rc = at_buf_printf(out, "KEYMASKED DATA NOT DISPLAYABLE\n");
	if (rc == AT_OK && p->has_ptkt_ekey && p->ptkt_ekey_label[0] != '\0')
		rc = at_buf_printf(out, "EPTKEYLABEL= %s\n", p->ptkt_ekey_label);
	else if (rc == AT_OK && p->has_ptkt_ekey)
		rc = at_buf_printf(out, "ENHANCED PASSTICKET KEY DATA NOT DISPLAYABLE\n");
	if (rc == AT_OK)
		rc = at_buf_printf(out, "TYPE= %s\nTIMEOUT= %d\nREPLAY= %s\n",
		    p->ptkt_type == SAF_PTKT_UPPER ? "UPPER" : "MIXED", p->ptkt_timeout,
		    p->ptkt_replay ? "YES" : "NO");
	return rc;
}

static enum at_rc
print_stdata(struct at_buf *out, const struct saf_profile *p)
{
	return at_buf_printf(out, "\nSTDATA INFORMATION\n------------------\nUSER=%s\nGROUP=%s\n"
	    "TRUSTED= %s\nPRIVILEGED= %s\nTRACE= %s\n", p->st_user, p->st_group,
	    p->st_trusted ? "YES" : "NO", p->st_privileged ? "YES" : "NO",
	    p->st_trace ? "YES" : "NO");
}

static enum at_rc
print_profile(struct rl *l, const struct saf_profile *p, enum saf_access yours,
    bool full, struct at_err *err)
{
	struct at_buf *out = l->out;
	enum at_rc rc = AT_OK;

	if (l->listed++ > 0)
		rc = at_buf_printf(out, "\n");
	if (rc == AT_OK)
		rc = at_buf_printf(out, "CLASS      NAME\n-----      ----\n%-8s   %s%s\n\n"
		    "LEVEL  OWNER      UNIVERSAL ACCESS  YOUR ACCESS  WARNING\n"
		    "-----  --------   ----------------  -----------  -------\n"
		    " %02d    %-8s        %-8s           %-8s%s\n", p->class_name, p->name,
		    p->generic ? " (G)" : "", p->level, p->owner, saf_access_name(p->uacc),
		    saf_access_name(yours), p->warning ? "YES" : "NO");
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\nINSTALLATION DATA\n-----------------\n%s\n"
		    "\nAPPLICATION DATA\n----------------\n%s\n"
		    "\nAUDITING\n--------\n%s\n\nNOTIFY\n------\n%s\n",
		    p->data[0] != '\0' ? p->data : "NONE",
		    p->appldata[0] != '\0' ? p->appldata : "NONE",
		    p->audit[0] != '\0' ? p->audit : "FAILURES(READ)",
		    p->notify[0] != '\0' ? p->notify : "NO USER TO BE NOTIFIED");
	if (rc == AT_OK && l->ssignon)
		rc = print_ssignon(out, p);
	if (rc == AT_OK && l->stdata)
		rc = print_stdata(out, p);
	l->n = 0;
	if (rc == AT_OK && l->authuser && full)
		rc = saf_acl_each(l->ctx->db, p->class_name, p->name, acl_cb, l, err);
	if (rc == AT_OK && l->authuser && full && l->n == 0)
		rc = at_buf_printf(out, "\nNO USERS IN ACCESS LIST\n");
	return rc;
}

/* Lists p if the issuer may see it; *shown says whether it did. */
static enum at_rc
list_profile(struct rl *l, const struct saf_profile *p, bool *shown, struct at_err *err)
{
	const struct saf_actor *a = l->ctx->actor;
	enum saf_access yours = SAF_ACC_NONE;
	bool full;
	enum at_rc rc;

	*shown = false;
	rc = your_access(l, p, &yours, err);
	if (rc != AT_OK)
		return rc;
	full = a->special || a->auditor || saf_auth_is_owner(a, p->owner) || yours >= SAF_ACC_ALTER;
	if (!full && yours < SAF_ACC_READ)
		return AT_OK;
	*shown = true;
	return print_profile(l, p, yours, full, err);
}

static enum at_rc
each_cb(void *ctx, const struct saf_profile *p, struct at_err *err)
{
	bool shown;

	return list_profile(ctx, p, &shown, err);
}

static enum at_rc
list_named(struct rl *l, const char *cls, const char *name, struct at_err *err)
{
	struct saf_profile p;
	bool shown = false;
	enum at_rc rc;

	rc = saf_profile_get(l->ctx->db, cls, name, &p, err);
	if (rc == AT_OK)
		rc = list_profile(l, &p, &shown, err);
	if (rc == AT_OK && !shown)
		rc = at_err_setx(err, AT_E_DENIED, "ICH13002I NOT AUTHORIZED TO LIST %s", name);
	return rc;
}

enum at_rc
racf_rlist(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	bool all = racf_kw(cmd, "ALL") != NULL;
	struct rl l;
	struct saf_class c;
	char cls[SAF_NAME_MAX + 1], name[SAF_PROFILE_MAX + 1];
	const struct racf_opnd *profs = &cmd->pos[1];
	enum at_rc rc;
	size_t i;

	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	l.out = out;
	l.authuser = all || racf_kw(cmd, "AUTHUSER") != NULL;
	l.ssignon = all || racf_kw(cmd, "SSIGNON") != NULL;
	l.stdata = racf_kw(cmd, "STDATA") != NULL;
	rc = racf_get_upper(&cmd->pos[0], cls, sizeof(cls), "CLASS", err);
	if (rc == AT_OK)
		rc = saf_class_get(ctx->db, cls, &c, err);
	if (rc == AT_OK && racf_list_count(profs) == 1 &&
	    strcmp(racf_list_at(profs, 0)->text, "*") == 0) {
		rc = saf_profile_each(ctx->db, cls, each_cb, &l, err);
		if (rc == AT_OK && l.listed == 0)
			rc = at_err_setx(err, AT_E_NOTFOUND, "ICH13003I * NOT FOUND");
		return rc;
	}
	for (i = 0; rc == AT_OK && i < racf_list_count(profs); i++) {
		rc = racf_get_upper(racf_list_at(profs, i), name, sizeof(name), "PROFILE NAME", err);
		if (rc == AT_OK)
			rc = list_named(&l, cls, name, err);
	}
	return rc;
}
