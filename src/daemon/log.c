/*
 * log.c - the log sinks.  Standard error gets a timestamp and one write(2)
 * per line; syslog is thread-safe on its own.  Every line is escaped here
 * (see log.h), after formatting, so that no caller can forget to.
 */
#define _DEFAULT_SOURCE /* gmtime_r */
#include "daemon/log.h"
#include "daemon/link.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The longest message kept, before escaping; the escaped form is at most
 * four times as long. */
#define LOG_MSG_MAX 2048

static bool log_stderr = true;
static bool log_syslog;
static int log_forward = -1;   /* the engine's log link, or -1 */

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

/*
 * The length of the valid UTF-8 sequence at p (at most n bytes), or 0 when
 * p does not start one.  Overlong forms, surrogates and code points past
 * U+10FFFF are not valid.
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	/* C1 controls (U+0080..U+009F) act as line breaks in some viewers. */
	if (len == 2 && p[0] == 0xc2 && p[1] < 0xa0)
		return 0;
	return len;
}

size_t
attlsd_log_escape(const char *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, n;

	while (i < len) {
		if (p[i] == '\\') {
			if (o + 2 >= outsz)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
			i++;
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)p[i++];
		} else if ((n = utf8_len(p + i, len - i)) > 0) {
			if (o + n >= outsz)
				break;
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			if (o + 4 >= outsz)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[p[i] >> 4];
			out[o++] = hex[p[i] & 15];
			i++;
		}
	}
	out[o] = '\0';
	return o;
}

void
attlsd_log(int prio, bool auth, const char *fmt, ...)
{
	char msg[LOG_MSG_MAX];
	va_list ap;
	size_t n;
	int m;

	va_start(ap, fmt);
	m = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n = (size_t)m < sizeof(msg) ? (size_t)m : sizeof(msg) - 1;
	if (log_forward >= 0) {
		struct link_log l = { .prio = prio, .auth = auth };
		struct at_err err;

		/* Unescaped: the parent escapes it once, as its own lines. */
		if (link_send(log_forward, LINK_LOG, &l, sizeof(l), msg, n, NULL, 0,
		    &err) != AT_OK)
			return; /* the parent is gone, and with it the log */
		return;
	}
	attlsd_log_line(prio, auth, msg, n);
}

void
attlsd_log_forward(int fd)
{
	log_forward = fd;
}

void
attlsd_log_line(int prio, bool auth, const char *msg, size_t n)
{
	char line[64 + 4 * LOG_MSG_MAX + 2];
	struct timespec ts;
	struct tm tm;
	size_t head;

	if (n > LOG_MSG_MAX - 1)
		n = LOG_MSG_MAX - 1;
	head = 0;
	if (log_stderr) {
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		(void)gmtime_r(&ts.tv_sec, &tm);
		head = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	}
	n = head + attlsd_log_escape(msg, n, line + head, sizeof(line) - head - 1);
	if (log_syslog)
		syslog(prio | (auth ? LOG_AUTH : LOG_DAEMON), "%s", line + head);
	if (!log_stderr)
		return;
	line[n++] = '\n';
	/* One write per line; a short write to a terminal is not worth a retry. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

const char *
attlsd_escaped(const char *s, char *buf, size_t n)
{
	(void)attlsd_log_escape(s, strlen(s), buf, n);
	return buf;
}
