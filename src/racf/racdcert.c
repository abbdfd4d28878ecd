/*
 * racdcert.c - the RACDCERT command: its keyword table, the choice of
 * function, the owner (ID(u) | CERTAUTH | SITE) and the authority check
 * shared by every function.  The functions are in racdcert_gen.c (GENCERT,
 * ADD), racdcert_ring.c (rings), racdcert_list.c (LIST, EXPORT, ALTER,
 * DELETE) and racdcert_map.c (MAP, DELMAP, LISTMAP).
 */
#include <stdio.h>
#include <string.h>

#include "racf/racdcert_int.h"
#include "racf/util.h"
#include "saf/access.h"
#include "saf/authority.h"
#include "saf/user.h"

static const struct racf_kwspec dn_kws[] = {
	{ "CN", NULL, 0, RACF_KW_VALUE, NULL, "COMMON NAME" },
	{ "T", NULL, 0, RACF_KW_VALUE, NULL, "TITLE" },
	{ "OU", NULL, 0, RACF_KW_VALUE, NULL, "ORGANIZATIONAL UNIT" },
	{ "O", NULL, 0, RACF_KW_VALUE, NULL, "ORGANIZATION" },
	{ "L", NULL, 0, RACF_KW_VALUE, NULL, "LOCALITY" },
	{ "SP", NULL, 0, RACF_KW_VALUE, NULL, "STATE OR PROVINCE" },
	{ "C", NULL, 0, RACF_KW_VALUE, NULL, "COUNTRY" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static const struct racf_kwspec date_kws[] = {
	{ "DATE", NULL, 0, RACF_KW_VALUE, NULL, "DATE" },
	{ "TIME", NULL, 0, RACF_KW_VALUE, NULL, "TIME" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static const struct racf_kwspec owner_label_kws[] = {
	{ "ID", NULL, 0, RACF_KW_VALUE, NULL, "USERID" },
	{ "CERTAUTH", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "SITE", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "LABEL", NULL, 0, RACF_KW_VALUE, NULL, "LABEL" },
	{ "RING", NULL, 0, RACF_KW_VALUE, NULL, "RING NAME" },
	{ "USAGE", NULL, 0, RACF_KW_VALUE, NULL, "USAGE" },
	{ "DEFAULT", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static const struct racf_kwspec label_kws[] = {
	{ "LABEL", NULL, 0, RACF_KW_VALUE, NULL, "LABEL" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static const struct racf_kwspec usage_kws[] = {
	{ "HANDSHAKE", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "DATAENCRYPT", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "DOCSIGN", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "CERTSIGN", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "KEYAGREE", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

static const struct racf_kwspec altname_kws[] = {
	{ "IP", NULL, 0, RACF_KW_VALUE, NULL, "IP ADDRESS" },
	{ "DOMAIN", NULL, 0, RACF_KW_VALUE, NULL, "DOMAIN NAME" },
	{ "EMAIL", NULL, 0, RACF_KW_VALUE, NULL, "EMAIL ADDRESS" },
	{ "URI", NULL, 0, RACF_KW_VALUE, NULL, "URI" },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

const struct racf_kwspec racf_racdcert_keywords[] = {
	{ "ID", NULL, 0, RACF_KW_VALUE, NULL, "USERID" },
	{ "CERTAUTH", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "SITE", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "MULTIID", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "GENCERT", NULL, 0, RACF_KW_OPTVALUE, NULL, NULL },
	{ "SUBJECTSDN", NULL, 0, RACF_KW_VALUE, dn_kws, "SUBJECT NAME" },
	{ "SIZE", NULL, 0, RACF_KW_VALUE, NULL, "KEY SIZE" },
	{ "NOTBEFORE", NULL, 0, RACF_KW_VALUE, date_kws, "DATE" },
	{ "NOTAFTER", NULL, 0, RACF_KW_VALUE, date_kws, "DATE" },
	{ "WITHLABEL", NULL, 0, RACF_KW_VALUE, NULL, "LABEL" },
	{ "SIGNWITH", NULL, 0, RACF_KW_VALUE, owner_label_kws, "SIGNING CERTIFICATE" },
	{ "RSA", NULL, 0, RACF_KW_OPTVALUE, NULL, NULL },
	{ "NISTECC", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "BPECC", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "DSA", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "KEYUSAGE", NULL, 0, RACF_KW_VALUE, usage_kws, "KEY USAGE" },
	{ "ALTNAME", NULL, 0, RACF_KW_VALUE, altname_kws, "ALTERNATE NAME" },
	{ "ADD", NULL, 0, RACF_KW_VALUE, NULL, "DATA SET NAME" },
	{ "TRUST", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "NOTRUST", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "HIGHTRUST", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "PASSWORD", NULL, 0, RACF_KW_VALUE, NULL, "PASSWORD" },
	{ "ADDRING", NULL, 0, RACF_KW_VALUE, NULL, "RING NAME" },
	{ "DELRING", NULL, 0, RACF_KW_VALUE, NULL, "RING NAME" },
	{ "CONNECT", NULL, 0, RACF_KW_VALUE, owner_label_kws, "CERTIFICATE" },
	{ "REMOVE", NULL, 0, RACF_KW_VALUE, owner_label_kws, "CERTIFICATE" },
	{ "LISTRING", NULL, 0, RACF_KW_VALUE, NULL, "RING NAME" },
	{ "LIST", NULL, 0, RACF_KW_OPTVALUE, label_kws, NULL },
	{ "EXPORT", NULL, 0, RACF_KW_VALUE, label_kws, "LABEL" },
	{ "DSN", NULL, 0, RACF_KW_VALUE, NULL, "DATA SET NAME" },
	{ "FORMAT", NULL, 0, RACF_KW_VALUE, NULL, "FORMAT" },
	{ "REPLACE", NULL, 0, RACF_KW_FLAG, NULL, NULL },
	{ "ALTER", NULL, 0, RACF_KW_VALUE, label_kws, "LABEL" },
	{ "NEWLABEL", NULL, 0, RACF_KW_VALUE, NULL, "LABEL" },
	{ "DELETE", NULL, 0, RACF_KW_VALUE, label_kws, "LABEL" },
	{ "CHECKCERT", NULL, 0, RACF_KW_VALUE, NULL, "DATA SET NAME" },
	{ "MAP", NULL, 0, RACF_KW_OPTVALUE, NULL, NULL },
	{ "SDNFILTER", NULL, 0, RACF_KW_VALUE, NULL, "SUBJECT NAME FILTER" },
	{ "IDNFILTER", NULL, 0, RACF_KW_VALUE, NULL, "ISSUER NAME FILTER" },
	{ "LISTMAP", NULL, 0, RACF_KW_OPTVALUE, label_kws, NULL },
	{ "DELMAP", NULL, 0, RACF_KW_OPTVALUE, label_kws, NULL },
	{ NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
};

/* The functions, one row each: keyword, handler. */
static const struct {
	const char *name;
	rcd_fn fn;
} functions[] = {
	{ "GENCERT", rcd_gencert },
	{ "ADD", rcd_add },
	{ "ADDRING", rcd_addring },
	{ "DELRING", rcd_delring },
	{ "CONNECT", rcd_connect },
	{ "REMOVE", rcd_remove },
	{ "LISTRING", rcd_listring },
	{ "LIST", rcd_list },
	{ "EXPORT", rcd_export },
	{ "ALTER", rcd_alter },
	{ "DELETE", rcd_delete },
	{ "MAP", rcd_map },
	{ "DELMAP", rcd_delmap },
	{ "LISTMAP", rcd_listmap },
};

enum at_rc
racf_racdcert_prepare(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct at_err *err)
{
	const struct racf_opnd *kw = racf_kw(cmd, "GENCERT");

	if (kw == NULL)
		return AT_OK;
	return rcd_gencert_prepare(ctx, cmd, kw, err);
}

enum at_rc
racf_racdcert(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct at_buf *out, struct at_err *err)
{
	const struct racf_opnd *kw = NULL;
	rcd_fn fn = rcd_list; /* RACDCERT alone lists the issuer's certificates */
	size_t i, n = 0;

	for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
		const struct racf_opnd *k = racf_kw(cmd, functions[i].name);

		if (k == NULL)
			continue;
		n++;
		kw = k;
		fn = functions[i].fn;
	}
	if (n > 1)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID RACDCERT FUNCTION: specify only one function");
	if (racf_kw(cmd, "CHECKCERT") != NULL || racf_kw(cmd, "MULTIID") != NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "RACDCERT %s is not supported by this security manager.",
		    racf_kw(cmd, "CHECKCERT") != NULL ? "CHECKCERT" : "MULTIID");
	return fn(ctx, cmd, kw, out, err);
}

/* The owner keywords among items (holder) or the command's keywords. */
static enum at_rc
owner_in(const struct racf_cmd *cmd, const struct racf_opnd *holder,
    char id[SAF_CERT_OWNER_MAX + 1], bool *found, struct at_err *err)
{
	const struct racf_opnd *idk, *ca, *site;
	int given;

	*found = true;
	idk = holder != NULL ? racf_sub(holder, "ID") : racf_kw(cmd, "ID");
	ca = holder != NULL ? racf_sub(holder, "CERTAUTH") : racf_kw(cmd, "CERTAUTH");
	site = holder != NULL ? racf_sub(holder, "SITE") : racf_kw(cmd, "SITE");
	given = (idk != NULL) + (ca != NULL) + (site != NULL);
	if (given > 1)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OWNER: specify only one of ID, CERTAUTH and SITE");
	if (ca != NULL) {
		(void)snprintf(id, SAF_CERT_OWNER_MAX + 1, "%s", SAF_CERT_OWNER_CERTAUTH);
		return AT_OK;
	}
	if (site != NULL) {
		(void)snprintf(id, SAF_CERT_OWNER_MAX + 1, "%s", SAF_CERT_OWNER_SITE);
		return AT_OK;
	}
	if (idk != NULL)
		return racf_single_upper(idk, id, SAF_CERT_OWNER_MAX + 1, "USERID",
		    err);
	*found = false;
	return AT_OK;
}

enum at_rc
rcd_owner_of(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *holder, struct rcd_owner *out, struct at_err *err)
{
	struct saf_user u;
	bool found = false;
	enum at_rc rc = AT_OK;

	memset(out, 0, sizeof(*out));
	if (holder != NULL)
		rc = owner_in(cmd, holder, out->id, &found, err);
	if (rc == AT_OK && !found)
		rc = owner_in(cmd, NULL, out->id, &found, err);
	if (rc != AT_OK)
		return rc;
	if (!found)
		(void)snprintf(out->id, sizeof(out->id), "%s", ctx->actor->user);
	out->is_user = saf_cert_owner_is_user(out->id);
	if (!out->is_user)
		return AT_OK;
	rc = saf_user_get(ctx->db, out->id, &u, err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "The user ID %s is not defined to RACF.", out->id);
	return rc;
}

enum at_rc
rcd_auth(struct racf_ctx *ctx, const char *function,
    const struct rcd_owner *owner, int min, struct at_err *err)
{
	struct saf_decision d;
	char resource[64];
	enum saf_access level;
	enum at_rc rc;

	if (!owner->is_user)
		level = SAF_ACC_CONTROL;
	else if (strcmp(owner->id, ctx->actor->user) == 0)
		level = SAF_ACC_READ;
	else
		level = SAF_ACC_UPDATE;
	if (min > (int)level)
		level = (enum saf_access)min;
	if (ctx->actor->special)
		return AT_OK;
	(void)snprintf(resource, sizeof(resource), "IRR.DIGTCERT.%s", function);
	rc = saf_check_access(ctx->db, ctx->actor->user, "FACILITY", resource,
	    level, &d, err);
	if (rc != AT_OK)
		return rc;
	if (d.result == SAF_ALLOWED)
		return AT_OK;
	return at_err_setx(err, AT_E_DENIED,
	    "%sYou are not authorized to issue the RACDCERT %s command"
	    " (%s access to FACILITY %s is needed).", d.message, function,
	    saf_access_name(level), resource);
}

enum at_rc
rcd_label(const struct racf_opnd *kw, char label[SAF_CERT_LABEL_MAX + 1],
    struct at_err *err)
{
	const struct racf_opnd *l = racf_sub(kw, "LABEL");
	enum at_rc rc;

	if (l == NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING LABEL");
	rc = racf_single_text(l, label, SAF_CERT_LABEL_MAX + 1, "LABEL", err);
	if (rc == AT_OK)
		rc = saf_cert_label_check(label, err);
	return rc;
}

enum at_rc
rcd_trust(const struct racf_cmd *cmd, enum saf_trust *out, bool *given,
    struct at_err *err)
{
	int n = 0;

	*given = false;
	if (racf_kw(cmd, "TRUST") != NULL) {
		*out = SAF_TRUST_TRUST;
		n++;
	}
	if (racf_kw(cmd, "NOTRUST") != NULL) {
		*out = SAF_TRUST_NOTRUST;
		n++;
	}
	if (racf_kw(cmd, "HIGHTRUST") != NULL) {
		*out = SAF_TRUST_HIGHTRUST;
		n++;
	}
	if (n > 1)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID STATUS: specify only one of TRUST, NOTRUST and HIGHTRUST");
	*given = n == 1;
	return AT_OK;
}
