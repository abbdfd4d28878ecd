/*
 * cmd_policy.c - `attls policy check|show|explain`: load an AT-TLS policy
 * (policy files, or a pagent.conf with -c), print its diagnostics as
 * file:line:column lines, and show the resolved rules in search order.
 * `explain` lives in cmd_policy_explain.c.
 *
 * Exit status: 0 no error, 1 an error in the policy (or a file that cannot
 * be read), 2 a usage error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "policy/policy.h"

#define OUT_MAX (4u * 1024u * 1024u)

struct popts {
	const char *config;
	const char **files;
	size_t nfiles;
	const char *image;
	bool json;
	bool quiet;
};

static void
usage_policy(FILE *f)
{
	fprintf(f,
	    "usage: attls policy COMMAND [ARGS...]\n"
	    "\n"
	    "commands:\n"
	    "  check    check policy files, or a main configuration, for errors\n"
	    "  show     print every rule in search order with its resolved actions\n"
	    "  explain  say which rule a connection would map to, and why\n"
	    "\n"
	    "'attls policy COMMAND --help' describes each command.\n");
}

static void
usage_check(FILE *f)
{
	fprintf(f,
	    "usage: attls policy check [-q] FILE...\n"
	    "       attls policy check [-q] -c PAGENT.CONF [-i IMAGE]\n"
	    "\n"
	    "Loads the AT-TLS policy in FILE... (policy statements), or the policy a\n"
	    "main configuration names (TcpImage, TTLSConfig, CommonTTLSConfig), and\n"
	    "prints every error and warning as 'file:line:column: error: ...' on\n"
	    "standard error.  With neither, the main configuration named by the\n"
	    "ATTLS_CONFIG environment variable is checked.\n"
	    "\n"
	    "  -c FILE   the main configuration (pagent.conf)\n"
	    "  -i NAME   the TcpImage whose policy to check (default: the first)\n"
	    "  -q        print nothing on success\n"
	    "\n"
	    "On success it prints 'policy OK: N rules' (and the number of warnings).\n"
	    "\n"
	    "Exit status: 0 no error (warnings allowed), 1 errors, 2 usage error.\n");
}

static void
usage_show(FILE *f)
{
	fprintf(f,
	    "usage: attls policy show [--json] FILE...\n"
	    "       attls policy show [--json] -c PAGENT.CONF [-i IMAGE]\n"
	    "       attls policy show --installed [--json] [--socket PATH]\n"
	    "\n"
	    "Prints every rule of the policy in search order (descending Priority,\n"
	    "then rule name), with its resolved conditions and its effective\n"
	    "actions: group, environment and connection values merged, every\n"
	    "default filled in.  Diagnostics go to standard error.\n"
	    "\n"
	    "  -c FILE   the main configuration (pagent.conf); default $ATTLS_CONFIG\n"
	    "  -i NAME   the TcpImage whose policy to show (default: the first)\n"
	    "  --json    one JSON object: {\"rules\":[{\"conditions\":..,\"actions\":..}]}\n"
	    "  --installed  the policy attlsd has installed, as attls pasearch shows it\n"
	    "\n"
	    "Exit status: 0 shown, 1 the policy has errors, 2 usage error.\n");
}

/* Returns -1 when parsed, else the exit status (0 for --help, 2 usage). */
static int
parse_args(int argc, char **argv, struct popts *o, bool show, void (*usage)(FILE *))
{
	int i;

	memset(o, 0, sizeof(*o));
	o->files = calloc((size_t)argc + 1, sizeof(*o->files));
	if (o->files == NULL) {
		fprintf(stderr, "attls policy: out of memory\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if ((strcmp(a, "-c") == 0 || strcmp(a, "-i") == 0) && i + 1 < argc) {
			if (a[1] == 'c')
				o->config = argv[++i];
			else
				o->image = argv[++i];
		} else if (strcmp(a, "-q") == 0 && !show) {
			o->quiet = true;
		} else if (strcmp(a, "--json") == 0 && show) {
			o->json = true;
		} else if (strcmp(a, "--") == 0) {
			for (i++; i < argc; i++)
				o->files[o->nfiles++] = argv[i];
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "attls policy %s: unknown option '%s'\n", argv[0], a);
			usage(stderr);
			return 2;
		} else {
			o->files[o->nfiles++] = a;
		}
	}
	if (o->config != NULL && o->nfiles > 0) {
		fprintf(stderr, "attls policy %s: give either -c or policy files, not both\n",
		    argv[0]);
		return 2;
	}
	if (o->config == NULL && o->nfiles == 0) {
		const char *env = getenv("ATTLS_CONFIG");

		if (env == NULL || env[0] == '\0') {
			fprintf(stderr, "attls policy %s: name policy files or -c PAGENT.CONF "
			    "(or set ATTLS_CONFIG)\n", argv[0]);
			usage(stderr);
			return 2;
		}
		o->config = env;
	}
	return -1;
}

static void
print_diags(const struct policy_diags *d)
{
	struct at_buf b;
	struct at_err err;
	size_t i;

	at_buf_init(&b, 64 * 1024);
	for (i = 0; i < d->n; i++) {
		at_buf_reset(&b);
		if (policy_diag_format(&d->v[i], &b, &err) == AT_OK)
			fprintf(stderr, "%s\n", at_buf_cstr(&b));
	}
	if (d->dropped > 0)
		fprintf(stderr, "(%zu more diagnostics not shown)\n", d->dropped);
	at_buf_free(&b);
}

/*
 * Loads the policy the options name and prints its diagnostics; returns 0
 * or 1 and the number of warnings in *nwarn.  warn_zos_defaults: also warn
 * where a rule relies on a default that differs from z/OS's (check only).
 */
static int
load(const struct popts *o, bool warn_zos_defaults, struct policy_set **set,
    size_t *nwarn)
{
	struct policy_load_opts lo;
	struct policy_diags d;
	struct at_err err;
	enum at_rc rc;

	memset(&lo, 0, sizeof(lo));
	lo.config_path = o->config;
	lo.policy_paths = o->files;
	lo.npolicy = o->nfiles;
	lo.image = o->image;
	lo.warn_zos_defaults = warn_zos_defaults;
	policy_diags_init(&d);
	at_err_clear(&err);
	rc = policy_set_load(&lo, set, &d, &err);
	print_diags(&d);
	if (rc != AT_OK)
		fprintf(stderr, "attls policy: %s\n", err.msg);
	*nwarn = d.nwarnings;
	policy_diags_free(&d);
	return rc == AT_OK ? 0 : 1;
}

static int
cmd_check(int argc, char **argv)
{
	struct popts o;
	struct policy_set *set = NULL;
	size_t nwarn = 0;
	int st = parse_args(argc, argv, &o, false, usage_check);

	if (st < 0) {
		st = load(&o, true, &set, &nwarn);
		/* Valid, but almost certainly not what was meant: say so. */
		if (st == 0 && policy_set_rule_count(set) == 0)
			fprintf(stderr, "attls policy: warning: the policy has no rules: no "
			    "connection will be protected\n");
		if (st == 0 && !o.quiet && nwarn == 0)
			printf("policy OK: %zu rules\n", policy_set_rule_count(set));
		else if (st == 0 && !o.quiet)
			printf("policy OK: %zu rules, %zu warning%s\n", policy_set_rule_count(set),
			    nwarn, nwarn == 1 ? "" : "s");
	}
	policy_set_free(set);
	free(o.files);
	return st;
}

static int
show_rules(const struct policy_set *set, bool json)
{
	struct at_buf b;
	struct at_err err;
	enum at_rc rc = AT_OK;
	size_t i, n = policy_set_rule_count(set);

	at_buf_init(&b, OUT_MAX);
	if (json)
		printf("{\"rules\":[");
	for (i = 0; i < n && rc == AT_OK; i++) {
		const struct policy_rule *r = policy_set_rule(set, i);

		at_buf_reset(&b);
		rc = at_buf_printf(&b, json ? "%s{\"conditions\":" : "%s", i > 0 ? (json ? "," : "\n") : "");
		if (rc == AT_OK)
			rc = policy_rule_format_conditions(r, &b, json, &err);
		if (rc == AT_OK)
			rc = at_buf_printf(&b, json ? ",\"actions\":" : "  Actions:\n");
		if (rc == AT_OK)
			rc = policy_actions_format(r, &b, json, &err);
		if (rc == AT_OK && json)
			rc = at_buf_printf(&b, "}");
		if (rc == AT_OK)
			fputs(at_buf_cstr(&b), stdout);
		else
			fprintf(stderr, "attls policy show: %s\n", err.msg);
	}
	if (json)
		printf("]}\n");
	at_buf_free(&b);
	return rc == AT_OK ? 0 : 1;
}

static int
cmd_show(int argc, char **argv)
{
	struct popts o;
	struct policy_set *set = NULL;
	size_t nwarn = 0;
	int st = parse_args(argc, argv, &o, true, usage_show);

	if (st < 0) {
		st = load(&o, false, &set, &nwarn);
		if (st == 0)
			st = show_rules(set, o.json);
	}
	policy_set_free(set);
	free(o.files);
	return st;
}

int
attls_cmd_policy(int argc, char **argv)
{
	if (argc < 2) {
		usage_policy(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage_policy(stdout);
		return 0;
	}
	if (strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0) {
		int i;

		for (i = 2; i < argc; i++)
			if (strcmp(argv[i], "--installed") == 0)
				return attls_policy_show_installed(argc - 1, argv + 1);
		return cmd_show(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "explain") == 0)
		return attls_policy_explain(argc - 1, argv + 1);
	fprintf(stderr, "attls policy: '%s' is not a command\n", argv[1]);
	usage_policy(stderr);
	return 2;
}
