/*
 * cmd_saf.c - `attls saf`: ask the security manager.
 *
 *   attls saf check --user U --class C --resource R --access A
 *       exit 0 allowed, 1 denied (ICH408I on stdout), 3 not protected
 *       (no profile covers the resource, or the class is inactive: the
 *       caller decides what that means)
 *   attls saf verify --user U            (password on standard input)
 *       exit 0 ok, 1 refused (ICH408I/IRR012I/IRR013I/IRR014I on stdout)
 *   attls saf passticket generate --user U --appl A [--time EPOCH]
 *       [--key HEX [--enhanced [--type upper|mixed]]]
 *   attls saf passticket evaluate --user U --appl A [--time EPOCH] TICKET
 *   attls saf verify --user U --appl A   (password or PassTicket)
 *   attls saf groups [--user U]
 *   attls saf omvs [--user U | --uid N]
 *   attls saf usermap ...                (see cmd_saf_usermap.c)
 *
 * Every subcommand takes --db PATH (else $ATTLS_SAFDB, else the default),
 * --service [SOCKET] (ask attls-safd instead; see saf_route.h),
 * --verbose and --help.  An error that stops the question being answered exits 1
 * with a message on stderr; a usage error exits 2.
 */
#include <ctype.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli/commands.h"
#include "cli/saf_route.h"
#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"
#include "saf/access.h"
#include "saf/authority.h"
#include "saf/db.h"
#include "saf/passticket.h"
#include "saf/password.h"
#include "saf/group.h"
#include "saf/signon.h"
#include "saf/user.h"
#include "safd/signon.h"

#define EXIT_DENIED 1
#define EXIT_USAGE 2
#define EXIT_NOT_PROTECTED 3

/* Parsed options; every value is borrowed from argv. */
struct opts {
	const char *db, *user, *cls, *resource, *access, *appl, *key, *time,
	    *type, *uid, *socket;
	bool enhanced, help, service, verbose, newpass;
	const char *pos[4];
	int npos;
};

struct optdef {
	const char *name;
	size_t off;     /* offsetof the const char * in struct opts */
	bool flag;      /* no value */
};

#define OPT(n, f) { n, offsetof(struct opts, f), false }

static const struct optdef optdefs[] = {
	OPT("--db", db), OPT("--user", user), OPT("--class", cls),
	OPT("--resource", resource), OPT("--access", access),
	OPT("--appl", appl), OPT("--key", key), OPT("--time", time),
	OPT("--type", type), OPT("--uid", uid),
	{ "--enhanced", offsetof(struct opts, enhanced), true },
	{ "--verbose", offsetof(struct opts, verbose), true },
	{ "--new-password", offsetof(struct opts, newpass), true },
	{ "--help", offsetof(struct opts, help), true },
};

/* allowed: the option names this subcommand takes, space-separated. */
static bool
allowed_opt(const char *allowed, const char *name)
{
	size_t n = strlen(name);
	const char *p = allowed;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == allowed || p[-1] == ' ') && (p[n] == ' ' ||
		    p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* Returns -1 when parsed, else an exit status (usage error). */
static int
parse(int argc, char **argv, const char *allowed, int maxpos,
    struct opts *o, const char *cmd)
{
	int i;
	size_t k;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0') {
			if (o->npos >= maxpos) {
				fprintf(stderr, "attls saf %s: unexpected "
				    "argument '%s'\n", cmd, a);
				return EXIT_USAGE;
			}
			o->pos[o->npos++] = a;
			continue;
		}
		for (k = 0; k < sizeof(optdefs) / sizeof(optdefs[0]); k++)
			if (strcmp(a, optdefs[k].name) == 0)
				break;
		if ((k == sizeof(optdefs) / sizeof(optdefs[0]) &&
		    strcmp(a, "--service") != 0) || !allowed_opt(allowed, a)) {
			fprintf(stderr, "attls saf %s: unknown option '%s' "
			    "(try --help)\n", cmd, a);
			return EXIT_USAGE;
		}
		if (strcmp(a, "--service") == 0 && allowed_opt(allowed, a)) {
			/* The socket is optional: a path, so it cannot be
			 * taken for another argument. */
			o->service = true;
			if (i + 1 < argc && (argv[i + 1][0] == '/' ||
			    strncmp(argv[i + 1], "./", 2) == 0))
				o->socket = argv[++i];
			continue;
		}
		if (optdefs[k].flag) {
			*(bool *)(void *)((char *)o + optdefs[k].off) = true;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "attls saf %s: %s needs a value\n", cmd,
			    a);
			return EXIT_USAGE;
		}
		*(const char **)(void *)((char *)o + optdefs[k].off) =
		    argv[++i];
	}
	return -1;
}

static int
need(const char *v, const char *name, const char *cmd)
{
	if (v != NULL && v[0] != '\0')
		return 0;
	fprintf(stderr, "attls saf %s: %s is required (try --help)\n", cmd,
	    name);
	return EXIT_USAGE;
}

static int
fail(const char *cmd, const struct at_err *err)
{
	fprintf(stderr, "attls saf %s: %s\n", cmd, err->msg);
	return 1;
}

/* Picks the database or the service; -1 when picked, else an exit status. */
static int
route(const struct opts *o, const char *cmd, struct saf_route *r)
{
	memset(r, 0, sizeof(*r));
	if (o->service && o->db != NULL) {
		fprintf(stderr, "attls saf %s: give --db or --service, not both\n",
		    cmd);
		return EXIT_USAGE;
	}
	r->db = o->db;
	r->socket = o->socket;
	r->verbose = o->verbose;
	r->cmd = cmd;
	saf_route_pick(r, o->service);
	return -1;
}

static void
usage_saf(FILE *f)
{
	fprintf(f,
	    "usage: attls saf COMMAND [ARGS...]\n"
	    "\n"
	    "commands:\n"
	    "  check       may a user have an access level to a resource\n"
	    "  verify      check a user's password (read from standard input)\n"
	    "  passticket  generate or evaluate a PassTicket\n"
	    "  groups      the groups a user is connected to\n"
	    "  omvs        a user's OMVS UID, GID, HOME and PROGRAM\n"
	    "  usermap     the user a certificate or distributed identity maps to\n"
	    "\n"
	    "Every command takes --db PATH (default: $%s, else %s)\n"
	    "or --service [SOCKET] to ask the SAF service (attls-safd; default\n"
	    "$ATTLS_SAF_SOCKET, else /run/attls/saf.sock).  With neither, the\n"
	    "database answers when it is readable, else the service.  --verbose\n"
	    "says which answered.\n",
	    SAF_DB_ENV, SAF_DB_DEFAULT_PATH);
}

static void
usage_check(FILE *f)
{
	fprintf(f,
	    "usage: attls saf check [--user U] --class C --resource R "
	    "--access A\n"
	    "                       [--db PATH | --service [SOCKET]] "
	    "[--verbose]\n"
	    "\n"
	    "Asks whether user U may have access A (NONE, EXECUTE, READ,\n"
	    "UPDATE, CONTROL, ALTER) to resource R in class C.  Prints\n"
	    "'allowed', or the ICH408I violation message.  --user is needed\n"
	    "with the database; the service answers for the caller without\n"
	    "it, and for another user only with READ to FACILITY BPX.SERVER.\n"
	    "\n"
	    "Exit status: 0 allowed, 1 denied or an error, 2 usage error,\n"
	    "3 not protected (no profile covers R, or class C is inactive).\n");
}

static void
usage_verify(FILE *f)
{
	fprintf(f,
	    "usage: attls saf verify --user U [--appl A] [--new-password]\n"
	    "                        [--db PATH | --service [SOCKET]] "
	    "[--verbose] < secret\n"
	    "\n"
	    "Checks U's password, read from the first line of standard input.\n"
	    "With --appl A the line may instead be a PassTicket for application\n"
	    "A (PTKTDATA), and U needs READ to APPL A when that profile exists.\n"
	    "--new-password changes the password to the second line.\n"
	    "Prints 'ok', or the RACF messages (ICH408I, IRR012I, IRR013I,\n"
	    "IRR014I, IRR015I).  Failed attempts count towards revocation.\n"
	    "\n"
	    "Exit status: 0 ok, 1 refused or an error, 2 usage error.\n");
}

static void
usage_ptkt(FILE *f)
{
	fprintf(f,
	    "usage: attls saf passticket generate --user U --appl A "
	    "[--time EPOCH] [--db PATH]\n"
	    "       attls saf passticket generate --user U --appl A "
	    "--service [SOCKET]\n"
	    "       attls saf passticket generate --user U --appl A "
	    "--key HEX [--time EPOCH]\n"
	    "             [--enhanced [--type upper|mixed]]\n"
	    "       attls saf passticket evaluate --user U --appl A "
	    "[--time EPOCH] [--db PATH] TICKET\n"
	    "\n"
	    "generate prints the PassTicket for user U and application A.\n"
	    "With --key it only runs the algorithm (16 hex digits for the\n"
	    "legacy DES key; 64-128 for an --enhanced HMAC key); without it\n"
	    "the key comes from the PTKTDATA profile and the invoking user\n"
	    "needs UPDATE to PTKTDATA IRRPTAUTH.A.U.\n"
	    "evaluate checks TICKET (READ to IRRPTAUTH.A.U needed); a ticket\n"
	    "is accepted once unless the profile allows replay.\n"
	    "--time is seconds since 1970 (default: now).\n"
	    "\n"
	    "Exit status: 0 generated or valid, 1 invalid or an error, 2 "
	    "usage error.\n");
}

static enum at_rc
open_db(const char *path, struct saf_db **db, struct at_err *err)
{
	return saf_db_open(path, 0, db, err);
}

/*
 * The security-manager user id of the invoking process: the user whose
 * OMVS UID is its uid.  An undefined user has no PTKTDATA authority to
 * ask with, so it is refused here with a message that says why.
 */
static enum at_rc
invoker(struct saf_db *db, char out[SAF_NAME_MAX + 1], struct at_err *err)
{
	char name[SAF_SUBJECT_MAX + 1];
	bool defined = false;
	enum at_rc rc;

	rc = saf_user_from_uid(db, getuid(), name, &defined, err);
	if (rc == AT_OK && !defined)
		return at_err_setx(err, AT_E_DENIED, "uid %lu is not the OMVS "
		    "UID of any user (it is the undefined user %s)",
		    (unsigned long)getuid(), name);
	if (rc == AT_OK)
		rc = saf_copy_bounded(out, SAF_NAME_MAX + 1, name, "user id",
		    err);
	return rc;
}

static int
cmd_check(int argc, char **argv)
{
	struct opts o;
	struct saf_db *db = NULL;
	struct saf_decision d;
	struct at_err err;
	enum saf_access acc = SAF_ACC_READ;
	int st;

	at_err_clear(&err);
	struct saf_route r;

	st = parse(argc, argv, "--db --user --class --resource --access "
	    "--service --verbose --help", 0, &o, "check");
	if (st >= 0)
		return st;
	if (o.help) {
		usage_check(stdout);
		return 0;
	}
	if ((st = need(o.cls, "--class", "check")) != 0 ||
	    (st = need(o.resource, "--resource", "check")) != 0 ||
	    (st = need(o.access, "--access", "check")) != 0)
		return st;
	if (saf_access_parse(o.access, &acc, &err) != AT_OK) {
		fprintf(stderr, "attls saf check: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if ((st = route(&o, "check", &r)) >= 0)
		return st;
	if (r.service)
		return saf_svc_check(&r, o.user, o.cls, o.resource, o.access);
	if ((st = need(o.user, "--user", "check")) != 0)
		return st;
	if (open_db(o.db, &db, &err) != AT_OK ||
	    saf_check_access(db, o.user, o.cls, o.resource, acc, &d,
	    &err) != AT_OK) {
		saf_db_close(db);
		return fail("check", &err);
	}
	saf_db_close(db);
	switch (d.result) {
	case SAF_ALLOWED:
		printf("allowed\n%s", d.message);
		return 0;
	case SAF_NOT_PROTECTED:
		printf("not protected: %s\n", d.class_inactive ?
		    "the class is not active" : "no profile covers the resource");
		return EXIT_NOT_PROTECTED;
	default:
		printf("%s", d.message);
		return EXIT_DENIED;
	}
}

/* Reads the first line of stdin into buf (wiped by the caller). */
static int
read_password(char *buf, size_t cap)
{
	size_t n;

	if (fgets(buf, (int)cap, stdin) == NULL) {
		fprintf(stderr, "attls saf verify: no password on standard "
		    "input\n");
		return EXIT_USAGE;
	}
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == cap - 1) {
		fprintf(stderr, "attls saf verify: the password is too long\n");
		return EXIT_USAGE;
	}
	buf[n] = '\0';
	return 0;
}

static int
verify_report(struct saf_db *db, const char *user, enum saf_verify_result r)
{
	struct saf_user u;
	struct at_buf b;
	struct at_err err;
	int st = EXIT_DENIED;

	if (r == SAF_VERIFY_OK) {
		printf("ok\n");
		return 0;
	}
	memset(&u, 0, sizeof(u));
	if (saf_user_get(db, user, &u, &err) != AT_OK &&
	    saf_name_norm(user, "user id", u.name, &err) != AT_OK)
		u.name[0] = '\0';
	at_buf_init(&b, 4096);
	if (saf_verify_message(u.name, u.dfltgrp, u.pname, r, &b) == AT_OK)
		printf("%s", b.len > 0 ? (const char *)b.data : "");
	if (r == SAF_VERIFY_PROTECTED)
		printf("user %s is PROTECTED: it has no password\n", u.name);
	at_buf_free(&b);
	return st;
}

/*
 * Sign-on from the database, as the service does it: a PassTicket for
 * the application in place of the password, the APPL class, a new
 * password.  The invoker is the one whose PTKTDATA authority counts.
 */
static int
verify_signon(const struct opts *o, const char *pw, const char *newpw)
{
	char caller[SAF_NAME_MAX + 1] = "";
	struct saf_signon_req req;
	struct saf_signon_res *res;
	struct saf_db *db = NULL;
	struct at_err err, ignored;
	int st;

	at_err_clear(&err);
	res = calloc(1, sizeof(*res));
	if (res == NULL)
		return 1;
	memset(&req, 0, sizeof(req));
	req.user = o->user;
	req.secret = pw;
	req.appl = o->appl;
	req.new_password = newpw;
	req.now = saf_now();
	if (open_db(o->db, &db, &err) != AT_OK) {
		free(res);
		return fail("verify", &err);
	}
	if (invoker(db, caller, &ignored) != AT_OK)
		caller[0] = '\0';
	if (safd_signon(db, caller, &req, res, &err) != AT_OK) {
		st = fail("verify", &err);
	} else if (res->saf_rc == 0) {
		printf("ok\n%s%s", res->passticket ? "signed on with a "
		    "PassTicket\n" : "", res->password_changed ?
		    "password changed\n" : "");
		st = 0;
	} else {
		printf("%s", res->messages);
		if (o->verbose)
			fprintf(stderr, "attls saf verify: SAF RC %d, RACF RC %d, "
			    "reason %d\n", res->saf_rc, res->racf_rc,
			    res->reason);
		st = EXIT_DENIED;
	}
	OPENSSL_cleanse(res, sizeof(*res));
	free(res);
	saf_db_close(db);
	return st;
}

static int
cmd_verify(int argc, char **argv)
{
	char pw[SAF_PASSWORD_MAX + 2], npw[SAF_PASSWORD_MAX + 2];
	struct opts o;
	struct saf_db *db = NULL;
	struct saf_route rt;
	struct at_err err;
	enum saf_verify_result r = SAF_VERIFY_UNKNOWN_USER;
	int st;

	at_err_clear(&err);
	memset(npw, 0, sizeof(npw));
	memset(pw, 0, sizeof(pw));
	st = parse(argc, argv, "--db --user --appl --new-password --service "
	    "--verbose --help", 0, &o, "verify");
	if (st >= 0)
		return st;
	if (o.help) {
		usage_verify(stdout);
		return 0;
	}
	if ((st = need(o.user, "--user", "verify")) != 0)
		return st;
	if ((st = route(&o, "verify", &rt)) >= 0)
		return st;
	if ((st = read_password(pw, sizeof(pw))) != 0)
		goto out;
	if (o.newpass && (st = read_password(npw, sizeof(npw))) != 0)
		goto out;
	if (rt.service) {
		st = saf_svc_verify(&rt, o.user, pw, o.appl, o.newpass ? npw :
		    NULL);
		goto out;
	}
	if (o.appl != NULL || o.newpass) {
		st = verify_signon(&o, pw, o.newpass ? npw : NULL);
		goto out;
	}
	if (open_db(o.db, &db, &err) != AT_OK ||
	    saf_verify_password(db, o.user, pw, &r, &err) != AT_OK) {
		st = fail("verify", &err);
		goto out;
	}
	st = verify_report(db, o.user, r);
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(npw, sizeof(npw));
	saf_db_close(db);
	return st;
}

static int
parse_time(const char *text, int64_t *t)
{
	struct at_err err;
	uint64_t v = 0;

	if (text == NULL) {
		*t = saf_now();
		return 0;
	}
	if (at_parse_u64(at_str_c(text), 0, 0xffffffffffffULL, "--time", &v,
	    &err) != AT_OK) {
		fprintf(stderr, "attls saf passticket: %s\n", err.msg);
		return EXIT_USAGE;
	}
	*t = (int64_t)v;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)toupper((unsigned char)c);
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes hex text of min..max bytes into out; returns the length or -1. */
static int
unhex(const char *text, unsigned char *out, size_t min, size_t max)
{
	size_t n = strlen(text), i;

	if (n % 2 != 0 || n / 2 < min || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

static int
generate_with_key(const struct opts *o, int64_t t)
{
	unsigned char key[SAF_PTKT_EKEY_MAX];
	char out[SAF_PTKT_LEN + 1];
	enum saf_ptkt_type type = SAF_PTKT_MIXED;
	struct at_err err;
	enum at_rc rc;
	int n, st = 0;

	n = o->enhanced ? unhex(o->key, key, SAF_PTKT_EKEY_MIN,
	    SAF_PTKT_EKEY_MAX) : unhex(o->key, key, 8, 8);
	if (n < 0) {
		fprintf(stderr, "attls saf passticket: --key must be %s hex "
		    "digits\n", o->enhanced ? "64-128" : "16");
		st = EXIT_USAGE;
		goto out;
	}
	if (o->type != NULL && strcmp(o->type, "upper") == 0) {
		type = SAF_PTKT_UPPER;
	} else if (o->type != NULL && strcmp(o->type, "mixed") != 0) {
		fprintf(stderr, "attls saf passticket: --type is upper or "
		    "mixed\n");
		st = EXIT_USAGE;
		goto out;
	}
	if (!o->enhanced && t > (int64_t)UINT32_MAX) {
		fprintf(stderr, "attls saf passticket: --time is beyond 2106 "
		    "for a legacy ticket\n");
		st = EXIT_USAGE;
		goto out;
	}
	rc = o->enhanced ? saf_ptkt_enhanced(key, (size_t)n, o->user, o->appl,
	    (uint64_t)t, type, out, &err) : saf_ptkt_legacy(key, o->user,
	    o->appl, (uint32_t)t, out, &err);
	if (rc != AT_OK)
		st = fail("passticket", &err);
	else
		printf("%s\n", out);
out:
	OPENSSL_cleanse(key, sizeof(key));
	return st;
}

static int
ptkt_service(const struct opts *o, bool generate, int64_t t)
{
	char caller[SAF_NAME_MAX + 1], out[SAF_PTKT_LEN + 1];
	struct saf_db *db = NULL;
	struct at_err err;
	enum saf_ptkt_result r = SAF_PTKT_INVALID;
	enum at_rc rc;
	int st = 0;

	rc = open_db(o->db, &db, &err);
	if (rc == AT_OK)
		rc = invoker(db, caller, &err);
	if (rc == AT_OK && generate)
		rc = saf_passticket_generate(db, caller, o->user, o->appl, t,
		    out, &err);
	else if (rc == AT_OK)
		rc = saf_passticket_evaluate(db, caller, o->user, o->appl,
		    o->pos[1], t, &r, &err);
	if (rc != AT_OK)
		st = fail("passticket", &err);
	else if (generate)
		printf("%s\n", out);
	else if (r == SAF_PTKT_VALID)
		printf("valid\n");
	else {
		printf("%s\n", r == SAF_PTKT_REPLAY ? "replay: the PassTicket "
		    "was already used (ATTEMPTED REPLAY OF PASSTICKET)" :
		    saf_ptkt_result_name(r));
		st = EXIT_DENIED;
	}
	saf_db_close(db);
	return st;
}

static int
cmd_passticket(int argc, char **argv)
{
	struct opts o;
	bool generate;
	int64_t t = 0;
	int st;

	struct saf_route r;

	st = parse(argc, argv, "--db --user --appl --key --time --type "
	    "--enhanced --service --verbose --help", 2, &o, "passticket");
	if (st >= 0)
		return st;
	if (o.help || o.npos == 0) {
		usage_ptkt(o.help ? stdout : stderr);
		return o.help ? 0 : EXIT_USAGE;
	}
	generate = strcmp(o.pos[0], "generate") == 0;
	if (!generate && strcmp(o.pos[0], "evaluate") != 0) {
		fprintf(stderr, "attls saf passticket: '%s' is neither generate "
		    "nor evaluate\n", o.pos[0]);
		return EXIT_USAGE;
	}
	if ((st = need(o.user, "--user", "passticket")) != 0 ||
	    (st = need(o.appl, "--appl", "passticket")) != 0)
		return st;
	if (generate ? o.npos != 1 : o.npos != 2) {
		fprintf(stderr, "attls saf passticket: %s\n", generate ?
		    "generate takes no TICKET" : "evaluate needs one TICKET");
		return EXIT_USAGE;
	}
	if (!generate && (o.key != NULL || o.enhanced || o.type != NULL)) {
		fprintf(stderr, "attls saf passticket: evaluate takes the key "
		    "from the database; --key, --enhanced, --type are for "
		    "generate\n");
		return EXIT_USAGE;
	}
	if ((o.enhanced || o.type != NULL) && o.key == NULL) {
		fprintf(stderr, "attls saf passticket: --enhanced and --type "
		    "go with --key\n");
		return EXIT_USAGE;
	}
	if ((st = parse_time(o.time, &t)) != 0)
		return st;
	if (generate && o.key != NULL)
		return generate_with_key(&o, t);
	if ((st = route(&o, "passticket", &r)) >= 0)
		return st;
	if (r.service && !generate) {
		fprintf(stderr, "attls saf passticket: the service evaluates a "
		    "PassTicket as a sign-on: attls saf verify --user U --appl A "
		    "--service\n");
		return EXIT_USAGE;
	}
	if (r.service && o.time != NULL) {
		fprintf(stderr, "attls saf passticket: the service generates for "
		    "the present time only; --time goes with --db\n");
		return EXIT_USAGE;
	}
	if (r.service)
		return saf_svc_ptktgen(&r, o.user, o.appl);
	return ptkt_service(&o, generate, t);
}

static int
cmd_groups(int argc, char **argv)
{
	char name[SAF_NAME_MAX + 1];
	struct saf_actor *a = NULL;
	struct saf_db *db = NULL;
	struct saf_route r;
	struct opts o;
	struct at_err err;
	size_t i;
	int st;

	at_err_clear(&err);
	st = parse(argc, argv, "--db --user --service --verbose --help", 0, &o,
	    "groups");
	if (st >= 0)
		return st;
	if (o.help) {
		printf("usage: attls saf groups [--user U] [--db PATH | --service "
		    "[SOCKET]] [--verbose]\n\n"
		    "Lists the groups user U (default: the invoker) is connected\n"
		    "to; revoked connections are left out.  Through the service,\n"
		    "another user's groups need READ to FACILITY BPX.SERVER.\n"
		    "Exit status: 0 listed, 1 no such user or an error, 2 usage "
		    "error.\n");
		return 0;
	}
	if ((st = route(&o, "groups", &r)) >= 0)
		return st;
	if (r.service)
		return saf_svc_groups(&r, o.user);
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return 1;
	st = 1;
	if (open_db(o.db, &db, &err) != AT_OK ||
	    (o.user == NULL ? invoker(db, name, &err) :
	    saf_name_norm(o.user, "user id", name, &err)) != AT_OK ||
	    saf_actor_load(db, name, a, &err) != AT_OK) {
		st = fail("groups", &err);
	} else if (!a->defined) {
		printf("IRR012I  VERIFICATION FAILED. USER PROFILE NOT FOUND.\n");
	} else {
		printf("%s\n", a->user);
		for (i = 0; i < a->ngroups; i++)
			if (!a->groups[i].revoked)
				printf("  group %s\n", a->groups[i].name);
		st = 0;
	}
	free(a);
	saf_db_close(db);
	return st;
}

static int
omvs_print(struct saf_db *db, const char *name)
{
	struct saf_user u;
	struct saf_group g;
	struct at_err err;

	if (saf_user_get(db, name, &u, &err) != AT_OK) {
		if (err.rc != AT_E_NOTFOUND)
			return fail("omvs", &err);
		printf("IRR012I  VERIFICATION FAILED. USER PROFILE NOT FOUND.\n");
		return EXIT_DENIED;
	}
	printf("%s\n", u.name);
	if (u.has_uid)
		printf("  UID %lld\n", (long long)u.uid);
	else
		printf("  UID none\n");
	if (saf_group_get(db, u.dfltgrp, &g, &err) == AT_OK && g.has_gid)
		printf("  GID %lld (%s)\n", (long long)g.gid, u.dfltgrp);
	else
		printf("  GID none (%s)\n", u.dfltgrp);
	printf("  HOME %s\n  PROGRAM %s\n", u.home[0] != '\0' ? u.home : "none",
	    u.program[0] != '\0' ? u.program : "none");
	return 0;
}

static int
cmd_omvs(int argc, char **argv)
{
	char name[SAF_SUBJECT_MAX + 1];
	struct saf_db *db = NULL;
	struct saf_route r;
	struct opts o;
	struct at_err err;
	uint64_t uid = 0;
	bool defined = false;
	int st;

	at_err_clear(&err);
	st = parse(argc, argv, "--db --user --uid --service --verbose --help",
	    0, &o, "omvs");
	if (st >= 0)
		return st;
	if (o.help) {
		printf("usage: attls saf omvs [--user U | --uid N] [--db PATH | "
		    "--service [SOCKET]] [--verbose]\n\n"
		    "Shows the OMVS segment of user U, or of the user whose OMVS\n"
		    "UID is N (default: the invoker): UID, the GID of its default\n"
		    "group, HOME and PROGRAM.  Through the service, another user\n"
		    "needs READ to FACILITY BPX.SERVER.\n"
		    "Exit status: 0 shown, 1 no such user or an error, 2 usage "
		    "error.\n");
		return 0;
	}
	if (o.user != NULL && o.uid != NULL) {
		fprintf(stderr, "attls saf omvs: give --user or --uid, not both\n");
		return EXIT_USAGE;
	}
	if (o.uid != NULL && at_parse_u64(at_str_c(o.uid), 0, 4294967295ULL,
	    "--uid", &uid, &err) != AT_OK) {
		fprintf(stderr, "attls saf omvs: %s\n", err.msg);
		return EXIT_USAGE;
	}
	if ((st = route(&o, "omvs", &r)) >= 0)
		return st;
	if (r.service)
		return saf_svc_omvs(&r, o.user, o.uid != NULL,
		    (unsigned long)uid);
	if (open_db(o.db, &db, &err) != AT_OK)
		return fail("omvs", &err);
	if (o.user != NULL)
		st = saf_name_norm(o.user, "user id", name, &err) == AT_OK ?
		    omvs_print(db, name) : fail("omvs", &err);
	else if (saf_user_from_uid(db, o.uid != NULL ? (uid_t)uid : getuid(),
	    name, &defined, &err) != AT_OK)
		st = fail("omvs", &err);
	else if (!defined) {
		printf("no user has OMVS UID %lu\n", o.uid != NULL ?
		    (unsigned long)uid : (unsigned long)getuid());
		st = EXIT_DENIED;
	} else
		st = omvs_print(db, name);
	saf_db_close(db);
	return st;
}

int
attls_cmd_saf(int argc, char **argv)
{
	if (argc < 2) {
		usage_saf(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage_saf(stdout);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(argv[1], "passticket") == 0)
		return cmd_passticket(argc - 1, argv + 1);
	if (strcmp(argv[1], "usermap") == 0)
		return attls_saf_usermap(argc - 1, argv + 1);
	if (strcmp(argv[1], "groups") == 0)
		return cmd_groups(argc - 1, argv + 1);
	if (strcmp(argv[1], "omvs") == 0)
		return cmd_omvs(argc - 1, argv + 1);
	fprintf(stderr, "attls saf: '%s' is not a command\n", argv[1]);
	usage_saf(stderr);
	return EXIT_USAGE;
}
