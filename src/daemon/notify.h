/*
 * notify.h - tells the service manager how a daemon is doing, the systemd
 * way (sd_notify(3)), without linking libsystemd: one datagram with a
 * state line such as "READY=1" or "STOPPING=1" to the socket named by
 * $NOTIFY_SOCKET.  Without $NOTIFY_SOCKET (not started by systemd, or a
 * unit that is not Type=notify) it does nothing.  Uses libc only, so any
 * attls daemon can compile it in.
 */
#ifndef ATTLS_DAEMON_NOTIFY_H
#define ATTLS_DAEMON_NOTIFY_H

#include "common/err.h"

/*
 * Sends state (for example "READY=1") to $NOTIFY_SOCKET: a path, or an
 * abstract socket written with a leading '@'.  Returns AT_OK when it was
 * sent or when there is no $NOTIFY_SOCKET; AT_E_INPUT when the variable
 * names no usable socket address; AT_E_IO when sending fails.  A daemon
 * logs a failure and carries on: the service manager then times the start
 * out, which is what it should see.
 */
AT_MUST_CHECK enum at_rc attlsd_notify(const char *state, struct at_err *err);

#endif
