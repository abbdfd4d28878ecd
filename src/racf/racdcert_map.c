/*
 * racdcert_map.c - RACDCERT MAP, DELMAP and LISTMAP: certificate name
 * filters that map certificates to a user (saf/usermap.h).
 */
#include <string.h>

#include "racf/racdcert_int.h"
#include "racf/util.h"
#include "saf/usermap.h"

/* The user a filter maps to: ID(u) or the issuer; never CERTAUTH/SITE. */
static enum at_rc
map_owner(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const char *function, struct rcd_owner *o, struct at_err *err)
{
	enum at_rc rc = rcd_owner_of(ctx, cmd, NULL, o, err);

	if (rc == AT_OK && !o->is_user)
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OWNER: a mapping belongs to a user ID");
	if (rc == AT_OK)
		rc = rcd_auth(ctx, function, o, SAF_ACC_NONE, err);
	return rc;
}

enum at_rc
rcd_map(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char sdn[SAF_USERMAP_FILTER_MAX + 1], idn[SAF_USERMAP_FILTER_MAX + 1];
	char label[SAF_CERT_LABEL_MAX + 1] = "";
	const struct racf_opnd *k, *ks, *ki;
	enum saf_trust trust = SAF_TRUST_TRUST;
	struct rcd_owner o;
	bool given = false;
	enum at_rc rc;

	(void)out;
	if (racf_has_value(kw))
		return at_err_setx(err, AT_E_INPUT,
		    "MAP from a certificate data set is not supported: give SDNFILTER or IDNFILTER.");
	rc = map_owner(ctx, cmd, "MAP", &o, err);
	ks = racf_kw(cmd, "SDNFILTER");
	ki = racf_kw(cmd, "IDNFILTER");
	if (rc == AT_OK && ks != NULL)
		rc = racf_single_text(ks, sdn, sizeof(sdn), "SDNFILTER", err);
	if (rc == AT_OK && ki != NULL)
		rc = racf_single_text(ki, idn, sizeof(idn), "IDNFILTER", err);
	if (rc == AT_OK && (k = racf_kw(cmd, "WITHLABEL")) != NULL)
		rc = racf_single_text(k, label, sizeof(label), "LABEL", err);
	if (rc == AT_OK)
		rc = rcd_trust(cmd, &trust, &given, err);
	if (rc == AT_OK && trust == SAF_TRUST_HIGHTRUST)
		rc = at_err_setx(err, AT_E_INPUT,
		    "HIGHTRUST is not valid for a mapping: use TRUST or NOTRUST.");
	if (rc == AT_OK)
		rc = saf_certmap_add(ctx->db, o.id, label[0] != '\0' ? label : NULL,
		    ks != NULL ? sdn : NULL, ki != NULL ? idn : NULL, trust, NULL,
		    err);
	return rc;
}

enum at_rc
rcd_delmap(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char label[SAF_CERT_LABEL_MAX + 1];
	bool one = racf_sub(kw, "LABEL") != NULL;
	struct rcd_owner o;
	enum at_rc rc;

	(void)out;
	rc = map_owner(ctx, cmd, "DELMAP", &o, err);
	if (rc == AT_OK && one)
		rc = rcd_label(kw, label, err);
	if (rc == AT_OK)
		rc = saf_certmap_delete(ctx->db, o.id, one ? label : NULL, err);
	return rc;
}

static enum at_rc
show_map(void *vout, const struct saf_certmap *m, struct at_err *err)
{
	struct at_buf *out = vout;
	enum at_rc rc;

	rc = at_buf_printf(out, "  Label: %s\n  Status: %s\n", m->label,
	    saf_trust_name(m->trust));
	if (rc == AT_OK && m->sdn[0] != '\0')
		rc = at_buf_printf(out, "  Subject's DN Filter:\n       >%s<\n",
		    m->sdn);
	if (rc == AT_OK && m->idn[0] != '\0')
		rc = at_buf_printf(out, "  Issuer's DN Filter:\n       >%s<\n",
		    m->idn);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\n");
	if (rc != AT_OK)
		return at_err_setx(err, rc, "LISTMAP output too long");
	return AT_OK;
}

enum at_rc
rcd_listmap(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char label[SAF_CERT_LABEL_MAX + 1];
	bool one = racf_sub(kw, "LABEL") != NULL;
	struct rcd_owner o;
	size_t before;
	enum at_rc rc;

	rc = map_owner(ctx, cmd, "LISTMAP", &o, err);
	if (rc == AT_OK && one)
		rc = rcd_label(kw, label, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_printf(out, "Mapping information for user %s:\n\n", o.id) != AT_OK)
		return at_err_setx(err, AT_E_TOOBIG, "LISTMAP output too long");
	before = out->len;
	rc = saf_certmap_each(ctx->db, o.id, one ? label : NULL, show_map, out,
	    err);
	if (rc == AT_OK && out->len == before &&
	    at_buf_printf(out, "  *** No mappings found ***\n\n") != AT_OK)
		rc = at_err_setx(err, AT_E_TOOBIG, "LISTMAP output too long");
	return rc;
}
