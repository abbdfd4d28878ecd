/*
 * log.c - attls-safd's log: syslog with facility authpriv (the lines name
 * users and say who failed to sign on) and, in the foreground, standard
 * error.  Every byte outside printable ASCII is written as \xHH, so a
 * value a caller sent can neither start a line nor hide part of one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "safd/safd.h"

static bool to_stderr;

void
safd_log_init(bool foreground)
{
	to_stderr = foreground;
	openlog("attls-safd", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
}

void
safd_log(int prio, const char *fmt, ...)
{
	char line[2048], out[4 * 2048 + 1];
	size_t i, o = 0;
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; line[i] != '\0' && o + 5 < sizeof(out); i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == '\\' || c < 0x20 || c >= 0x7f) {
			(void)snprintf(out + o, 5, c == '\\' ? "\\\\" : "\\x%02X",
			    c);
			o += c == '\\' ? 2 : 4;
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	syslog(prio, "%s", out);
	if (to_stderr) {
		fprintf(stderr, "attls-safd: %s\n", out);
		fflush(stderr);
	}
}
