/*
 * group.c - ADDGROUP, ALTGROUP, DELGROUP, LISTGRP, CONNECT and REMOVE.
 */
#include <stdio.h>
#include <string.h>

#include "racf/util.h"
#include "saf/group.h"

struct group_args {
	struct saf_group_change ch;
	char supgroup[SAF_NAME_MAX + 1];
	char owner[SAF_NAME_MAX + 1];
	char data[SAF_DATA_MAX + 1];
};

static enum at_rc
read_group_args(const struct racf_cmd *cmd, struct group_args *a, struct at_err *err)
{
	const struct racf_opnd *k;
	uint64_t gid;
	enum at_rc rc = AT_OK;

	memset(a, 0, sizeof(*a));
	if ((k = racf_kw(cmd, "SUPGROUP")) != NULL) {
		rc = racf_single_upper(k, a->supgroup, sizeof(a->supgroup), "GROUP NAME", err);
		a->ch.set |= SAF_GC_SUPGROUP;
		a->ch.supgroup = a->supgroup;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "OWNER")) != NULL) {
		rc = racf_single_upper(k, a->owner, sizeof(a->owner), "OWNER", err);
		a->ch.set |= SAF_GC_OWNER;
		a->ch.owner = a->owner;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "DATA")) != NULL) {
		rc = racf_single_text(k, a->data, sizeof(a->data), "INSTALLATION DATA", err);
		a->ch.set |= SAF_GC_DATA;
		a->ch.data = a->data;
	}
	if (rc == AT_OK && (k = racf_sub(racf_kw(cmd, "OMVS"), "GID")) != NULL) {
		rc = racf_get_u64(k, 0, SAF_UID_MAX, "GID", &gid, err);
		a->ch.set |= SAF_GC_GID;
		a->ch.gid = (int64_t)gid;
	}
	if (racf_kw(cmd, "NOOMVS") != NULL || racf_sub(racf_kw(cmd, "OMVS"), "NOGID") != NULL)
		a->ch.set |= SAF_GC_NOOMVS;
	if (racf_kw(cmd, "TERMUACC") != NULL || racf_kw(cmd, "NOTERMUACC") != NULL) {
		a->ch.set |= SAF_GC_TERMUACC;
		a->ch.termuacc = racf_kw(cmd, "NOTERMUACC") == NULL;
	}
	return rc;
}

/* Runs fn for every name of positional operand 0. */
typedef enum at_rc (*name_fn)(struct racf_ctx *ctx, const char *name, const void *arg,
    struct at_buf *out, struct at_err *err);

static enum at_rc
each_name(struct racf_ctx *ctx, const struct racf_cmd *cmd, const char *what, name_fn fn,
    const void *arg, struct at_buf *out, struct at_err *err)
{
	char name[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[0]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[0], i), name, sizeof(name), what, err);
		if (rc == AT_OK)
			rc = fn(ctx, name, arg, out, err);
	}
	return rc;
}

static enum at_rc
add_one(struct racf_ctx *ctx, const char *name, const void *arg, struct at_buf *out,
    struct at_err *err)
{
	enum at_rc rc;

	(void)out;
	rc = saf_group_add(ctx->db, ctx->actor, name, arg, err);
	if (rc == AT_E_EXISTS && strncmp(err->msg, "ICH", 3) != 0)
		rc = at_err_setx(err, rc, "ICH00005I %s ALREADY DEFINED TO RACF", name);
	return rc;
}

static enum at_rc
alter_one(struct racf_ctx *ctx, const char *name, const void *arg, struct at_buf *out,
    struct at_err *err)
{
	(void)out;
	return saf_group_alter(ctx->db, ctx->actor, name, arg, err);
}

static enum at_rc
delete_one(struct racf_ctx *ctx, const char *name, const void *arg, struct at_buf *out,
    struct at_err *err)
{
	(void)arg;
	(void)out;
	return saf_group_delete(ctx->db, ctx->actor, name, err);
}

enum at_rc
racf_addgroup(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct group_args a;
	enum at_rc rc = read_group_args(cmd, &a, err);

	if (rc == AT_OK)
		rc = each_name(ctx, cmd, "GROUP NAME", add_one, &a.ch, out, err);
	return rc;
}

enum at_rc
racf_altgroup(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct group_args a;
	enum at_rc rc = read_group_args(cmd, &a, err);

	if (rc == AT_OK)
		rc = each_name(ctx, cmd, "GROUP NAME", alter_one, &a.ch, out, err);
	return rc;
}

enum at_rc
racf_delgroup(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	return each_name(ctx, cmd, "GROUP NAME", delete_one, NULL, out, err);
}

/* CONNECT and REMOVE act on (user ...) and one GROUP. */
struct conn_args {
	struct saf_connect_change ch;
	char group[SAF_NAME_MAX + 1];
	char owner[SAF_NAME_MAX + 1];
};

/* An attribute of a connection and its NO form. */
static const struct {
	const char *on, *off;
	unsigned bit;
} conn_attrs[] = {
	{ "SPECIAL", "NOSPECIAL", SAF_CC_SPECIAL },
	{ "OPERATIONS", "NOOPERATIONS", SAF_CC_OPERATIONS },
	{ "AUDITOR", "NOAUDITOR", SAF_CC_AUDITOR },
	{ "REVOKE", "RESUME", SAF_CC_REVOKE },
};

static void
set_conn_attr(struct saf_connect_change *ch, unsigned bit, bool on)
{
	ch->set |= bit;
	if (bit == SAF_CC_SPECIAL)
		ch->special = on;
	else if (bit == SAF_CC_OPERATIONS)
		ch->operations = on;
	else if (bit == SAF_CC_AUDITOR)
		ch->auditor = on;
	else
		ch->revoked = on;
}

static enum at_rc
read_group_kw(struct racf_ctx *ctx, const struct racf_cmd *cmd, char *group, struct at_err *err)
{
	const struct racf_opnd *k = racf_kw(cmd, "GROUP");

	if (k != NULL)
		return racf_single_upper(k, group, SAF_NAME_MAX + 1, "GROUP NAME", err);
	if (ctx->actor->dfltgrp[0] == '\0')
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING GROUP NAME");
	return at_str_copy(group, SAF_NAME_MAX + 1, at_str_c(ctx->actor->dfltgrp)) ? AT_OK :
	    at_err_setx(err, AT_E_INTERNAL, "default group name too long");
}

static enum at_rc
read_conn_args(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct conn_args *a,
    struct at_err *err)
{
	const struct racf_opnd *k;
	enum at_rc rc;
	size_t i;

	memset(a, 0, sizeof(*a));
	rc = read_group_kw(ctx, cmd, a->group, err);
	for (i = 0; i < sizeof(conn_attrs) / sizeof(conn_attrs[0]); i++) {
		if (racf_kw(cmd, conn_attrs[i].on) != NULL)
			set_conn_attr(&a->ch, conn_attrs[i].bit, true);
		else if (racf_kw(cmd, conn_attrs[i].off) != NULL)
			set_conn_attr(&a->ch, conn_attrs[i].bit, false);
	}
	if (rc == AT_OK && (racf_has_value(racf_kw(cmd, "REVOKE")) ||
	    racf_has_value(racf_kw(cmd, "RESUME"))))
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID DATE, REVOKE AND RESUME DATES ARE NOT SUPPORTED");
	if (rc == AT_OK && (k = racf_kw(cmd, "AUTHORITY")) != NULL) {
		rc = racf_gauth_arg(k, &a->ch.auth, err);
		a->ch.set |= SAF_CC_AUTH;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "UACC")) != NULL) {
		rc = racf_access_arg(k, "UNIVERSAL ACCESS", &a->ch.uacc, err);
		a->ch.set |= SAF_CC_UACC;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "OWNER")) != NULL) {
		rc = racf_single_upper(k, a->owner, sizeof(a->owner), "OWNER", err);
		a->ch.set |= SAF_CC_OWNER;
		a->ch.owner = a->owner;
	}
	return rc;
}

static enum at_rc
connect_one(struct racf_ctx *ctx, const char *name, const void *arg, struct at_buf *out,
    struct at_err *err)
{
	static const char head[] = "ICH02003I USER(S) NOT CONNECTED: ";
	const struct conn_args *a = arg;
	char why[AT_ERR_MSG_MAX];
	enum at_rc rc;

	(void)out;
	rc = saf_connect(ctx->db, ctx->actor, name, a->group, &a->ch, err);
	/* RACF gives the cause (ICH51003I, ...) and the result (ICH02003I)
	 * as two messages, each on its own line with its id first. */
	if (rc != AT_OK && strncmp(err->msg, head, sizeof(head) - 1) == 0) {
		(void)snprintf(why, sizeof(why), "%s", err->msg + sizeof(head) - 1);
		rc = at_err_setx(err, rc, "%s\nICH02003I USER(S) NOT CONNECTED.", why);
	}
	return rc;
}

static enum at_rc
remove_one(struct racf_ctx *ctx, const char *name, const void *arg, struct at_buf *out,
    struct at_err *err)
{
	const struct conn_args *a = arg;

	(void)out;
	return saf_remove(ctx->db, ctx->actor, name, a->group, err);
}

enum at_rc
racf_connect(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct conn_args a;
	enum at_rc rc = read_conn_args(ctx, cmd, &a, err);

	if (rc == AT_OK)
		rc = each_name(ctx, cmd, "USERID", connect_one, &a, out, err);
	return rc;
}

/* REMOVE (user ...) GROUP(g) [OWNER(x)]: OWNER names the new owner of
 * the user's data set profiles in RACF; attls has none, so it is accepted
 * and has no effect. */
enum at_rc
racf_remove(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct conn_args a;
	enum at_rc rc;

	memset(&a, 0, sizeof(a));
	rc = read_group_kw(ctx, cmd, a.group, err);
	if (rc == AT_OK)
		rc = each_name(ctx, cmd, "USERID", remove_one, &a, out, err);
	return rc;
}
