/*
 * resource.c - RDEFINE, RALTER and RDELETE: general-resource profiles.
 * RLIST is in rlist.c.
 *
 * SSIGNON: KEYMASKED(16 hex digits) and KEYENCRYPTED(16 hex digits) both
 * store the legacy PassTicket key (attls has no ICSF, so "encrypted" keys
 * are stored as the masked ones are).  EPTKEYLABEL(label) names an HMAC
 * key of the key store that stands in for ICSF (CKDSKEY, saf/ckds.h) and
 * must exist.  KEYLABEL and ENCRYPTKEY (DES keys in a CKDS) are refused.
 * TYPE, TIMEOUT and REPLAY govern enhanced tickets; NOLEGACYKEY drops the
 * legacy key, so legacy tickets are refused from then on.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "racf/util.h"
#include "saf/ckds.h"
#include "saf/class.h"
#include "saf/match.h"
#include "saf/profile.h"

struct prof_args {
	struct saf_profile_change ch;
	char owner[SAF_NAME_MAX + 1];
	char data[SAF_DATA_MAX + 1];
	char appldata[SAF_APPLDATA_MAX + 1];
	char audit[64];
	char notify[SAF_NAME_MAX + 1];
	char st_user[SAF_NAME_MAX + 2];
	char st_group[SAF_NAME_MAX + 2];
	unsigned char key[SAF_PTKT_KEY_LEN];
	char ekey_label[SAF_CKDS_LABEL_MAX + 1];
};

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* KEYMASKED(hex16): 16 hexadecimal digits, 8 key bytes. */
static enum at_rc
read_key(const struct racf_opnd *k, unsigned char key[SAF_PTKT_KEY_LEN], struct at_err *err)
{
	const struct racf_opnd *v = racf_single(k);
	size_t i;

	if (v == NULL || v->len != 2 * SAF_PTKT_KEY_LEN)
		return racf_err_invalid(err, v != NULL ? v : k, "KEY",
		    "16 HEXADECIMAL DIGITS");
	for (i = 0; i < SAF_PTKT_KEY_LEN; i++) {
		int hi = hexval(v->text[2 * i]), lo = hexval(v->text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return racf_err_invalid(err, v, "KEY", "16 HEXADECIMAL DIGITS");
		key[i] = (unsigned char)(hi * 16 + lo);
	}
	return AT_OK;
}

/* YES or NO. */
static enum at_rc
read_yesno(const struct racf_opnd *k, const char *what, bool *out, struct at_err *err)
{
	char text[4];
	enum at_rc rc = racf_single_upper(k, text, sizeof(text), what, err);

	if (rc == AT_OK && strcmp(text, "YES") != 0 && strcmp(text, "NO") != 0)
		rc = racf_err_invalid(err, racf_single(k), what, "YES OR NO");
	*out = rc == AT_OK && strcmp(text, "YES") == 0;
	return rc;
}

static enum at_rc
read_ssignon(const struct racf_cmd *cmd, struct prof_args *a, struct at_err *err)
{
	const struct racf_opnd *ss = racf_kw(cmd, "SSIGNON"), *k;
	uint64_t n;
	char text[8];
	enum at_rc rc = AT_OK;

	if (racf_sub(ss, "KEYLABEL") != NULL || racf_sub(ss, "ENCRYPTKEY") != NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID SSIGNON OPERAND, "
		    "KEYLABEL AND ENCRYPTKEY NAME DES KEYS IN AN ICSF CKDS, WHICH ATTLS DOES "
		    "NOT HAVE; USE KEYMASKED, OR EPTKEYLABEL WITH A CKDSKEY KEY");
	if ((k = racf_sub(ss, "EPTKEYLABEL")) != NULL) {
		rc = racf_single_text(k, a->ekey_label, sizeof(a->ekey_label),
		    "EPTKEYLABEL", err);
		a->ch.set |= SAF_PC_PTKT_EKEYLABEL;
		a->ch.ptkt_ekey_label = a->ekey_label;
		if (rc != AT_OK)
			return rc;
	}
	if ((k = racf_sub(ss, "KEYMASKED")) != NULL || (k = racf_sub(ss, "KEYENCRYPTED")) != NULL) {
		rc = read_key(k, a->key, err);
		a->ch.set |= SAF_PC_PTKT_KEY;
		a->ch.ptkt_key = a->key;
	}
	if (racf_sub(ss, "NOLEGACYKEY") != NULL)
		a->ch.set |= SAF_PC_NOPTKT_KEY;
	if (rc == AT_OK && (k = racf_sub(ss, "TYPE")) != NULL) {
		rc = racf_single_upper(k, text, sizeof(text), "TYPE", err);
		if (rc == AT_OK && strcmp(text, "UPPER") != 0 && strcmp(text, "MIXED") != 0)
			rc = racf_err_invalid(err, racf_single(k), "TYPE", "UPPER OR MIXED");
		a->ch.set |= SAF_PC_PTKT_TYPE;
		a->ch.ptkt_type = strcmp(text, "UPPER") == 0 ? SAF_PTKT_UPPER : SAF_PTKT_MIXED;
	}
	if (rc == AT_OK && (k = racf_sub(ss, "TIMEOUT")) != NULL) {
		rc = racf_get_u64(k, 1, 600, "TIMEOUT", &n, err);
		a->ch.set |= SAF_PC_PTKT_TIMEOUT;
		a->ch.ptkt_timeout = (int)n;
	}
	if (rc == AT_OK && (k = racf_sub(ss, "REPLAY")) != NULL) {
		rc = read_yesno(k, "REPLAY", &a->ch.ptkt_replay, err);
		a->ch.set |= SAF_PC_PTKT_REPLAY;
	}
	if (racf_kw(cmd, "NOSSIGNON") != NULL)
		a->ch.set |= SAF_PC_NOPTKT_KEY | SAF_PC_NOPTKT_EKEY;
	return rc;
}

/* AUDIT(ALL|SUCCESS|FAILURES[(access)] ... | NONE) as RLIST prints it. */
static enum at_rc
read_audit(const struct racf_opnd *k, struct prof_args *a, struct at_err *err)
{
	static const char *const kinds[] = { "ALL", "SUCCESS", "FAILURES", "NONE" };
	struct at_buf b;
	enum saf_access lvl;
	enum at_rc rc = AT_OK;
	size_t i;

	at_buf_init(&b, sizeof(a->audit) - 1);
	for (i = 0; i < 4 && rc == AT_OK; i++) {
		const struct racf_opnd *s = racf_sub(k, kinds[i]);

		if (s == NULL)
			continue;
		lvl = SAF_ACC_READ;
		if (racf_has_value(s))
			rc = racf_access_arg(s, "AUDIT ACCESS LEVEL", &lvl, err);
		if (rc == AT_OK && i == 3)
			rc = at_buf_printf(&b, "%sNONE", b.len > 0 ? "," : "");
		else if (rc == AT_OK)
			rc = at_buf_printf(&b, "%s%s(%s)", b.len > 0 ? "," : "", kinds[i],
			    saf_access_name(lvl));
	}
	if (rc == AT_OK && !at_str_copy(a->audit, sizeof(a->audit), at_str_c(at_buf_cstr(&b))))
		rc = at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID AUDIT OPERAND");
	a->ch.set |= SAF_PC_AUDIT;
	a->ch.audit = a->audit;
	at_buf_free(&b);
	return rc;
}

static enum at_rc
read_stdata(const struct racf_cmd *cmd, struct prof_args *a, struct at_err *err)
{
	const struct racf_opnd *st = racf_kw(cmd, "STDATA"), *k;
	enum at_rc rc = AT_OK;

	if (st == NULL && racf_kw(cmd, "NOSTDATA") == NULL)
		return AT_OK;
	a->ch.set |= SAF_PC_STDATA;
	a->ch.st_user = a->st_user;
	a->ch.st_group = a->st_group;
	if ((k = racf_sub(st, "USER")) != NULL)
		rc = racf_single_upper(k, a->st_user, sizeof(a->st_user), "USERID", err);
	if (rc == AT_OK && (k = racf_sub(st, "GROUP")) != NULL)
		rc = racf_single_upper(k, a->st_group, sizeof(a->st_group), "GROUP NAME", err);
	if (rc == AT_OK && (k = racf_sub(st, "TRUSTED")) != NULL)
		rc = read_yesno(k, "TRUSTED", &a->ch.st_trusted, err);
	if (rc == AT_OK && (k = racf_sub(st, "PRIVILEGED")) != NULL)
		rc = read_yesno(k, "PRIVILEGED", &a->ch.st_privileged, err);
	if (rc == AT_OK && (k = racf_sub(st, "TRACE")) != NULL)
		rc = read_yesno(k, "TRACE", &a->ch.st_trace, err);
	return rc;
}

/* One text operand with its NO form. */
static enum at_rc
read_textkw(const struct racf_cmd *cmd, const char *name, const char *noname, bool upper,
    char *dst, size_t dstsz, const char **field, unsigned bit, unsigned *set,
    struct at_err *err)
{
	const struct racf_opnd *k = racf_kw(cmd, name);
	enum at_rc rc = AT_OK;

	if (k != NULL) {
		rc = upper ? racf_single_upper(k, dst, dstsz, name, err) :
		    racf_single_text(k, dst, dstsz, name, err);
		*set |= bit;
		*field = dst;
	} else if (noname != NULL && racf_kw(cmd, noname) != NULL) {
		*set |= bit;
		*field = "";
	}
	return rc;
}

static enum at_rc
read_prof_args(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct prof_args *a,
    struct at_err *err)
{
	const struct racf_opnd *k;
	uint64_t n;
	enum at_rc rc;

	memset(a, 0, sizeof(*a));
	if (racf_kw(cmd, "ADDMEM") != NULL || racf_kw(cmd, "DELMEM") != NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID OPERAND, ADDMEM/DELMEM: "
		    "attls has no resource group classes");
	rc = read_textkw(cmd, "OWNER", NULL, true, a->owner, sizeof(a->owner), &a->ch.owner,
	    SAF_PC_OWNER, &a->ch.set, err);
	if (rc == AT_OK)
		rc = read_textkw(cmd, "DATA", "NODATA", false, a->data, sizeof(a->data),
		    &a->ch.data, SAF_PC_DATA, &a->ch.set, err);
	if (rc == AT_OK)
		rc = read_textkw(cmd, "APPLDATA", "NOAPPLDATA", false, a->appldata,
		    sizeof(a->appldata), &a->ch.appldata, SAF_PC_APPLDATA, &a->ch.set, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "UACC")) != NULL) {
		rc = racf_access_arg(k, "UNIVERSAL ACCESS", &a->ch.uacc, err);
		a->ch.set |= SAF_PC_UACC;
	}
	if (racf_kw(cmd, "WARNING") != NULL || racf_kw(cmd, "NOWARNING") != NULL) {
		a->ch.set |= SAF_PC_WARNING;
		a->ch.warning = racf_kw(cmd, "WARNING") != NULL;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "LEVEL")) != NULL) {
		rc = racf_get_u64(k, 0, 99, "LEVEL", &n, err);
		a->ch.set |= SAF_PC_LEVEL;
		a->ch.level = (int)n;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "NOTIFY")) != NULL) {
		a->ch.set |= SAF_PC_NOTIFY;
		a->ch.notify = a->notify;
		if (racf_has_value(k))
			rc = racf_single_upper(k, a->notify, sizeof(a->notify), "USERID", err);
		else
			(void)at_str_copy(a->notify, sizeof(a->notify), at_str_c(ctx->actor->user));
	}
	if (rc == AT_OK && racf_kw(cmd, "NONOTIFY") != NULL) {
		a->ch.set |= SAF_PC_NOTIFY;
		a->ch.notify = "";
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "AUDIT")) != NULL)
		rc = read_audit(k, a, err);
	if (rc == AT_OK)
		rc = read_ssignon(cmd, a, err);
	if (rc == AT_OK)
		rc = read_stdata(cmd, a, err);
	return rc;
}

/* The class and profile names of a resource command. */
struct target {
	char cls[SAF_NAME_MAX + 1];
	struct saf_class c;
};

static enum at_rc
read_class(struct racf_ctx *ctx, const struct racf_opnd *v, struct target *t,
    struct at_err *err)
{
	enum at_rc rc = racf_get_upper(v, t->cls, sizeof(t->cls), "CLASS", err);

	if (rc == AT_OK && v->parens)
		rc = racf_err_invalid(err, v, "CLASS", NULL);
	if (rc == AT_OK)
		rc = saf_class_get(ctx->db, t->cls, &t->c, err);
	return rc;
}

/* RDEFINE FROM(profile) [FCLASS(c)]: copies the model's access list. */
struct copy_ctx {
	struct racf_ctx *ctx;
	const char *cls;
	const char *name;
};

static enum at_rc
acl_copy_cb(void *arg, const struct saf_acl_entry *e, struct at_err *err)
{
	struct copy_ctx *c = arg;

	return saf_permit(c->ctx->db, c->ctx->actor, c->cls, c->name, e->id, e->access, err);
}

static enum at_rc
copy_from(struct racf_ctx *ctx, const struct racf_cmd *cmd, const char *cls,
    const char *name, struct at_err *err)
{
	const struct racf_opnd *from = racf_kw(cmd, "FROM"), *fc = racf_kw(cmd, "FCLASS");
	char fname[SAF_PROFILE_MAX + 1], fcls[SAF_NAME_MAX + 1];
	struct copy_ctx c = { ctx, cls, name };
	enum at_rc rc;

	if (from == NULL)
		return AT_OK;
	rc = racf_single_upper(from, fname, sizeof(fname), "PROFILE NAME", err);
	if (rc == AT_OK && fc != NULL)
		rc = racf_single_upper(fc, fcls, sizeof(fcls), "CLASS", err);
	else if (rc == AT_OK)
		(void)at_str_copy(fcls, sizeof(fcls), at_str_c(cls));
	if (rc == AT_OK)
		rc = saf_acl_each(ctx->db, fcls, fname, acl_copy_cb, &c, err);
	return rc;
}

/* The model's fields, under the operands given. */
static enum at_rc
model_args(struct racf_ctx *ctx, const struct racf_cmd *cmd, const char *cls,
    struct prof_args *a, struct saf_profile *m, struct at_err *err)
{
	const struct racf_opnd *from = racf_kw(cmd, "FROM"), *fc = racf_kw(cmd, "FCLASS");
	char fname[SAF_PROFILE_MAX + 1], fcls[SAF_NAME_MAX + 1];
	enum at_rc rc;

	if (from == NULL)
		return AT_OK;
	rc = racf_single_upper(from, fname, sizeof(fname), "PROFILE NAME", err);
	if (rc == AT_OK)
		rc = fc != NULL ? racf_single_upper(fc, fcls, sizeof(fcls), "CLASS", err) :
		    (at_str_copy(fcls, sizeof(fcls), at_str_c(cls)) ? AT_OK : AT_E_INTERNAL);
	if (rc == AT_OK)
		rc = saf_profile_get(ctx->db, fcls, fname, m, err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, rc, "ICH10105I FROM PROFILE %s NOT FOUND IN CLASS %s.",
		    fname, fcls);
	if (rc != AT_OK)
		return rc;
	if (!(a->ch.set & SAF_PC_UACC))
		a->ch.uacc = m->uacc;
	if (!(a->ch.set & SAF_PC_DATA))
		a->ch.data = m->data;
	if (!(a->ch.set & SAF_PC_APPLDATA))
		a->ch.appldata = m->appldata;
	if (!(a->ch.set & SAF_PC_AUDIT) && m->audit[0] != '\0')
		a->ch.audit = m->audit;
	if (!(a->ch.set & SAF_PC_WARNING))
		a->ch.warning = m->warning;
	if (!(a->ch.set & SAF_PC_LEVEL))
		a->ch.level = m->level;
	a->ch.set |= SAF_PC_UACC | SAF_PC_DATA | SAF_PC_APPLDATA | SAF_PC_WARNING | SAF_PC_LEVEL |
	    (a->ch.audit != NULL ? SAF_PC_AUDIT : 0u);
	return AT_OK;
}

enum at_rc
racf_rdefine(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct prof_args a;
	struct saf_profile model;
	struct target t;
	char name[SAF_PROFILE_MAX + 1];
	bool generic = false;
	enum at_rc rc;
	size_t i;

	memset(&model, 0, sizeof(model));
	memset(&t, 0, sizeof(t));
	rc = read_prof_args(ctx, cmd, &a, err);
	if (rc == AT_OK)
		rc = read_class(ctx, &cmd->pos[0], &t, err);
	if (rc == AT_OK)
		rc = model_args(ctx, cmd, t.cls, &a, &model, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[1]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[1], i), name, sizeof(name),
		    "PROFILE NAME", err);
		if (rc == AT_OK)
			rc = saf_profile_define(ctx->db, ctx->actor, t.cls, name, &a.ch, &generic, err);
		if (rc == AT_E_EXISTS)
			rc = at_err_setx(err, rc, "ICH10102I %s ALREADY DEFINED TO CLASS %s.",
			    name, t.cls);
		if (rc == AT_OK)
			rc = copy_from(ctx, cmd, t.cls, name, err);
		if (rc == AT_OK && !generic && saf_is_generic(name))
			rc = at_buf_printf(out, "ICH10321I GENERIC PROFILES ARE NOT ACTIVE FOR CLASS "
			    "%s. %s IS DEFINED AS A DISCRETE PROFILE.\n", t.cls, name);
	}
	if (rc == AT_OK && t.c.raclist)
		rc = at_buf_printf(out, "ICH10006I RACLISTED PROFILES FOR %s WILL NOT REFLECT THE "
		    "ADDITION(S) UNTIL A SETROPTS REFRESH IS ISSUED.\n", t.cls);
	OPENSSL_cleanse(a.key, sizeof(a.key));
	return rc;
}

/* RALTER STDATA(...) changes only the fields given: start from the profile. */
static enum at_rc
merge_stdata(struct racf_ctx *ctx, const struct racf_cmd *cmd, const char *cls,
    const char *name, struct prof_args *a, struct at_err *err)
{
	const struct racf_opnd *st = racf_kw(cmd, "STDATA");
	struct saf_profile p;
	enum at_rc rc;

	if (st == NULL)
		return AT_OK;
	rc = saf_profile_get(ctx->db, cls, name, &p, err);
	if (rc != AT_OK)
		return rc;
	if (racf_sub(st, "USER") == NULL)
		memcpy(a->st_user, p.st_user, sizeof(a->st_user));
	if (racf_sub(st, "GROUP") == NULL)
		memcpy(a->st_group, p.st_group, sizeof(a->st_group));
	if (racf_sub(st, "TRUSTED") == NULL)
		a->ch.st_trusted = p.st_trusted;
	if (racf_sub(st, "PRIVILEGED") == NULL)
		a->ch.st_privileged = p.st_privileged;
	if (racf_sub(st, "TRACE") == NULL)
		a->ch.st_trace = p.st_trace;
	return AT_OK;
}

enum at_rc
racf_ralter(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct prof_args a;
	struct target t;
	char name[SAF_PROFILE_MAX + 1];
	enum at_rc rc;
	size_t i;

	memset(&t, 0, sizeof(t));
	rc = read_prof_args(ctx, cmd, &a, err);
	if (rc == AT_OK)
		rc = read_class(ctx, &cmd->pos[0], &t, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[1]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[1], i), name, sizeof(name),
		    "PROFILE NAME", err);
		if (rc == AT_OK)
			rc = merge_stdata(ctx, cmd, t.cls, name, &a, err);
		if (rc == AT_OK)
			rc = saf_profile_alter(ctx->db, ctx->actor, t.cls, name, &a.ch, err);
	}
	if (rc == AT_OK && t.c.raclist)
		rc = at_buf_printf(out, "ICH11009I RACLISTED PROFILES FOR %s WILL NOT REFLECT THE "
		    "UPDATE(S) UNTIL A SETROPTS REFRESH IS ISSUED.\n", t.cls);
	OPENSSL_cleanse(a.key, sizeof(a.key));
	return rc;
}

enum at_rc
racf_rdelete(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	struct target t;
	char name[SAF_PROFILE_MAX + 1];
	enum at_rc rc;
	size_t i;

	memset(&t, 0, sizeof(t));
	rc = read_class(ctx, &cmd->pos[0], &t, err);
	for (i = 0; rc == AT_OK && i < racf_list_count(&cmd->pos[1]); i++) {
		rc = racf_get_upper(racf_list_at(&cmd->pos[1], i), name, sizeof(name),
		    "PROFILE NAME", err);
		if (rc == AT_OK)
			rc = saf_profile_delete(ctx->db, ctx->actor, t.cls, name, err);
	}
	if (rc == AT_OK && t.c.raclist)
		rc = at_buf_printf(out, "ICH12002I RACLISTED PROFILES FOR %s WILL NOT REFLECT THE "
		    "DELETION(S) UNTIL A SETROPTS REFRESH IS ISSUED.\n", t.cls);
	return rc;
}
