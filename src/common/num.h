/*
 * num.h - strict number parsing (the strtonum habit): the whole text must be
 * a number in [min, max], or the call fails with a message naming `what`.
 */
#ifndef ATTLS_COMMON_NUM_H
#define ATTLS_COMMON_NUM_H

#include <stdint.h>

#include "common/err.h"
#include "common/str.h"

/* Decimal digits only (no sign, no blanks). */
AT_MUST_CHECK enum at_rc at_parse_u64(struct at_str text, uint64_t min, uint64_t max,
    const char *what, uint64_t *out, struct at_err *err);

/* Hexadecimal digits only, no 0x prefix. */
AT_MUST_CHECK enum at_rc at_parse_hex_u64(struct at_str text, uint64_t min, uint64_t max,
    const char *what, uint64_t *out, struct at_err *err);

#endif
