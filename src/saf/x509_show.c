/*
 * x509_show.c - what RACDCERT shows about a certificate: names in RACF's
 * dotted form, serial numbers, dates (and the date operands RACDCERT
 * takes), the Certificate ID, and the LIST block.
 */
#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <sys/socket.h>

#include "common/num.h"
#include "saf/x509.h"

/* Attribute types shown as RACF keys them. */
static const char *
rdn_key(int nid, char *tmp, size_t tmpsz)
{
	const char *sn = OBJ_nid2sn(nid);
	size_t i;

	if (nid == NID_stateOrProvinceName)
		return "SP";
	if (nid == NID_title)
		return "T";
	if (nid == NID_pkcs9_emailAddress)
		return "EMAIL";
	if (sn == NULL)
		return "?";
	for (i = 0; sn[i] != '\0' && i + 1 < tmpsz; i++)
		tmp[i] = (char)(sn[i] >= 'a' && sn[i] <= 'z' ? sn[i] - 32 : sn[i]);
	tmp[i] = '\0';
	return tmp;
}

enum at_rc
saf_x509_name_racf(const X509_NAME *name, struct at_buf *out,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;
	int i, n;

	n = X509_NAME_entry_count(name);
	for (i = n - 1; i >= 0 && rc == AT_OK; i--) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		unsigned char *utf8 = NULL;
		char tmp[32];
		int len;

		len = ASN1_STRING_to_UTF8(&utf8,
		    X509_NAME_ENTRY_get_data(e));
		if (len < 0)
			return at_err_ssl(err, AT_E_INPUT,
			    "a certificate name cannot be shown");
		rc = at_buf_printf(out, "%s%s=%.*s", i == n - 1 ? "" : ".",
		    rdn_key(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)), tmp,
		    sizeof(tmp)), len, (const char *)utf8);
		OPENSSL_free(utf8);
	}
	if (rc != AT_OK)
		return at_err_setx(err, rc, "certificate name too long");
	return AT_OK;
}

enum at_rc
saf_x509_serial_hex(X509 *cert, struct at_buf *out, struct at_err *err)
{
	BIGNUM *bn = NULL;
	char *hex = NULL;
	enum at_rc rc = AT_OK;
	size_t n;

	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	if (bn == NULL)
		return at_err_ssl(err, AT_E_TLS, "reading the serial number");
	hex = BN_bn2hex(bn);
	if (hex == NULL) {
		rc = at_err_ssl(err, AT_E_NOMEM, "formatting the serial number");
		goto out;
	}
	n = strlen(hex);
	/* BN_bn2hex gives "0" for zero; RACF shows whole bytes: "00". */
	if (n % 2 != 0)
		rc = at_buf_append(out, "0", 1);
	if (rc == AT_OK)
		rc = at_buf_append(out, hex, n);
	if (rc != AT_OK)
		rc = at_err_setx(err, rc, "serial number too long");
out:
	OPENSSL_free(hex);
	BN_free(bn);
	return rc;
}

enum at_rc
saf_x509_sha256(X509 *cert, unsigned char md[32], struct at_err *err)
{
	unsigned int n = 0;

	if (X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != 32)
		return at_err_ssl(err, AT_E_TLS, "hashing the certificate");
	return AT_OK;
}

/* Seconds from the epoch to t, so no timegm() is needed. */
static enum at_rc
asn1_time_t(const ASN1_TIME *t, time_t *out, struct at_err *err)
{
	ASN1_TIME *epoch = NULL;
	enum at_rc rc = AT_OK;
	int days = 0, secs = 0;

	epoch = ASN1_TIME_set(NULL, 0);
	if (epoch == NULL)
		return at_err_ssl(err, AT_E_NOMEM, "a certificate date");
	if (ASN1_TIME_diff(&days, &secs, epoch, t) != 1)
		rc = at_err_ssl(err, AT_E_INPUT, "a certificate date is not valid");
	else
		*out = (time_t)days * 86400 + secs;
	ASN1_TIME_free(epoch);
	return rc;
}

enum at_rc
saf_x509_validity(X509 *cert, time_t *not_before, time_t *not_after,
    struct at_err *err)
{
	enum at_rc rc;

	rc = asn1_time_t(X509_get0_notBefore(cert), not_before, err);
	if (rc == AT_OK)
		rc = asn1_time_t(X509_get0_notAfter(cert), not_after, err);
	return rc;
}

/* Splits text at sep into at most n unsigned numbers. */
static enum at_rc
split_numbers(struct at_str text, const char *seps, uint64_t *v, size_t n,
    const uint64_t *maxv, const char *what, struct at_err *err)
{
	size_t i = 0, start = 0, k;
	enum at_rc rc;

	for (k = 0; k <= text.len; k++) {
		struct at_str part;

		if (k < text.len && strchr(seps, text.p[k]) == NULL)
			continue;
		if (i == n)
			return at_err_setx(err, AT_E_INPUT, "%s(%.*s) is not valid",
			    what, (int)text.len, text.p);
		part.p = text.p + start;
		part.len = k - start;
		rc = at_parse_u64(part, 0, maxv[i], what, &v[i], err);
		if (rc != AT_OK)
			return at_err_setx(err, AT_E_INPUT, "%s(%.*s) is not valid",
			    what, (int)text.len, text.p);
		i++;
		start = k + 1;
	}
	if (i != n)
		return at_err_setx(err, AT_E_INPUT, "%s(%.*s) is not valid", what,
		    (int)text.len, text.p);
	return AT_OK;
}

enum at_rc
saf_x509_parse_date(struct at_str date, struct at_str time_of_day, bool end,
    time_t *out, struct at_err *err)
{
	static const uint64_t dmax[3] = { 9999, 12, 31 };
	static const uint64_t tmax[3] = { 23, 59, 59 };
	uint64_t d[3], t[3] = { 0, 0, 0 };
	struct tm tm;
	enum at_rc rc;

	if (end) {
		t[0] = 23;
		t[1] = 59;
		t[2] = 59;
	}
	rc = split_numbers(date, "-/", d, 3, dmax, "DATE", err);
	if (rc != AT_OK)
		return rc;
	if (d[0] < 1970 || d[1] < 1 || d[2] < 1)
		return at_err_setx(err, AT_E_INPUT, "DATE(%.*s) is not valid",
		    (int)date.len, date.p);
	if (time_of_day.len > 0) {
		rc = split_numbers(time_of_day, ":.", t, 3, tmax, "TIME", err);
		if (rc != AT_OK)
			return rc;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)d[0] - 1900;
	tm.tm_mon = (int)d[1] - 1;
	tm.tm_mday = (int)d[2];
	tm.tm_hour = (int)t[0];
	tm.tm_min = (int)t[1];
	tm.tm_sec = (int)t[2];
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	if (*out == (time_t)-1 || tm.tm_mday != (int)d[2])
		return at_err_setx(err, AT_E_INPUT, "DATE(%.*s) is not a calendar date",
		    (int)date.len, date.p);
	return AT_OK;
}

time_t
saf_x509_default_not_before(time_t now)
{
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return now;
	tm.tm_hour = 0;
	tm.tm_min = 0;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

time_t
saf_x509_default_not_after(time_t not_before)
{
	struct tm tm;

	if (localtime_r(&not_before, &tm) == NULL)
		return not_before + 365 * 86400;
	tm.tm_year += 1;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* ASCII to EBCDIC code page 037 for the printable characters. */
static const unsigned char ebcdic037[95] = {
	0x40, 0x5A, 0x7F, 0x7B, 0x5B, 0x6C, 0x50, 0x7D, 0x4D, 0x5D, 0x5C, 0x4E,
	0x6B, 0x60, 0x4B, 0x61, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7,
	0xF8, 0xF9, 0x7A, 0x5E, 0x4C, 0x7E, 0x6E, 0x6F, 0x7C, 0xC1, 0xC2, 0xC3,
	0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6,
	0xD7, 0xD8, 0xD9, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xBA,
	0xE0, 0xBB, 0xB0, 0x6D, 0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x88, 0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0xA2,
	0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xC0, 0x4F, 0xD0, 0xA1
};

static unsigned char
to_ebcdic(char c)
{
	unsigned char u = (unsigned char)c;

	if (u < 0x20 || u > 0x7E)
		return 0x6F; /* '?' */
	return ebcdic037[u - 0x20];
}

enum at_rc
saf_x509_cert_id(const char *owner, const char *label, struct at_buf *out,
    struct at_err *err)
{
	unsigned char raw[2 + 8 + 32 + 2];
	unsigned char b64[sizeof(raw) / 3 * 4 + 4];
	size_t olen = strlen(owner), llen = strlen(label), n = 0, i;
	enum at_rc rc;
	int m;

	if (olen > 8 || llen > 32)
		return at_err_setx(err, AT_E_INTERNAL, "certificate id: name too long");
	raw[n++] = 0xD9;
	raw[n++] = (unsigned char)olen;
	for (i = 0; i < olen; i++)
		raw[n++] = to_ebcdic(owner[i]);
	for (i = 0; i < llen; i++)
		raw[n++] = to_ebcdic(label[i]);
	while (n % 3 != 0)
		raw[n++] = 0x40;
	m = EVP_EncodeBlock(b64, raw, (int)n);
	if (m < 0)
		return at_err_ssl(err, AT_E_TLS, "encoding the certificate id");
	rc = at_buf_append(out, b64, (size_t)m);
	if (rc != AT_OK)
		return at_err_setx(err, rc, "certificate id too long");
	return AT_OK;
}

/* "       >text<" lines, 64 characters of text a line. */
static enum at_rc
bracketed(struct at_buf *out, const char *text)
{
	size_t len = strlen(text), off = 0;
	enum at_rc rc = AT_OK;

	do {
		size_t n = len - off > 64 ? 64 : len - off;

		rc = at_buf_printf(out, "       >%.*s<\n", (int)n, text + off);
		off += n;
	} while (rc == AT_OK && off < len);
	return rc;
}

static enum at_rc
show_date(struct at_buf *out, const char *head, time_t t)
{
	struct tm tm;
	char s[32];

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y/%m/%d %H:%M:%S", &tm) == 0)
		return at_buf_printf(out, "%s(not representable)\n", head);
	return at_buf_printf(out, "%s%s\n", head, s);
}

static const char *
sig_alg_name(X509 *cert)
{
	static const struct {
		int nid;
		const char *name;
	} algs[] = {
		{ NID_sha1WithRSAEncryption, "sha1RSA" },
		{ NID_sha256WithRSAEncryption, "sha256RSA" },
		{ NID_sha384WithRSAEncryption, "sha384RSA" },
		{ NID_sha512WithRSAEncryption, "sha512RSA" },
		{ NID_ecdsa_with_SHA1, "sha1ECDSA" },
		{ NID_ecdsa_with_SHA256, "sha256ECDSA" },
		{ NID_ecdsa_with_SHA384, "sha384ECDSA" },
		{ NID_ecdsa_with_SHA512, "sha512ECDSA" },
	};
	int nid = X509_get_signature_nid(cert);
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].nid == nid)
			return algs[i].name;
	return OBJ_nid2sn(nid) != NULL ? OBJ_nid2sn(nid) : "unknown";
}

static enum at_rc
show_key_usage(X509 *cert, struct at_buf *out)
{
	static const struct {
		unsigned bit;
		const char *name;
	} kus[] = {
		{ SAF_KU_HANDSHAKE, "HANDSHAKE" },
		{ SAF_KU_DATAENCRYPT, "DATAENCRYPT" },
		{ SAF_KU_DOCSIGN, "DOCSIGN" },
		{ SAF_KU_CERTSIGN, "CERTSIGN" },
		{ SAF_KU_KEYAGREE, "KEYAGREE" },
	};
	unsigned ku = saf_x509_key_usage(cert);
	const char *sep = "";
	enum at_rc rc;
	size_t i;

	if (ku == 0)
		return AT_OK;
	rc = at_buf_printf(out, "  Key Usage: ");
	for (i = 0; rc == AT_OK && i < sizeof(kus) / sizeof(kus[0]); i++) {
		if ((ku & kus[i].bit) == 0)
			continue;
		rc = at_buf_printf(out, "%s%s", sep, kus[i].name);
		sep = ", ";
	}
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\n");
	return rc;
}

static enum at_rc
show_altnames(X509 *cert, struct at_buf *out)
{
	GENERAL_NAMES *gens;
	enum at_rc rc = AT_OK;
	int i;

	gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL) {
		ERR_clear_error(); /* no subjectAltName: nothing to show */
		return AT_OK;
	}
	rc = at_buf_printf(out, "  Subject's AltNames:\n");
	for (i = 0; rc == AT_OK && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s = NULL;
		const char *head = NULL;
		int type = -1;

		s = GENERAL_NAME_get0_value(gn, &type);
		if (type == GEN_DNS)
			head = "Domain";
		else if (type == GEN_EMAIL)
			head = "EMail";
		else if (type == GEN_URI)
			head = "URI";
		if (head != NULL) {
			rc = at_buf_printf(out, "    %s: %.*s\n", head,
			    ASN1_STRING_length(s),
			    (const char *)ASN1_STRING_get0_data(s));
		} else if (type == GEN_IPADD) {
			char ip[INET6_ADDRSTRLEN];
			int len = ASN1_STRING_length(s);
			int af = len == 4 ? AF_INET : len == 16 ? AF_INET6 : -1;

			if (af == -1 || inet_ntop(af, ASN1_STRING_get0_data(s), ip,
			    sizeof(ip)) == NULL)
				rc = at_buf_printf(out, "    IP: ?\n");
			else
				rc = at_buf_printf(out, "    IP: %s\n", ip);
		}
	}
	GENERAL_NAMES_free(gens);
	return rc;
}

static enum at_rc
show_fingerprint(X509 *cert, struct at_buf *out, struct at_err *err)
{
	unsigned char md[32];
	enum at_rc rc;
	size_t i;

	rc = saf_x509_sha256(cert, md, err);
	if (rc != AT_OK)
		return rc;
	rc = at_buf_printf(out, "  Certificate Fingerprint (SHA256):\n");
	for (i = 0; rc == AT_OK && i < sizeof(md); i++)
		rc = at_buf_printf(out, "%s%02X%s", i % 16 == 0 ? "       " : "",
		    md[i], i == sizeof(md) - 1 ? "\n" : i % 16 == 15 ? ":\n" : ":");
	if (rc != AT_OK)
		return at_err_setx(err, rc, "LIST output too long");
	return AT_OK;
}

static enum at_rc
show_rings(const struct saf_list_meta *meta, struct at_buf *out)
{
	enum at_rc rc;
	size_t i;

	rc = at_buf_printf(out, "  Ring Associations:\n");
	if (rc == AT_OK && meta->n_rings == 0)
		rc = at_buf_printf(out, "    *** No rings associated ***\n");
	for (i = 0; rc == AT_OK && i < meta->n_rings; i++) {
		rc = at_buf_printf(out, "    Ring Owner: %s\n    Ring:\n",
		    meta->rings[i].owner);
		if (rc == AT_OK)
			rc = bracketed(out, meta->rings[i].ring);
	}
	return rc;
}

/* A buffer failure while writing LIST output, as an error message. */
static enum at_rc
too_long(enum at_rc rc, struct at_err *err)
{
	if (rc == AT_OK)
		return AT_OK;
	return at_err_setx(err, rc, "LIST output too long");
}

/* "  <head>\n       >name<\n" for the issuer or subject name. */
static enum at_rc
show_name(const X509_NAME *name, const char *head, struct at_buf *out,
    struct at_err *err)
{
	struct at_buf tmp;
	enum at_rc rc;

	at_buf_init(&tmp, 8192);
	rc = saf_x509_name_racf(name, &tmp, err);
	if (rc == AT_OK)
		rc = too_long(at_buf_printf(out, "  %s\n", head), err);
	if (rc == AT_OK)
		rc = too_long(bracketed(out, at_buf_cstr(&tmp)), err);
	at_buf_free(&tmp);
	return rc;
}

/* Label, Certificate ID, Status, dates and serial number. */
static enum at_rc
show_head(X509 *cert, const struct saf_list_meta *meta, struct at_buf *out,
    struct at_err *err)
{
	struct at_buf tmp;
	time_t nb = 0, na = 0;
	enum at_rc rc;

	at_buf_init(&tmp, 8192);
	rc = saf_x509_validity(cert, &nb, &na, err);
	if (rc == AT_OK)
		rc = saf_x509_cert_id(meta->owner, meta->label, &tmp, err);
	if (rc != AT_OK)
		goto out;
	rc = at_buf_printf(out, "  Label: %s\n  Certificate ID: %s\n  Status: %s\n",
	    meta->label, at_buf_cstr(&tmp), meta->trust);
	if (rc == AT_OK)
		rc = show_date(out, "  Start Date: ", nb);
	if (rc == AT_OK)
		rc = show_date(out, "  End Date:   ", na);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "  Serial Number:\n");
	rc = too_long(rc, err);
	if (rc != AT_OK)
		goto out;
	at_buf_reset(&tmp);
	rc = saf_x509_serial_hex(cert, &tmp, err);
	if (rc == AT_OK)
		rc = too_long(bracketed(out, at_buf_cstr(&tmp)), err);
out:
	at_buf_free(&tmp);
	return rc;
}

enum at_rc
saf_x509_list_text(X509 *cert, const struct saf_list_meta *meta,
    struct at_buf *out, struct at_err *err)
{
	const char *ktype;
	int kbits;
	enum at_rc rc;

	rc = show_head(cert, meta, out, err);
	if (rc == AT_OK)
		rc = show_name(X509_get_issuer_name(cert), "Issuer's Name:", out, err);
	if (rc == AT_OK)
		rc = show_name(X509_get_subject_name(cert), "Subject's Name:", out,
		    err);
	if (rc != AT_OK)
		return rc;
	rc = show_altnames(cert, out);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "  Signing Algorithm: %s\n",
		    sig_alg_name(cert));
	if (rc == AT_OK)
		rc = show_key_usage(cert, out);
	saf_x509_key_info(X509_get0_pubkey(cert), &ktype, &kbits);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "  Key Type: %s\n  Key Size: %d\n"
		    "  Private Key: %s\n", ktype, kbits, meta->has_key ? "YES" : "NO");
	rc = too_long(rc, err);
	if (rc == AT_OK)
		rc = show_fingerprint(cert, out, err);
	if (rc == AT_OK)
		rc = too_long(show_rings(meta, out), err);
	if (rc == AT_OK)
		rc = too_long(at_buf_printf(out, "\n"), err);
	return rc;
}
