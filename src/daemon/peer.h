/*
 * peer.h - the Linux credentials of a program at the other end of the
 * control socket, as the kernel recorded them when it connected
 * (SO_PEERCRED, SO_PEERGROUPS), and opening a file with them.
 *
 * A file key ring is used for a connection only when the connection's
 * user could open the file: attlsd, which runs as root, opens it in a
 * short-lived child that has become that user (uid, gid and supplementary
 * groups), so every directory on the path, the file's mode, its ACLs and
 * any security module decide exactly as they would for the program.
 */
#ifndef ATTLS_DAEMON_PEER_H
#define ATTLS_DAEMON_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * A program with more supplementary groups than this is checked with none
 * of them, which can only refuse.
 */
#define ATTLSD_PEER_GROUPS_MAX 256

struct attlsd_peer {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[ATTLSD_PEER_GROUPS_MAX];
};

/*
 * The credentials of the process that connected the AF_UNIX socket fd.
 * Without SO_PEERGROUPS (kernels before 4.13), or with more groups than
 * ATTLSD_PEER_GROUPS_MAX, ngroups is 0: fewer rights, never more.
 */
AT_MUST_CHECK enum at_rc attlsd_peer_from_socket(int fd, struct attlsd_peer *p,
    struct at_err *err);

/* True when a and b are the same credentials (groups in the same order). */
bool attlsd_peer_same(const struct attlsd_peer *a, const struct attlsd_peer *b);

/*
 * Opens path read-only as p would: in a child that takes p's groups, gid
 * and uid before it opens the file and hands the descriptor back.  An
 * attlsd that does not run as root cannot become another user and opens
 * only for its own uid.  On success *fd is the caller's (close-on-exec, a
 * regular file).  AT_E_DENIED: p may not open it (err says why, with errno's
 * text); AT_E_IO: attlsd could not check.
 */
AT_MUST_CHECK enum at_rc attlsd_peer_open(const struct attlsd_peer *p, const char *path,
    int *fd, struct at_err *err);

#endif
