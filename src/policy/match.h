/*
 * match.h - deciding which AT-TLS rule a connection maps to.
 *
 * The rules of a policy are an array in search order (descending Priority,
 * ties by rule name); the first rule whose every condition holds wins, and
 * no match means the connection stays in cleartext.  A winning rule whose
 * group has TTLSEnabled Off (rule->enabled == false) is still the answer:
 * it means explicit cleartext, and the caller decides what to do with it.
 *
 * policy_match_linear() is the definition: it tries each rule in turn
 * (match_cond.c holds it and the predicate).
 * policy_match() answers the same question from an index built once by
 * policy_matcher_build(), without visiting rules that cannot match; the two
 * must agree for every input (the unit tests compare them on random rule
 * sets).  docs/policy-matching.md describes the index.
 *
 * Semantics shared by both (and by explain.h):
 *   - Direction Both matches inbound and outbound connections.
 *   - An address condition is an OR of ranges; a range of one family only
 *     matches connections of that family.  Connections carry IPv4 as
 *     v4-mapped with family AF_INET (see addr.h for normalisation).
 *   - A port condition is an OR of inclusive ranges; any (or no range at
 *     all) matches every port.
 *   - Jobname and Userid compare ASCII case-insensitively; "ABC*" matches
 *     any value starting with ABC (and "*" any non-empty value).  A
 *     connection without a jobname (NULL or "") matches only rules without
 *     a Jobname condition; likewise for the user ID.
 *   - A time condition holds when every part of it holds: the period
 *     (inclusive), the month, the day of the month (counted from the start
 *     OR from the end of the month: either bit allows the day), the day of
 *     the week, and the time of day (from > to wraps past midnight), all
 *     taken in UTC or in local time as the condition says.
 */
#ifndef ATTLS_POLICY_MATCH_H
#define ATTLS_POLICY_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "policy/rule.h"

/* The conditions of a rule, in the order they are tested and explained. */
enum policy_cond {
	POLICY_COND_NONE = 0,  /* every condition holds */
	POLICY_COND_DIRECTION,
	POLICY_COND_LADDR,
	POLICY_COND_RADDR,
	POLICY_COND_LPORT,
	POLICY_COND_RPORT,
	POLICY_COND_JOBNAME,
	POLICY_COND_USERID,
	POLICY_COND_TIME
};

/* "direction", "local address", ... ("" for POLICY_COND_NONE). */
const char *policy_cond_name(enum policy_cond cond);

/* The first condition of rule that c fails, or POLICY_COND_NONE. */
enum policy_cond policy_rule_first_failure(const struct policy_rule *rule,
    const struct policy_conn *c);

/* True when every condition of rule holds for c. */
bool policy_rule_matches(const struct policy_rule *rule, const struct policy_conn *c);

/* True when the time condition t (NULL: none) allows the instant now. */
bool policy_time_allows(const struct policy_time_cond *t, time_t now);

/*
 * The reference decision: the first of rules[0..n) (search order) that
 * matches c, or NULL (cleartext).  O(n).
 */
const struct policy_rule *policy_match_linear(const struct policy_rule *const *rules,
    size_t n, const struct policy_conn *c);

struct policy_matcher;

/*
 * Builds an index over rules[0..n), which must be in search order.  The
 * matcher copies the array of pointers but not the rules: they must outlive
 * it (rules from a policy_set live as long as the set).  On success *out is
 * a new matcher the caller frees with policy_matcher_free(); on failure
 * *out is NULL.  n may be 0.
 *
 * Returns AT_OK; AT_E_INPUT (a NULL rule, or more than UINT32_MAX - 1
 * rules); AT_E_TOOBIG (the index would pass 2^32 entries); AT_E_NOMEM.
 */
AT_MUST_CHECK enum at_rc policy_matcher_build(const struct policy_rule *const *rules,
    size_t n, struct policy_matcher **out, struct at_err *err);

/*
 * The rule c maps to, or NULL for none (cleartext); always the same answer
 * as policy_match_linear() over the rules the matcher was built from.  The
 * matcher is read-only here, so any number of threads may call this at
 * once.  Allocates nothing.
 */
const struct policy_rule *policy_match(const struct policy_matcher *m,
    const struct policy_conn *c);

/* Frees m.  NULL is a no-op. */
void policy_matcher_free(struct policy_matcher *m);

/* What the index looks like, for benchmarks and `policy explain`. */
struct policy_matcher_stats {
	size_t rules;        /* rules indexed */
	size_t keys;         /* distinct index keys */
	size_t entries;      /* rule references held under those keys */
	size_t unindexed;    /* rules (per direction) tried for every connection */
	size_t largest_list; /* longest single key list */
};

void policy_matcher_get_stats(const struct policy_matcher *m,
    struct policy_matcher_stats *out);

#endif
