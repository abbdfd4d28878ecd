/*
 * usermap.c - certificate to user: registered certificates first, then
 * the RACDCERT MAP filters (the cert_maps table).  RACMAP's distributed
 * identity filters are in usermap_idid.c.
 */
#include <openssl/err.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "saf/dnmatch.h"
#include "saf/sqlutil.h"
#include "saf/usermap.h"
#include "saf/usermap_int.h"
#include "saf/x509.h"

/*
 * Whether s[k] is an RDN separator: sep, neither escaped by a backslash
 * nor inside a double-quoted value (RFC 2253 strings).
 */
static bool
is_sep(const char *s, size_t k, char sep)
{
	bool esc = false, quoted = false;
	size_t i;

	for (i = 0; i < k; i++) {
		if (esc)
			esc = false;
		else if (s[i] == '\\')
			esc = true;
		else if (s[i] == '"')
			quoted = !quoted;
	}
	return !esc && !quoted && s[k] == sep;
}

int
saf_usermap_suffix(const char *dn, const char *filter, char sep)
{
	size_t dl = strlen(dn), fl = strlen(filter), i;
	int rdns = 1;

	if (fl == 0 || fl > dl)
		return -1;
	if (strcasecmp(dn + dl - fl, filter) != 0)
		return -1;
	/* The suffix must start at a real boundary: "CN=x\,OU=A,O=B" has
	 * one RDN before O=B, whose value merely ends in ",OU=A". */
	if (fl < dl && !is_sep(dn, dl - fl - 1, sep))
		return -1;
	for (i = 0; i < fl; i++)
		if (is_sep(filter, i, sep))
			rdns++;
	return rdns;
}

enum at_rc
saf_usermap_free_label(struct saf_db *db, const char *sql, const char *userid,
    char out[SAF_CERT_LABEL_MAX + 1], struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	unsigned long n;
	int row = 0;

	rc = saf_db_prepare(db, sql, &st, err);
	for (n = 1; rc == AT_OK && n <= 99999999ul; n++) {
		(void)snprintf(out, SAF_CERT_LABEL_MAX + 1, "LABEL%08lu", n);
		sqlite3_reset(st);
		saf_sql_bind(st, 1, userid);
		saf_sql_bind(st, 2, out);
		rc = saf_sql_row(db, st, &row, "choosing a label", err);
		if (rc == AT_OK && !row)
			goto out;
	}
	if (rc == AT_OK)
		rc = at_err_setx(err, AT_E_TOOBIG, "no free LABELnnnnnnnn label");
out:
	sqlite3_finalize(st);
	return rc;
}

static enum at_rc
check_filter(const char *what, const char *f, struct at_err *err)
{
	struct saf_dnseq dn;
	enum at_rc rc;

	if (f == NULL)
		return AT_OK;
	if (f[0] == '\0' || strlen(f) > SAF_USERMAP_FILTER_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "%s('%s') must be a distinguished name part such as 'OU=ATS.O=IBM'",
		    what, f);
	rc = saf_dn_parse(f, &dn, err);
	saf_dn_free(&dn);
	if (rc == AT_E_INPUT)
		at_err_prefix(err, "%s", what);
	return rc;
}

enum at_rc
saf_certmap_add(struct saf_db *db, const char *userid, const char *label,
    const char *sdn, const char *idn, enum saf_trust trust,
    char label_out[SAF_CERT_LABEL_MAX + 1], struct at_err *err)
{
	char lbl[SAF_CERT_LABEL_MAX + 1];
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK && sdn == NULL && idn == NULL)
		rc = at_err_setx(err, AT_E_INPUT,
		    "SDNFILTER or IDNFILTER must be specified.");
	if (rc == AT_OK)
		rc = check_filter("SDNFILTER", sdn, err);
	if (rc == AT_OK)
		rc = check_filter("IDNFILTER", idn, err);
	if (rc == AT_OK && label == NULL)
		rc = saf_usermap_free_label(db, "SELECT 1 FROM cert_maps"
		    " WHERE userid = ?1 AND label = ?2", userid, lbl, err);
	else if (rc == AT_OK)
		rc = saf_cert_label_check(label, err);
	if (rc != AT_OK)
		goto out;
	if (label != NULL)
		(void)snprintf(lbl, sizeof(lbl), "%s", label);
	rc = saf_db_prepare(db, "INSERT INTO cert_maps (userid, label,"
	    " subject_filter, issuer_filter, trust) VALUES (?1, ?2, ?3, ?4, ?5)",
	    &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, userid);
	saf_sql_bind(st, 2, lbl);
	saf_sql_bind(st, 3, sdn);
	saf_sql_bind(st, 4, idn);
	saf_sql_bind(st, 5, saf_trust_name(trust));
	rc = saf_sql_done(db, st, "adding a mapping", err);
	if (rc == AT_E_EXISTS)
		rc = at_err_setx(err, AT_E_EXISTS,
		    "The label '%s' is already in use for user %s. The mapping was not added.",
		    lbl, userid);
	if (rc == AT_OK && label_out != NULL)
		(void)snprintf(label_out, SAF_CERT_LABEL_MAX + 1, "%s", lbl);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_certmap_delete(struct saf_db *db, const char *userid, const char *label,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db, label != NULL ?
		    "DELETE FROM cert_maps WHERE userid = ?1 AND label = ?2" :
		    "DELETE FROM cert_maps WHERE userid = ?1", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, userid);
	if (label != NULL)
		saf_sql_bind(st, 2, label);
	rc = saf_sql_done(db, st, "deleting a mapping", err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) == 0)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    label != NULL ?
		    "No mapping with label '%s' was found for user %s." :
		    "No mapping%s was found for user %s.",
		    label != NULL ? label : "", userid);
out:
	sqlite3_finalize(st);
	return rc;
}

static void
certmap_row(sqlite3_stmt *st, struct saf_certmap *m)
{
	char trust[16];

	saf_sql_text(st, 0, m->userid, sizeof(m->userid));
	saf_sql_text(st, 1, m->label, sizeof(m->label));
	saf_sql_text(st, 2, m->sdn, sizeof(m->sdn));
	saf_sql_text(st, 3, m->idn, sizeof(m->idn));
	saf_sql_text(st, 4, trust, sizeof(trust));
	m->trust = strcmp(trust, "NOTRUST") == 0 ? SAF_TRUST_NOTRUST :
	    SAF_TRUST_TRUST;
}

struct certmap_walk {
	saf_certmap_cb cb;
	void *ctx;
};

static enum at_rc
certmap_visit(void *ctx, sqlite3_stmt *st, struct at_err *err)
{
	struct certmap_walk *w = ctx;
	struct saf_certmap m;

	certmap_row(st, &m);
	return w->cb(w->ctx, &m, err);
}

enum at_rc
saf_certmap_each(struct saf_db *db, const char *userid, const char *label,
    saf_certmap_cb cb, void *ctx, struct at_err *err)
{
	struct certmap_walk w = { cb, ctx };

	return saf_sql_each_row(db, "SELECT userid, label, subject_filter,"
	    " issuer_filter, trust FROM cert_maps"
	    " WHERE (?1 IS NULL OR userid = ?1) AND (?2 IS NULL OR label = ?2)"
	    " ORDER BY id", userid, label, certmap_visit, &w, "listing mappings", err);
}

/* The best filter for a subject and issuer, while walking cert_maps. */
struct best_map {
	const struct saf_dnseq *subject;
	const struct saf_dnseq *issuer;
	int score;
	struct saf_certmap m;
};

/*
 * The filter's RDNs if it is a trailing portion of dn (dnmatch.h), else
 * -1.  A stored filter that does not parse matches nothing.
 */
static int
filter_match(const struct saf_dnseq *dn, const char *filter)
{
	struct saf_dnseq f;
	struct at_err ignored;
	int n = -1;

	if (saf_dn_parse(filter, &f, &ignored) == AT_OK)
		n = saf_dn_suffix(dn, &f);
	saf_dn_free(&f);
	return n;
}

static enum at_rc
consider_map(void *ctx, const struct saf_certmap *m, struct at_err *err)
{
	struct best_map *b = ctx;
	int s = 0, i = 0, score;

	(void)err;
	if (m->sdn[0] != '\0' && (s = filter_match(b->subject, m->sdn)) < 0)
		return AT_OK;
	if (m->idn[0] != '\0' && (i = filter_match(b->issuer, m->idn)) < 0)
		return AT_OK;
	score = s * 1024 + i;
	if (score > b->score) {
		b->score = score;
		b->m = *m;
	}
	return AT_OK;
}

/* Whether a stored, trusted certificate issued cert. */
struct issuer_walk {
	X509 *cert;
	bool trusted;
};

static enum at_rc
consider_issuer(void *ctx, const struct saf_cert *c, struct at_err *err)
{
	struct issuer_walk *w = ctx;
	EVP_PKEY *pub = X509_get0_pubkey(c->x509);

	(void)err;
	if (c->trust == SAF_TRUST_NOTRUST || pub == NULL ||
	    X509_NAME_cmp(X509_get_issuer_name(w->cert),
	    X509_get_subject_name(c->x509)) != 0)
		return AT_OK;
	if (X509_verify(w->cert, pub) == 1)
		w->trusted = true;
	ERR_clear_error(); /* a key that does not verify is simply not the issuer */
	return AT_OK;
}

static void reason(char *out, const char *fmt, ...) AT_PRINTF(2, 3);

static void
reason(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(out, SAF_USERMAP_REASON_MAX, fmt, ap);
	va_end(ap);
}

/* Steps 2 and 3: the filters, for a certificate not stored for a user. */
static enum at_rc
map_by_filter(struct saf_db *db, X509 *cert, char *userid_out,
    char *reason_out, struct at_err *err)
{
	struct at_buf subject, issuer;
	struct saf_dnseq sdn, idn;
	struct best_map best;
	struct issuer_walk w;
	enum at_rc rc;

	at_buf_init(&subject, 4096);
	at_buf_init(&issuer, 4096);
	memset(&sdn, 0, sizeof(sdn));
	memset(&idn, 0, sizeof(idn));
	memset(&best, 0, sizeof(best));
	best.score = -1;
	/* The text forms are for messages and the issuer lookup; matching
	 * uses the parsed entries. */
	rc = saf_x509_name_racf(X509_get_subject_name(cert), &subject, err);
	if (rc == AT_OK)
		rc = saf_x509_name_racf(X509_get_issuer_name(cert), &issuer, err);
	if (rc == AT_OK)
		rc = saf_dn_from_x509(X509_get_subject_name(cert), &sdn, err);
	if (rc == AT_OK)
		rc = saf_dn_from_x509(X509_get_issuer_name(cert), &idn, err);
	if (rc != AT_OK)
		goto out;
	best.subject = &sdn;
	best.issuer = &idn;
	rc = saf_certmap_each(db, NULL, NULL, consider_map, &best, err);
	if (rc != AT_OK)
		goto out;
	if (best.score < 0) {
		reason(reason_out, "No user ID found for certificate: no mapping"
		    " filter matches %s", at_buf_cstr(&subject));
		rc = AT_E_NOTFOUND;
		goto out;
	}
	w.cert = cert;
	w.trusted = false;
	rc = saf_cert_each_subject(db, at_buf_cstr(&issuer), consider_issuer,
	    &w, err);
	if (rc != AT_OK)
		goto out;
	if (!w.trusted || best.m.trust == SAF_TRUST_NOTRUST) {
		if (!w.trusted)
			reason(reason_out, "Certificate is not trusted: issuer %s"
			    " is not a trusted certificate", at_buf_cstr(&issuer));
		else
			reason(reason_out, "Certificate is not trusted: mapping"
			    " '%s' of user %s is NOTRUST", best.m.label,
			    best.m.userid);
		rc = AT_E_NOTFOUND;
		goto out;
	}
	(void)snprintf(userid_out, SAF_USERMAP_USER_MAX + 1, "%s", best.m.userid);
	reason(reason_out, "mapping filter '%s' of user %s", best.m.label,
	    best.m.userid);
out:
	saf_dn_free(&sdn);
	saf_dn_free(&idn);
	at_buf_free(&subject);
	at_buf_free(&issuer);
	return rc;
}

enum at_rc
saf_usermap_cert(struct saf_db *db, const unsigned char *der, size_t len,
    char userid_out[SAF_USERMAP_USER_MAX + 1],
    char reason_out[SAF_USERMAP_REASON_MAX], struct at_err *err)
{
	struct saf_cert *c = NULL;
	X509 *cert = NULL;
	enum at_rc rc;

	userid_out[0] = '\0';
	reason_out[0] = '\0';
	rc = saf_x509_from_der(der, len, &cert, err);
	if (rc != AT_OK)
		return rc;
	rc = saf_cert_find_der(db, der, len, 0, &c, err);
	if (rc == AT_OK && saf_cert_owner_is_user(c->owner)) {
		if (c->trust == SAF_TRUST_NOTRUST) {
			reason(reason_out, "Certificate is not trusted: it is"
			    " registered as '%s' for user %s with NOTRUST",
			    c->label, c->owner);
			rc = AT_E_NOTFOUND;
			goto out;
		}
		(void)snprintf(userid_out, SAF_USERMAP_USER_MAX + 1, "%s", c->owner);
		reason(reason_out, "registered certificate '%s' of user %s",
		    c->label, c->owner);
		goto out;
	}
	if (rc != AT_OK && rc != AT_E_NOTFOUND)
		goto out;
	rc = map_by_filter(db, cert, userid_out, reason_out, err);
out:
	if (rc == AT_E_NOTFOUND)
		(void)at_err_setx(err, AT_E_NOTFOUND, "%s", reason_out);
	saf_cert_free(c);
	X509_free(cert);
	return rc;
}
