/*
 * str.h - length-carrying string views and the few comparisons the parsers
 * need.  A view never owns its bytes; it is valid as long as the text it
 * points into.
 */
#ifndef ATTLS_COMMON_STR_H
#define ATTLS_COMMON_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct at_str {
	const char *p;
	size_t len;
};

static inline struct at_str
at_str_c(const char *s)
{
	struct at_str v = { s, s == NULL ? 0 : strlen(s) };
	return v;
}

/* Case-sensitive and ASCII case-insensitive equality of a view and a C string. */
bool at_str_eq(struct at_str a, const char *b);
bool at_str_eq_ci(struct at_str a, const char *b);
bool at_str_has_prefix_ci(struct at_str a, const char *prefix);

/*
 * Copies v into dst (size dstsz) with a terminating NUL.  Returns false,
 * leaving dst as an empty string, when it does not fit.
 */
bool at_str_copy(char *dst, size_t dstsz, struct at_str v);

/* Damerau-free Levenshtein distance, ASCII case-insensitive, capped at 255. */
unsigned at_str_edit_distance_ci(const char *a, const char *b);

#endif
