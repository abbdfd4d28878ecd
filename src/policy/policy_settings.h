/*
 * policy_settings.h - the checks that keep "every setting is applied,
 * refused, or accepted with a warning that says it has no effect here".
 */
#ifndef ATTLS_POLICY_SETTINGS_H
#define ATTLS_POLICY_SETTINGS_H

#include "policy/policy_int.h"

/*
 * One parameter p of statement st where it is written: an error for a
 * setting attls cannot honour, a warning for one that has no effect.
 * Returns AT_OK or AT_E_NOMEM from the diagnostics.
 */
AT_MUST_CHECK enum at_rc policy_check_param(struct policy_diags *d,
    const struct policy_stmt *st, const struct policy_param *p);

/*
 * The effective actions a of rule (at loc): settings that would do less
 * than they say.  Returns AT_OK or AT_E_NOMEM from the diagnostics.
 */
AT_MUST_CHECK enum at_rc policy_check_rule_settings(struct policy_diags *d,
    const struct policy_loc *loc, const char *rule, const struct policy_actions *a);

/*
 * Where the effective actions a of rule rely on a default that differs
 * from z/OS's (the protocol versions), a warning saying so.  Returns AT_OK
 * or AT_E_NOMEM from the diagnostics.
 */
AT_MUST_CHECK enum at_rc policy_check_zos_defaults(struct policy_diags *d,
    const struct policy_loc *loc, const char *rule, const struct policy_actions *a);

#endif
