/*
 * racdcert_ring.c - RACDCERT ADDRING, DELRING, CONNECT, REMOVE and
 * LISTRING.  The ID() outside the parentheses names the ring's owner;
 * the ID(), CERTAUTH or SITE inside CONNECT and REMOVE names the
 * certificate's owner (the ring owner when absent).
 */
#include <string.h>

#include "racf/racdcert_int.h"
#include "racf/util.h"
#include "saf/ring.h"

/* The ring owner: a user, never CERTAUTH or SITE. */
static enum at_rc
ring_owner(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const char *function, struct rcd_owner *o, struct at_err *err)
{
	enum at_rc rc = rcd_owner_of(ctx, cmd, NULL, o, err);

	if (rc == AT_OK && !o->is_user)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OWNER: key rings belong to user IDs, not to CERTAUTH or SITE");
	if (rc == AT_OK)
		rc = rcd_auth(ctx, function, o, SAF_ACC_NONE, err);
	return rc;
}

static enum at_rc
ring_name(const struct racf_opnd *v, char name[SAF_RING_NAME_MAX + 1],
    struct at_err *err)
{
	enum at_rc rc;

	if (v == NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING RING NAME");
	rc = racf_single_text(v, name, SAF_RING_NAME_MAX + 1, "RING NAME", err);
	if (rc == AT_OK)
		rc = saf_ring_name_check(name, err);
	return rc;
}

enum at_rc
rcd_addring(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char name[SAF_RING_NAME_MAX + 1];
	struct rcd_owner o;
	enum at_rc rc;

	(void)out;
	rc = ring_owner(ctx, cmd, "ADDRING", &o, err);
	if (rc == AT_OK)
		rc = ring_name(kw, name, err);
	if (rc == AT_OK)
		rc = saf_ring_add(ctx->db, o.id, name, err);
	return rc;
}

enum at_rc
rcd_delring(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char name[SAF_RING_NAME_MAX + 1];
	struct rcd_owner o;
	enum at_rc rc;

	(void)out;
	rc = ring_owner(ctx, cmd, "DELRING", &o, err);
	if (rc == AT_OK)
		rc = ring_name(kw, name, err);
	if (rc == AT_OK)
		rc = saf_ring_delete(ctx->db, o.id, name, err);
	return rc;
}

static const struct {
	const char *name;
	enum saf_usage usage;
} usages[] = {
	{ "PERSONAL", SAF_USAGE_PERSONAL },
	{ "CERTAUTH", SAF_USAGE_CERTAUTH },
	{ "SITE", SAF_USAGE_SITE },
};

static enum at_rc
read_usage(const struct racf_opnd *kw, enum saf_usage *u, bool *given,
    struct at_err *err)
{
	const struct racf_opnd *k = racf_sub(kw, "USAGE");
	char text[16];
	enum at_rc rc;
	size_t i;

	*given = false;
	if (k == NULL)
		return AT_OK;
	rc = racf_single_upper(k, text, sizeof(text), "USAGE", err);
	if (rc != AT_OK)
		return rc;
	for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		if (strcmp(text, usages[i].name) == 0) {
			*u = usages[i].usage;
			*given = true;
			return AT_OK;
		}
	}
	return racf_err_invalid(err, racf_single(k), "USAGE",
	    "PERSONAL, CERTAUTH, OR SITE");
}

/* Ring owner, certificate owner, ring name and label of CONNECT/REMOVE. */
struct conn_args {
	struct rcd_owner ro;
	struct rcd_owner co;
	char ring[SAF_RING_NAME_MAX + 1];
	char label[SAF_CERT_LABEL_MAX + 1];
};

static enum at_rc
read_conn(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, const char *function, struct conn_args *a,
    struct at_err *err)
{
	enum at_rc rc;
	int need;

	rc = rcd_owner_of(ctx, cmd, NULL, &a->ro, err);
	if (rc == AT_OK && !a->ro.is_user)
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID OWNER: key rings belong to user IDs, not to CERTAUTH or SITE");
	if (rc == AT_OK)
		rc = rcd_owner_of(ctx, cmd, kw, &a->co, err);
	if (rc == AT_OK)
		rc = ring_name(racf_sub(kw, "RING"), a->ring, err);
	if (rc == AT_OK)
		rc = rcd_label(kw, a->label, err);
	if (rc != AT_OK)
		return rc;
	/*
	 * The ring owner's rule (READ own, UPDATE another's), raised to
	 * UPDATE when the certificate belongs to somebody else or to
	 * CERTAUTH or SITE.
	 */
	need = strcmp(a->co.id, a->ro.id) == 0 ? SAF_ACC_NONE : SAF_ACC_UPDATE;
	return rcd_auth(ctx, function, &a->ro, need, err);
}

enum at_rc
rcd_connect(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	struct conn_args a;
	enum saf_usage usage = SAF_USAGE_PERSONAL;
	bool given = false;
	enum at_rc rc;

	(void)out;
	memset(&a, 0, sizeof(a));
	rc = read_conn(ctx, cmd, kw, "CONNECT", &a, err);
	if (rc == AT_OK)
		rc = read_usage(kw, &usage, &given, err);
	if (rc == AT_OK)
		rc = saf_ring_connect(ctx->db, a.ro.id, a.ring, a.co.id, a.label,
		    given ? &usage : NULL, racf_sub(kw, "DEFAULT") != NULL, err);
	return rc;
}

enum at_rc
rcd_remove(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	struct conn_args a;
	enum at_rc rc;

	(void)out;
	memset(&a, 0, sizeof(a));
	rc = read_conn(ctx, cmd, kw, "REMOVE", &a, err);
	if (rc == AT_OK)
		rc = saf_ring_remove(ctx->db, a.ro.id, a.ring, a.co.id, a.label, err);
	return rc;
}

enum at_rc
rcd_listring(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char name[SAF_RING_NAME_MAX + 1];
	struct saf_ring_list *l = NULL;
	struct rcd_owner o;
	enum at_rc rc;

	rc = ring_owner(ctx, cmd, "LISTRING", &o, err);
	if (rc == AT_OK)
		rc = racf_single_text(kw, name, sizeof(name), "RING NAME", err);
	if (rc == AT_OK)
		rc = saf_ring_list(ctx->db, o.id, name, &l, err);
	if (rc == AT_OK)
		rc = saf_ring_format(l, o.id, out, err);
	saf_ring_list_free(l);
	return rc;
}
