/*
 * ezd.h - the AT-TLS log messages, in the layouts z/OS operators search
 * for: EZD1281I (a connection mapped to a rule), EZD1283I (an event with
 * its return code), EZD1286I (an error), EZD1287I (the same error for the
 * job log, i.e. standard error here).
 *
 * Which are written follows the rule's Trace bits: 1 errors as EZD1287I,
 * 2 errors as EZD1286I (the default), 4 mapping (EZD1281I) and the end of
 * the initial handshake (EZD1283I, as the z/OS labs show at Trace 7),
 * 8 every other event (EZD1283I) and the start of each (EZD1282I),
 * 16 the TLS library calls (EZD1284I, and EZD1282I), 32 how many bytes
 * each relay pass moved (EZD1285I: counts only, never the data, at any
 * Trace value).  Bits 64 and 128 write nothing.  docs/daemon.md lists
 * the fields and where they differ from z/OS.
 */
#ifndef ATTLS_DAEMON_EZD_H
#define ATTLS_DAEMON_EZD_H

#include <stdint.h>

struct attlsd_conn;

void ezd_map(const struct attlsd_conn *c);
void ezd_handshake_done(const struct attlsd_conn *c, const char *protocol, uint16_t cipher);
void ezd_conn_error(const struct attlsd_conn *c, int rc, const char *event, const char *why);
void ezd_conn_close(const struct attlsd_conn *c);
/* The initial handshake begins (EZD1282I). */
void ezd_handshake_start(const struct attlsd_conn *c);
/* A TLS library call, or a value got from it (EZD1284I); what is
 * "Call", "Get" or "Set". */
void ezd_flow(const struct attlsd_conn *c, int rc, const char *what, const char *func,
    const char *data);
/* One relay pass moved out bytes to the partner and in from it (EZD1285I). */
void ezd_data(const struct attlsd_conn *c, uint64_t out, uint64_t in);
/* TLS ended on the program's request (TTLS_STOP_CONNECTION). */
void ezd_conn_stop(const struct attlsd_conn *c);

/*
 * An environment (key ring, context) could not be built for a rule:
 * logged with CONNID 00000000 and no addresses, as z/OS does for RC 202.
 */
void ezd_env_error(uint32_t trace, uint32_t grpid, uint32_t envid, const char *userid,
    int rc, const char *event, const char *why);

#endif
