/*
 * io.h - moving control messages and descriptors over the control socket.
 * Used by attlsd, by the attls command and by the preloaded shim, so it
 * depends on nothing but libc (no OpenSSL in a process that did not ask
 * for it).
 */
#ifndef ATTLS_CTL_IO_H
#define ATTLS_CTL_IO_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"

/* The default control socket, used when ATTLS_SOCKET is not set. */
#define CTL_DEFAULT_SOCKET "/run/attls/attlsd.sock"

/*
 * ATTLS_SOCKET when set and not empty, else CTL_DEFAULT_SOCKET.  In
 * secure-execution mode (a set-user-ID or file-capability program,
 * getauxval(AT_SECURE)) always CTL_DEFAULT_SOCKET.
 */
const char *ctl_socket_path(void);

/* Who sent a message, as the kernel vouches for it (SCM_CREDENTIALS). */
struct ctl_cred {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/*
 * Sends one whole encoded message with up to CTL_MAX_FDS descriptors
 * (which stay open in the sender) and the sender's credentials (process
 * id, effective user and group; SCM_CREDENTIALS).  Never raises SIGPIPE.
 * Returns AT_OK, AT_E_IO (the message says why), AT_E_INPUT (too many
 * fds), AT_E_BUSY (a non-blocking socket whose peer is not reading).
 */
AT_MUST_CHECK enum at_rc ctl_send(int sock, const struct at_buf *msg, const int *fds,
    size_t nfds, struct at_err *err);

/*
 * Receives one message into in (emptied first; its maximum must be at
 * least CTL_MSG_MAX) and the descriptors that came with it, close-on-exec,
 * into fds[0..*nfds) (fds has room for CTL_MAX_FDS; any more are closed).
 * timeout_ms < 0 waits without limit.  A message cut short by the buffer
 * is refused and its descriptors closed.
 * Returns AT_OK; AT_E_IO (EOF is reported as "closed"); AT_E_BUSY on
 * timeout (or nothing to read on a non-blocking socket); AT_E_INPUT for a
 * truncated message or one with more than CTL_MAX_FDS descriptors.  On
 * every error no received descriptor stays open.
 */
AT_MUST_CHECK enum at_rc ctl_recv(int sock, struct at_buf *in, int *fds, size_t *nfds,
    int timeout_ms, struct at_err *err);

/*
 * ctl_recv, and when cred is not NULL the sender's credentials too: the
 * receiving socket must have SO_PASSCRED set, and a message that arrives
 * without credentials is refused (AT_E_INPUT, descriptors closed).
 */
AT_MUST_CHECK enum at_rc ctl_recv_cred(int sock, struct at_buf *in, int *fds,
    size_t *nfds, struct ctl_cred *cred, int timeout_ms, struct at_err *err);

/*
 * Connects a new close-on-exec SOCK_SEQPACKET socket to path.  connect_fn
 * is the connect(2) to use: the shim passes the real one so it never
 * intercepts its own control connection.
 */
AT_MUST_CHECK enum at_rc ctl_connect(const char *path,
    int (*connect_fn)(int, const struct sockaddr *, socklen_t), int *out,
    struct at_err *err);

/*
 * ctl_connect waiting at most timeout_ms (< 0: no limit) for the daemon to
 * take the connection, which it may not when its backlog is full.  The
 * connected socket keeps SO_SNDTIMEO at timeout_ms, so a send to a daemon
 * that stopped reading fails with EAGAIN instead of blocking.  Returns
 * AT_OK, AT_E_BUSY when the time ran out, AT_E_IO (errno says why, e.g.
 * ENOENT or ECONNREFUSED when nothing listens), AT_E_INPUT (path too long).
 */
AT_MUST_CHECK enum at_rc ctl_connect_timed(const char *path,
    int (*connect_fn)(int, const struct sockaddr *, socklen_t), int timeout_ms, int *out,
    struct at_err *err);

#endif
