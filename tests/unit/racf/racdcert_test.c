/*
 * racdcert_test.c - RACDCERT through the command language: the seed
 * command blocks (dates moved into the future), LISTRING and LIST output,
 * EXPORT checked by openssl, errors, and IRR.DIGTCERT.* authority.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "racf/exec.h"
#include "saf/authority.h"
#include "saf/db.h"

struct fx {
	char dir[64];
	struct saf_db *db;
	struct saf_actor admin;
	struct racf_ctx ctx;
	struct at_buf out;
};

static enum at_rc
run(struct fx *f, const char *text, struct at_err *err)
{
	at_buf_reset(&f->out);
	at_err_clear(err);
	return racf_exec_text(&f->ctx, text, &f->out, err);
}

static void
must(struct fx *f, const char *text)
{
	struct at_err err;

	if (run(f, text, &err) != AT_OK)
		fail_msg("'%s': %s", text, err.msg);
}

static char *
sh(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 65536);
	size_t n = 0, got;

	assert_non_null(p);
	assert_non_null(out);
	while (n < 65535 && (got = fread(out + n, 1, 65535 - n, p)) > 0)
		n += got;
	*status = pclose(p);
	return out;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct at_err err;
	char path[128];

	if (f == NULL || setenv("TZ", "UTC", 1) != 0)
		return -1;
	tzset();
	(void)snprintf(f->dir, sizeof(f->dir), "/tmp/racdcert_test.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "%s/saf.db", f->dir);
	if (saf_db_open(path, SAF_DB_CREATE, &f->db, &err) != AT_OK ||
	    saf_bootstrap_admin(f->db, 0, "admin", &err) != AT_OK ||
	    saf_actor_load(f->db, "ADMIN", &f->admin, &err) != AT_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	f->ctx.db = f->db;
	f->ctx.actor = &f->admin;
	at_buf_init(&f->out, RACF_OUT_MAX);
	*state = f;
	must(f, "ADDUSER LIBSERV");
	must(f, "ADDUSER DB2USER");
	must(f, "ADDUSER USER1");
	must(f, "racdcert certauth gencert subjectsdn(cn('zCEE CA') ou('ATS') o('IBM')) "
	    "withlabel('zCEE CA') keyusage(certsign) notafter(date(2035/12/31))");
	must(f, "racdcert certauth gencert subjectsdn(cn('Liberty CA') ou('ATS') o('IBM')) "
	    "withlabel('Liberty CA') keyusage(certsign) notafter(date(2035/12/31))");
	must(f, "racdcert id(libserv) addring(Liberty.KeyRing)");
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	at_buf_free(&f->out);
	saf_db_close(f->db);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* ZCEETLSC and DB2TLS as the seeds give them, dates in the future. */
static const char *const seed_commands[] = {
	"racdcert id(libserv) gencert subjectsdn(cn('zCEE Client Cert') +\n"
	"ou('ATS') o('IBM')) withlabel('zCEE Client Cert') signwith(certauth +\n"
	"label('zCEE CA')) notafter(date(2035/12/31))",
	"racdcert id(libserv) addring(zCEE.KeyRing)",
	"racdcert id(libserv) connect(ring(zCEE.KeyRing) +\nlabel('zCEE CA') certauth usage(certauth))",
	"racdcert id(libserv) connect(ring(zCEE.KeyRing) +\nlabel('Liberty CA') certauth usage(certauth))",
	"racdcert id(libserv) connect(ring(Liberty.KeyRing) +\nlabel('zCEE CA') certauth usage(certauth))",
	"racdcert id(libserv) connect(ring(zCEE.KeyRing) +\nlabel('zCEE Client Cert') default)",
	"racdcert certauth gencert subjectsdn(cn('Db2 CA') ou('ATS') +\n"
	"ou('ATS') o('IBM')) withlabel('DB2 CA') keyusage(certsign) +\n"
	"notafter(date(2035/12/31))",
	"racdcert id(DB2USER) gencert subjectsdn(cn('wg31.washington.ibm.com') +\n"
	"ou('ATS') o('IBM')) withlabel('DB2USER') signwith(certauth +\n"
	"label('DB2 CA')) notafter(date(2034/12/31))",
	"racdcert id(db2user) addring(Db2.KeyRing)",
	"racdcert id(db2user) connect(ring(Db2.KeyRing) +\nlabel('DB2 CA') certauth usage(certauth))",
	"racdcert id(db2user) connect(ring(Db2.KeyRing) +\nlabel('zCEE CA') certauth usage(certauth))",
	"racdcert id(libserv) connect(ring(zCEE.KeyRing) +\nlabel('DB2 CA') certauth usage(certauth))",
	"racdcert id(db2user) connect(ring(Db2.KeyRing) +\nlabel('DB2USER') default",
};

static const char want_zcee[] =
    "Digital ring information for user LIBSERV:\n"
    "\n"
    "  Ring:\n"
    "       >zCEE.KeyRing<\n"
    "  Certificate Label Name             Cert Owner     USAGE      DEFAULT\n"
    "  --------------------------------   ------------   --------   -------\n"
    "  zCEE CA                            CERTAUTH       CERTAUTH     NO\n"
    "\n"
    "  Liberty CA                         CERTAUTH       CERTAUTH     NO\n"
    "\n"
    "  zCEE Client Cert                   ID(LIBSERV)    PERSONAL     YES\n"
    "\n"
    "  DB2 CA                             CERTAUTH       CERTAUTH     NO\n"
    "\n";

static const char want_db2[] =
    "Digital ring information for user DB2USER:\n"
    "\n"
    "  Ring:\n"
    "       >Db2.KeyRing<\n"
    "  Certificate Label Name             Cert Owner     USAGE      DEFAULT\n"
    "  --------------------------------   ------------   --------   -------\n"
    "  DB2 CA                             CERTAUTH       CERTAUTH     NO\n"
    "\n"
    "  zCEE CA                            CERTAUTH       CERTAUTH     NO\n"
    "\n"
    "  DB2USER                            ID(DB2USER)    PERSONAL     YES\n"
    "\n";

static void
test_seed_rings(void **state)
{
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof(seed_commands) / sizeof(seed_commands[0]); i++)
		must(f, seed_commands[i]);
	must(f, "racdcert id(libserv) listring(zCEE.KeyRing)");
	assert_string_equal(at_buf_cstr(&f->out), want_zcee);
	must(f, "racdcert id(db2user) listring(Db2.KeyRing)");
	assert_string_equal(at_buf_cstr(&f->out), want_db2);
	/* LISTRING(*) shows both of LIBSERV's rings. */
	must(f, "racdcert id(libserv) listring(*)");
	assert_non_null(strstr(at_buf_cstr(&f->out), ">Liberty.KeyRing<"));
	assert_non_null(strstr(at_buf_cstr(&f->out), ">zCEE.KeyRing<"));

	must(f, "racdcert id(libserv) list");
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "Digital certificate information for user LIBSERV:\n\n"
	    "  Label: zCEE Client Cert\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "  Issuer's Name:\n       >CN=zCEE CA.OU=ATS.O=IBM<\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "  End Date:   2035/12/31 23:59:59\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "    Ring Owner: LIBSERV\n    Ring:\n       >zCEE.KeyRing<\n"));
	must(f, "racdcert certauth list(label('DB2 CA'))");
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "Digital certificate information for CERTAUTH:\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "       >CN=Db2 CA.OU=ATS.OU=ATS.O=IBM<\n"));
	/* A random serial of 127 bits, not 00. */
	{
		const char *sn = strstr(at_buf_cstr(&f->out), "  Serial Number:\n       >");

		assert_non_null(sn);
		sn += strlen("  Serial Number:\n       >");
		assert_int_equal(strspn(sn, "0123456789ABCDEF"), 32);
		assert_int_equal(sn[32], '<');
	}
	assert_non_null(strstr(at_buf_cstr(&f->out), "  Key Usage: CERTSIGN\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "    Ring Owner: DB2USER\n    Ring:\n       >Db2.KeyRing<\n"));
}

static void
test_export_verifies(void **state)
{
	struct fx *f = *state;
	char cmd[1024], *out;
	int st;

	for (size_t i = 0; i < 8; i++)
		must(f, seed_commands[i]);
	(void)snprintf(cmd, sizeof(cmd),
	    "racdcert certauth export(label('DB2 CA')) dsn('%s/ca.pem')", f->dir);
	must(f, cmd);
	(void)snprintf(cmd, sizeof(cmd),
	    "racdcert id(db2user) export(label('DB2USER')) dsn('%s/db2.der') format(certder)",
	    f->dir);
	must(f, cmd);
	(void)snprintf(cmd, sizeof(cmd),
	    "racdcert id(db2user) export(label('DB2USER')) dsn('%s/db2.p12') format(pkcs12der) password('pw')",
	    f->dir);
	must(f, cmd);
	(void)snprintf(cmd, sizeof(cmd),
	    "cd '%s' && openssl x509 -inform DER -in db2.der -out db2.pem && "
	    "openssl verify -CAfile ca.pem db2.pem && "
	    "openssl x509 -in db2.pem -noout -subject -issuer -serial -nameopt RFC2253 && "
	    "openssl pkcs12 -in db2.p12 -passin pass:pw -nodes | grep -c 'PRIVATE KEY-----' && "
	    "stat -c %%a db2.p12", f->dir);
	out = sh(cmd, &st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "db2.pem: OK"));
	assert_non_null(strstr(out, "subject=CN=wg31.washington.ibm.com,OU=ATS,O=IBM"));
	assert_non_null(strstr(out, "issuer=CN=Db2 CA,OU=ATS,OU=ATS,O=IBM"));
	/* Not 01, the CA's first number: 127 random bits. */
	{
		const char *sn = strstr(out, "serial=");

		assert_non_null(sn);
		assert_int_equal(strspn(sn + 7, "0123456789ABCDEF"), 32);
	}
	assert_non_null(strstr(out, "\n600\n"));
	free(out);
	/* PKCS #12 needs a password. */
	{
		struct at_err err;

		(void)snprintf(cmd, sizeof(cmd),
		    "racdcert id(db2user) export(label('DB2USER')) dsn('%s/x.p12') format(pkcs12b64)",
		    f->dir);
		assert_int_equal(run(f, cmd, &err), AT_E_INPUT);
		assert_non_null(strstr(err.msg, "PASSWORD"));
	}
}

static void
test_add_from_files(void **state)
{
	struct fx *f = *state;
	char cmd[1024], *out;
	int st;

	/* The Tech-Tip commands: a PKCS #12 for USER1 and a PEM CA. */
	(void)snprintf(cmd, sizeof(cmd),
	    "cd '%s' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
	    "-nodes -keyout ca.key -out USER1.LIBERTY.PEM -subj '/O=IBM/CN=Ext CA' "
	    "-days 30 -addext basicConstraints=critical,CA:TRUE 2>&1 && "
	    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
	    "-keyout u.key -out u.csr -subj '/O=IBM/CN=USER1' 2>&1 && "
	    "openssl x509 -req -in u.csr -CA USER1.LIBERTY.PEM -CAkey ca.key "
	    "-CAcreateserial -out u.pem -days 30 2>&1 && "
	    "openssl pkcs12 -export -in u.pem -inkey u.key -out USER1.USER1.P12 "
	    "-passout pass:secret 2>&1", f->dir);
	out = sh(cmd, &st);
	if (st != 0)
		fail_msg("openssl: %s", out);
	free(out);
	(void)snprintf(cmd, sizeof(cmd),
	    "racdcert id(USER1) withlabel('USER1') add('%s/USER1.USER1.P12') password('secret')",
	    f->dir);
	must(f, cmd);
	(void)snprintf(cmd, sizeof(cmd),
	    "racdcert CERTAUTH withlabel('Ext CA') add('%s/USER1.LIBERTY.PEM')", f->dir);
	must(f, cmd);
	must(f, "racdcert id(user1) list(label('USER1'))");
	assert_non_null(strstr(at_buf_cstr(&f->out), "  Private Key: YES\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out), ">CN=Ext CA.O=IBM<"));
	/* The same certificate again, and a wrong password. */
	{
		struct at_err err;

		assert_int_equal(run(f, cmd, &err), AT_E_EXISTS);
		(void)snprintf(cmd, sizeof(cmd),
		    "racdcert id(LIBSERV) add('%s/USER1.USER1.P12') password('wrong')",
		    f->dir);
		assert_int_equal(run(f, cmd, &err), AT_E_INPUT);
		(void)snprintf(cmd, sizeof(cmd),
		    "racdcert id(LIBSERV) add('%s/no-such-file')", f->dir);
		assert_int_equal(run(f, cmd, &err), AT_E_IO);
	}
}

static void
test_errors(void **state)
{
	static const struct {
		const char *cmd;
		enum at_rc want;
		const char *want_msg;
	} cases[] = {
		{ "racdcert id(libserv) listring(Nope)", AT_E_NOTFOUND,
		    "IRRD114I Ring Nope does not exist." },
		{ "racdcert id(db2user) listring(*)", AT_E_NOTFOUND,
		    "IRRD115I User DB2USER has no rings." },
		{ "racdcert id(libserv) remove(ring(Liberty.KeyRing) label('zCEE CA') certauth)",
		    AT_E_NOTFOUND, "IRRD116I Label zCEE CA does not exist in ring Liberty.KeyRing" },
		{ "racdcert id(user1) gencert subjectsdn(cn('x')) notbefore(date(2035-01-02)) notafter(date(2035-01-01))",
		    AT_E_INPUT, "IRRD133I" },
		{ "racdcert certauth gencert subjectsdn(cn('dup')) withlabel('zCEE CA')",
		    AT_E_EXISTS, "already in use" },
		{ "racdcert id(user1) gencert subjectsdn(cn('x')) signwith(label('nothing'))",
		    AT_E_NOTFOUND, "nothing" },
		{ "racdcert id(nosuch) addring(r)", AT_E_NOTFOUND, "NOSUCH is not defined" },
		{ "racdcert certauth addring(r)", AT_E_INPUT, "key rings belong to user IDs" },
		{ "racdcert id(user1) gencert subjectsdn(cn('x')) size(192) nistecc",
		    AT_E_INPUT, "NISTECC" },
		{ "racdcert id(user1) gencert subjectsdn(cn('x')) dsa", AT_E_INPUT, "DSA" },
		{ "racdcert id(user1) export(label('zCEE CA')) dsn('/tmp/x')", AT_E_NOTFOUND,
		    "No certificate with label" },
		{ "racdcert id(user1) delete(label('none'))", AT_E_NOTFOUND, "No certificate with label" },
		{ "racdcert certauth alter(label('zCEE CA'))", AT_E_INPUT, "MISSING" },
		{ "racdcert id(user1) gencert subjectsdn(cn('x')) notafter(date(2035-02-30))",
		    AT_E_INPUT, "DATE" },
	};
	struct fx *f = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct at_err err;
		enum at_rc rc = run(f, cases[i].cmd, &err);

		if (rc != cases[i].want || strstr(err.msg, cases[i].want_msg) == NULL)
			fail_msg("case %zu '%s': got %d '%s', want %d '%s'", i,
			    cases[i].cmd, rc, err.msg, cases[i].want, cases[i].want_msg);
	}
}

static void
test_alter_delete_map(void **state)
{
	struct fx *f = *state;
	struct at_err err;

	must(f, "racdcert certauth alter(label('Liberty CA')) hightrust newlabel('Lib CA')");
	must(f, "racdcert certauth list(label('Lib CA'))");
	assert_non_null(strstr(at_buf_cstr(&f->out), "  Status: HIGHTRUST\n"));
	must(f, "racdcert certauth delete(label('Lib CA'))");
	assert_int_equal(run(f, "racdcert certauth list(label('Lib CA'))", &err),
	    AT_E_NOTFOUND);
	must(f, "racdcert id(user1) map sdnfilter('OU=ATS.O=IBM') withlabel('ats')");
	must(f, "racdcert id(user1) map idnfilter('CN=zCEE CA.OU=ATS.O=IBM') notrust");
	must(f, "racdcert id(user1) listmap");
	assert_non_null(strstr(at_buf_cstr(&f->out),
	    "  Label: ats\n  Status: TRUST\n  Subject's DN Filter:\n       >OU=ATS.O=IBM<\n"));
	assert_non_null(strstr(at_buf_cstr(&f->out), "  Label: LABEL00000001\n  Status: NOTRUST\n"));
	must(f, "racdcert id(user1) delmap(label('ats'))");
	must(f, "racdcert id(user1) delmap");
	assert_int_equal(run(f, "racdcert id(user1) delmap", &err), AT_E_NOTFOUND);
}

/* DELUSER takes the user's certificates, rings and filters with it. */
static void
test_deluser_takes_certificates(void **state)
{
	struct fx *f = *state;
	struct at_err err;

	must(f, "adduser gone");
	must(f, "racdcert id(gone) gencert subjectsdn(cn('gone') o('IBM')) withlabel('g1') "
	    "signwith(certauth label('Liberty CA'))");
	must(f, "racdcert id(gone) addring(r1)");
	must(f, "racdcert id(gone) connect(ring(r1) label('g1') default)");
	must(f, "racdcert id(gone) map sdnfilter('CN=gone.O=IBM') withlabel('m1')");
	must(f, "racdcert id(gone) list(label('g1'))");
	must(f, "deluser gone");
	must(f, "adduser gone");
	assert_int_equal(run(f, "racdcert id(gone) list(label('g1'))", &err), AT_E_NOTFOUND);
	assert_int_equal(run(f, "racdcert id(gone) listring(r1)", &err), AT_E_NOTFOUND);
	assert_int_equal(run(f, "racdcert id(gone) delmap(label('m1'))", &err), AT_E_NOTFOUND);
}

static void
test_authority(void **state)
{
	struct fx *f = *state;
	struct saf_actor u1;
	struct at_err err;

	must(f, "SETROPTS CLASSACT(FACILITY) GENERIC(FACILITY)");
	must(f, "RDEFINE FACILITY IRR.DIGTCERT.* UACC(NONE)");
	assert_int_equal(saf_actor_load(f->db, "USER1", &u1, &err), AT_OK);
	f->ctx.actor = &u1;
	/* No access: every function is refused with ICH408I. */
	assert_int_equal(run(f, "racdcert list", &err), AT_E_DENIED);
	assert_non_null(strstr(err.msg, "ICH408I USER(USER1"));
	assert_non_null(strstr(err.msg, "IRR.DIGTCERT.LIST"));
	f->ctx.actor = &f->admin;
	must(f, "PERMIT IRR.DIGTCERT.* CLASS(FACILITY) ID(USER1) ACCESS(READ)");
	f->ctx.actor = &u1;
	/* READ: one's own certificates and rings ... */
	if (run(f, "racdcert gencert subjectsdn(cn('mine'))", &err) != AT_OK)
		fail_msg("%s", err.msg);
	if (run(f, "racdcert addring(Mine)", &err) != AT_OK)
		fail_msg("%s", err.msg);
	if (run(f, "racdcert connect(ring(Mine) label('LABEL00000001') default)",
	    &err) != AT_OK)
		fail_msg("%s", err.msg);
	/* ... not another user's, not CERTAUTH (UPDATE / CONTROL). */
	assert_int_equal(run(f, "racdcert id(libserv) listring(Liberty.KeyRing)",
	    &err), AT_E_DENIED);
	assert_non_null(strstr(err.msg, "UPDATE"));
	assert_int_equal(run(f, "racdcert certauth gencert subjectsdn(cn('x'))",
	    &err), AT_E_DENIED);
	assert_int_equal(run(f, "racdcert connect(ring(Mine) certauth label('zCEE CA'))",
	    &err), AT_E_DENIED);
	f->ctx.actor = &f->admin;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed_rings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deluser_takes_certificates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_from_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alter_delete_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_authority, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
