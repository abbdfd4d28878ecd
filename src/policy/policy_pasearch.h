/*
 * policy_pasearch.h - an installed policy in the layout of z/OS `pasearch
 * -t`: a header naming the instance, then for every rule in search order
 * its policyRule block (type, version, status, priority, its actions and
 * its condition summary) and its resolved actions.  Or the same as one
 * JSON object.  Used by attlsd for `attls pasearch` / `attls policy show
 * --installed`.
 */
#ifndef ATTLS_POLICY_PASEARCH_H
#define ATTLS_POLICY_PASEARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "common/buf.h"
#include "common/err.h"
#include "policy/policy.h"

struct policy_pasearch_info {
	const char *image;       /* the stack ("Image Name"); never NULL */
	uint64_t generation;     /* the installed generation */
	time_t installed;        /* when it was installed */
	time_t now;              /* the report's date and time */
};

/*
 * Appends the report for set to out.  Returns AT_OK, AT_E_TOOBIG /
 * AT_E_NOMEM from the buffer, or what policy_actions_format() returns.
 */
AT_MUST_CHECK enum at_rc policy_pasearch_format(const struct policy_set *set,
    const struct policy_pasearch_info *info, bool json, struct at_buf *out,
    struct at_err *err);

#endif
