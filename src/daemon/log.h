/*
 * log.h - attlsd's log: syslog (facility daemon, or auth when a group's
 * SyslogFacility says so) and, in the foreground, standard error.  Each
 * call writes one whole line, so lines from different threads never mix.
 *
 * Values in log lines come from programs and peers (job names, user ids,
 * certificate subjects, control requests).  So that none of them can forge
 * a line or hide part of one, every line is escaped once it is formatted,
 * in this one place: a control character (below 0x20, 0x7f, and the C1
 * controls U+0080..U+009F) and every byte that is not part of valid UTF-8
 * is written as \xHH, and a backslash as \\.  A line is therefore always
 * one line of printable UTF-8, and the escaping can be undone.
 */
#ifndef ATTLS_DAEMON_LOG_H
#define ATTLS_DAEMON_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "common/err.h"

/* to_stderr: also write lines to standard error (attlsd -f). */
void attlsd_log_open(bool to_stderr, bool to_syslog);
void attlsd_log_close(void);

/* prio is a syslog priority (LOG_ERR ...); auth selects LOG_AUTH. */
void attlsd_log(int prio, bool auth, const char *fmt, ...) AT_PRINTF(3, 4);

/*
 * In the TLS engine process: send every line to the parent over fd (a
 * link socket, link.h) instead of writing it, so that the engine opens
 * no syslog socket.  The parent writes it with attlsd_log_line().
 */
void attlsd_log_forward(int fd);

/* Writes one unescaped line of n bytes, escaping it (see above). */
void attlsd_log_line(int prio, bool auth, const char *msg, size_t n);

/*
 * Escapes len bytes at in as described above into out (outsz bytes, at
 * least 1), always NUL-terminated.  When out is too small the text is cut
 * at a whole character or escape, never inside one.  Returns the length
 * written, without the NUL.
 */
size_t attlsd_log_escape(const char *in, size_t len, char *out, size_t outsz);

/*
 * A string escaped the same way into buf (n bytes), for a value from a
 * program or a peer that goes into a reply a person reads (attls status,
 * attls netstat), where a newline could forge a line too.  Returns buf.
 */
const char *attlsd_escaped(const char *s, char *buf, size_t n);

#endif
