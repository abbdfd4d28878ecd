/*
 * match.h - generic profile names in general-resource classes.
 *
 *   %   exactly one character (not '.')
 *   *   as a whole qualifier before the end: exactly one qualifier;
 *       inside a qualifier: zero or more characters of that qualifier;
 *       ending the name: zero or more characters to the end, further
 *       qualifiers included (so ABC.* needs at least one more qualifier)
 *   **  as a whole qualifier: zero or more qualifiers (alone: everything)
 */
#ifndef ATTLS_SAF_MATCH_H
#define ATTLS_SAF_MATCH_H

#include <stdbool.h>

/* Whether name holds a generic character (%, *). */
bool saf_is_generic(const char *name);

/* Whether generic profile pattern covers resource name. */
bool saf_generic_match(const char *pattern, const char *name);

/*
 * Orders two generic profiles by specificity: > 0 when a is more specific
 * than b, < 0 when less, 0 when equal.  Left to right, at the first
 * difference a literal character beats %, % beats *, * beats **; a
 * pattern that goes on beats one that has ended.
 */
int saf_generic_cmp(const char *a, const char *b);

#endif
