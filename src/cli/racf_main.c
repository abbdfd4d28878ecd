/*
 * racf_main.c - the `racf` command processor.
 *
 *   racf [--db PATH] [-q] [-f FILE | -] ["COMMAND ..."]
 *
 * Commands come from FILE (-f), standard input ("-", or no argument while
 * standard input is not a terminal), or one command given as the argument.
 * Input read from a file or standard input is echoed as TSO batch prints
 * it (READY, then the command with one leading blank, then its output,
 * and READY / END at the end); -q turns the echo off.  A command given as
 * an argument is not echoed.
 *
 * The issuer is the security-manager user whose OMVS UID is the uid
 * running racf; a uid that is no user's OMVS UID is refused (never mapped
 * by login name).  When the database holds no user at all, the invoking
 * Linux user is first defined with SPECIAL so the database can be
 * administered (the bootstrap).
 *
 * Exit status: 0 every command succeeded, 1 at least one failed, 2 the
 * run could not start (usage, database, input).
 */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "racf/exec.h"
#include "saf/authority.h"
#include "saf/db.h"

#define INPUT_MAX (64u * 1024u * 1024u)

static void
usage(FILE *fp)
{
	const struct racf_verb *v;
	size_t i;

	(void)fprintf(fp,
	    "usage: racf [--db PATH] [-q] [-f FILE | -] [\"COMMAND ...\"]\n"
	    "\n"
	    "Runs RACF commands against the attls security database.\n"
	    "  --db PATH  the database (default: $%s, else %s)\n"
	    "  -f FILE    read commands from FILE, one per line (+ or - continues a line)\n"
	    "  -          read commands from standard input\n"
	    "  -q         do not echo the commands read from a file or standard input\n"
	    "  --help     this text\n"
	    "\n"
	    "Commands (and their aliases):\n",
	    SAF_DB_ENV, SAF_DB_DEFAULT_PATH);
	for (v = racf_verbs; v->name != NULL; v++) {
		(void)fprintf(fp, v->aliases[0] != NULL ? "  %-9s" : "  %s", v->name);
		for (i = 0; i < 3 && v->aliases[i] != NULL; i++)
			(void)fprintf(fp, " %s", v->aliases[i]);
		(void)fprintf(fp, "\n");
	}
	(void)fprintf(fp, "\nExit status: 0 all commands succeeded, 1 a command failed, "
	    "2 nothing ran.\n");
}

struct opts {
	const char *db;
	const char *file;
	const char *command;
	bool use_stdin;
	bool quiet;
};

/* Parses argv; returns 0 to run, 1 for --help, 2 for a usage error. */
static int
parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		if (strcmp(a, "--db") == 0 && i + 1 < argc)
			o->db = argv[++i];
		else if (strncmp(a, "--db=", 5) == 0)
			o->db = a + 5;
		else if (strcmp(a, "-f") == 0 && i + 1 < argc && strcmp(argv[i + 1], "-") == 0) {
			o->use_stdin = true;
			i++;
		} else if (strcmp(a, "-f") == 0 && i + 1 < argc)
			o->file = argv[++i];
		else if (strcmp(a, "-q") == 0)
			o->quiet = true;
		else if (strcmp(a, "-") == 0)
			o->use_stdin = true;
		else if (strcmp(a, "--") == 0 && i + 1 == argc - 1)
			o->command = argv[++i];
		else if (a[0] == '-' && a[1] != '\0') {
			(void)fprintf(stderr, "racf: unknown option %s (try --help)\n", a);
			return 2;
		} else if (o->command == NULL)
			o->command = a;
		else {
			(void)fprintf(stderr, "racf: give one command in quotes, or use -f FILE\n");
			return 2;
		}
	}
	if ((o->file != NULL) + o->use_stdin + (o->command != NULL) > 1) {
		(void)fprintf(stderr, "racf: use only one of -f FILE, - and a command\n");
		return 2;
	}
	if (o->file == NULL && !o->use_stdin && o->command == NULL) {
		if (isatty(STDIN_FILENO)) {
			usage(stderr);
			return 2;
		}
		o->use_stdin = true;
	}
	return 0;
}

/* Reads all of fp (at most INPUT_MAX bytes) into b. */
static enum at_rc
read_all(FILE *fp, const char *name, struct at_buf *b, struct at_err *err)
{
	char chunk[65536];
	size_t n;
	enum at_rc rc = AT_OK;

	while (rc == AT_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		rc = at_buf_append(b, chunk, n);
		if (rc == AT_E_TOOBIG)
			rc = at_err_setx(err, rc, "%s is larger than %u bytes", name, INPUT_MAX);
		else if (rc != AT_OK)
			rc = at_err_setx(err, rc, "out of memory reading %s", name);
	}
	if (rc == AT_OK && ferror(fp))
		rc = at_err_set(err, AT_E_IO, "reading %s", name);
	return rc;
}

static enum at_rc
read_input(const struct opts *o, struct at_buf *b, struct at_err *err)
{
	FILE *fp;
	enum at_rc rc;

	if (o->command != NULL)
		return at_buf_append(b, o->command, strlen(o->command));
	if (o->use_stdin)
		return read_all(stdin, "standard input", b, err);
	fp = fopen(o->file, "r");
	if (fp == NULL)
		return at_err_set(err, AT_E_IO, "cannot open %s", o->file);
	rc = read_all(fp, o->file, b, err);
	(void)fclose(fp);
	return rc;
}

/* Opens the database, bootstraps an empty one, and loads the issuer. */
static enum at_rc
open_issuer(const struct opts *o, struct saf_db **db, struct saf_actor *actor,
    struct at_err *err)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *login = pw != NULL ? pw->pw_name : NULL;
	bool created = false;
	enum at_rc rc;

	rc = saf_db_open(o->db, SAF_DB_CREATE, db, err);
	if (rc == AT_OK)
		rc = saf_bootstrap_admin2(*db, getuid(), login, &created, err);
	if (rc == AT_OK && created)
		(void)fprintf(stderr, "racf: the security database %s had no users; %s is now defined "
		    "with SPECIAL (OMVS UID %u)\n", saf_db_path(*db),
		    login != NULL ? login : "the invoking user", (unsigned)getuid());
	if (rc == AT_OK)
		rc = saf_actor_for_uid(*db, getuid(), actor, err);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct saf_db *db = NULL;
	struct saf_actor *actor = NULL;
	struct racf_ctx ctx;
	struct at_buf in;
	struct at_err err;
	unsigned nfailed = 0;
	int status = 2, r;

	at_buf_init(&in, INPUT_MAX);
	at_err_clear(&err);
	r = parse_args(argc, argv, &o);
	if (r != 0) {
		if (r == 1)
			usage(stdout);
		status = r == 1 ? 0 : 2;
		goto out;
	}
	actor = calloc(1, sizeof(*actor));
	if (actor == NULL) {
		(void)fprintf(stderr, "racf: out of memory\n");
		goto out;
	}
	if (read_input(&o, &in, &err) != AT_OK || open_issuer(&o, &db, actor, &err) != AT_OK) {
		(void)fprintf(stderr, "racf: %s\n", err.msg);
		goto out;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.db = db;
	ctx.actor = actor;
	ctx.opts = o.quiet ? RACF_OPT_QUIET : 0;
	if (racf_run(&ctx, o.command != NULL ? "command" : o.file != NULL ? o.file : "stdin",
	    at_buf_cstr(&in), in.len, o.command == NULL && !o.quiet, stdout, &nfailed,
	    &err) != AT_OK) {
		(void)fprintf(stderr, "racf: %s\n", err.msg);
		goto out;
	}
	status = nfailed > 0 ? 1 : 0;
out:
	saf_db_close(db);
	free(actor);
	at_buf_free(&in);
	return status;
}
