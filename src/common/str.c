/*
 * str.c - string views.  The edit distance feeds "did you mean" hints for
 * misspelt keywords, so it favours clarity over speed.
 */
#include "common/str.h"

#include <ctype.h>

static int
lower(char c)
{
	return tolower((unsigned char)c);
}

bool
at_str_eq(struct at_str a, const char *b)
{
	size_t n = strlen(b);

	return a.len == n && (n == 0 || memcmp(a.p, b, n) == 0);
}

bool
at_str_eq_ci(struct at_str a, const char *b)
{
	size_t n = strlen(b);
	size_t i;

	if (a.len != n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(a.p[i]) != lower(b[i]))
			return false;
	return true;
}

bool
at_str_has_prefix_ci(struct at_str a, const char *prefix)
{
	size_t n = strlen(prefix);
	size_t i;

	if (a.len < n)
		return false;
	for (i = 0; i < n; i++)
		if (lower(a.p[i]) != lower(prefix[i]))
			return false;
	return true;
}

bool
at_str_copy(char *dst, size_t dstsz, struct at_str v)
{
	if (dstsz == 0)
		return false;
	if (v.len >= dstsz) {
		dst[0] = '\0';
		return false;
	}
	if (v.len > 0)
		memcpy(dst, v.p, v.len);
	dst[v.len] = '\0';
	return true;
}

unsigned
at_str_edit_distance_ci(const char *a, const char *b)
{
	enum { MAXL = 64 };
	unsigned row[MAXL + 1];
	size_t la = strlen(a), lb = strlen(b);
	size_t i, j;

	if (la > MAXL || lb > MAXL)
		return 255;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0];

		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (lower(a[i - 1]) != lower(b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb] > 255 ? 255 : row[lb];
}
