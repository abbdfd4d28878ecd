/* match.c - generic profile matching and specificity. */
#include "saf/match.h"

#include <string.h>

bool
saf_is_generic(const char *name)
{
	return strpbrk(name, "%*") != NULL;
}

static bool
qual_start(const char *pat, const char *p)
{
	return p == pat || p[-1] == '.';
}

static bool
match_at(const char *pat, const char *p, const char *n, int depth)
{
	if (depth > 64)
		return false;
	for (;;) {
		if (*p == '\0')
			return *n == '\0';
		/* ".**" at the end also matches zero qualifiers. */
		if (strcmp(p, ".**") == 0 && *n == '\0')
			return true;
		if (p[0] == '*' && p[1] == '*' && qual_start(pat, p) &&
		    (p[2] == '.' || p[2] == '\0')) {
			if (p[2] == '\0')
				return true;
			if (match_at(pat, p + 3, n, depth + 1))
				return true;
			/* Consume one qualifier and try again. */
			if (*n == '\0' || *n == '.')
				return false;
			while (*n != '\0' && *n != '.')
				n++;
			if (*n == '\0')
				return false;
			n++;
			continue;
		}
		if (p[0] == '*' && p[1] == '\0') {
			if (qual_start(pat, p) && *n == '\0')
				return false;
			return true;
		}
		if (p[0] == '*' && qual_start(pat, p) && p[1] == '.') {
			if (*n == '\0' || *n == '.')
				return false;
			while (*n != '\0' && *n != '.')
				n++;
			p++;
			continue;
		}
		if (p[0] == '*') {
			/* Zero or more characters inside this qualifier. */
			const char *q = n;

			for (;;) {
				if (match_at(pat, p + 1, q, depth + 1))
					return true;
				if (*q == '\0' || *q == '.')
					return false;
				q++;
			}
		}
		if (p[0] == '%') {
			if (*n == '\0' || *n == '.')
				return false;
		} else if (*p != *n) {
			return false;
		}
		p++;
		n++;
	}
}

bool
saf_generic_match(const char *pattern, const char *name)
{
	return match_at(pattern, pattern, name, 0);
}

/* Rank of the token at p; *len is its length. */
static int
token(const char *p, size_t *len)
{
	*len = 1;
	if (*p == '\0') {
		*len = 0;
		return 0;
	}
	if (p[0] == '*' && p[1] == '*') {
		*len = 2;
		return 1;
	}
	if (p[0] == '*')
		return 2;
	if (p[0] == '%')
		return 3;
	return 4;
}

int
saf_generic_cmp(const char *a, const char *b)
{
	size_t la, lb;
	int ra, rb;

	for (;;) {
		ra = token(a, &la);
		rb = token(b, &lb);
		if (ra == 0 && rb == 0)
			return 0;
		if (ra != rb)
			return ra - rb;
		if (ra == 4 && *a != *b)
			return 0;
		a += la;
		b += lb;
	}
}
