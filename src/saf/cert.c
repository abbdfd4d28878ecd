/*
 * cert.c - the certificates table: RACF's DIGTCERT profiles.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saf/cert.h"
#include "saf/sqlutil.h"
#include "saf/x509.h"

#define COLS "id, owner, label, trust, der, key_der IS NOT NULL"

static const char *const trust_names[] = { "TRUST", "NOTRUST", "HIGHTRUST" };

const char *
saf_trust_name(enum saf_trust t)
{
	if ((unsigned)t > SAF_TRUST_HIGHTRUST)
		return "NOTRUST";
	return trust_names[t];
}

static enum saf_trust
trust_parse(const char *s)
{
	if (strcmp(s, "TRUST") == 0)
		return SAF_TRUST_TRUST;
	if (strcmp(s, "HIGHTRUST") == 0)
		return SAF_TRUST_HIGHTRUST;
	return SAF_TRUST_NOTRUST;
}

bool
saf_cert_owner_is_user(const char *owner)
{
	return strcmp(owner, SAF_CERT_OWNER_CERTAUTH) != 0 &&
	    strcmp(owner, SAF_CERT_OWNER_SITE) != 0;
}

const char *
saf_cert_owner_show(const char *owner, char out[SAF_CERT_OWNER_SHOW_MAX + 1])
{
	if (strcmp(owner, SAF_CERT_OWNER_CERTAUTH) == 0)
		(void)snprintf(out, SAF_CERT_OWNER_SHOW_MAX + 1, "CERTAUTH");
	else if (strcmp(owner, SAF_CERT_OWNER_SITE) == 0)
		(void)snprintf(out, SAF_CERT_OWNER_SHOW_MAX + 1, "SITE");
	else
		(void)snprintf(out, SAF_CERT_OWNER_SHOW_MAX + 1, "ID(%.8s)", owner);
	return out;
}

enum at_rc
saf_cert_label_check(const char *label, struct at_err *err)
{
	size_t i, n = strlen(label);
	bool blank = true;

	if (n == 0 || n > SAF_CERT_LABEL_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "The label must be 1 to %d characters.",
		    SAF_CERT_LABEL_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)label[i];

		if (c < 0x20 || c == 0x7F)
			return at_err_setx(err, AT_E_INPUT,
			    "The label contains a character that is not valid.");
		if (c != ' ')
			blank = false;
	}
	if (blank)
		return at_err_setx(err, AT_E_INPUT,
		    "The label must not be blank.");
	return AT_OK;
}

void
saf_cert_free(struct saf_cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x509);
	EVP_PKEY_free(c->key);
	free(c);
}

/* Fills a struct saf_cert from a row of COLS (+ key_der as column 6). */
static enum at_rc
load_row(sqlite3_stmt *st, unsigned flags, struct saf_cert **out,
    struct at_err *err)
{
	struct saf_cert *c = NULL;
	char trust[16];
	enum at_rc rc;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	c->id = sqlite3_column_int64(st, 0);
	saf_sql_text(st, 1, c->owner, sizeof(c->owner));
	saf_sql_text(st, 2, c->label, sizeof(c->label));
	saf_sql_text(st, 3, trust, sizeof(trust));
	c->trust = trust_parse(trust);
	c->has_key = sqlite3_column_int(st, 5) != 0;
	rc = saf_x509_from_der(sqlite3_column_blob(st, 4),
	    (size_t)sqlite3_column_bytes(st, 4), &c->x509, err);
	if (rc == AT_OK && (flags & SAF_CERT_KEY) != 0 && c->has_key)
		rc = saf_x509_key_from_der(sqlite3_column_blob(st, 6),
		    (size_t)sqlite3_column_bytes(st, 6), &c->key, err);
	if (rc != AT_OK) {
		at_err_prefix(err, "certificate '%s'", c->label);
		saf_cert_free(c);
		return rc;
	}
	*out = c;
	return AT_OK;
}

/* The first free LABELnnnnnnnn of owner. */
static enum at_rc
free_label(struct saf_db *db, const char *owner,
    char out[SAF_CERT_LABEL_MAX + 1], struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	unsigned long n;
	int row = 0;

	rc = saf_db_prepare(db,
	    "SELECT 1 FROM certificates WHERE owner = ?1 AND label = ?2", &st,
	    err);
	for (n = 1; rc == AT_OK && n <= 99999999ul; n++) {
		(void)snprintf(out, SAF_CERT_LABEL_MAX + 1, "LABEL%08lu", n);
		sqlite3_reset(st);
		saf_sql_bind(st, 1, owner);
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

/* Text columns derived from the certificate. */
struct cert_cols {
	struct at_buf serial;
	struct at_buf subject;
	struct at_buf issuer;
	struct at_buf der;
	struct at_buf key;
	unsigned char md[32];
	time_t nb;
	time_t na;
};

static void
cols_free(struct cert_cols *k)
{
	at_buf_free(&k->serial);
	at_buf_free(&k->subject);
	at_buf_free(&k->issuer);
	at_buf_free(&k->der);
	at_buf_free(&k->key);
}

static enum at_rc
cols_fill(X509 *cert, EVP_PKEY *key, struct cert_cols *k, struct at_err *err)
{
	enum at_rc rc;

	rc = saf_x509_serial_hex(cert, &k->serial, err);
	if (rc == AT_OK)
		rc = saf_x509_name_racf(X509_get_subject_name(cert), &k->subject,
		    err);
	if (rc == AT_OK)
		rc = saf_x509_name_racf(X509_get_issuer_name(cert), &k->issuer, err);
	if (rc == AT_OK)
		rc = saf_x509_to_der(cert, &k->der, err);
	if (rc == AT_OK)
		rc = saf_x509_sha256(cert, k->md, err);
	if (rc == AT_OK)
		rc = saf_x509_validity(cert, &k->nb, &k->na, err);
	if (rc == AT_OK && key != NULL)
		rc = saf_x509_key_to_der(key, &k->key, err);
	return rc;
}

static enum at_rc
check_unique(struct saf_db *db, const char *owner, const char *label,
    const unsigned char md[32], struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db,
	    "SELECT 1 FROM certificates WHERE owner = ?1 AND label = ?2", &st,
	    err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, owner);
	saf_sql_bind(st, 2, label);
	rc = saf_sql_row(db, st, &row, "checking the label", err);
	if (rc == AT_OK && row) {
		rc = at_err_setx(err, AT_E_EXISTS,
		    "IRRD107I The label '%s' is already in use. The certificate was not added.",
		    label);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = saf_db_prepare(db,
	    "SELECT owner, label FROM certificates WHERE sha256 = ?1", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_blob(st, 1, md, (size_t)32);
	rc = saf_sql_row(db, st, &row, "checking the certificate", err);
	if (rc == AT_OK && row) {
		char o[SAF_CERT_OWNER_MAX + 1], l[SAF_CERT_LABEL_MAX + 1];
		char show[SAF_CERT_OWNER_SHOW_MAX + 1];

		saf_sql_text(st, 0, o, sizeof(o));
		saf_sql_text(st, 1, l, sizeof(l));
		rc = at_err_setx(err, AT_E_EXISTS,
		    "IRRD109I The certificate cannot be added. "
		    "It is already defined as '%s' for %s.",
		    l, saf_cert_owner_show(o, show));
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_cert_add(struct saf_db *db, const char *owner, const char *label,
    X509 *cert, EVP_PKEY *key, enum saf_trust trust,
    char label_out[SAF_CERT_LABEL_MAX + 1], struct at_err *err)
{
	char lbl[SAF_CERT_LABEL_MAX + 1];
	struct cert_cols k;
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	at_buf_init(&k.serial, 256);
	at_buf_init(&k.subject, 4096);
	at_buf_init(&k.issuer, 4096);
	at_buf_init(&k.der, SAF_X509_MAX_BYTES);
	at_buf_init(&k.key, SAF_X509_MAX_BYTES);
	k.key.secret = true;
	rc = saf_db_require_txn(db, err);
	if (rc != AT_OK)
		goto out;
	if (key != NULL && X509_check_private_key(cert, key) != 1) {
		rc = at_err_ssl(err, AT_E_INPUT,
		    "the private key does not match the certificate");
		goto out;
	}
	if (label == NULL) {
		rc = free_label(db, owner, lbl, err);
	} else {
		rc = saf_cert_label_check(label, err);
		if (rc == AT_OK)
			(void)snprintf(lbl, sizeof(lbl), "%s", label);
	}
	if (rc == AT_OK)
		rc = cols_fill(cert, key, &k, err);
	if (rc == AT_OK)
		rc = check_unique(db, owner, lbl, k.md, err);
	if (rc != AT_OK)
		goto out;
	rc = saf_db_prepare(db,
	    "INSERT INTO certificates (owner, label, der, key_der, trust, serial,"
	    " subject, issuer, not_before, not_after, sha256)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, owner);
	saf_sql_bind(st, 2, lbl);
	saf_sql_bind_blob(st, 3, k.der.data, (size_t)k.der.len);
	if (key != NULL)
		saf_sql_bind_blob(st, 4, k.key.data, (size_t)k.key.len);
	saf_sql_bind(st, 5, saf_trust_name(trust));
	saf_sql_bind(st, 6, at_buf_cstr(&k.serial));
	saf_sql_bind(st, 7, at_buf_cstr(&k.subject));
	saf_sql_bind(st, 8, at_buf_cstr(&k.issuer));
	saf_sql_bind_i64(st, 9, (sqlite3_int64)k.nb);
	saf_sql_bind_i64(st, 10, (sqlite3_int64)k.na);
	saf_sql_bind_blob(st, 11, k.md, (size_t)32);
	rc = saf_sql_done(db, st, "adding a certificate", err);
	if (rc == AT_OK && label_out != NULL)
		(void)snprintf(label_out, SAF_CERT_LABEL_MAX + 1, "%s", lbl);
out:
	sqlite3_finalize(st);
	cols_free(&k);
	return rc;
}

static enum at_rc
get_one(struct saf_db *db, const char *sql, const char *a1, const char *a2,
    const unsigned char *blob, unsigned flags, struct saf_cert **out,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	if (blob != NULL) {
		saf_sql_bind_blob(st, 1, blob, (size_t)32);
	} else {
		saf_sql_bind(st, 1, a1);
		saf_sql_bind(st, 2, a2);
	}
	rc = saf_sql_row(db, st, &row, "reading a certificate", err);
	if (rc != AT_OK)
		goto out;
	if (!row) {
		rc = AT_E_NOTFOUND;
		goto out;
	}
	rc = load_row(st, flags, out, err);
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_cert_get(struct saf_db *db, const char *owner, const char *label,
    unsigned flags, struct saf_cert **out, struct at_err *err)
{
	char show[SAF_CERT_OWNER_SHOW_MAX + 1];
	enum at_rc rc;

	*out = NULL;
	rc = get_one(db, "SELECT " COLS ", key_der FROM certificates"
	    " WHERE owner = ?1 AND label = ?2", owner, label, NULL, flags, out,
	    err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "No certificate with label '%s' was found for %s.",
		    label, saf_cert_owner_show(owner, show));
	return rc;
}

enum at_rc
saf_cert_find_der(struct saf_db *db, const unsigned char *der, size_t len,
    unsigned flags, struct saf_cert **out, struct at_err *err)
{
	unsigned char md[32];
	unsigned int n = 0;
	enum at_rc rc;

	*out = NULL;
	if (EVP_Digest(der, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return at_err_ssl(err, AT_E_TLS, "hashing the certificate");
	rc = get_one(db, "SELECT " COLS ", key_der FROM certificates"
	    " WHERE sha256 = ?1", NULL, NULL, md, flags, out, err);
	if (rc == AT_E_NOTFOUND)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "the certificate is not defined to the security manager");
	return rc;
}

static enum at_rc
each(struct saf_db *db, const char *sql, const char *arg, saf_cert_cb cb,
    void *ctx, struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	struct saf_cert *c = NULL;
	enum at_rc rc;
	int row = 1;

	rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	if (arg != NULL)
		saf_sql_bind(st, 1, arg);
	while (rc == AT_OK) {
		rc = saf_sql_row(db, st, &row, "listing certificates", err);
		if (rc != AT_OK || !row)
			break;
		rc = load_row(st, 0, &c, err);
		if (rc == AT_OK)
			rc = cb(ctx, c, err);
		saf_cert_free(c);
		c = NULL;
	}
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_cert_each(struct saf_db *db, const char *owner, saf_cert_cb cb, void *ctx,
    struct at_err *err)
{
	if (owner == NULL)
		return each(db, "SELECT " COLS " FROM certificates ORDER BY id",
		    NULL, cb, ctx, err);
	return each(db, "SELECT " COLS " FROM certificates WHERE owner = ?1"
	    " ORDER BY id", owner, cb, ctx, err);
}

enum at_rc
saf_cert_each_subject(struct saf_db *db, const char *subject, saf_cert_cb cb,
    void *ctx, struct at_err *err)
{
	return each(db, "SELECT " COLS " FROM certificates"
	    " WHERE subject = ?1 COLLATE NOCASE ORDER BY id", subject, cb, ctx,
	    err);
}

/* Runs an UPDATE/DELETE on owner/label; AT_E_NOTFOUND if no row changed. */
static enum at_rc
change(struct saf_db *db, const char *sql, const char *owner,
    const char *label, const char *v3, const char *what, struct at_err *err)
{
	char show[SAF_CERT_OWNER_SHOW_MAX + 1];
	sqlite3_stmt *st = NULL;
	enum at_rc rc;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db, sql, &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind(st, 1, owner);
	saf_sql_bind(st, 2, label);
	if (v3 != NULL)
		saf_sql_bind(st, 3, v3);
	rc = saf_sql_done(db, st, what, err);
	if (rc == AT_OK && sqlite3_changes(saf_db_sqlite(db)) == 0)
		rc = at_err_setx(err, AT_E_NOTFOUND,
		    "No certificate with label '%s' was found for %s.",
		    label, saf_cert_owner_show(owner, show));
out:
	sqlite3_finalize(st);
	return rc;
}

enum at_rc
saf_cert_delete(struct saf_db *db, const char *owner, const char *label,
    struct at_err *err)
{
	return change(db, "DELETE FROM certificates WHERE owner = ?1 AND label = ?2",
	    owner, label, NULL, "deleting a certificate", err);
}

enum at_rc
saf_cert_alter(struct saf_db *db, const char *owner, const char *label,
    const enum saf_trust *trust, const char *newlabel, struct at_err *err)
{
	enum at_rc rc = AT_OK;

	if (newlabel != NULL) {
		rc = saf_cert_label_check(newlabel, err);
		if (rc == AT_OK && strcmp(newlabel, label) != 0) {
			struct saf_cert *c = NULL;

			rc = saf_cert_get(db, owner, newlabel, 0, &c, err);
			saf_cert_free(c);
			if (rc == AT_OK)
				return at_err_setx(err, AT_E_EXISTS,
				    "IRRD107I The label '%s' is already in use. "
				    "The certificate was not altered.",
				    newlabel);
			rc = AT_OK;
		}
	}
	if (rc == AT_OK && trust != NULL)
		rc = change(db, "UPDATE certificates SET trust = ?3"
		    " WHERE owner = ?1 AND label = ?2", owner, label,
		    saf_trust_name(*trust), "altering a certificate", err);
	if (rc == AT_OK && newlabel != NULL)
		rc = change(db, "UPDATE certificates SET label = ?3"
		    " WHERE owner = ?1 AND label = ?2", owner, label, newlabel,
		    "altering a certificate", err);
	return rc;
}

enum at_rc
saf_cert_take_serial(struct saf_db *db, int64_t cert_id, uint64_t *serial,
    struct at_err *err)
{
	sqlite3_stmt *st = NULL;
	enum at_rc rc;
	int row = 0;

	rc = saf_db_require_txn(db, err);
	if (rc == AT_OK)
		rc = saf_db_prepare(db,
		    "SELECT next_serial FROM certificates WHERE id = ?1", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, cert_id);
	rc = saf_sql_row(db, st, &row, "reading a serial number", err);
	if (rc == AT_OK && !row)
		rc = at_err_setx(err, AT_E_NOTFOUND, "the signing certificate is gone");
	if (rc != AT_OK)
		goto out;
	*serial = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	rc = saf_db_prepare(db, "UPDATE certificates SET next_serial ="
	    " next_serial + 1 WHERE id = ?1", &st, err);
	if (rc != AT_OK)
		goto out;
	saf_sql_bind_i64(st, 1, cert_id);
	rc = saf_sql_done(db, st, "taking a serial number", err);
out:
	sqlite3_finalize(st);
	return rc;
}
