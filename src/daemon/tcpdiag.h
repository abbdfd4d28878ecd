/*
 * tcpdiag.h - every TCP socket of the host, as the kernel's socket
 * diagnostics (NETLINK_SOCK_DIAG, inet_diag) report them: the addresses,
 * the TCP state, the owning uid and the inode, for the netstat view.
 * Only root (or CAP_NET_ADMIN) sees other users' sockets' inodes and
 * uids reliably, which attlsd is; the visibility rule is applied above.
 */
#ifndef ATTLS_DAEMON_TCPDIAG_H
#define ATTLS_DAEMON_TCPDIAG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "ctl/proto.h"

struct attlsd_tcp {
	struct ctl_addrs addrs;  /* IPv4 as v4-mapped, family AF_INET */
	uint64_t inode;
	uid_t uid;
	uint8_t state;           /* TCP_ESTABLISHED ... (netinet/tcp.h) */
};

/*
 * Lists the TCP sockets of the host, IPv4 and IPv6, in every state.  On
 * success *out is a new array of *n entries the caller frees.
 */
AT_MUST_CHECK enum at_rc attlsd_tcp_list(struct attlsd_tcp **out, size_t *n,
    struct at_err *err);

/* The netstat name of a TCP state ("Establsh" style is z/OS's; these are Linux's). */
const char *attlsd_tcp_state_name(uint8_t state);

/*
 * The job name (upper-cased command name, as the shim derives it) of the
 * process holding the socket with inode ino, by looking through /proc;
 * names[i] is filled for inodes[i] ("" when no process shows it).
 */
void attlsd_tcp_jobnames(const uint64_t *inodes, size_t n, char (*names)[CTL_NAME_MAX + 1]);

#endif
