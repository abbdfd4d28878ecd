/*
 * num.c - strict decimal and hex parsing without strtol's silent leniency
 * (leading blanks, signs, trailing junk).
 */
#include "common/num.h"

static int
digit_value(char c, unsigned base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned)v < base ? v : -1;
}

static enum at_rc
parse(struct at_str text, unsigned base, uint64_t min, uint64_t max,
    const char *what, uint64_t *out, struct at_err *err)
{
	uint64_t v = 0;
	size_t i;

	if (text.len == 0)
		return at_err_setx(err, AT_E_INPUT, "%s: a number is required", what);
	for (i = 0; i < text.len; i++) {
		int d = digit_value(text.p[i], base);

		if (d < 0)
			return at_err_setx(err, AT_E_INPUT, "%s: '%.*s' is not a %s number",
			    what, (int)text.len, text.p, base == 10 ? "decimal" : "hexadecimal");
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return at_err_setx(err, AT_E_INPUT, "%s: '%.*s' is too large (at most %llu)",
			    what, (int)text.len, text.p, (unsigned long long)max);
		v = v * base + (uint64_t)d;
	}
	if (v < min || v > max)
		return at_err_setx(err, AT_E_INPUT, "%s: %llu is out of range (%llu to %llu)",
		    what, (unsigned long long)v, (unsigned long long)min,
		    (unsigned long long)max);
	*out = v;
	return AT_OK;
}

enum at_rc
at_parse_u64(struct at_str text, uint64_t min, uint64_t max, const char *what,
    uint64_t *out, struct at_err *err)
{
	return parse(text, 10, min, max, what, out, err);
}

enum at_rc
at_parse_hex_u64(struct at_str text, uint64_t min, uint64_t max, const char *what,
    uint64_t *out, struct at_err *err)
{
	return parse(text, 16, min, max, what, out, err);
}
