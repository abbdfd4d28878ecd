/*
 * explain.h - why a connection maps to the rule it maps to.
 *
 * For one connection, policy_explain() finds the winning rule (the same
 * answer as policy_match_linear()) and gives every other rule one reason:
 * the first of its conditions the connection fails, in the order
 * direction, local address, remote address, local port, remote port,
 * jobname, userid, time; or, for a rule that matches too but comes later
 * in search order, that its priority is lower or that it has the same
 * priority and its name sorts after the winner's.
 *
 * policy_explain_format() prints that as text (what `attls policy explain`
 * shows) or as one JSON object; docs/policy-matching.md describes both.
 */
#ifndef ATTLS_POLICY_EXPLAIN_H
#define ATTLS_POLICY_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "common/err.h"
#include "policy/match.h"
#include "policy/rule.h"

enum policy_verdict {
	POLICY_VERDICT_WINNER = 0,      /* the rule the connection maps to */
	POLICY_VERDICT_FAILED,          /* entry.failed names the condition */
	POLICY_VERDICT_LOWER_PRIORITY,  /* matches, but the winner's priority is higher */
	POLICY_VERDICT_NAME_AFTER       /* matches, same priority, name sorts after */
};

struct policy_explain_entry {
	const struct policy_rule *rule;
	enum policy_verdict verdict;
	enum policy_cond failed;        /* POLICY_COND_NONE unless FAILED */
};

/*
 * One explanation.  conn is a copy of the connection; its jobname and
 * userid still point at the caller's strings, which must outlive it.
 * The rules are the caller's (a policy_set's), and must outlive it too.
 */
struct policy_explanation {
	struct policy_conn conn;
	const struct policy_rule *winner;   /* NULL: no rule, cleartext */
	size_t n;
	struct policy_explain_entry *entries; /* one per rule, in search order */
};

/*
 * Explains c against rules[0..n) (search order).  On success *out is a new
 * explanation the caller frees with policy_explanation_free().
 * Returns AT_OK; AT_E_INPUT (a NULL rule); AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc policy_explain(const struct policy_rule *const *rules,
    size_t n, const struct policy_conn *c, struct policy_explanation **out,
    struct at_err *err);

/* Frees x.  NULL is a no-op. */
void policy_explanation_free(struct policy_explanation *x);

/*
 * The one-line reason entry e gives, without the rule name ("local port
 * 2446 is not in the rule's LocalPortRange"), appended to out.
 * Returns AT_OK or the buffer's AT_E_TOOBIG / AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc policy_explain_reason(const struct policy_explanation *x,
    const struct policy_explain_entry *e, struct at_buf *out, struct at_err *err);

/*
 * Appends the explanation to out: as text, the lines
 *   rule: NAME            (or "rule: none (cleartext)")
 *   a TTLSEnabled Off note when the winner's group turns AT-TLS off
 *   the winner's actions (policy_actions_format), indented
 *   one "  NAME: reason" line per other rule
 * or, when json is true, one JSON object (see docs/policy-matching.md).
 * Returns AT_OK; AT_E_TOOBIG / AT_E_NOMEM from the buffer; what
 * policy_actions_format() returns.
 */
AT_MUST_CHECK enum at_rc policy_explain_format(const struct policy_explanation *x,
    bool json, struct at_buf *out, struct at_err *err);

/*
 * Appends s as a JSON string literal (quotes included; "null" for NULL).
 * Control characters and bytes outside ASCII are written as \u00XX escapes,
 * so the output is valid JSON whatever bytes s holds.
 */
AT_MUST_CHECK enum at_rc policy_explain_json_str(struct at_buf *out, const char *s);

#endif
