/* dnmatch.c - distinguished names as parsed entries (see dnmatch.h). */
#include "saf/dnmatch.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/objects.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
saf_dn_free(struct saf_dnseq *dn)
{
	size_t i, j;

	if (dn == NULL)
		return;
	for (i = 0; i < dn->n; i++) {
		for (j = 0; j < dn->rdn[i].n; j++)
			free(dn->rdn[i].ava[j].value);
		free(dn->rdn[i].ava);
	}
	free(dn->rdn);
	dn->rdn = NULL;
	dn->n = 0;
}

/* Appends an empty RDN at the end of dn. */
static enum at_rc
add_rdn(struct saf_dnseq *dn, struct at_err *err)
{
	struct saf_dnseq_rdn *r;

	r = realloc(dn->rdn, (dn->n + 1) * sizeof(*r));
	if (r == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	dn->rdn = r;
	memset(&dn->rdn[dn->n], 0, sizeof(dn->rdn[dn->n]));
	dn->n++;
	return AT_OK;
}

/* Adds nid=value (len bytes, copied) to the last RDN of dn. */
static enum at_rc
add_ava(struct saf_dnseq *dn, int nid, const char *value, size_t len,
    struct at_err *err)
{
	struct saf_dnseq_rdn *r = &dn->rdn[dn->n - 1];
	struct saf_dnseq_ava *a;
	char *v;

	v = malloc(len + 1);
	if (v == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	memcpy(v, value, len);
	v[len] = '\0';
	a = realloc(r->ava, (r->n + 1) * sizeof(*a));
	if (a == NULL) {
		free(v);
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	}
	r->ava = a;
	r->ava[r->n].nid = nid;
	r->ava[r->n].value = v;
	r->ava[r->n].len = len;
	r->n++;
	return AT_OK;
}

enum at_rc
saf_dn_from_x509(const X509_NAME *name, struct saf_dnseq *out,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;
	int i, n, set = -1;

	memset(out, 0, sizeof(*out));
	n = X509_NAME_entry_count(name);
	/* DER order is least specific first; RACF's is the reverse.  Entries
	 * of one multi-valued RDN share a set number and stay together. */
	for (i = n - 1; i >= 0 && rc == AT_OK; i--) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		unsigned char *utf8 = NULL;
		int len;

		if (X509_NAME_ENTRY_set(e) != set) {
			set = X509_NAME_ENTRY_set(e);
			rc = add_rdn(out, err);
			if (rc != AT_OK)
				break;
		}
		len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
		if (len < 0) {
			rc = at_err_ssl(err, AT_E_INPUT, "a certificate name has a "
			    "value that is not a string");
			break;
		}
		rc = add_ava(out, OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)),
		    (const char *)utf8, (size_t)len, err);
		OPENSSL_free(utf8);
	}
	if (rc != AT_OK)
		saf_dn_free(out);
	return rc;
}

/* RACF's keys first, then whatever OpenSSL knows, in any case. */
static int
type_nid(const char *t)
{
	static const struct {
		const char *key;
		int nid;
	} racf[] = {
		{ "SP", NID_stateOrProvinceName },
		{ "T", NID_title },
		{ "EMAIL", NID_pkcs9_emailAddress },
		{ "E", NID_pkcs9_emailAddress },
	};
	char up[64], low[64];
	size_t i;
	int nid;

	for (i = 0; i < sizeof(racf) / sizeof(racf[0]); i++)
		if (strcasecmp(t, racf[i].key) == 0)
			return racf[i].nid;
	if (strlen(t) >= sizeof(up) || strchr(t, '.') != NULL)
		return NID_undef;
	for (i = 0; t[i] != '\0'; i++) {
		up[i] = (char)toupper((unsigned char)t[i]);
		low[i] = (char)tolower((unsigned char)t[i]);
	}
	up[i] = low[i] = '\0';
	if ((nid = OBJ_txt2nid(t)) != NID_undef ||
	    (nid = OBJ_txt2nid(up)) != NID_undef ||
	    (nid = OBJ_txt2nid(low)) != NID_undef)
		return nid;
	return NID_undef;
}

/*
 * One "type=value" of a filter, from s to e (escapes still in); the
 * value's escapes are removed into buf.
 */
static enum at_rc
parse_ava(const char *text, const char *s, const char *e, struct saf_dnseq *dn,
    char *buf, struct at_err *err)
{
	const char *p, *eq = NULL;
	char type[64];
	size_t n = 0;
	int nid;

	for (p = s; p < e; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '=') {
			eq = p;
			break;
		}
	}
	if (eq == NULL || eq == s)
		return at_err_setx(err, AT_E_INPUT, "name filter '%s': '%.*s' is "
		    "not TYPE=value (write \\. for a period inside a value)",
		    text, (int)(e - s), s);
	if ((size_t)(eq - s) >= sizeof(type))
		return at_err_setx(err, AT_E_INPUT, "name filter '%s': attribute "
		    "type too long", text);
	memcpy(type, s, (size_t)(eq - s));
	type[eq - s] = '\0';
	nid = type_nid(type);
	if (nid == NID_undef)
		return at_err_setx(err, AT_E_INPUT, "name filter '%s': unknown "
		    "attribute type '%s' (CN, OU, O, L, SP, C, T, EMAIL, UID, DC, "
		    "...)", text, type);
	for (p = eq + 1; p < e; p++) {
		if (*p == '\\' && p + 1 < e)
			p++;
		buf[n++] = *p;
	}
	if (n == 0)
		return at_err_setx(err, AT_E_INPUT, "name filter '%s': %s has no "
		    "value", text, type);
	return add_ava(dn, nid, buf, n, err);
}

enum at_rc
saf_dn_parse(const char *text, struct saf_dnseq *out, struct at_err *err)
{
	const char *p, *start;
	char *buf = NULL;
	enum at_rc rc;

	memset(out, 0, sizeof(*out));
	if (text == NULL || text[0] == '\0')
		return at_err_setx(err, AT_E_INPUT, "an empty name filter");
	buf = malloc(strlen(text) + 1);
	if (buf == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rc = add_rdn(out, err);
	for (p = start = text; rc == AT_OK; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '\\')
			rc = at_err_setx(err, AT_E_INPUT, "name filter '%s' ends "
			    "with a lone \\", text);
		else if (*p != '\0' && *p != '.' && *p != '+')
			continue;
		if (rc == AT_OK)
			rc = parse_ava(text, start, p, out, buf, err);
		if (rc != AT_OK || *p == '\0')
			break;
		if (*p == '.')
			rc = add_rdn(out, err);
		start = p + 1;
	}
	free(buf);
	if (rc != AT_OK)
		saf_dn_free(out);
	return rc;
}

static bool
ava_eq(const struct saf_dnseq_ava *a, const struct saf_dnseq_ava *b)
{
	return a->nid == b->nid && a->len == b->len &&
	    memcmp(a->value, b->value, a->len) == 0;
}

/* The same set of type/value pairs (order within an RDN does not count). */
static bool
rdn_eq(const struct saf_dnseq_rdn *a, const struct saf_dnseq_rdn *b)
{
	size_t i, j;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n && !ava_eq(&a->ava[i], &b->ava[j]); j++)
			;
		if (j == b->n)
			return false;
	}
	for (j = 0; j < b->n; j++) {
		for (i = 0; i < a->n && !ava_eq(&a->ava[i], &b->ava[j]); i++)
			;
		if (i == a->n)
			return false;
	}
	return true;
}

int
saf_dn_suffix(const struct saf_dnseq *dn, const struct saf_dnseq *filter)
{
	size_t i, off;

	if (filter->n == 0 || filter->n > dn->n)
		return -1;
	off = dn->n - filter->n;
	for (i = 0; i < filter->n; i++)
		if (!rdn_eq(&dn->rdn[off + i], &filter->rdn[i]))
			return -1;
	return (int)filter->n;
}
