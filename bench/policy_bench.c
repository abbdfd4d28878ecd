/*
 * policy_bench.c - how long a policy takes to load and a decision takes to
 * make, with the rule index and with the linear search side by side.
 *
 *   policy_bench [--rules N] [--runs N] [--seed N]
 *
 * 1. Generates a policy of N rules (10,000 by default) as text: inbound
 *    server rules on many local ports, outbound client rules to remote
 *    ports and address prefixes, some Both rules selected only by address,
 *    exact and wildcard jobnames, priorities with ties, and a few dozen
 *    shared group / environment / connection actions they all refer to.
 * 2. Writes it to a temporary file and times policy_set_load() (lex, parse,
 *    validate, resolve) over several runs, reporting the median.
 * 3. Builds the index, then times decisions for connections that map to an
 *    early rule, a late rule, and no rule, in batches timed with
 *    clock_gettime(CLOCK_MONOTONIC), reporting the median and 99th
 *    percentile per decision for the index and for the linear search.
 *
 * Every connection's answer is also checked against the linear search; a
 * disagreement makes the program exit 1.  Timings are never asserted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/num.h"
#include "common/str.h"
#include "policy/match.h"
#include "policy/policy.h"

#define BATCH 64        /* decisions timed together */
#define CONNS 1024      /* connections per category */
#define NGROUP 8
#define NENV 24
#define NCONN 12

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 33) % n;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of v[0..n), which it sorts. */
static double
quantile(double *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* ---------------------------------------------------------------------- */
/* The policy text                                                         */

static const char *const jobs[] = {
	"DSN2DIST", "DSN3DIST", "CICSPRD*", "CICSTST*", "MQ01CHIN", "ZWE1*", "USER1GET",
	"BATCH*", "IMS1CONN", "FTPD*", "HTTPD", "NGINX", "JAVA*", "CURL", "PYTHON*",
};

static enum at_rc
gen_actions(struct at_buf *b)
{
	enum at_rc rc = AT_OK;
	int i;

	for (i = 0; i < NGROUP && rc == AT_OK; i++)
		rc = at_buf_printf(b, "TTLSGroupAction gAct%d\n{\n  TTLSEnabled %s\n  Trace %d\n}\n",
		    i, i == NGROUP - 1 ? "Off" : "On", 1 + i % 7);
	for (i = 0; i < NENV && rc == AT_OK; i++)
		rc = at_buf_printf(b, "TTLSEnvironmentAction eAct%d\n{\n  HandshakeRole %s\n"
		    "  TTLSKeyringParmsRef keyR%d\n  TTLSEnvironmentAdvancedParmsRef eAdv%d\n}\n",
		    i, i % 2 ? "Client" : "Server", i % 4, i % 3);
	for (i = 0; i < 4 && rc == AT_OK; i++)
		rc = at_buf_printf(b, "TTLSKeyringParms keyR%d\n{\n  Keyring ring%d.KeyRing\n}\n", i, i);
	for (i = 0; i < 3 && rc == AT_OK; i++)
		rc = at_buf_printf(b, "TTLSEnvironmentAdvancedParms eAdv%d\n{\n  TLSv1.2 On\n"
		    "  TLSv1.3 %s\n  HandshakeTimeout %d\n}\n", i, i ? "On" : "Off", 10 + i * 5);
	for (i = 0; i < NCONN && rc == AT_OK; i++)
		rc = at_buf_printf(b, "TTLSConnectionAction cAct%d\n{\n  HandshakeRole %s\n"
		    "  CtraceClearText Off\n  Trace %d\n}\n", i, i % 2 ? "Client" : "Server", i % 8);
	if (rc == AT_OK)
		rc = at_buf_printf(b, "IpAddrSet anyV4\n{\n  Prefix 0.0.0.0/0\n}\n"
		    "PortRange ephemeral\n{\n  Port 1024-65535\n}\n");
	return rc;
}

/* The conditions of one rule: a server, a client or an address-only rule. */
static enum at_rc
gen_conditions(struct at_buf *b)
{
	uint32_t kind = rnd(10);
	enum at_rc rc;

	if (kind < 5) {
		rc = at_buf_printf(b, "  Direction Inbound\n  LocalPortRange %u\n"
		    "  RemotePortRangeRef ephemeral\n  LocalAddrSetRef anyV4\n",
		    1000 + rnd(800) * 7);
		if (rc == AT_OK && rnd(3) == 0)
			rc = at_buf_printf(b, "  RemoteAddr 10.%u.0.0/16\n", rnd(200));
	} else if (kind < 9) {
		rc = at_buf_printf(b, "  Direction Outbound\n  RemotePortRange %u\n"
		    "  LocalPortRange 1024-65535\n  RemoteAddr 10.%u.%u.0/24\n",
		    kind == 8 ? 443u : 2000u + rnd(200), rnd(50), rnd(20));
	} else {
		rc = at_buf_printf(b, "  Direction Both\n  RemoteAddr 172.%u.%u.%u\n",
		    16 + rnd(16), rnd(256), 1 + rnd(254));
	}
	if (rc == AT_OK && rnd(8) != 0)
		rc = at_buf_printf(b, "  Jobname %s\n", jobs[rnd(sizeof(jobs) / sizeof(jobs[0]))]);
	if (rc == AT_OK && rnd(10) == 0)
		rc = at_buf_printf(b, "  Userid USER%u\n", rnd(20));
	return rc;
}

static enum at_rc
gen_policy(struct at_buf *b, size_t nrules)
{
	enum at_rc rc;
	size_t i;

	rc = at_buf_printf(b, "# generated by policy_bench: %zu rules\n", nrules);
	if (rc == AT_OK)
		rc = gen_actions(b);
	for (i = 0; i < nrules && rc == AT_OK; i++) {
		rc = at_buf_printf(b, "TTLSRule bench%05zu~%u\n{\n  Priority %u\n", i, rnd(100),
		    1 + rnd(500));
		if (rc == AT_OK)
			rc = gen_conditions(b);
		if (rc == AT_OK)
			rc = at_buf_printf(b, "  TTLSGroupActionRef gAct%u\n  TTLSEnvironmentActionRef eAct%u\n"
			    "  TTLSConnectionActionRef cAct%u\n}\n", rnd(NGROUP), rnd(NENV), rnd(NCONN));
	}
	return rc;
}

static enum at_rc
write_file(const struct at_buf *b, char *path, size_t pathsz, struct at_err *err)
{
	const char *dir = getenv("TMPDIR");
	int fd, n;
	FILE *f = NULL;
	enum at_rc rc = AT_OK;

	n = snprintf(path, pathsz, "%s/attls-bench-XXXXXX", dir != NULL && dir[0] ? dir : "/tmp");
	if (n < 0 || (size_t)n >= pathsz)
		return at_err_setx(err, AT_E_TOOBIG, "TMPDIR is too long");
	fd = mkstemp(path);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "mkstemp %s", path);
	f = fdopen(fd, "w");
	if (f == NULL) {
		rc = at_err_set(err, AT_E_IO, "fdopen %s", path);
		close(fd);
		goto out;
	}
	if (fwrite(b->data, 1, b->len, f) != b->len)
		rc = at_err_set(err, AT_E_IO, "write %s", path);
	if (fclose(f) != 0 && rc == AT_OK)
		rc = at_err_set(err, AT_E_IO, "close %s", path);
out:
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Connections                                                             */

static void
fill_name(char *out, const struct policy_name_cond *nc)
{
	size_t n = nc->wildcard ? nc->len - 1 : nc->len;

	memcpy(out, nc->pattern, n);
	if (nc->wildcard)
		out[n++] = 'X';
	out[n] = '\0';
}

/* A connection that satisfies every condition of r (without a time). */
static void
conn_for(const struct policy_rule *r, struct policy_conn *c, char job[16], char user[16])
{
	memset(c, 0, sizeof(*c));
	c->dir = r->dir == POLICY_DIR_BOTH ? (rnd(2) ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND) : r->dir;
	c->family = AF_INET;
	c->laddr[10] = c->laddr[11] = c->raddr[10] = c->raddr[11] = 0xff;
	c->laddr[12] = 192;
	c->laddr[13] = 168;
	c->laddr[15] = 1;
	c->raddr[12] = 198;
	c->raddr[13] = 51;
	c->raddr[15] = 7;
	if (!r->raddr.any && r->raddr.n > 0)
		memcpy(c->raddr, r->raddr.ranges[0].hi, 16);
	if (!r->laddr.any && r->laddr.n > 0)
		memcpy(c->laddr, r->laddr.ranges[0].hi, 16);
	c->lport = r->lport.any || r->lport.n == 0 ? 40000 : r->lport.ranges[0].hi;
	c->rport = r->rport.any || r->rport.n == 0 ? 40001 : r->rport.ranges[0].hi;
	job[0] = user[0] = '\0';
	if (!r->jobname.any)
		fill_name(job, &r->jobname);
	else
		memcpy(job, "OTHERJOB", 9);
	if (!r->userid.any)
		fill_name(user, &r->userid);
	c->jobname = job;
	c->userid = user[0] ? user : NULL;
	c->now = time(NULL);
}

struct bconn {
	struct policy_conn c;
	char job[16];
	char user[16];
};

enum cat { CAT_EARLY, CAT_LATE, CAT_NONE, CAT_MIXED, CAT_COUNT };

static const char *const cat_names[CAT_COUNT] = {
	"early match (first 10%)", "late match (last half)", "no match", "mixed",
};

/* A connection no generated rule can match: unused ports, foreign job. */
static void
conn_none(struct bconn *b)
{
	memset(b, 0, sizeof(*b));
	b->c.dir = rnd(2) ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
	b->c.family = AF_INET;
	b->c.laddr[10] = b->c.laddr[11] = b->c.raddr[10] = b->c.raddr[11] = 0xff;
	b->c.laddr[12] = 192;
	b->c.laddr[15] = 1;
	b->c.raddr[12] = 203;
	b->c.raddr[14] = 113;
	b->c.raddr[15] = (uint8_t)rnd(256);
	b->c.lport = (uint16_t)(30000 + rnd(9000));
	b->c.rport = (uint16_t)(60000 + rnd(5000));
	memcpy(b->job, "NOMATCH", 8);
	b->c.jobname = b->job;
	b->c.now = time(NULL);
}

/*
 * Fills cats[k][0..CONNS) with connections whose answer (by the linear
 * search) is an early rule, a late rule, or none; mixed takes a third of
 * each.  Returns false when the policy does not allow enough of them.
 */
static bool
make_conns(const struct policy_rule *const *rules, size_t n, struct bconn *cats[CAT_COUNT])
{
	size_t have[CAT_COUNT] = { 0 }, tries, k, pos;
	const struct policy_rule *w;
	struct bconn b;

	for (tries = 0; tries < 400 * CONNS && (have[CAT_EARLY] < CONNS || have[CAT_LATE] < CONNS); tries++) {
		k = have[CAT_EARLY] < CONNS && (tries % 2 == 0 || have[CAT_LATE] >= CONNS) ? CAT_EARLY : CAT_LATE;
		pos = k == CAT_EARLY ? rnd((uint32_t)(n / 10 + 1)) : n / 2 + rnd((uint32_t)(n - n / 2));
		if (pos >= n)
			continue;
		conn_for(rules[pos], &b.c, b.job, b.user);
		w = policy_match_linear(rules, n, &b.c);
		if (w == NULL)
			continue;
		k = w->order < n / 10 ? CAT_EARLY : w->order >= n / 2 ? CAT_LATE : CAT_COUNT;
		if (k == CAT_COUNT || have[k] >= CONNS)
			continue;
		cats[k][have[k]] = b;
		cats[k][have[k]].c.jobname = cats[k][have[k]].job;
		cats[k][have[k]].c.userid = b.c.userid ? cats[k][have[k]].user : NULL;
		have[k]++;
	}
	for (tries = 0; tries < 100 * CONNS && have[CAT_NONE] < CONNS; tries++) {
		conn_none(&cats[CAT_NONE][have[CAT_NONE]]);
		cats[CAT_NONE][have[CAT_NONE]].c.jobname = cats[CAT_NONE][have[CAT_NONE]].job;
		if (policy_match_linear(rules, n, &cats[CAT_NONE][have[CAT_NONE]].c) == NULL)
			have[CAT_NONE]++;
	}
	if (have[CAT_EARLY] < CONNS || have[CAT_LATE] < CONNS || have[CAT_NONE] < CONNS) {
		fprintf(stderr, "policy_bench: found %zu early, %zu late, %zu unmatched "
		    "connections of %d each\n", have[CAT_EARLY], have[CAT_LATE], have[CAT_NONE], CONNS);
		return false;
	}
	for (k = 0; k < CONNS; k++) {
		cats[CAT_MIXED][k] = cats[k % 3][k];
		cats[CAT_MIXED][k].c.jobname = cats[CAT_MIXED][k].job;
		if (cats[k % 3][k].c.userid != NULL)
			cats[CAT_MIXED][k].c.userid = cats[CAT_MIXED][k].user;
	}
	return true;
}

/* ---------------------------------------------------------------------- */
/* Timing                                                                  */

struct timing {
	double median;
	double p99;
	double mean;
};

static volatile uintptr_t sink;

/* The cost of timing nothing, to subtract from single-decision samples. */
static double
clock_overhead(void)
{
	double v[1001], t0;
	size_t i;

	for (i = 0; i < 1001; i++) {
		t0 = now_ns();
		v[i] = now_ns() - t0;
	}
	return quantile(v, 1001, 0.5);
}

/*
 * Times every decision of conns, passes times over: one sample per decision
 * (timer overhead subtracted) for the median and p99, and batches of BATCH
 * for the mean.  linear selects policy_match_linear over the matcher.
 */
static struct timing
time_decisions(const struct policy_matcher *m, const struct policy_rule *const *rules,
    size_t n, const struct bconn *conns, size_t passes, bool linear, double overhead)
{
	size_t ns = passes * CONNS, s = 0, p, i, j;
	double *v = malloc(ns * sizeof(*v)), t0, t1, batch_total = 0;
	struct timing t = { 0, 0, 0 };

	if (v == NULL)
		return t;
	for (p = 0; p < passes; p++) {
		for (i = 0; i < CONNS; i++) {
			t0 = now_ns();
			sink ^= (uintptr_t)(linear ? policy_match_linear(rules, n, &conns[i].c) :
			    policy_match(m, &conns[i].c));
			t1 = now_ns();
			v[s++] = t1 - t0 > overhead ? t1 - t0 - overhead : 0;
		}
		for (i = 0; i < CONNS; i += BATCH) {
			t0 = now_ns();
			for (j = i; j < i + BATCH; j++)
				sink ^= (uintptr_t)(linear ? policy_match_linear(rules, n, &conns[j].c) :
				    policy_match(m, &conns[j].c));
			batch_total += now_ns() - t0;
		}
	}
	t.mean = batch_total / (double)ns;
	t.median = quantile(v, ns, 0.5);
	t.p99 = quantile(v, ns, 0.99);
	free(v);
	return t;
}

static size_t
check_agreement(const struct policy_matcher *m, const struct policy_rule *const *rules,
    size_t n, struct bconn *cats[CAT_COUNT])
{
	size_t k, i, bad = 0;

	for (k = 0; k < CAT_COUNT; k++)
		for (i = 0; i < CONNS; i++)
			bad += policy_match(m, &cats[k][i].c) != policy_match_linear(rules, n, &cats[k][i].c);
	return bad;
}

/* ---------------------------------------------------------------------- */

struct args {
	uint64_t rules;
	uint64_t runs;
	uint64_t seed;
};

static int
parse_args(int argc, char **argv, struct args *a)
{
	struct at_err err;
	uint64_t *dst;
	int i;

	a->rules = 10000;
	a->runs = 7;
	a->seed = 1;
	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "--rules") == 0)
			dst = &a->rules;
		else if (strcmp(argv[i], "--runs") == 0)
			dst = &a->runs;
		else if (strcmp(argv[i], "--seed") == 0)
			dst = &a->seed;
		else {
			fprintf(stderr, "usage: policy_bench [--rules N] [--runs N] [--seed N]\n");
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "policy_bench: %s needs a value\n", argv[i]);
			return 2;
		}
		if (at_parse_u64(at_str_c(argv[i + 1]), 1, 1000000, argv[i], dst, &err) != AT_OK) {
			fprintf(stderr, "policy_bench: %s\n", err.msg);
			return 2;
		}
	}
	rng ^= a->seed * 0xd1b54a32d192ed03ull;
	if (rng == 0)
		rng = 1; /* xorshift never leaves zero */
	return 0;
}

static double
time_loads(const char *path, size_t runs, struct policy_set **keep, struct at_err *err)
{
	const char *paths[1] = { path };
	struct policy_load_opts lo = { .policy_paths = paths, .npolicy = 1 };
	struct policy_diags d;
	struct policy_set *set;
	double *v = calloc(runs, sizeof(*v)), t0, med = -1;
	size_t i;

	for (i = 0; v != NULL && i < runs; i++) {
		policy_diags_init(&d);
		set = NULL;
		t0 = now_ns();
		if (policy_set_load(&lo, &set, &d, err) != AT_OK) {
			fprintf(stderr, "policy_bench: load failed: %s (%zu errors%s%s)\n", err->msg,
			    d.nerrors, d.n ? ", first: " : "", d.n ? d.v[0].msg : "");
			policy_diags_free(&d);
			goto out;
		}
		v[i] = now_ns() - t0;
		policy_diags_free(&d);
		if (i + 1 == runs)
			*keep = set;
		else
			policy_set_free(set);
	}
	if (v != NULL)
		med = quantile(v, runs, 0.5) / 1e6;
out:
	free(v);
	return med;
}

static void
print_row(const char *what, struct timing ix, struct timing ln)
{
	printf("%-26s %9.0f %9.0f %9.0f  %11.0f %11.0f  %8.1fx\n", what, ix.median, ix.p99,
	    ix.mean, ln.median, ln.p99, ix.mean > 0 ? ln.mean / ix.mean : 0.0);
}

int
main(int argc, char **argv)
{
	struct args a;
	struct at_buf text;
	struct at_err err;
	char path[512] = "";
	struct policy_set *set = NULL;
	struct policy_matcher *m = NULL;
	struct policy_matcher_stats st;
	const struct policy_rule **rules = NULL;
	struct bconn *cats[CAT_COUNT] = { NULL };
	struct timing ix[CAT_COUNT], ln[CAT_COUNT];
	double load_ms, build_ms, t0, overhead;
	size_t n = 0, i, bad;
	int status = 1;

	at_buf_init(&text, (size_t)256 << 20);
	if ((status = parse_args(argc, argv, &a)) != 0)
		goto out;
	status = 1;
	if (gen_policy(&text, (size_t)a.rules) != AT_OK ||
	    write_file(&text, path, sizeof(path), &err) != AT_OK) {
		fprintf(stderr, "policy_bench: cannot write the policy: %s\n", err.msg);
		goto out;
	}
	load_ms = time_loads(path, (size_t)a.runs, &set, &err);
	if (load_ms < 0 || set == NULL)
		goto out;
	n = policy_set_rule_count(set);
	rules = calloc(n + 1, sizeof(*rules));
	for (i = 0; i < CAT_COUNT; i++)
		cats[i] = calloc(CONNS, sizeof(*cats[i]));
	if (rules == NULL || cats[0] == NULL || cats[1] == NULL || cats[2] == NULL || cats[3] == NULL)
		goto out;
	for (i = 0; i < n; i++)
		rules[i] = policy_set_rule(set, i);
	t0 = now_ns();
	if (policy_matcher_build(rules, n, &m, &err) != AT_OK) {
		fprintf(stderr, "policy_bench: %s\n", err.msg);
		goto out;
	}
	build_ms = (now_ns() - t0) / 1e6;
	policy_matcher_get_stats(m, &st);
	if (!make_conns(rules, n, cats)) {
		fprintf(stderr, "policy_bench: could not generate the connection mix\n");
		goto out;
	}
	bad = check_agreement(m, rules, n, cats);
	overhead = clock_overhead();
	for (i = 0; i < CAT_COUNT; i++) {
		ix[i] = time_decisions(m, rules, n, cats[i], 40, false, overhead);
		ln[i] = time_decisions(m, rules, n, cats[i], 2, true, overhead);
	}

	printf("policy decision benchmark: %zu rules, %.1f MiB of policy text\n", n,
	    (double)text.len / (1 << 20));
	printf("load (lex+parse+validate+resolve), median of %u: %8.1f ms\n", (unsigned)a.runs, load_ms);
	printf("index build:                              %8.1f ms  (%zu keys, %zu entries, "
	    "%zu unindexed per direction, longest list %zu)\n", build_ms, st.keys, st.entries,
	    st.unindexed, st.largest_list);
	printf("per decision, ns (median/p99 timed one at a time, timer overhead %.0f ns "
	    "subtracted; mean from batches of %d):\n", overhead, BATCH);
	printf("%-26s %9s %9s %9s  %11s %11s  %9s\n", "connections", "index med", "index p99",
	    "index avg", "linear med", "linear p99", "speed-up");
	for (i = 0; i < CAT_COUNT; i++)
		print_row(cat_names[i], ix[i], ln[i]);
	printf("answers checked against the linear search: %zu connections, %zu disagree\n",
	    (size_t)CAT_COUNT * CONNS, bad);
	printf("summary: rules=%zu load_ms=%.1f build_ms=%.1f decision_median_ns=%.0f "
	    "decision_p99_ns=%.0f linear_median_ns=%.0f linear_p99_ns=%.0f speedup=%.0fx "
	    "disagreements=%zu\n", n, load_ms, build_ms, ix[CAT_MIXED].median, ix[CAT_MIXED].p99,
	    ln[CAT_MIXED].median, ln[CAT_MIXED].p99,
	    ix[CAT_MIXED].mean > 0 ? ln[CAT_MIXED].mean / ix[CAT_MIXED].mean : 0.0, bad);
	status = bad == 0 ? 0 : 1;
out:
	if (path[0] != '\0')
		unlink(path);
	for (i = 0; i < CAT_COUNT; i++)
		free(cats[i]);
	free(rules);
	policy_matcher_free(m);
	policy_set_free(set);
	at_buf_free(&text);
	return status;
}
