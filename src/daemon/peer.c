/*
 * peer.c - a control client's credentials, and opening a file as that
 * client (see peer.h).
 */
#define _GNU_SOURCE /* struct ucred, SO_PEERGROUPS, setresuid */
#include "daemon/peer.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long the child may take to open a file (a hung network mount). */
#define OPEN_TIMEOUT_MS 5000

/* What the child reports: the step that failed, and errno. */
enum open_step { STEP_OK, STEP_GROUPS, STEP_GID, STEP_UID, STEP_OPEN };

struct open_result {
	int step;
	int errnum;
};

enum at_rc
attlsd_peer_from_socket(int fd, struct attlsd_peer *p, struct at_err *err)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	memset(p, 0, sizeof(*p));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return at_err_set(err, AT_E_IO, "reading the client's credentials");
	p->uid = cred.uid;
	p->gid = cred.gid;
#ifdef SO_PEERGROUPS
	/* On ERANGE (more groups than we keep) the kernel fills nothing in:
	 * the program is then checked with no supplementary group at all,
	 * which can only refuse. */
	len = (socklen_t)sizeof(p->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) == 0 &&
	    len <= sizeof(p->groups))
		p->ngroups = len / sizeof(gid_t);
	else
		memset(p->groups, 0, sizeof(p->groups));
#endif
	return AT_OK;
}

bool
attlsd_peer_same(const struct attlsd_peer *a, const struct attlsd_peer *b)
{
	return a->uid == b->uid && a->gid == b->gid && a->ngroups == b->ngroups &&
	    memcmp(a->groups, b->groups, a->ngroups * sizeof(gid_t)) == 0;
}

static int
open_ring(const char *path)
{
	/* O_NONBLOCK: a FIFO put where a ring is named must not hang us. */
	return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

/*
 * The child: become p, open path, send the result (and the descriptor)
 * on sock.  Only system calls here: the parent has threads, and this copy
 * of it has one.
 */
static void __attribute__((noreturn))
child_open(const struct attlsd_peer *p, const char *path, int sock)
{
	struct open_result r = { STEP_OK, 0 };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &r, .iov_len = sizeof(r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	int fd = -1;

	/* Groups first, then gid, then uid: after setresuid no way back. */
	if (setgroups(p->ngroups, p->groups) != 0)
		r.step = STEP_GROUPS;
	else if (setresgid(p->gid, p->gid, p->gid) != 0)
		r.step = STEP_GID;
	else if (setresuid(p->uid, p->uid, p->uid) != 0)
		r.step = STEP_UID;
	else if ((fd = open_ring(path)) < 0)
		r.step = STEP_OPEN;
	if (r.step != STEP_OK) {
		r.errnum = errno;
	} else {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	(void)sendmsg(sock, &msg, MSG_NOSIGNAL);
	_exit(0);
}

/* Reads the child's answer; *fd is the descriptor it sent, or -1. */
static enum at_rc
read_answer(int sock, struct open_result *r, int *fd, struct at_err *err)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct pollfd pf = { .fd = sock, .events = POLLIN };
	struct cmsghdr *cm;
	ssize_t n;
	int rc;

	*fd = -1;
	do
		rc = poll(&pf, 1, OPEN_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return at_err_setx(err, AT_E_IO, "opening the file took more than %d ms",
		    OPEN_TIMEOUT_MS);
	if (rc < 0)
		return at_err_set(err, AT_E_IO, "waiting for the file to open");
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&msg); n >= 0 && cm != NULL; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (n != (ssize_t)sizeof(*r) || (msg.msg_flags & MSG_CTRUNC) != 0 ||
	    (r->step == STEP_OK) != (*fd >= 0)) {
		if (*fd >= 0)
			(void)close(*fd);
		*fd = -1;
		return at_err_setx(err, AT_E_IO, "the process opening the file gave no answer");
	}
	return AT_OK;
}

static enum at_rc
open_in_child(const struct attlsd_peer *p, const char *path, int *fd, struct at_err *err)
{
	struct open_result r = { STEP_OK, 0 };
	enum at_rc rc;
	pid_t pid;
	int sv[2], status;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return at_err_set(err, AT_E_IO, "making a socket pair");
	pid = fork();
	if (pid < 0) {
		(void)close(sv[0]);
		(void)close(sv[1]);
		return at_err_set(err, AT_E_IO, "starting a process to open the file as uid %lu",
		    (unsigned long)p->uid);
	}
	if (pid == 0) {
		(void)close(sv[0]);
		child_open(p, path, sv[1]);
	}
	(void)close(sv[1]);
	rc = read_answer(sv[0], &r, fd, err);
	(void)close(sv[0]);
	if (rc != AT_OK)
		(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc != AT_OK)
		return rc;
	switch (r.step) {
	case STEP_OK:
		return AT_OK;
	case STEP_OPEN:
		errno = r.errnum;
		return at_err_set(err, r.errnum == EACCES || r.errnum == EPERM ? AT_E_DENIED :
		    AT_E_IO, "uid %lu (gid %lu) cannot open it", (unsigned long)p->uid,
		    (unsigned long)p->gid);
	default:
		errno = r.errnum;
		return at_err_set(err, AT_E_IO, "attlsd cannot take the identity of uid %lu "
		    "to open it", (unsigned long)p->uid);
	}
}

enum at_rc
attlsd_peer_open(const struct attlsd_peer *p, const char *path, int *fd, struct at_err *err)
{
	struct stat st;
	enum at_rc rc;

	*fd = -1;
	if (geteuid() == 0) {
		rc = open_in_child(p, path, fd, err);
	} else if (p->uid == geteuid()) {
		/* Not root: attlsd is this user already, and can be nobody else. */
		*fd = open_ring(path);
		rc = *fd >= 0 ? AT_OK : at_err_set(err, errno == EACCES || errno == EPERM ?
		    AT_E_DENIED : AT_E_IO, "uid %lu cannot open it", (unsigned long)p->uid);
	} else {
		rc = at_err_setx(err, AT_E_DENIED, "attlsd does not run as root, so it cannot "
		    "check whether uid %lu may open it", (unsigned long)p->uid);
	}
	if (rc != AT_OK)
		return rc;
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		(void)close(*fd);
		*fd = -1;
		return at_err_setx(err, AT_E_INPUT, "it is not a regular file");
	}
	return AT_OK;
}
