/*
 * cmd_saf_usermap.c - `attls saf usermap --cert FILE [--db PATH]`: the
 * user a client certificate maps to, as a TLS server asking the security
 * manager would get it (registered certificate first, then RACDCERT MAP
 * filters), or why it maps to none.
 *
 * Exit status: 0 mapped, 1 not mapped or an error, 2 a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "saf/db.h"
#include "saf/usermap.h"
#include "saf/x509.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: attls saf usermap --cert FILE [--db PATH]\n"
	    "\n"
	    "Shows the security-manager user a client certificate maps to:\n"
	    "the user it is registered for (RACDCERT ADD or GENCERT ID(user)),\n"
	    "else the most specific RACDCERT MAP filter.\n"
	    "  --cert FILE  the certificate, PEM or DER\n"
	    "  --db PATH    the database (default: $%s, else %s)\n"
	    "  --help       this text\n"
	    "Exit status: 0 mapped, 1 not mapped or an error, 2 usage error.\n",
	    SAF_DB_ENV, SAF_DB_DEFAULT_PATH);
}

static enum at_rc
read_cert(const char *path, struct at_buf *der, struct at_err *err)
{
	unsigned char chunk[4096];
	struct at_buf raw;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	FILE *f = NULL;
	enum at_rc rc = AT_OK;
	size_t n;

	at_buf_init(&raw, SAF_X509_MAX_BYTES);
	raw.secret = true; /* a PEM file may carry a key as well */
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = at_err_set(err, AT_E_IO, "cannot open %s", path);
		goto out;
	}
	while (rc == AT_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = at_buf_append(&raw, chunk, n);
		if (rc != AT_OK)
			rc = at_err_setx(err, rc, "%s is too large", path);
	}
	if (rc == AT_OK && ferror(f))
		rc = at_err_set(err, AT_E_IO, "reading %s", path);
	if (rc == AT_OK && raw.len == 0)
		rc = at_err_setx(err, AT_E_INPUT, "%s is empty", path);
	if (rc == AT_OK)
		rc = saf_x509_parse(raw.data, raw.len, NULL, &cert, &key, err);
	if (rc == AT_OK)
		rc = saf_x509_to_der(cert, der, err);
	if (rc != AT_OK)
		at_err_prefix(err, "%s", path);
out:
	if (f != NULL)
		(void)fclose(f);
	X509_free(cert);
	EVP_PKEY_free(key);
	at_buf_free(&raw);
	return rc;
}

int
attls_saf_usermap(int argc, char **argv)
{
	const char *cert = NULL, *dbpath = NULL;
	char user[SAF_USERMAP_USER_MAX + 1] = "", reason[SAF_USERMAP_REASON_MAX] = "";
	struct saf_db *db = NULL;
	struct at_buf der;
	struct at_err err;
	enum at_rc rc;
	int i, status = 1;

	at_err_clear(&err);
	at_buf_init(&der, SAF_X509_MAX_BYTES);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			status = 0;
			goto out;
		} else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc) {
			cert = argv[++i];
		} else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			dbpath = argv[++i];
		} else {
			fprintf(stderr, "attls saf usermap: unknown argument '%s'\n",
			    argv[i]);
			usage(stderr);
			status = 2;
			goto out;
		}
	}
	if (cert == NULL) {
		usage(stderr);
		status = 2;
		goto out;
	}
	rc = read_cert(cert, &der, &err);
	if (rc == AT_OK)
		rc = saf_db_open(dbpath, SAF_DB_READONLY, &db, &err);
	if (rc == AT_OK)
		rc = saf_usermap_cert(db, der.data, der.len, user, reason, &err);
	if (rc == AT_OK) {
		printf("%s\n", user);
		printf("  mapped by %s\n", reason);
		status = 0;
	} else if (rc == AT_E_NOTFOUND && reason[0] != '\0') {
		printf("not mapped: %s\n", reason);
	} else {
		fprintf(stderr, "attls saf usermap: %s\n", err.msg);
	}
out:
	saf_db_close(db);
	at_buf_free(&der);
	return status;
}
