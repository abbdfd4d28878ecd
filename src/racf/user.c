/*
 * user.c - ADDUSER, ALTUSER, DELUSER and PASSWORD: operands to
 * saf_user_* calls.  LISTUSER is in listuser.c.
 */
#include <stddef.h>
#include <string.h>

#include <openssl/crypto.h>

#include "racf/util.h"
#include "saf/password.h"
#include "saf/user.h"

/* The operand text a struct saf_user_change borrows. */
struct user_args {
	struct saf_user_change ch;
	char owner[SAF_NAME_MAX + 1];
	char dfltgrp[SAF_NAME_MAX + 1];
	char pname[SAF_PNAME_MAX + 1];
	char data[SAF_DATA_MAX + 1];
	char password[SAF_PASSWORD_MAX + 1];
	char home[SAF_PATH_MAX + 1];
	char program[SAF_PATH_MAX + 1];
};

/* An attribute flag and its NO form: one row per attribute. */
struct attr_row {
	const char *on;
	const char *off;
	unsigned bit;
	size_t field; /* offset of the bool in struct saf_user_change */
};

static const struct attr_row attrs[] = {
	{ "SPECIAL", "NOSPECIAL", SAF_UC_SPECIAL, offsetof(struct saf_user_change, special) },
	{ "OPERATIONS", "NOOPERATIONS", SAF_UC_OPERATIONS,
	    offsetof(struct saf_user_change, operations) },
	{ "AUDITOR", "NOAUDITOR", SAF_UC_AUDITOR, offsetof(struct saf_user_change, auditor) },
	{ "RESTRICTED", "NORESTRICTED", SAF_UC_RESTRICTED,
	    offsetof(struct saf_user_change, restricted) },
};

static void
read_attrs(const struct racf_cmd *cmd, struct saf_user_change *ch)
{
	size_t i;

	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		bool *field = (bool *)((char *)ch + attrs[i].field);

		if (racf_kw(cmd, attrs[i].on) != NULL) {
			ch->set |= attrs[i].bit;
			*field = true;
		} else if (racf_kw(cmd, attrs[i].off) != NULL) {
			ch->set |= attrs[i].bit;
			*field = false;
		}
	}
}

/* OMVS(UID(n) HOME(p) PROGRAM(p) NOHOME NOPROGRAM) and NOOMVS. */
static enum at_rc
read_omvs(const struct racf_cmd *cmd, struct user_args *a, struct at_err *err)
{
	const struct racf_opnd *omvs = racf_kw(cmd, "OMVS"), *k;
	uint64_t uid;
	enum at_rc rc = AT_OK;

	if (racf_kw(cmd, "NOOMVS") != NULL)
		a->ch.set |= SAF_UC_NOOMVS;
	if ((k = racf_sub(omvs, "UID")) != NULL) {
		rc = racf_get_u64(k, 0, SAF_UID_MAX, "UID", &uid, err);
		a->ch.set |= SAF_UC_UID;
		a->ch.uid = (int64_t)uid;
	}
	if (rc == AT_OK && (k = racf_sub(omvs, "HOME")) != NULL) {
		rc = racf_single_text(k, a->home, sizeof(a->home), "HOME DIRECTORY", err);
		a->ch.set |= SAF_UC_HOME;
		a->ch.home = a->home;
	}
	if (rc == AT_OK && (k = racf_sub(omvs, "PROGRAM")) != NULL) {
		rc = racf_single_text(k, a->program, sizeof(a->program), "PROGRAM NAME", err);
		a->ch.set |= SAF_UC_PROGRAM;
		a->ch.program = a->program;
	}
	if (racf_sub(omvs, "NOHOME") != NULL)
		a->ch.set |= SAF_UC_NOHOME;
	if (racf_sub(omvs, "NOPROGRAM") != NULL)
		a->ch.set |= SAF_UC_NOPROGRAM;
	if (rc == AT_OK && racf_sub(omvs, "NOUID") != NULL)
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OMVS OPERAND, NOUID - use NOOMVS to remove the OMVS segment");
	return rc;
}

/* Text operands: OWNER, DFLTGRP, NAME, DATA, PASSWORD. */
static enum at_rc
read_text(const struct racf_cmd *cmd, struct user_args *a, struct at_err *err)
{
	const struct racf_opnd *k;
	enum at_rc rc = AT_OK;

	if ((k = racf_kw(cmd, "OWNER")) != NULL) {
		rc = racf_single_upper(k, a->owner, sizeof(a->owner), "OWNER", err);
		a->ch.set |= SAF_UC_OWNER;
		a->ch.owner = a->owner;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "DFLTGRP")) != NULL) {
		rc = racf_single_upper(k, a->dfltgrp, sizeof(a->dfltgrp), "DEFAULT GROUP", err);
		a->ch.set |= SAF_UC_DFLTGRP;
		a->ch.dfltgrp = a->dfltgrp;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "NAME")) != NULL) {
		rc = racf_single_upper(k, a->pname, sizeof(a->pname), "NAME", err);
		a->ch.set |= SAF_UC_PNAME;
		a->ch.pname = a->pname;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "DATA")) != NULL) {
		rc = racf_single_text(k, a->data, sizeof(a->data), "INSTALLATION DATA", err);
		a->ch.set |= SAF_UC_DATA;
		a->ch.data = a->data;
	}
	if (rc == AT_OK && racf_kw(cmd, "NODATA") != NULL) {
		a->ch.set |= SAF_UC_DATA;
		a->ch.data = "";
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "PASSWORD")) != NULL) {
		rc = racf_single_text(k, a->password, sizeof(a->password), "PASSWORD", err);
		a->ch.set |= SAF_UC_PASSWORD;
		a->ch.password = a->password;
		a->ch.noexpired = racf_kw(cmd, "NOEXPIRED") != NULL;
	}
	if (rc == AT_OK && racf_kw(cmd, "NOPASSWORD") != NULL)
		a->ch.set |= SAF_UC_NOPASSWORD;
	return rc;
}

/* Everything ADDUSER and ALTUSER share. */
static enum at_rc
read_args(const struct racf_cmd *cmd, struct user_args *a, struct at_err *err)
{
	const struct racf_opnd *k;
	enum at_rc rc;

	memset(a, 0, sizeof(*a));
	read_attrs(cmd, &a->ch);
	rc = read_text(cmd, a, err);
	if (rc == AT_OK)
		rc = read_omvs(cmd, a, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "AUTHORITY")) != NULL) {
		rc = racf_gauth_arg(k, &a->ch.authority, err);
		a->ch.set |= SAF_UC_AUTHORITY;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "UACC")) != NULL) {
		rc = racf_access_arg(k, "UNIVERSAL ACCESS", &a->ch.uacc, err);
		a->ch.set |= SAF_UC_UACC;
	}
	if (rc == AT_OK && racf_kw(cmd, "PASSWORD") != NULL && racf_kw(cmd, "NOPASSWORD") != NULL)
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OPERAND, PASSWORD AND NOPASSWORD CONFLICT");
	return rc;
}

/* REVOKE / RESUME of ALTUSER (no dates: "now"). */
static enum at_rc
read_revoke(const struct racf_cmd *cmd, struct saf_user_change *ch, struct at_err *err)
{
	const struct racf_opnd *rv = racf_kw(cmd, "REVOKE"), *rs = racf_kw(cmd, "RESUME");

	if (racf_has_value(rv) || racf_has_value(rs))
		return racf_err_invalid(err, racf_has_value(rv) ? rv : rs, "DATE",
		    "REVOKE AND RESUME WITHOUT A DATE (DATES ARE NOT SUPPORTED)");
	if (rv != NULL && rs != NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OPERAND, REVOKE AND RESUME CONFLICT");
	if (rv != NULL || rs != NULL) {
		ch->set |= SAF_UC_REVOKE;
		ch->revoked = rv != NULL;
	}
	return AT_OK;
}

/* CLAUTH(class ...) / NOCLAUTH(class ...) for one user. */
static enum at_rc
apply_clauth(struct racf_ctx *ctx, const struct racf_cmd *cmd, const char *user,
    struct at_err *err)
{
	static const char *const names[] = { "CLAUTH", "NOCLAUTH" };
	char cls[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i, j;

	for (i = 0; i < 2 && rc == AT_OK; i++) {
		const struct racf_opnd *k = racf_kw(cmd, names[i]);

		for (j = 0; j < racf_list_count(k) && rc == AT_OK; j++) {
			rc = racf_get_upper(racf_list_at(k, j), cls, sizeof(cls), "CLASS", err);
			if (rc == AT_OK)
				rc = saf_user_clauth(ctx->db, ctx->actor, user, cls, i == 0, err);
		}
	}
	return rc;
}

enum at_rc
racf_adduser(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct user_args a;
	char name[SAF_NAME_MAX + 1];
	enum at_rc rc;
	size_t i;

	rc = read_args(cmd, &a, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[0]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[0], i), name, sizeof(name), "USERID", err);
		if (rc == AT_OK)
			rc = saf_user_add(ctx->db, ctx->actor, name, &a.ch, err);
		if (rc == AT_E_EXISTS && strncmp(err->msg, "ICH", 3) != 0)
			rc = at_err_setx(err, rc, "ICH01005I %s ALREADY DEFINED TO RACF", name);
		if (rc == AT_OK)
			rc = apply_clauth(ctx, cmd, name, err);
		if (rc == AT_OK && (a.ch.set & SAF_UC_PASSWORD) == 0)
			rc = at_buf_printf(out, "ICH01024I User %s is defined as PROTECTED.\n", name);
	}
	OPENSSL_cleanse(a.password, sizeof(a.password));
	return rc;
}

enum at_rc
racf_altuser(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct user_args a;
	char name[SAF_NAME_MAX + 1];
	enum at_rc rc;
	size_t i;

	(void)out;
	rc = read_args(cmd, &a, err);
	if (rc == AT_OK && (racf_kw(cmd, "AUTHORITY") != NULL || racf_kw(cmd, "UACC") != NULL))
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56712I INVALID KEYWORD, AUTHORITY/UACC - use CONNECT to change them");
	if (rc == AT_OK)
		rc = read_revoke(cmd, &a.ch, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[0]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[0], i), name, sizeof(name), "USERID", err);
		if (rc == AT_OK && a.ch.set != 0)
			rc = saf_user_alter(ctx->db, ctx->actor, name, &a.ch, err);
		if (rc == AT_OK && a.ch.set == 0) {
			struct saf_user u;

			rc = saf_user_get(ctx->db, name, &u, err);
		}
		if (rc == AT_OK)
			rc = apply_clauth(ctx, cmd, name, err);
	}
	OPENSSL_cleanse(a.password, sizeof(a.password));
	return rc;
}

enum at_rc
racf_deluser(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	char name[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	(void)out;
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[0]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[0], i), name, sizeof(name), "USERID", err);
		if (rc == AT_OK)
			rc = saf_user_delete(ctx->db, ctx->actor, name, err);
		if (rc == AT_E_NOTFOUND)
			rc = at_err_setx(err, AT_E_NOTFOUND, "IKJ56702I INVALID USERID, %s", name);
	}
	return rc;
}

/*
 * PASSWORD [PASSWORD(current new)] [USER(userid ...)] [INTERVAL|NOINTERVAL].
 * A user changes its own password with PASSWORD(current new); SPECIAL or
 * the owner resets others' with USER(...) PASSWORD(new).  INTERVAL and
 * NOINTERVAL are accepted and change nothing (attls keeps one interval).
 */
enum at_rc
racf_password(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	const struct racf_opnd *pw = racf_kw(cmd, "PASSWORD"), *users = racf_kw(cmd, "USER");
	char cur[SAF_PASSWORD_MAX + 1] = "", nw[SAF_PASSWORD_MAX + 1] = "";
	char name[SAF_NAME_MAX + 1];
	size_t n = racf_list_count(pw), i;
	enum at_rc rc = AT_OK;

	(void)out;
	if (pw != NULL && users == NULL && n != 2)
		rc = racf_err_invalid(err, pw, "PASSWORD", "CURRENT AND NEW PASSWORD");
	if (rc == AT_OK && pw != NULL && users != NULL && n != 1)
		rc = racf_err_invalid(err, pw, "PASSWORD", "ONE NEW PASSWORD WITH USER");
	if (rc == AT_OK && n == 2)
		rc = racf_get_text(racf_list_at(pw, 0), cur, sizeof(cur), "PASSWORD", err);
	if (rc == AT_OK && n > 0)
		rc = racf_get_text(racf_list_at(pw, n - 1), nw, sizeof(nw), "PASSWORD", err);
	if (rc == AT_OK && pw != NULL && users == NULL)
		rc = saf_password_change(ctx->db, ctx->actor, ctx->actor->user, cur, nw, true, err);
	for (i = 0; rc == AT_OK && pw != NULL && i < racf_list_count(users); i++) {
		rc = racf_get_upper(racf_list_at(users, i), name, sizeof(name), "USERID", err);
		if (rc == AT_OK)
			rc = saf_password_change(ctx->db, ctx->actor, name, NULL, nw, false, err);
	}
	for (i = 0; rc == AT_OK && pw == NULL && i < racf_list_count(users); i++) {
		struct saf_user u;

		rc = racf_get_upper(racf_list_at(users, i), name, sizeof(name), "USERID", err);
		if (rc == AT_OK)
			rc = saf_user_get(ctx->db, name, &u, err);
	}
	OPENSSL_cleanse(cur, sizeof(cur));
	OPENSSL_cleanse(nw, sizeof(nw));
	return rc;
}
