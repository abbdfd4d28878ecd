/*
 * racdcert_gen.c - RACDCERT GENCERT (a new key and certificate) and
 * RACDCERT ADD (a certificate, perhaps with its key, from a file).
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "racf/racdcert_int.h"
#include "racf/util.h"
#include "saf/x509.h"

#define DN_VALUE_MAX 64

/* The values GENCERT reads; the request points into these buffers. */
struct gen_args {
	struct saf_certreq req;
	char cn[DN_VALUE_MAX + 1], t[DN_VALUE_MAX + 1], o[DN_VALUE_MAX + 1];
	char l[DN_VALUE_MAX + 1], sp[DN_VALUE_MAX + 1], c[DN_VALUE_MAX + 1];
	char ou[SAF_DN_OU_MAX][DN_VALUE_MAX + 1];
	char ip[64], domain[256], email[256], uri[1024];
	char label[SAF_CERT_LABEL_MAX + 1];
	enum saf_key_type key_type;
	unsigned key_bits;
};

/* One SUBJECTSDN value: dst gets it, *slot points at dst. */
static enum at_rc
dn_value(const struct racf_opnd *k, char *dst, const char **slot,
    const char *what, struct at_err *err)
{
	enum at_rc rc = racf_single_text(k, dst, DN_VALUE_MAX + 1, what, err);

	if (rc == AT_OK)
		*slot = dst;
	return rc;
}

/* SUBJECTSDN: every OU, repeated or listed, in the order typed. */
static enum at_rc
read_dn(const struct racf_opnd *sdn, struct gen_args *a, struct at_err *err)
{
	struct saf_dn *dn = &a->req.subject;
	enum at_rc rc = AT_OK;
	size_t i, j;

	for (i = 0; rc == AT_OK && i < sdn->nitems; i++) {
		const struct racf_opnd *k = &sdn->items[i];
		const char *name = k->spec != NULL ? k->spec->name : "";

		if (strcmp(name, "OU") == 0) {
			for (j = 0; rc == AT_OK && j < racf_list_count(k); j++) {
				if (dn->n_ou == SAF_DN_OU_MAX)
					return at_err_setx(err, AT_E_INPUT,
					    "IKJ56702I INVALID SUBJECTSDN: more than %d OU values",
					    SAF_DN_OU_MAX);
				rc = racf_get_text(racf_list_at(k, j), a->ou[dn->n_ou],
				    DN_VALUE_MAX + 1, "ORGANIZATIONAL UNIT", err);
				if (rc == AT_OK)
					dn->ou[dn->n_ou] = a->ou[dn->n_ou];
				dn->n_ou++;
			}
		} else if (strcmp(name, "CN") == 0) {
			rc = dn_value(k, a->cn, &dn->cn, "COMMON NAME", err);
		} else if (strcmp(name, "T") == 0) {
			rc = dn_value(k, a->t, &dn->t, "TITLE", err);
		} else if (strcmp(name, "O") == 0) {
			rc = dn_value(k, a->o, &dn->o, "ORGANIZATION", err);
		} else if (strcmp(name, "L") == 0) {
			rc = dn_value(k, a->l, &dn->l, "LOCALITY", err);
		} else if (strcmp(name, "SP") == 0) {
			rc = dn_value(k, a->sp, &dn->sp, "STATE OR PROVINCE", err);
		} else if (strcmp(name, "C") == 0) {
			rc = dn_value(k, a->c, &dn->c, "COUNTRY", err);
		}
	}
	return rc;
}

/* NOTBEFORE(DATE(..) TIME(..)) or NOTAFTER(...). */
static enum at_rc
read_date(const struct racf_opnd *kw, bool end, time_t *out, struct at_err *err)
{
	const struct racf_opnd *d = racf_sub(kw, "DATE");
	const struct racf_opnd *t = racf_sub(kw, "TIME");
	char date[32] = "", tod[32] = "";
	enum at_rc rc = AT_OK;

	if (d == NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING DATE");
	rc = racf_single_text(d, date, sizeof(date), "DATE", err);
	if (rc == AT_OK && t != NULL)
		rc = racf_single_text(t, tod, sizeof(tod), "TIME", err);
	if (rc == AT_OK)
		rc = saf_x509_parse_date(at_str_c(date), at_str_c(tod), end, out,
		    err);
	return rc;
}

static enum at_rc
read_altname(const struct racf_opnd *alt, struct gen_args *a,
    struct at_err *err)
{
	const struct racf_opnd *k;
	enum at_rc rc = AT_OK;

	if ((k = racf_sub(alt, "IP")) != NULL) {
		rc = racf_single_text(k, a->ip, sizeof(a->ip), "IP ADDRESS", err);
		a->req.alt.ip = a->ip;
	}
	if (rc == AT_OK && (k = racf_sub(alt, "DOMAIN")) != NULL) {
		rc = racf_single_text(k, a->domain, sizeof(a->domain), "DOMAIN NAME",
		    err);
		a->req.alt.domain = a->domain;
	}
	if (rc == AT_OK && (k = racf_sub(alt, "EMAIL")) != NULL) {
		rc = racf_single_text(k, a->email, sizeof(a->email), "EMAIL ADDRESS",
		    err);
		a->req.alt.email = a->email;
	}
	if (rc == AT_OK && (k = racf_sub(alt, "URI")) != NULL) {
		rc = racf_single_text(k, a->uri, sizeof(a->uri), "URI", err);
		a->req.alt.uri = a->uri;
	}
	return rc;
}

static const struct {
	const char *name;
	unsigned bit;
} usages[] = {
	{ "HANDSHAKE", SAF_KU_HANDSHAKE },
	{ "DATAENCRYPT", SAF_KU_DATAENCRYPT },
	{ "DOCSIGN", SAF_KU_DOCSIGN },
	{ "CERTSIGN", SAF_KU_CERTSIGN },
	{ "KEYAGREE", SAF_KU_KEYAGREE },
};

static enum at_rc
read_key(const struct racf_cmd *cmd, struct gen_args *a, struct at_err *err)
{
	const struct racf_opnd *k;
	uint64_t bits = 0;
	enum at_rc rc = AT_OK;

	if (racf_kw(cmd, "BPECC") != NULL || racf_kw(cmd, "DSA") != NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "%s keys are not supported: use RSA or NISTECC.",
		    racf_kw(cmd, "DSA") != NULL ? "DSA" : "BPECC");
	if (racf_kw(cmd, "NISTECC") != NULL && racf_kw(cmd, "RSA") != NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56702I INVALID KEY TYPE: specify RSA or NISTECC, not both");
	if (racf_has_value(racf_kw(cmd, "RSA")))
		return at_err_setx(err, AT_E_INPUT,
		    "RSA(PKDS) and RSA(TOKEN) are not supported: keys are kept in the security database.");
	a->key_type = racf_kw(cmd, "NISTECC") != NULL ? SAF_KEY_NISTECC :
	    SAF_KEY_RSA;
	if ((k = racf_kw(cmd, "SIZE")) != NULL)
		rc = racf_get_u64(k, 1, 65536, "KEY SIZE", &bits, err);
	a->key_bits = (unsigned)bits;
	return rc;
}

static enum at_rc
read_gen_args(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    struct gen_args *a, struct at_err *err)
{
	const struct racf_opnd *k;
	time_t now = (time_t)racf_now(ctx);
	enum at_rc rc = AT_OK;
	size_t i;

	if ((k = racf_kw(cmd, "SUBJECTSDN")) == NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING SUBJECTSDN");
	rc = read_dn(k, a, err);
	a->req.not_before = saf_x509_default_not_before(now);
	if (rc == AT_OK && (k = racf_kw(cmd, "NOTBEFORE")) != NULL)
		rc = read_date(k, false, &a->req.not_before, err);
	a->req.not_after = saf_x509_default_not_after(a->req.not_before);
	if (rc == AT_OK && (k = racf_kw(cmd, "NOTAFTER")) != NULL)
		rc = read_date(k, true, &a->req.not_after, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "ALTNAME")) != NULL)
		rc = read_altname(k, a, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "KEYUSAGE")) != NULL) {
		for (i = 0; i < sizeof(usages) / sizeof(usages[0]); i++)
			if (racf_sub(k, usages[i].name) != NULL)
				a->req.key_usage |= usages[i].bit;
	}
	if (rc == AT_OK && (k = racf_kw(cmd, "WITHLABEL")) != NULL) {
		rc = racf_single_text(k, a->label, sizeof(a->label), "LABEL", err);
		if (rc == AT_OK)
			rc = saf_cert_label_check(a->label, err);
	}
	if (rc == AT_OK)
		rc = read_key(cmd, a, err);
	return rc;
}

/* SIGNWITH: the signing certificate with its key. */
static enum at_rc
signer(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *sw, struct saf_cert **out, uint64_t *serial,
    struct at_err *err)
{
	struct rcd_owner so;
	char label[SAF_CERT_LABEL_MAX + 1];
	enum at_rc rc;

	rc = rcd_owner_of(ctx, cmd, sw, &so, err);
	if (rc == AT_OK)
		rc = rcd_label(sw, label, err);
	/* Signing with a CERTAUTH or SITE certificate needs CONTROL. */
	if (rc == AT_OK && !so.is_user)
		rc = rcd_auth(ctx, "GENCERT", &so, SAF_ACC_CONTROL, err);
	if (rc == AT_OK)
		rc = saf_cert_get(ctx->db, so.id, label, SAF_CERT_KEY, out, err);
	if (rc != AT_OK)
		return rc;
	if ((*out)->key == NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "The SIGNWITH certificate '%s' has no private key. The certificate is not created.",
		    label);
	if ((*out)->trust == SAF_TRUST_NOTRUST)
		return at_err_setx(err, AT_E_INPUT,
		    "The SIGNWITH certificate '%s' is NOTRUST. The certificate is not created.",
		    label);
	/* Not the signer's next number: a serial must not be predictable
	 * (saf_x509_build draws one). */
	*serial = 0;
	return AT_OK;
}

enum at_rc
rcd_gencert_prepare(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_err *err)
{
	struct gen_args *a = NULL;
	struct rcd_owner owner;
	EVP_PKEY *key = NULL;
	enum at_rc rc;

	/* A bad command is refused later, in the transaction, with the same
	 * checks; here they only spare a key nobody may store. */
	if (racf_has_value(kw))
		return AT_OK;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = rcd_owner_of(ctx, cmd, NULL, &owner, err);
	if (rc == AT_OK)
		rc = rcd_auth(ctx, "GENCERT", &owner, SAF_ACC_NONE, err);
	if (rc == AT_OK)
		rc = read_gen_args(ctx, cmd, a, err);
	if (rc == AT_OK)
		rc = saf_x509_keygen(a->key_type, a->key_bits, &key, err);
	if (rc == AT_OK) {
		EVP_PKEY_free(ctx->pregen_key);
		ctx->pregen_key = key;
	}
	free(a);
	return rc;
}

enum at_rc
rcd_gencert(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	struct gen_args *a = NULL;
	struct rcd_owner owner;
	struct saf_cert *sc = NULL;
	const struct racf_opnd *sw = racf_kw(cmd, "SIGNWITH");
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	enum at_rc rc;

	(void)out;
	if (racf_has_value(kw))
		return at_err_setx(err, AT_E_INPUT,
		    "GENCERT from a certificate request data set is not supported.");
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = rcd_owner_of(ctx, cmd, NULL, &owner, err);
	if (rc == AT_OK)
		rc = rcd_auth(ctx, "GENCERT", &owner, SAF_ACC_NONE, err);
	if (rc == AT_OK)
		rc = read_gen_args(ctx, cmd, a, err);
	if (rc != AT_OK)
		goto out;
	/* CERTAUTH certificates, and any with KEYUSAGE(CERTSIGN), are CA
	 * certificates (basicConstraints CA:TRUE). */
	a->req.ca = strcmp(owner.id, SAF_CERT_OWNER_CERTAUTH) == 0 ||
	    (a->req.key_usage & SAF_KU_CERTSIGN) != 0;
	if (sw != NULL)
		rc = signer(ctx, cmd, sw, &sc, &a->req.serial, err);
	/* The key made before the transaction, for this same command (its
	 * checks have just been made again, under the lock). */
	if (rc == AT_OK && ctx->pregen_key != NULL) {
		key = ctx->pregen_key;
		ctx->pregen_key = NULL;
	} else if (rc == AT_OK) {
		rc = saf_x509_keygen(a->key_type, a->key_bits, &key, err);
	}
	if (rc == AT_OK)
		rc = saf_x509_build(&a->req, key, sc != NULL ? sc->x509 : NULL,
		    sc != NULL ? sc->key : NULL, &cert, err);
	if (rc == AT_OK)
		rc = saf_cert_add(ctx->db, owner.id, a->label[0] != '\0' ?
		    a->label : NULL, cert, key, SAF_TRUST_TRUST, NULL, err);
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	saf_cert_free(sc);
	free(a);
	return rc;
}

/* Reads a whole file (at most SAF_X509_MAX_BYTES) into b. */
static enum at_rc
read_file(const char *path, struct at_buf *b, struct at_err *err)
{
	unsigned char chunk[4096];
	enum at_rc rc = AT_OK;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return at_err_set(err, AT_E_IO,
		    "The data set %s cannot be read", path);
	while (rc == AT_OK && (n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = at_err_set(err, AT_E_IO, "reading %s", path);
			break;
		}
		rc = at_buf_append(b, chunk, (size_t)n);
		if (rc != AT_OK)
			rc = at_err_setx(err, rc, "%s is larger than %u bytes", path,
			    SAF_X509_MAX_BYTES);
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	(void)close(fd);
	return rc;
}

enum at_rc
rcd_add(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char path[1024], label[SAF_CERT_LABEL_MAX + 1] = "";
	char password[256] = "";
	const struct racf_opnd *k;
	struct rcd_owner owner;
	struct at_buf data;
	enum saf_trust trust = SAF_TRUST_TRUST;
	bool given = false;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	enum at_rc rc;

	(void)out;
	at_buf_init(&data, SAF_X509_MAX_BYTES);
	data.secret = true;
	rc = rcd_owner_of(ctx, cmd, NULL, &owner, err);
	if (rc == AT_OK)
		rc = rcd_auth(ctx, "ADD", &owner, SAF_ACC_NONE, err);
	if (rc == AT_OK)
		rc = racf_single_text(kw, path, sizeof(path), "DATA SET NAME", err);
	if (rc == AT_OK && (k = racf_kw(cmd, "WITHLABEL")) != NULL)
		rc = racf_single_text(k, label, sizeof(label), "LABEL", err);
	if (rc == AT_OK && (k = racf_kw(cmd, "PASSWORD")) != NULL)
		rc = racf_single_text(k, password, sizeof(password), "PASSWORD", err);
	if (rc == AT_OK)
		rc = rcd_trust(cmd, &trust, &given, err);
	if (rc == AT_OK && trust == SAF_TRUST_HIGHTRUST && owner.is_user)
		rc = at_err_setx(err, AT_E_INPUT,
		    "HIGHTRUST is valid only for CERTAUTH certificates.");
	if (rc == AT_OK)
		rc = read_file(path, &data, err);
	if (rc == AT_OK)
		rc = saf_x509_parse(data.data, data.len,
		    racf_kw(cmd, "PASSWORD") != NULL ? password : NULL, &cert, &key,
		    err);
	if (rc == AT_OK)
		rc = saf_cert_add(ctx->db, owner.id, label[0] != '\0' ? label : NULL,
		    cert, key, trust, NULL, err);
	OPENSSL_cleanse(password, sizeof(password));
	at_buf_free(&data);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}
