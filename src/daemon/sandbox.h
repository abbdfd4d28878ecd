/*
 * sandbox.h - what a TLS worker process gives up before it reads a byte
 * from the network: every privilege of its user (it becomes an unprivileged
 * user with no supplementary groups, checked after the change), the chance
 * to gain one back (PR_SET_NO_NEW_PRIVS), and every system call a relay
 * does not make (a seccomp allow-list; anything else kills the process).
 *
 * The worker must have opened everything it will ever use first: its
 * descriptors arrive later only by recvmsg(SCM_RIGHTS) from the parent, and
 * its log lines leave through a descriptor it already holds.  The sandbox
 * cannot open a file, create a socket, connect, start a program, trace
 * another process or create a thread.
 */
#ifndef ATTLS_DAEMON_SANDBOX_H
#define ATTLS_DAEMON_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * Drops to uid/gid (neither may be 0) for real, effective and saved ids,
 * with no supplementary groups, and checks that each id changed and that
 * root cannot be regained.  The caller must be root (or already uid/gid).
 * Returns AT_OK, AT_E_INPUT for a uid or gid of 0, AT_E_IO when a change
 * fails or does not hold.
 */
AT_MUST_CHECK enum at_rc attlsd_sandbox_drop_user(uid_t uid, gid_t gid,
    struct at_err *err);

/*
 * Installs the worker's seccomp allow-list on every thread of the process
 * (see sandbox.c for the list and why each call is on it).
 */
AT_MUST_CHECK enum at_rc attlsd_sandbox_filter(struct at_err *err);

/* attlsd_sandbox_drop_user() then attlsd_sandbox_filter(): irreversible. */
AT_MUST_CHECK enum at_rc attlsd_sandbox_enter(uid_t uid, gid_t gid,
    struct at_err *err);

/* The worker's allow-list, for tests and documentation: *n receives its length. */
const int *attlsd_sandbox_allowed(size_t *n);

#endif
