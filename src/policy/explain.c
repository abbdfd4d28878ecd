/*
 * explain.c - the reasons behind a decision (see explain.h), as text and
 * as JSON.  JSON is written by hand into an at_buf: every string goes
 * through policy_explain_json_str(); numbers are printed with %u / %lu.
 */
#include "policy/explain.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy/addr.h"
#include "policy/policy.h"

enum at_rc
policy_explain(const struct policy_rule *const *rules, size_t n,
    const struct policy_conn *c, struct policy_explanation **out, struct at_err *err)
{
	struct policy_explanation *x = NULL;
	struct policy_explain_entry *e;
	size_t i;
	enum at_rc rc = AT_OK;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (x == NULL || (x->entries = calloc(n + 1, sizeof(*x->entries))) == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory explaining %zu rules", n);
		goto out;
	}
	x->conn = *c;
	x->n = n;
	for (i = 0; i < n; i++) {
		e = &x->entries[i];
		if (rules[i] == NULL) {
			rc = at_err_setx(err, AT_E_INPUT, "rule %zu of %zu is missing", i, n);
			goto out;
		}
		e->rule = rules[i];
		e->failed = policy_rule_first_failure(rules[i], c);
		if (e->failed != POLICY_COND_NONE)
			e->verdict = POLICY_VERDICT_FAILED;
		else if (x->winner == NULL) {
			e->verdict = POLICY_VERDICT_WINNER;
			x->winner = rules[i];
		} else if (rules[i]->priority < x->winner->priority)
			e->verdict = POLICY_VERDICT_LOWER_PRIORITY;
		else
			e->verdict = POLICY_VERDICT_NAME_AFTER;
	}
out:
	if (rc != AT_OK) {
		policy_explanation_free(x);
		x = NULL;
	}
	*out = x;
	return rc;
}

void
policy_explanation_free(struct policy_explanation *x)
{
	if (x == NULL)
		return;
	free(x->entries);
	free(x);
}

static const char *
dir_name(enum policy_dir d)
{
	return d == POLICY_DIR_INBOUND ? "inbound" : d == POLICY_DIR_OUTBOUND ?
	    "outbound" : d == POLICY_DIR_BOTH ? "both" : "?";
}

static void
iso_time(time_t t, char *out, size_t outsz)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		out[0] = '\0';
}

/* Whether an address condition has any range of the connection's family. */
static bool
has_family(const struct policy_addr_cond *ac, int family)
{
	size_t i;

	for (i = 0; i < ac->n; i++)
		if (ac->ranges[i].family == family)
			return true;
	return false;
}

static enum at_rc
addr_reason(struct at_buf *out, const char *side, const char *kw,
    const struct policy_addr_cond *ac, int family, const uint8_t a[16])
{
	char txt[POLICY_ADDR_STR_MAX];

	policy_addr_format(family, a, txt, sizeof(txt));
	if (!has_family(ac, family))
		return at_buf_printf(out, "%s address %s is %s; the rule's %s has no %s addresses",
		    side, txt, family == AF_INET ? "IPv4" : "IPv6", kw,
		    family == AF_INET ? "IPv4" : "IPv6");
	return at_buf_printf(out, "%s address %s is not in the rule's %s", side, txt, kw);
}

static enum at_rc
name_reason(struct at_buf *out, const char *what, const struct policy_name_cond *nc,
    const char *v)
{
	if (v == NULL || v[0] == '\0')
		return at_buf_printf(out, "the connection has no %s; the rule requires %s", what,
		    nc->pattern);
	return at_buf_printf(out, "%s %s does not match %s", what, v, nc->pattern);
}

static enum at_rc
failed_reason(const struct policy_conn *c, const struct policy_rule *r,
    enum policy_cond cond, struct at_buf *out)
{
	char when[32];

	switch (cond) {
	case POLICY_COND_DIRECTION:
		return at_buf_printf(out, "the rule is for %s connections, this one is %s",
		    dir_name(r->dir), dir_name(c->dir));
	case POLICY_COND_LADDR:
		return addr_reason(out, "local", "LocalAddr", &r->laddr, c->family, c->laddr);
	case POLICY_COND_RADDR:
		return addr_reason(out, "remote", "RemoteAddr", &r->raddr, c->family, c->raddr);
	case POLICY_COND_LPORT:
		return at_buf_printf(out, "local port %u is not in the rule's LocalPortRange",
		    (unsigned)c->lport);
	case POLICY_COND_RPORT:
		return at_buf_printf(out, "remote port %u is not in the rule's RemotePortRange",
		    (unsigned)c->rport);
	case POLICY_COND_JOBNAME:
		return name_reason(out, "jobname", &r->jobname, c->jobname);
	case POLICY_COND_USERID:
		return name_reason(out, "userid", &r->userid, c->userid);
	case POLICY_COND_TIME:
		iso_time(c->now, when, sizeof(when));
		return at_buf_printf(out, "%s is outside the rule's time condition", when);
	default:
		return at_buf_printf(out, "no condition failed");
	}
}

enum at_rc
policy_explain_reason(const struct policy_explanation *x,
    const struct policy_explain_entry *e, struct at_buf *out, struct at_err *err)
{
	enum at_rc rc;

	switch (e->verdict) {
	case POLICY_VERDICT_WINNER:
		rc = at_buf_printf(out, "the winning rule");
		break;
	case POLICY_VERDICT_FAILED:
		rc = failed_reason(&x->conn, e->rule, e->failed, out);
		break;
	case POLICY_VERDICT_LOWER_PRIORITY:
		rc = at_buf_printf(out, "lower priority (%lu) than the winning rule (%lu)",
		    (unsigned long)e->rule->priority,
		    (unsigned long)(x->winner != NULL ? x->winner->priority : 0));
		break;
	default:
		rc = at_buf_printf(out, "same priority (%lu), name sorts after the winning rule",
		    (unsigned long)e->rule->priority);
		break;
	}
	if (rc != AT_OK)
		at_err_setx(err, rc, "explanation too large");
	return rc;
}

enum at_rc
policy_explain_json_str(struct at_buf *out, const char *s)
{
	const unsigned char *p;
	enum at_rc rc;

	if (s == NULL)
		return at_buf_printf(out, "null");
	rc = at_buf_append(out, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0' && rc == AT_OK; p++) {
		if (*p == '"' || *p == '\\')
			rc = at_buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			rc = at_buf_printf(out, "\\n");
		else if (*p == '\t')
			rc = at_buf_printf(out, "\\t");
		else if (*p < 0x20 || *p >= 0x7f)
			rc = at_buf_printf(out, "\\u%04x", (unsigned)*p);
		else
			rc = at_buf_append(out, p, 1);
	}
	if (rc == AT_OK)
		rc = at_buf_append(out, "\"", 1);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Text                                                                    */

static enum at_rc
format_winner_text(const struct policy_explanation *x, struct at_buf *out,
    struct at_err *err)
{
	const struct policy_rule *w = x->winner;
	const struct policy_actions *a = w->actions;
	enum at_rc rc;

	rc = at_buf_printf(out, "rule: %s\npriority: %lu\n", w->name, (unsigned long)w->priority);
	if (rc == AT_OK && w->file != NULL)
		rc = at_buf_printf(out, "defined at: %s:%u\n", w->file, w->line);
	if (rc == AT_OK && !w->enabled)
		rc = at_buf_printf(out, "TTLSEnabled Off in group %s: explicit cleartext, no TLS\n",
		    a != NULL && a->group_name != NULL ? a->group_name : "(unnamed)");
	if (rc != AT_OK || a == NULL)
		return rc;
	rc = at_buf_printf(out, "actions:\n");
	if (rc == AT_OK)
		rc = policy_actions_format(w, out, false, err);
	if (rc == AT_OK && out->len > 0 && out->data[out->len - 1] != '\n')
		rc = at_buf_append(out, "\n", 1);
	return rc;
}

/*
 * Rules that may take this connection at run time instead, as a secondary
 * connection (SecondaryMap On; the daemon decides it from the process's
 * live connections, which a policy alone cannot know).
 */
static enum at_rc
format_secondary_text(const struct policy_explanation *x, struct at_buf *out)
{
	const struct policy_rule *r;
	enum at_rc rc = AT_OK;
	size_t i;

	for (i = 0; i < x->n && rc == AT_OK; i++) {
		r = x->entries[i].rule;
		if (!r->enabled || r->actions == NULL || !r->actions->secondary_map ||
		    r->actions->application_controlled ||
		    (x->winner != NULL && x->winner->priority >= r->priority))
			continue;
		rc = at_buf_printf(out, "secondary: %s instead, when the same process holds a "
		    "connection under it between the same two addresses (SecondaryMap On)\n",
		    r->name);
	}
	return rc;
}

static enum at_rc
format_text(const struct policy_explanation *x, struct at_buf *out, struct at_err *err)
{
	const struct policy_explain_entry *e;
	size_t i;
	bool header = false;
	enum at_rc rc;

	if (x->winner == NULL)
		rc = at_buf_printf(out, "rule: none (cleartext)\n");
	else
		rc = format_winner_text(x, out, err);
	for (i = 0; i < x->n && rc == AT_OK; i++) {
		e = &x->entries[i];
		if (e->verdict == POLICY_VERDICT_WINNER)
			continue;
		if (!header) {
			rc = at_buf_printf(out, "other rules, in search order:\n");
			header = true;
		}
		if (rc == AT_OK)
			rc = at_buf_printf(out, "  %s: ", e->rule->name);
		if (rc == AT_OK)
			rc = policy_explain_reason(x, e, out, err);
		if (rc == AT_OK)
			rc = at_buf_append(out, "\n", 1);
	}
	return rc == AT_OK ? format_secondary_text(x, out) : rc;
}

/* ---------------------------------------------------------------------- */
/* JSON                                                                    */

/* NULL for a missing or empty name, so JSON says null for both. */
static const char *
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static enum at_rc
json_conn(const struct policy_conn *c, struct at_buf *out)
{
	char la[POLICY_ADDR_STR_MAX], ra[POLICY_ADDR_STR_MAX], when[32];
	enum at_rc rc;

	policy_addr_format(c->family, c->laddr, la, sizeof(la));
	policy_addr_format(c->family, c->raddr, ra, sizeof(ra));
	iso_time(c->now, when, sizeof(when));
	rc = at_buf_printf(out, "\"connection\":{\"direction\":\"%s\",\"local_address\":\"%s\","
	    "\"local_port\":%u,\"remote_address\":\"%s\",\"remote_port\":%u,\"jobname\":",
	    dir_name(c->dir), la, (unsigned)c->lport, ra, (unsigned)c->rport);
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, nonempty(c->jobname));
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"userid\":");
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, nonempty(c->userid));
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"time\":\"%s\"}", when);
	return rc;
}

static const char *
verdict_name(enum policy_verdict v)
{
	static const char *const names[] = {
		[POLICY_VERDICT_WINNER] = "winner",
		[POLICY_VERDICT_FAILED] = "no match",
		[POLICY_VERDICT_LOWER_PRIORITY] = "lower priority",
		[POLICY_VERDICT_NAME_AFTER] = "same priority, name after",
	};

	return (size_t)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

static enum at_rc
json_entry(const struct policy_explanation *x, const struct policy_explain_entry *e,
    struct at_buf *out, struct at_buf *tmp, struct at_err *err)
{
	enum at_rc rc;

	at_buf_reset(tmp);
	rc = policy_explain_reason(x, e, tmp, err);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "{\"name\":");
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, e->rule->name);
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"priority\":%lu,\"file\":",
		    (unsigned long)e->rule->priority);
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, e->rule->file);
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"line\":%u,\"result\":\"%s\",\"condition\":",
		    e->rule->line, verdict_name(e->verdict));
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, e->verdict == POLICY_VERDICT_FAILED ?
		    policy_cond_name(e->failed) : NULL);
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"reason\":");
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, at_buf_cstr(tmp));
	if (rc == AT_OK)
		rc = at_buf_append(out, "}", 1);
	return rc;
}

static enum at_rc
json_winner(const struct policy_explanation *x, struct at_buf *out, struct at_err *err)
{
	const struct policy_rule *w = x->winner;
	enum at_rc rc;

	rc = at_buf_printf(out, ",\"rule\":");
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, w != NULL ? w->name : NULL);
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"cleartext\":%s,\"ttls_enabled\":%s,\"actions\":",
		    w == NULL || !w->enabled ? "true" : "false",
		    w == NULL ? "null" : w->enabled ? "true" : "false");
	if (rc != AT_OK)
		return rc;
	if (w == NULL || w->actions == NULL)
		return at_buf_printf(out, "null");
	return policy_actions_format(w, out, true, err);
}

static enum at_rc
format_json(const struct policy_explanation *x, struct at_buf *out, struct at_err *err)
{
	struct at_buf tmp;
	size_t i;
	enum at_rc rc;

	at_buf_init(&tmp, 4096);
	rc = at_buf_append(out, "{", 1);
	if (rc == AT_OK)
		rc = json_conn(&x->conn, out);
	if (rc == AT_OK)
		rc = json_winner(x, out, err);
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"rules\":[");
	for (i = 0; i < x->n && rc == AT_OK; i++) {
		if (i > 0)
			rc = at_buf_append(out, ",", 1);
		if (rc == AT_OK)
			rc = json_entry(x, &x->entries[i], out, &tmp, err);
	}
	if (rc == AT_OK)
		rc = at_buf_printf(out, "]}\n");
	at_buf_free(&tmp);
	return rc;
}

enum at_rc
policy_explain_format(const struct policy_explanation *x, bool json, struct at_buf *out,
    struct at_err *err)
{
	enum at_rc rc;

	at_err_clear(err);
	rc = json ? format_json(x, out, err) : format_text(x, out, err);
	if (rc != AT_OK && (err == NULL || err->rc == AT_OK))
		at_err_setx(err, rc, "explanation does not fit in %zu bytes", out->max);
	return rc;
}
