/*
 * err_int.h - formatting helpers shared by err.c and err_ssl.c; not for
 * use outside src/common/.
 */
#ifndef ATTLS_COMMON_ERR_INT_H
#define ATTLS_COMMON_ERR_INT_H

#include <stdarg.h>

#include "common/err.h"

/* Sets err->rc and formats the message, marking a cut with "...". */
void at_err_vformat(struct at_err *err, enum at_rc rc, const char *fmt, va_list ap)
	AT_PRINTF(3, 0);
/* Appends text to err->msg, marking a cut with "...". */
void at_err_append(struct at_err *err, const char *text);
/* Marks err->msg as cut when n (a formatted length) did not fit. */
void at_err_mark_truncated(struct at_err *err, int n);

#endif
