/*
 * cmd_policy_explain.c - `attls policy explain`: which rule a connection
 * would map to under a policy, the actions that would apply, and why each
 * other rule did not win.
 *
 * The decision is made twice, by the rule index (what the daemon uses)
 * and by the explanation's own walk over every rule; a disagreement is
 * reported as an internal error rather than papered over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/num.h"
#include "common/str.h"
#include "policy/addr.h"
#include "policy/explain.h"
#include "policy/match.h"
#include "policy/policy.h"

#define MAX_FILES 64
#define OUT_MAX ((size_t)64 << 20)

struct opts {
	const char *config;
	const char *image;
	const char *files[MAX_FILES];
	size_t nfiles;
	struct policy_conn conn;
	const char *socket;
	bool have_dir, have_local, have_remote, have_time, json, help, installed;
};

static void
usage(FILE *f)
{
	(void)fprintf(f,
	    "usage: attls policy explain FILE... | -c pagent.conf [--image NAME]\n"
	    "         --direction in|out --local ADDR:PORT --remote ADDR:PORT\n"
	    "         [--job NAME] [--user ID] [--time ISO8601] [--json]\n"
	    "       attls policy explain --installed [--socket PATH] --direction ...\n"
	    "\n"
	    "Shows the rule a connection maps to (or 'rule: none (cleartext)'), the\n"
	    "actions that would apply, and for every other rule the first condition\n"
	    "it fails or why it lost.  Write IPv6 endpoints as [ADDR]:PORT.  --time\n"
	    "is YYYY-MM-DDTHH:MM[:SS] with Z or +HH:MM / -HH:MM, or local time when\n"
	    "no zone is given; it defaults to now.  With --installed the policy is\n"
	    "the one attlsd has installed (which needs what attls pasearch needs).\n"
	    "\n"
	    "exit status: 0 evaluated (whether or not a rule matched), 1 the policy\n"
	    "has errors or cannot be read, 2 usage error\n");
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Reads a fixed-width decimal field at *p and advances past it. */
static enum at_rc
field(const char **p, size_t width, uint64_t min, uint64_t max, const char *what,
    uint64_t *v, struct at_err *err)
{
	if (strnlen(*p, width) < width)
		return at_err_setx(err, AT_E_INPUT, "--time: %s is missing", what);
	if (at_parse_u64((struct at_str){ *p, width }, min, max, what, v, err) != AT_OK) {
		at_err_prefix(err, "--time");
		return AT_E_INPUT;
	}
	*p += width;
	return AT_OK;
}

static enum at_rc
expect(const char **p, char c, const char *what, struct at_err *err)
{
	if (**p != c)
		return at_err_setx(err, AT_E_INPUT, "--time: expected '%c' %s", c, what);
	(*p)++;
	return AT_OK;
}

/* Parses the zone suffix: "" (local), "Z", "+HH:MM" or "-HH:MM". */
static enum at_rc
parse_zone(const char *p, bool *local, int64_t *offset, struct at_err *err)
{
	uint64_t hh = 0, mm = 0;
	int sign = *p == '-' ? -1 : 1;
	enum at_rc rc = AT_OK;

	*local = *p == '\0';
	*offset = 0;
	if (*p == '\0' || (p[0] == 'Z' && p[1] == '\0'))
		goto out;
	if (*p != '+' && *p != '-') {
		rc = at_err_setx(err, AT_E_INPUT,
		    "--time: '%s' is not a zone (Z, +HH:MM, -HH:MM)", p);
		goto out;
	}
	p++;
	rc = field(&p, 2, 0, 23, "zone hours", &hh, err);
	if (rc == AT_OK)
		rc = expect(&p, ':', "in the zone", err);
	if (rc == AT_OK)
		rc = field(&p, 2, 0, 59, "zone minutes", &mm, err);
	if (rc == AT_OK && *p != '\0')
		rc = at_err_setx(err, AT_E_INPUT, "--time: unexpected '%s' after the zone", p);
	*offset = sign * (int64_t)(hh * 3600 + mm * 60);
out:
	return rc;
}

static enum at_rc
parse_time(const char *text, time_t *out, struct at_err *err)
{
	static const unsigned mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = text;
	uint64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
	int64_t offset = 0;
	bool local = false;
	struct tm tm;
	enum at_rc rc;

	rc = field(&p, 4, 1970, 9999, "year", &y, err);
	if (rc == AT_OK)
		rc = expect(&p, '-', "after the year", err);
	if (rc == AT_OK)
		rc = field(&p, 2, 1, 12, "month", &mo, err);
	if (rc == AT_OK)
		rc = expect(&p, '-', "after the month", err);
	if (rc == AT_OK)
		rc = field(&p, 2, 1, mdays[mo > 0 ? mo - 1 : 0], "day", &d, err);
	if (rc == AT_OK && *p != '\0') {
		if (*p != 'T' && *p != ' ')
			rc = at_err_setx(err, AT_E_INPUT, "--time: expected 'T' after the date");
		p++;
		if (rc == AT_OK)
			rc = field(&p, 2, 0, 23, "hour", &h, err);
		if (rc == AT_OK)
			rc = expect(&p, ':', "after the hour", err);
		if (rc == AT_OK)
			rc = field(&p, 2, 0, 59, "minute", &mi, err);
		if (rc == AT_OK && *p == ':') {
			p++;
			rc = field(&p, 2, 0, 60, "second", &s, err);
		}
		if (rc == AT_OK)
			rc = parse_zone(p, &local, &offset, err);
	} else if (rc == AT_OK) {
		local = true;
	}
	if (rc == AT_OK && mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		rc = at_err_setx(err, AT_E_INPUT, "--time: %u-02-29 does not exist", (unsigned)y);
	if (rc != AT_OK)
		goto out;
	if (local) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = (int)y - 1900;
		tm.tm_mon = (int)mo - 1;
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_sec = (int)s;
		tm.tm_isdst = -1;
		*out = mktime(&tm);
		if (*out == (time_t)-1)
			rc = at_err_setx(err, AT_E_INPUT,
			    "--time '%s' is not a valid local time", text);
		goto out;
	}
	*out = (time_t)(days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
	    (int64_t)(h * 3600 + mi * 60 + s) - offset);
out:
	if (rc != AT_OK && strstr(err->msg, text) == NULL)
		at_err_prefix(err, "'%s'", text);
	return rc;
}

static enum at_rc
parse_dir(const char *v, enum policy_dir *dir, struct at_err *err)
{
	struct at_str s = at_str_c(v);

	if (at_str_eq_ci(s, "in") || at_str_eq_ci(s, "inbound"))
		*dir = POLICY_DIR_INBOUND;
	else if (at_str_eq_ci(s, "out") || at_str_eq_ci(s, "outbound"))
		*dir = POLICY_DIR_OUTBOUND;
	else
		return at_err_setx(err, AT_E_INPUT,
		    "--direction '%s': use in (accepted connections) or out (connect())", v);
	return AT_OK;
}

enum optid {
	O_HELP, O_JSON, O_CONFIG, O_IMAGE, O_DIR, O_LOCAL, O_REMOTE, O_JOB, O_USER, O_TIME,
	O_INSTALLED, O_SOCKET
};

static const struct optdef {
	const char *name;
	const char *alias;
	bool value;      /* takes a value: "--opt VALUE" or "--opt=VALUE" */
	enum optid id;
} optdefs[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--json", NULL, false, O_JSON },
	{ "--config", "-c", true, O_CONFIG },
	{ "--image", NULL, true, O_IMAGE },
	{ "--direction", NULL, true, O_DIR },
	{ "--local", NULL, true, O_LOCAL },
	{ "--remote", NULL, true, O_REMOTE },
	{ "--job", NULL, true, O_JOB },
	{ "--user", NULL, true, O_USER },
	{ "--time", NULL, true, O_TIME },
	{ "--installed", NULL, false, O_INSTALLED },
	{ "--socket", NULL, true, O_SOCKET },
};

/* The definition argument a names ("--opt", "--opt=...", or the alias). */
static const struct optdef *
find_opt(const char *a, const char **inline_value)
{
	size_t i, n;

	*inline_value = NULL;
	for (i = 0; i < sizeof(optdefs) / sizeof(optdefs[0]); i++) {
		n = strlen(optdefs[i].name);
		if (optdefs[i].alias != NULL && strcmp(a, optdefs[i].alias) == 0)
			return &optdefs[i];
		if (strncmp(a, optdefs[i].name, n) != 0)
			continue;
		if (a[n] == '\0')
			return &optdefs[i];
		if (a[n] == '=' && optdefs[i].value) {
			*inline_value = a + n + 1;
			return &optdefs[i];
		}
	}
	return NULL;
}

static enum at_rc
endpoint(const char *v, const char *what, struct policy_conn *c, bool local,
    struct at_err *err)
{
	int fam = 0;
	enum at_rc rc;

	rc = policy_endpoint_parse(v, what, &fam, local ? c->laddr : c->raddr,
	    local ? &c->lport : &c->rport, err);
	if (rc == AT_OK && c->family != 0 && c->family != fam)
		rc = at_err_setx(err, AT_E_INPUT,
		    "--local and --remote must both be IPv4 or both IPv6");
	if (rc == AT_OK)
		c->family = fam;
	return rc;
}

static enum at_rc
apply_opt(const struct optdef *d, const char *v, struct opts *o, struct at_err *err)
{
	switch (d->id) {
	case O_HELP:
		o->help = true;
		return AT_OK;
	case O_JSON:
		o->json = true;
		return AT_OK;
	case O_CONFIG:
		o->config = v;
		return AT_OK;
	case O_IMAGE:
		o->image = v;
		return AT_OK;
	case O_INSTALLED:
		o->installed = true;
		return AT_OK;
	case O_SOCKET:
		o->socket = v;
		return AT_OK;
	case O_DIR:
		o->have_dir = true;
		return parse_dir(v, &o->conn.dir, err);
	case O_LOCAL:
	case O_REMOTE:
		*(d->id == O_LOCAL ? &o->have_local : &o->have_remote) = true;
		return endpoint(v, d->name, &o->conn, d->id == O_LOCAL, err);
	case O_JOB:
	case O_USER:
		if (v[0] == '\0')
			return at_err_setx(err, AT_E_INPUT, "%s needs a non-empty name", d->name);
		*(d->id == O_JOB ? &o->conn.jobname : &o->conn.userid) = v;
		return AT_OK;
	default:
		o->have_time = true;
		return parse_time(v, &o->conn.now, err);
	}
}

/* One argument (and its value); *i is left on the last argument used. */
static enum at_rc
parse_one(int argc, char **argv, int *i, struct opts *o, struct at_err *err)
{
	const char *a = argv[*i], *v = NULL;
	const struct optdef *d;

	if (a[0] != '-' || strcmp(a, "-") == 0) {
		if (o->nfiles == MAX_FILES)
			return at_err_setx(err, AT_E_INPUT, "at most %d policy files", MAX_FILES);
		o->files[o->nfiles++] = a;
		return AT_OK;
	}
	d = find_opt(a, &v);
	if (d == NULL)
		return at_err_setx(err, AT_E_INPUT, "unknown option '%s'", a);
	if (d->value && v == NULL) {
		if (*i + 1 >= argc)
			return at_err_setx(err, AT_E_INPUT, "%s needs a value", d->name);
		v = argv[++*i];
	}
	return apply_opt(d, v != NULL ? v : "", o, err);
}

static enum at_rc
parse_args(int argc, char **argv, struct opts *o, struct at_err *err)
{
	int i;
	enum at_rc rc = AT_OK;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc && rc == AT_OK && !o->help; i++)
		rc = parse_one(argc, argv, &i, o, err);
	if (rc != AT_OK || o->help)
		return rc;
	if (o->installed && (o->config != NULL || o->nfiles > 0))
		return at_err_setx(err, AT_E_INPUT,
		    "--installed explains against attlsd's policy: give no policy files");
	if (!o->installed && (o->config == NULL) == (o->nfiles == 0))
		return at_err_setx(err, AT_E_INPUT,
		    "give policy FILEs or -c pagent.conf (one of the two)");
	if (o->socket != NULL && !o->installed)
		return at_err_setx(err, AT_E_INPUT, "--socket only applies with --installed");
	if (!o->have_dir || !o->have_local || !o->have_remote)
		return at_err_setx(err, AT_E_INPUT,
		    "--direction, --local and --remote are required");
	if (o->image != NULL && o->config == NULL)
		return at_err_setx(err, AT_E_INPUT, "--image only applies with -c");
	if (!o->have_time)
		o->conn.now = time(NULL);
	return AT_OK;
}

static void
print_diags(const struct policy_diags *d)
{
	struct at_buf b;
	struct at_err err;
	size_t i;

	at_buf_init(&b, 4096);
	for (i = 0; i < d->n; i++) {
		at_buf_reset(&b);
		if (policy_diag_format(&d->v[i], &b, &err) == AT_OK)
			(void)fprintf(stderr, "%s\n", at_buf_cstr(&b));
	}
	at_buf_free(&b);
}

/* Loads the policy; 0, or the exit status after printing why not. */
static int
load(const struct opts *o, struct policy_set **set)
{
	struct policy_load_opts lo;
	struct policy_diags diags;
	struct at_err err;
	enum at_rc rc;

	memset(&lo, 0, sizeof(lo));
	lo.config_path = o->config;
	lo.policy_paths = o->files;
	lo.npolicy = o->nfiles;
	lo.image = o->image;
	policy_diags_init(&diags);
	at_err_clear(&err);
	rc = policy_set_load(&lo, set, &diags, &err);
	print_diags(&diags);
	if (rc != AT_OK)
		(void)fprintf(stderr, "attls policy explain: %s\n",
		    err.msg[0] != '\0' ? err.msg : "the policy has errors");
	policy_diags_free(&diags);
	return rc == AT_OK ? 0 : 1;
}

static int
explain(const struct opts *o, const struct policy_set *set)
{
	const struct policy_rule **rules = NULL;
	struct policy_matcher *m = NULL;
	struct policy_explanation *x = NULL;
	const struct policy_rule *winner;
	size_t n = policy_set_rule_count(set), i;
	struct at_buf out;
	struct at_err err;
	int status = 1;

	at_buf_init(&out, OUT_MAX);
	at_err_clear(&err);
	rules = calloc(n + 1, sizeof(*rules)); /* NOLINT(bugprone-sizeof-expression): pointers */
	if (rules == NULL) {
		at_err_setx(&err, AT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		rules[i] = policy_set_rule(set, i);
	if (policy_matcher_build(rules, n, &m, &err) != AT_OK ||
	    policy_explain(rules, n, &o->conn, &x, &err) != AT_OK)
		goto out;
	winner = policy_match(m, &o->conn);
	if (winner != x->winner) {
		at_err_setx(&err, AT_E_INTERNAL,
		    "internal error: the rule index chose %s, the search %s",
		    winner ? winner->name : "none", x->winner ? x->winner->name : "none");
		goto out;
	}
	if (policy_explain_format(x, o->json, &out, &err) != AT_OK)
		goto out;
	if (fputs(at_buf_cstr(&out), stdout) == EOF || fflush(stdout) != 0) {
		at_err_set(&err, AT_E_IO, "writing the explanation");
		goto out;
	}
	status = 0;
out:
	if (status != 0 && err.msg[0] != '\0')
		(void)fprintf(stderr, "attls policy explain: %s\n", err.msg);
	policy_explanation_free(x);
	policy_matcher_free(m);
	free(rules);
	at_buf_free(&out);
	return status;
}

int
attls_policy_explain(int argc, char **argv)
{
	struct opts o;
	struct policy_set *set = NULL;
	struct at_err err;
	int status;

	at_err_clear(&err);
	if (parse_args(argc, argv, &o, &err) != AT_OK) {
		(void)fprintf(stderr, "attls policy explain: %s\n", err.msg);
		(void)fprintf(stderr, "'attls policy explain --help' describes the options\n");
		status = 2;
		goto out;
	}
	if (o.help) {
		usage(stdout);
		status = 0;
		goto out;
	}
	if (o.installed) {
		struct attls_explain_req q;

		memset(&q, 0, sizeof(q));
		q.socket = o.socket;
		q.inbound = o.conn.dir == POLICY_DIR_INBOUND;
		q.json = o.json;
		q.family = o.conn.family;
		memcpy(q.laddr, o.conn.laddr, 16);
		memcpy(q.raddr, o.conn.raddr, 16);
		q.lport = o.conn.lport;
		q.rport = o.conn.rport;
		q.jobname = o.conn.jobname;
		q.userid = o.conn.userid;
		q.now = (long long)o.conn.now;
		status = attls_policy_explain_installed(&q);
		goto out;
	}
	status = load(&o, &set);
	if (status == 0)
		status = explain(&o, set);
out:
	policy_set_free(set);
	return status;
}
