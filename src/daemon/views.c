/*
 * views.c - rendering the operator's views (see views.h).  Everything is
 * rendered from one consistent moment: the generation installed when the
 * request came, one copy of the connection table, one kernel dump.
 */
#define _GNU_SOURCE /* FNM_CASEFOLD */
#include "daemon/views.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "daemon/daemon.h"
#include "daemon/log.h"
#include "daemon/tcpdiag.h"
#include "policy/explain.h"
#include "policy/match.h"
#include "policy/policy_pasearch.h"

static enum at_rc
render_policy(struct attlsd *d, bool json, struct at_buf *out, struct at_err *err)
{
	struct policy_pasearch_info info;

	info.image = ATTLSD_TCPNAME;
	info.generation = d->gen->id;
	info.installed = d->gen->installed;
	info.now = time(NULL);
	return policy_pasearch_format(d->gen->set, &info, json, out, err);
}

static enum at_rc
render_explain(struct attlsd *d, const struct ctl_view *v, bool json, struct at_buf *out,
    int *errnum, struct at_err *err)
{
	const struct policy_rule **rules;
	struct policy_explanation *x = NULL;
	const struct policy_rule *winner;
	struct policy_conn pc;
	size_t n = policy_set_rule_count(d->gen->set), i;
	enum at_rc rc;

	if (v->dir == 0) {
		*errnum = EINVAL;
		return at_buf_printf(out, "explain needs the connection's direction\n");
	}
	memset(&pc, 0, sizeof(pc));
	pc.dir = v->dir == CTL_DIR_INBOUND ? POLICY_DIR_INBOUND : POLICY_DIR_OUTBOUND;
	pc.family = v->addrs.family;
	memcpy(pc.laddr, v->addrs.laddr, 16);
	memcpy(pc.raddr, v->addrs.raddr, 16);
	pc.lport = v->addrs.lport;
	pc.rport = v->addrs.rport;
	pc.jobname = v->job;
	pc.userid = v->user;
	pc.now = (time_t)v->now;
	rules = calloc(n + 1, sizeof(*rules)); /* NOLINT(bugprone-sizeof-expression): pointers */
	if (rules == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++)
		rules[i] = policy_set_rule(d->gen->set, i);
	rc = policy_explain(rules, n, &pc, &x, err);
	if (rc == AT_OK) {
		/* The daemon decides with its index; the explanation walks
		 * every rule.  They must agree, or the answer is not given. */
		winner = policy_match(d->gen->matcher, &pc);
		if (winner != x->winner) {
			*errnum = EPROTO;
			rc = at_buf_printf(out, "internal error: the rule index chose %s, the "
			    "search %s\n", winner != NULL ? winner->name : "none",
			    x->winner != NULL ? x->winner->name : "none");
		} else {
			if (!json)
				rc = at_buf_printf(out, "installed policy: generation %llu\n",
				    (unsigned long long)d->gen->id);
			if (rc == AT_OK)
				rc = policy_explain_format(x, json, out, err);
		}
	}
	policy_explanation_free(x);
	free(rules);
	return rc;
}

/* ---- netstat ------------------------------------------------------------ */

static bool
same_addrs(const struct ctl_addrs *a, const struct ctl_addrs *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	    memcmp(a->laddr, b->laddr, 16) == 0 && memcmp(a->raddr, b->raddr, 16) == 0;
}

static const struct attlsd_conn_info *
find_info(const struct attlsd_conn_info *v, size_t n, const struct ctl_addrs *a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_addrs(&v[i].addrs, a))
			return &v[i];
	return NULL;
}

static void
user_name(uid_t uid, char *out, size_t outsz)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res != NULL)
		(void)snprintf(out, outsz, "%s", res->pw_name);
	else
		(void)snprintf(out, outsz, "%lu", (unsigned long)uid);
}

static void
addr_only(const struct ctl_addrs *a, bool local, char *out, size_t outsz)
{
	const uint8_t *p = local ? a->laddr : a->raddr;

	if (a->family == AF_INET)
		(void)inet_ntop(AF_INET, p + 12, out, (socklen_t)outsz);
	else
		(void)inet_ntop(AF_INET6, p, out, (socklen_t)outsz);
}

static bool
wanted(const struct ctl_view *v, const struct attlsd_tcp *s, const char *job,
    const char *owner, const struct attlsd_conn_info *ci)
{
	char uidnum[24];

	if (v->port != 0 && s->addrs.lport != v->port && s->addrs.rport != v->port)
		return false;
	if (v->job[0] != '\0' && fnmatch(v->job, job, FNM_CASEFOLD) != 0)
		return false;
	(void)snprintf(uidnum, sizeof(uidnum), "%lu", (unsigned long)s->uid);
	if (v->user[0] != '\0' && strcmp(v->user, owner) != 0 && strcmp(v->user, uidnum) != 0 &&
	    (ci == NULL || strcasecmp(v->user, ci->userid) != 0))
		return false;
	if (v->rule[0] != '\0' && (ci == NULL || fnmatch(v->rule, ci->rule, 0) != 0))
		return false;
	return true;
}

static enum at_rc
json_str_field(struct at_buf *out, const char *key, const char *val)
{
	enum at_rc rc = at_buf_printf(out, ",\"%s\":", key);

	return rc == AT_OK ? policy_explain_json_str(out, val[0] != '\0' ? val : NULL) : rc;
}

static enum at_rc
row_json(struct at_buf *out, bool first, const struct attlsd_tcp *s, const char *job,
    const char *owner, const struct attlsd_conn_info *ci)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	enum at_rc rc;

	addr_only(&s->addrs, true, l, sizeof(l));
	addr_only(&s->addrs, false, r, sizeof(r));
	rc = at_buf_printf(out, "%s{\"local\":{\"address\":\"%s\",\"port\":%u},"
	    "\"remote\":{\"address\":\"%s\",\"port\":%u},\"state\":\"%s\",\"uid\":%lu,"
	    "\"inode\":%llu", first ? "" : ",", l, s->addrs.lport, r, s->addrs.rport,
	    attlsd_tcp_state_name(s->state), (unsigned long)s->uid,
	    (unsigned long long)s->inode);
	if (rc == AT_OK)
		rc = json_str_field(out, "user", owner);
	if (rc == AT_OK)
		rc = json_str_field(out, "jobname", job);
	if (rc == AT_OK && ci == NULL)
		rc = at_buf_printf(out, ",\"ttls\":null}");
	if (rc != AT_OK || ci == NULL)
		return rc;
	{
		const char *cn = ci->cipher != 0 ? policy_cipher_name(ci->cipher) : NULL;

		rc = at_buf_printf(out, ",\"ttls\":{\"conn_id\":\"%08X\",\"generation\":%llu,"
		    "\"direction\":\"%s\",\"bytes_out\":%llu,\"bytes_in\":%llu", ci->id,
		    (unsigned long long)ci->generation,
		    ci->dir == CTL_DIR_INBOUND ? "inbound" : "outbound",
		    (unsigned long long)ci->to_peer, (unsigned long long)ci->from_peer);
		if (rc == AT_OK)
			rc = json_str_field(out, "status", ci->state);
		if (rc == AT_OK)
			rc = json_str_field(out, "rule", ci->rule);
		if (rc == AT_OK)
			rc = json_str_field(out, "group_action", ci->group_action);
		if (rc == AT_OK)
			rc = json_str_field(out, "env_action", ci->env_action);
		if (rc == AT_OK)
			rc = json_str_field(out, "conn_action", ci->conn_action);
		if (rc == AT_OK)
			rc = json_str_field(out, "userid", ci->userid);
		if (rc == AT_OK)
			rc = json_str_field(out, "protocol", ci->protocol);
		if (rc == AT_OK && ci->cipher != 0)
			rc = at_buf_printf(out, ",\"cipher\":{\"id\":\"%04X\",\"name\":", ci->cipher);
		if (rc == AT_OK && ci->cipher != 0)
			rc = policy_explain_json_str(out, cn);
		if (rc == AT_OK)
			rc = at_buf_printf(out, ci->cipher != 0 ? "}" : ",\"cipher\":null");
		if (rc == AT_OK)
			rc = json_str_field(out, "peer_certificate", ci->peer_subject);
		if (rc == AT_OK)
			rc = json_str_field(out, "mapped_user", ci->mapped_user);
		if (rc == AT_OK)
			rc = at_buf_printf(out, "}}");
	}
	return rc;
}

static const char *
dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

static enum at_rc
row_text(struct at_buf *out, const struct attlsd_tcp *s, const char *job, const char *owner,
    const struct attlsd_conn_info *ci)
{
	char l[80], r[80], id[12], ejob[260], subj[1024];
	enum at_rc rc;
	const char *cn;

	/* Job names and certificate subjects come from programs and peers:
	 * escaped, so that none can add a line to what an operator reads. */
	job = attlsd_escaped(job, ejob, sizeof(ejob));
	attlsd_addr_text(&s->addrs, true, l, sizeof(l));
	attlsd_addr_text(&s->addrs, false, r, sizeof(r));
	if (ci != NULL)
		(void)snprintf(id, sizeof(id), "%08X", ci->id);
	rc = at_buf_printf(out, "%-8s %-8s %-8s %-11s %-27s %-27s %s\n", owner, dash(job),
	    ci != NULL ? id : "-", attlsd_tcp_state_name(s->state), l, r,
	    ci != NULL ? "Yes" : "No");
	if (rc != AT_OK || ci == NULL)
		return rc;
	cn = ci->cipher != 0 ? policy_cipher_name(ci->cipher) : NULL;
	return at_buf_printf(out,
	    "  TTLSPolicy: Yes  TTLSRule: %s  Generation: %llu  Status: %s  %s\n"
	    "  TTLSGrpAction: %s  TTLSEnvAction: %s  TTLSConnAction: %s\n"
	    "  TTLSProtocol: %s  TTLSCipher: %04X %s\n"
	    "  TTLSPeerCert: %s\n"
	    "  UserId: %s  MappedUserId: %s  Bytes: out %llu in %llu\n",
	    ci->rule, (unsigned long long)ci->generation, ci->state,
	    ci->dir == CTL_DIR_INBOUND ? "InBound" : "OutBound", dash(ci->group_action),
	    dash(ci->env_action), dash(ci->conn_action), dash(ci->protocol), ci->cipher,
	    cn != NULL ? cn : "", ci->peer_subject[0] != '\0' ?
	    attlsd_escaped(ci->peer_subject, subj, sizeof(subj)) : "-", dash(ci->userid),
	    dash(ci->mapped_user), (unsigned long long)ci->to_peer,
	    (unsigned long long)ci->from_peer);
}

/*
 * The kernel's sockets and their job names, gathered at most once a
 * second: walking /proc happens on the control thread, so however often
 * users ask for netstat, decisions wait for one walk a second at most.
 * Only the control thread touches this.
 */
#define GATHER_MS 1000

static struct {
	uint64_t at_ms;
	struct attlsd_tcp *socks;
	size_t n;
	char (*jobs)[CTL_NAME_MAX + 1];
} gathered;

static uint64_t
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static enum at_rc
gather(struct at_err *err)
{
	struct attlsd_tcp *socks = NULL;
	char (*jobs)[CTL_NAME_MAX + 1] = NULL;
	uint64_t *inodes = NULL, t = now_ms();
	size_t n = 0, i;
	enum at_rc rc;

	if (gathered.at_ms != 0 && t - gathered.at_ms < GATHER_MS)
		return AT_OK;
	rc = attlsd_tcp_list(&socks, &n, err);
	if (rc != AT_OK)
		return rc;
	if (n > 0) {
		inodes = calloc(n, sizeof(*inodes));
		jobs = calloc(n, sizeof(*jobs));
		if (inodes == NULL || jobs == NULL) {
			free(socks);
			free(inodes);
			free(jobs);
			return at_err_setx(err, AT_E_NOMEM, "out of memory");
		}
	}
	for (i = 0; i < n; i++)
		inodes[i] = socks[i].inode;
	attlsd_tcp_jobnames(inodes, n, jobs);
	free(inodes);
	free(gathered.socks);
	free(gathered.jobs);
	gathered.socks = socks;
	gathered.jobs = jobs;
	gathered.n = n;
	gathered.at_ms = t;
	return AT_OK;
}

static enum at_rc
render_netstat(struct attlsd *d, const struct ctl_view *v,
    const struct attlsd_view_scope *scope, bool json, struct at_buf *out,
    struct at_err *err)
{
	struct attlsd_conn_info *infos = NULL;
	size_t ninfos = 0, i, shown = 0;
	enum at_rc rc;

	rc = gather(err);
	if (rc == AT_OK && attlsd_conntab_snapshot(&d->table, &infos, &ninfos) != AT_OK)
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory copying the connection table");
	if (rc != AT_OK)
		return rc;
	if (json)
		rc = at_buf_printf(out, "{\"generation\":%llu,\"all\":%s,\"connections\":[",
		    (unsigned long long)d->gen->id, scope->all ? "true" : "false");
	else
		rc = at_buf_printf(out, "attls netstat: policy generation %llu\n%s%s"
		    "User Id  Jobname  Conn     State       Local Socket                "
		    "Foreign Socket              TTLS\n", (unsigned long long)d->gen->id,
		    !scope->all && scope->note != NULL ? scope->note : "",
		    !scope->all && scope->note != NULL ? "\n" : "");
	for (i = 0; i < gathered.n && rc == AT_OK; i++) {
		const struct attlsd_tcp *s = &gathered.socks[i];
		const struct attlsd_conn_info *ci;
		char owner[64];
		const char *job;

		if (!scope->all && s->uid != scope->uid)
			continue;
		ci = find_info(infos, ninfos, &s->addrs);
		job = ci != NULL && ci->jobname[0] != '\0' ? ci->jobname : gathered.jobs[i];
		user_name(s->uid, owner, sizeof(owner));
		if (!wanted(v, s, job, owner, ci))
			continue;
		rc = json ? row_json(out, shown == 0, s, job, owner, ci) :
		    row_text(out, s, job, owner, ci);
		shown++;
	}
	if (rc == AT_OK)
		rc = json ? at_buf_printf(out, "]}\n") :
		    at_buf_printf(out, "%zu connection%s shown\n", shown, shown == 1 ? "" : "s");
	free(infos);
	return rc;
}

enum at_rc
attlsd_view_render(struct attlsd *d, const struct ctl_view *v,
    const struct attlsd_view_scope *scope, struct at_buf *out, int *errnum,
    struct at_err *err)
{
	bool json = (v->flags & CTL_VIEW_JSON) != 0;

	*errnum = 0;
	switch (v->kind) {
	case CTL_VIEW_POLICY:
		return render_policy(d, json, out, err);
	case CTL_VIEW_EXPLAIN:
		return render_explain(d, v, json, out, errnum, err);
	default:
		return render_netstat(d, v, scope, json, out, err);
	}
}
