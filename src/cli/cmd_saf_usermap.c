/*
 * cmd_saf_usermap.c - `attls saf usermap --cert FILE [--db PATH]`: the
 * user a client certificate maps to, as a TLS server asking the security
 * manager would get it (registered certificate first, then RACDCERT MAP
 * filters), or why it maps to none; `--idid NAME --registry R` the same
 * for a distributed identity (RACMAP).  --service asks attls-safd.
 *
 * Exit status: 0 mapped, 1 not mapped or an error, 2 a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/saf_route.h"
#include "common/buf.h"
#include "saf/db.h"
#include "saf/usermap.h"
#include "saf/x509.h"

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: attls saf usermap --cert FILE [--db PATH | --service [SOCKET]]\n"
	    "       attls saf usermap --idid NAME --registry R [--db PATH | "
	    "--service [SOCKET]]\n"
	    "\n"
	    "Shows the security-manager user a client certificate maps to:\n"
	    "the user it is registered for (RACDCERT ADD or GENCERT ID(user)),\n"
	    "else the most specific RACDCERT MAP filter; or the user a\n"
	    "distributed identity maps to (RACMAP filters).\n"
	    "  --cert FILE        the certificate, PEM or DER\n"
	    "  --idid NAME        a distributed user name (a DN or any name)\n"
	    "  --registry R       its registry\n"
	    "  --db PATH          the database (default: $%s, else %s)\n"
	    "  --service [SOCKET] ask the SAF service (needs READ to FACILITY\n"
	    "                     BPX.SERVER); with neither, the database when\n"
	    "                     it is readable, else the service\n"
	    "  --verbose          say which answered\n"
	    "  --help             this text\n"
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
	const char *cert = NULL, *dbpath = NULL, *idid = NULL, *registry = NULL;
	struct saf_route r;
	bool service = false;
	char user[SAF_USERMAP_USER_MAX + 1] = "", reason[SAF_USERMAP_REASON_MAX] = "";
	struct saf_db *db = NULL;
	struct at_buf der;
	struct at_err err;
	enum at_rc rc;
	int i, status = 1;

	at_err_clear(&err);
	memset(&r, 0, sizeof(r));
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
		} else if (strcmp(argv[i], "--idid") == 0 && i + 1 < argc) {
			idid = argv[++i];
		} else if (strcmp(argv[i], "--registry") == 0 && i + 1 < argc) {
			registry = argv[++i];
		} else if (strcmp(argv[i], "--verbose") == 0) {
			r.verbose = true;
		} else if (strcmp(argv[i], "--service") == 0) {
			service = true;
			if (i + 1 < argc && (argv[i + 1][0] == '/' ||
			    strncmp(argv[i + 1], "./", 2) == 0))
				r.socket = argv[++i];
		} else {
			fprintf(stderr, "attls saf usermap: unknown argument '%s'\n",
			    argv[i]);
			usage(stderr);
			status = 2;
			goto out;
		}
	}
	if ((cert == NULL) == (idid == NULL) || (idid != NULL) !=
	    (registry != NULL) || (service && dbpath != NULL)) {
		fprintf(stderr, "attls saf usermap: give --cert, or --idid with "
		    "--registry; and --db or --service, not both\n");
		usage(stderr);
		status = 2;
		goto out;
	}
	r.db = dbpath;
	r.cmd = "usermap";
	saf_route_pick(&r, service);
	if (idid != NULL && r.service) {
		status = saf_svc_mapidid(&r, idid, registry);
		goto out;
	}
	if (idid != NULL) {
		rc = saf_db_open(dbpath, SAF_DB_READONLY, &db, &err);
		if (rc == AT_OK)
			rc = saf_idid_map(db, idid, registry, user, &err);
		if (rc == AT_OK) {
			printf("%s\n", user);
			status = 0;
		} else if (rc == AT_E_NOTFOUND)
			printf("not mapped: %s\n", err.msg);
		else
			fprintf(stderr, "attls saf usermap: %s\n", err.msg);
		goto out;
	}
	rc = read_cert(cert, &der, &err);
	if (rc == AT_OK && r.service) {
		status = saf_svc_mapcert(&r, der.data, der.len);
		goto out;
	}
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
