/*
 * ring_open.c - a key ring for a TLS handshake (what System SSL's
 * R_datalib calls give AT-TLS): the access checks, then the default
 * personal certificate with its key, the other personal certificates and
 * the trusted CA certificates.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saf/access.h"
#include "saf/names.h"
#include "saf/ring.h"
#include "saf/sqlutil.h"
#include "saf/user.h"
#include "saf/x509.h"

void
saf_ring_keys_free(struct saf_ring_keys *k)
{
	if (k == NULL)
		return;
	X509_free(k->cert);
	EVP_PKEY_free(k->key);
	sk_X509_pop_free(k->chain, X509_free);
	sk_X509_pop_free(k->cas, X509_free);
	free(k);
}

/*
 * One FACILITY check.  A resource with no profile (or FACILITY inactive)
 * counts as a denial: a ring is readable only where a profile says so.
 */
static enum at_rc
need(struct saf_db *db, const char *user, const char *resource,
    enum saf_access level, struct at_err *err)
{
	struct saf_decision d;
	struct saf_user u;
	char msg[SAF_MESSAGE_MAX];
	enum at_rc rc;

	rc = saf_check_access(db, user, "FACILITY", resource, level, &d, err);
	if (rc != AT_OK)
		return rc;
	if (d.result == SAF_ALLOWED)
		return AT_OK;
	if (d.result == SAF_DENIED && d.message[0] != '\0')
		return at_err_setx(err, AT_E_DENIED, "%s", d.message);
	/* Not protected: say so in the same ICH408I shape. */
	memset(&u, 0, sizeof(u));
	rc = saf_name_is_undefined(user) ? AT_E_NOTFOUND :
	    saf_user_get(db, user, &u, err);
	if (rc != AT_OK && rc != AT_E_NOTFOUND)
		return rc;
	saf_format_ich408i(msg, sizeof(msg), user, u.dfltgrp, u.pname, resource,
	    "FACILITY", NULL, level, SAF_ACC_NONE, false);
	return at_err_setx(err, AT_E_DENIED, "%s", msg);
}

/* Splits "OWNER/ring" or "ring" into an upper-case owner and the name. */
static enum at_rc
split_spec(const char *actor_user, const char *spec,
    char owner[SAF_CERT_OWNER_MAX + 1], char name[SAF_RING_NAME_MAX + 1],
    struct at_err *err)
{
	const char *slash = strchr(spec, '/');
	char tmp[SAF_CERT_OWNER_MAX + 2];
	size_t n;
	enum at_rc rc;

	if (slash == NULL) {
		rc = saf_name_norm(actor_user, "user id", owner, err);
		if (rc != AT_OK)
			return rc;
		slash = spec - 1;
	} else {
		n = (size_t)(slash - spec);
		if (n == 0 || n > SAF_CERT_OWNER_MAX)
			return at_err_setx(err, AT_E_INPUT,
			    "key ring '%s': the owner must be a user id", spec);
		memcpy(tmp, spec, n);
		tmp[n] = '\0';
		rc = saf_name_norm(tmp, "user id", owner, err);
		if (rc != AT_OK)
			return rc;
	}
	if (strlen(slash + 1) > SAF_RING_NAME_MAX)
		return at_err_setx(err, AT_E_INPUT, "key ring name too long");
	(void)snprintf(name, SAF_RING_NAME_MAX + 1, "%s", slash + 1);
	return saf_ring_name_check(name, err);
}

static enum at_rc
push(STACK_OF(X509) **sk, X509 *x, struct at_err *err)
{
	if (*sk == NULL)
		*sk = sk_X509_new_null();
	if (*sk == NULL || sk_X509_push(*sk, x) <= 0)
		return at_err_ssl(err, AT_E_NOMEM, "building the key ring");
	return AT_OK;
}

/*
 * Sorts one connected certificate into k; takes c's X509 and key.  pick
 * says whether c is the one to present (the default, or the labelled one).
 */
static enum at_rc
take(struct saf_ring_keys *k, struct saf_cert *c, const char *usage,
    bool pick, struct at_err *err)
{
	enum at_rc rc = AT_OK;

	if (c->trust == SAF_TRUST_NOTRUST)
		return AT_OK; /* System SSL ignores NOTRUST certificates */
	if (strcmp(usage, "CERTAUTH") == 0) {
		rc = push(&k->cas, c->x509, err);
		if (rc == AT_OK)
			c->x509 = NULL;
	} else if (pick && c->key != NULL) {
		k->cert = c->x509;
		k->key = c->key;
		c->x509 = NULL;
		c->key = NULL;
		(void)snprintf(k->label, sizeof(k->label), "%s", c->label);
	} else {
		rc = push(&k->chain, c->x509, err);
		if (rc == AT_OK)
			c->x509 = NULL;
	}
	return rc;
}

/* The CERTAUTH virtual ring: every trusted CERTAUTH certificate. */
static enum at_rc
take_ca(void *ctx, const struct saf_cert *c, struct at_err *err)
{
	struct saf_ring_keys *k = ctx;
	X509 *x;
	enum at_rc rc;

	if (c->trust == SAF_TRUST_NOTRUST)
		return AT_OK;
	x = X509_dup(c->x509);
	if (x == NULL)
		return at_err_ssl(err, AT_E_NOMEM, "copying a certificate");
	rc = push(&k->cas, x, err);
	if (rc != AT_OK)
		X509_free(x);
	return rc;
}

static enum at_rc
load_ring(struct saf_db *db, struct saf_ring_keys *k, const char *want,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db,
	    "SELECT c.owner, c.label, rc.usage, rc.is_default FROM rings r"
	    " JOIN ring_certs rc ON rc.ring_id = r.id"
	    " JOIN certificates c ON c.id = rc.cert_id"
	    " WHERE r.owner = ?1 AND r.name = ?2 ORDER BY rc.rowid", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, k->owner);
	saf_sql_bind(st, 2, k->name);
	for (;;) {
		char owner[SAF_CERT_OWNER_MAX + 1], label[SAF_CERT_LABEL_MAX + 1];
		char usage[16];
		struct saf_cert *c = NULL;
		bool dflt;

		rc = saf_sql_row(db, st, &row, "opening a key ring", err);
		if (rc != AT_OK || !row)
			break;
		saf_sql_text(st, 0, owner, sizeof(owner));
		saf_sql_text(st, 1, label, sizeof(label));
		saf_sql_text(st, 2, usage, sizeof(usage));
		dflt = sqlite3_column_int(st, 3) != 0;
		/* The certificate to present: the labelled one when a label is
		 * asked for (CertificateLabel), else the ring's default. */
		if (want != NULL)
			dflt = strcmp(label, want) == 0;
		rc = saf_cert_get(db, owner, label, dflt ? SAF_CERT_KEY : 0, &c,
		    err);
		if (rc == AT_OK)
			rc = take(k, c, usage, dflt, err);
		saf_cert_free(c);
		if (rc != AT_OK)
			break;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

/* Keeps the RACF message first and adds the System SSL code after it. */
static void
add_gsk_line(struct at_err *err, const char *owner, const char *name)
{
	char msg[AT_ERR_MSG_MAX];
	size_t n;

	(void)snprintf(msg, sizeof(msg), "%s", err->msg);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	(void)at_err_setx(err, err->rc,
	    "%s\nkey ring %s/%s cannot be opened: System SSL RC %d", msg, owner,
	    name, SAF_RING_OPEN_GSK_RC);
}

enum at_rc
saf_ring_open(struct saf_db *db, const char *actor_user, const char *spec,
    struct saf_ring_keys **out, struct at_err *err)
{
	return saf_ring_open_label(db, actor_user, spec, NULL, out, err);
}

enum at_rc
saf_ring_open_label(struct saf_db *db, const char *actor_user, const char *spec,
    const char *label, struct saf_ring_keys **out, struct at_err *err)
{
	struct saf_ring_keys *k = NULL;
	struct saf_ring_list *l = NULL;
	char user[SAF_SUBJECT_MAX + 1];
	enum at_rc rc;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	/* An undefined user ("?<uid>") owns no ring; it may open another
	 * user's ring or the CERTAUTH one only as far as UACC allows. */
	if (saf_name_is_undefined(actor_user)) {
		(void)snprintf(user, sizeof(user), "%s", actor_user);
		rc = strcmp(spec, SAF_RING_VIRTUAL_CERTAUTH) == 0 ||
		    strchr(spec, '/') != NULL ? AT_OK : at_err_setx(err,
		    AT_E_DENIED, "key ring '%s': %s is not a defined user (no "
		    "user has its uid as OMVS UID) and owns no key ring", spec,
		    actor_user);
	} else {
		rc = saf_name_norm(actor_user, "user id", user, err);
	}
	if (rc == AT_OK && strcmp(spec, SAF_RING_VIRTUAL_CERTAUTH) == 0) {
		(void)snprintf(k->owner, sizeof(k->owner), "*AUTH*");
		(void)snprintf(k->name, sizeof(k->name), "*");
	} else if (rc == AT_OK) {
		rc = split_spec(user, spec, k->owner, k->name, err);
	}
	if (rc != AT_OK)
		goto out;
	rc = need(db, user, "IRR.DIGTCERT.LISTRING", strcmp(user, k->owner) == 0 ||
	    strcmp(k->owner, "*AUTH*") == 0 ? SAF_ACC_READ : SAF_ACC_UPDATE, err);
	if (rc == AT_OK)
		rc = need(db, user, "IRR.DIGTCERT.LIST", SAF_ACC_READ, err);
	if (rc == AT_OK && strcmp(k->owner, "*AUTH*") == 0) {
		rc = saf_cert_each(db, SAF_CERT_OWNER_CERTAUTH, take_ca, k, err);
	} else if (rc == AT_OK) {
		rc = saf_ring_list(db, k->owner, k->name, &l, err);
		if (rc == AT_OK)
			rc = load_ring(db, k, label, err);
		if (rc == AT_OK && label != NULL && k->cert == NULL)
			rc = at_err_setx(err, AT_E_INPUT, "key ring %s/%s has no trusted "
			    "certificate labelled '%s' with a private key", k->owner, k->name,
			    label);
	}
	if (rc != AT_OK)
		goto out;
	*out = k;
	k = NULL;
out:
	if ((rc == AT_E_DENIED || rc == AT_E_NOTFOUND) && err != NULL && k != NULL)
		add_gsk_line(err, k->owner, k->name);
	saf_ring_list_free(l);
	saf_ring_keys_free(k);
	return rc;
}
