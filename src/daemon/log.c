/*
 * log.c - the log sinks.  Standard error gets a timestamp and one write(2)
 * per line; syslog is thread-safe on its own.
 */
#define _DEFAULT_SOURCE /* vsyslog */
#include "daemon/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool log_stderr = true;
static bool log_syslog;

void
attlsd_log_open(bool to_stderr, bool to_syslog)
{
	log_stderr = to_stderr;
	log_syslog = to_syslog;
	if (to_syslog)
		openlog("attlsd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
attlsd_log_close(void)
{
	if (log_syslog)
		closelog();
}

void
attlsd_log(int prio, bool auth, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int head, n;

	if (log_syslog) {
		va_start(ap, fmt);
		vsyslog(prio | (auth ? LOG_AUTH : LOG_DAEMON), fmt, ap);
		va_end(ap);
	}
	if (!log_stderr)
		return;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	(void)gmtime_r(&ts.tv_sec, &tm);
	head = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	va_start(ap, fmt);
	n = vsnprintf(line + head, sizeof(line) - (size_t)head - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += head;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line; a short write to a terminal is not worth a retry. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
