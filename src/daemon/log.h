/*
 * log.h - attlsd's log: syslog (facility daemon, or auth when a group's
 * SyslogFacility says so) and, in the foreground, standard error.  Each
 * call writes one whole line, so lines from different threads never mix.
 */
#ifndef ATTLS_DAEMON_LOG_H
#define ATTLS_DAEMON_LOG_H

#include <stdbool.h>
#include <syslog.h>

#include "common/err.h"

/* to_stderr: also write lines to standard error (attlsd -f). */
void attlsd_log_open(bool to_stderr, bool to_syslog);
void attlsd_log_close(void);

/* prio is a syslog priority (LOG_ERR ...); auth selects LOG_AUTH. */
void attlsd_log(int prio, bool auth, const char *fmt, ...) AT_PRINTF(3, 4);

#endif
