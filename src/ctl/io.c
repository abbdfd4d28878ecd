/*
 * io.c - sendmsg/recvmsg with SCM_RIGHTS and SCM_CREDENTIALS for the
 * control protocol.
 */
#define _GNU_SOURCE /* struct ucred */
#include "ctl/io.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/proto.h"

const char *
ctl_socket_path(void)
{
	const char *p;

	/* A set-user-ID program must not be pointed at a socket its caller
	 * chose: that listener would be handed the program's connections. */
	if (getauxval(AT_SECURE) != 0)
		return CTL_DEFAULT_SOCKET;
	p = getenv("ATTLS_SOCKET");
	return p != NULL && p[0] != '\0' ? p : CTL_DEFAULT_SOCKET;
}

/*
 * Every message carries the sender's credentials (SCM_CREDENTIALS), so
 * the daemon knows who asks at the moment of each request, not who
 * opened the connection: a process that changed its user since keeps no
 * authority it gave up.  The kernel refuses credentials the sender does
 * not hold.  The socket is the caller's: when it is non-blocking a full
 * peer gives AT_E_BUSY rather than a wait.
 */
enum at_rc
ctl_send(int sock, const struct at_buf *msg, const int *fds, size_t nfds,
    struct at_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(sizeof(int) * CTL_MAX_FDS)];
		struct cmsghdr align;
	} control;
	struct ucred uc;
	struct cmsghdr *cm;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;

	if (nfds > CTL_MAX_FDS)
		return at_err_setx(err, AT_E_INPUT, "at most %d descriptors per message",
		    CTL_MAX_FDS);
	memset(&mh, 0, sizeof(mh));
	memset(&control, 0, sizeof(control));
	iov.iov_base = msg->data;
	iov.iov_len = msg->len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(uc)) +
	    (nfds > 0 ? CMSG_SPACE(sizeof(int) * nfds) : 0);
	uc.pid = getpid();
	uc.uid = geteuid();
	uc.gid = getegid();
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(uc));
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	if (nfds > 0) {
		cm = CMSG_NXTHDR(&mh, cm);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return at_err_setx(err, AT_E_BUSY, "the control socket's peer is not reading");
	if (n < 0)
		return at_err_set(err, AT_E_IO, "sending to the control socket");
	if ((size_t)n != msg->len)
		return at_err_setx(err, AT_E_IO, "control message sent in part");
	return AT_OK;
}

/*
 * Takes every descriptor out of every SCM_RIGHTS block, wherever it sits
 * among the control messages: the first CTL_MAX_FDS into fds, the rest
 * closed, so nothing a sender slips in stays open here.  Takes the first
 * SCM_CREDENTIALS block into *cred.  Returns the number of descriptors
 * the sender sent in all.
 */
static size_t
take_cmsgs(struct msghdr *mh, int *fds, size_t *nfds, struct ucred *cred, bool *have_cred)
{
	struct cmsghdr *cm;
	size_t total = 0;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_len < CMSG_LEN(0))
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(*cred))) {
			if (!*have_cred)
				memcpy(cred, CMSG_DATA(cm), sizeof(*cred));
			*have_cred = true;
			continue;
		}
		if (cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			total++;
			if (*nfds < CTL_MAX_FDS)
				fds[(*nfds)++] = fd;
			else
				(void)close(fd);
		}
	}
	return total;
}

static void
close_all(int *fds, size_t *nfds)
{
	size_t i;

	for (i = 0; i < *nfds; i++)
		(void)close(fds[i]);
	*nfds = 0;
}

enum at_rc
ctl_recv(int sock, struct at_buf *in, int *fds, size_t *nfds, int timeout_ms,
    struct at_err *err)
{
	return ctl_recv_cred(sock, in, fds, nfds, NULL, timeout_ms, err);
}

enum at_rc
ctl_recv_cred(int sock, struct at_buf *in, int *fds, size_t *nfds, struct ctl_cred *cred,
    int timeout_ms, struct at_err *err)
{
	/* Room for more than a sender may send, so an excess shows as a
	 * count and is closed here rather than lost to MSG_CTRUNC. */
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
		    CMSG_SPACE(sizeof(int) * (CTL_MAX_FDS + 14))];
		struct cmsghdr align;
	} control;
	struct ucred uc;
	struct iovec iov;
	struct msghdr mh;
	bool have_cred = false;
	ssize_t n;
	size_t sent;

	*nfds = 0;
	if (cred != NULL)
		memset(cred, 0, sizeof(*cred));
	at_buf_reset(in);
	if (in->max < CTL_MSG_MAX)
		return at_err_setx(err, AT_E_INTERNAL, "receive buffer below the message size");
	if (at_buf_reserve(in, CTL_MSG_MAX) != AT_OK)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	if (timeout_ms >= 0) {
		struct pollfd p = { .fd = sock, .events = POLLIN };
		int r;

		do
			r = poll(&p, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return at_err_set(err, AT_E_IO, "waiting on the control socket");
		if (r == 0)
			return at_err_setx(err, AT_E_BUSY, "no answer on the control socket "
			    "within %d ms", timeout_ms);
	}
	memset(&mh, 0, sizeof(mh));
	memset(&uc, 0, sizeof(uc));
	iov.iov_base = in->data;
	iov.iov_len = CTL_MSG_MAX;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return at_err_setx(err, AT_E_BUSY, "nothing to read on the control socket");
	if (n < 0)
		return at_err_set(err, AT_E_IO, "receiving from the control socket");
	/* Descriptors first, whatever else is wrong: each error below
	 * closes them, so a bad message leaves nothing open. */
	sent = take_cmsgs(&mh, fds, nfds, &uc, &have_cred);
	if (n == 0 && sent == 0)
		return at_err_setx(err, AT_E_IO, "the control socket was closed");
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		close_all(fds, nfds);
		return at_err_setx(err, AT_E_INPUT, "control message too long");
	}
	if (sent > CTL_MAX_FDS) {
		close_all(fds, nfds);
		return at_err_setx(err, AT_E_INPUT, "control message with %zu descriptors "
		    "(at most %d)", sent, CTL_MAX_FDS);
	}
	if (cred != NULL) {
		if (!have_cred) {
			close_all(fds, nfds);
			return at_err_setx(err, AT_E_INPUT, "control message without the "
			    "sender's credentials");
		}
		cred->pid = uc.pid;
		cred->uid = uc.uid;
		cred->gid = uc.gid;
	}
	in->len = (size_t)n;
	in->data[in->len] = '\0';
	in->rpos = 0;
	return AT_OK;
}

/* Milliseconds left until deadline; 0 once it has passed. */
static long
left_ms(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return 0;
	ms = (long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

enum at_rc
ctl_connect_timed(const char *path,
    int (*connect_fn)(int, const struct sockaddr *, socklen_t), int timeout_ms, int *out,
    struct at_err *err)
{
	struct sockaddr_un sa;
	struct timespec deadline;
	size_t n = strlen(path);
	int fd, r;

	*out = -1;
	if (n >= sizeof(sa.sun_path))
		return at_err_setx(err, AT_E_INPUT, "control socket path '%s' is too long", path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "creating a control socket");
	memset(&deadline, 0, sizeof(deadline));
	if (timeout_ms >= 0) {
		if (clock_gettime(CLOCK_MONOTONIC, &deadline) != 0) {
			r = errno;
			(void)close(fd);
			errno = r;
			return at_err_set(err, AT_E_IO, "reading the clock");
		}
		deadline.tv_sec += timeout_ms / 1000;
		deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	for (;;) {
		if (timeout_ms >= 0) {
			/*
			 * An AF_UNIX connect waits for room in the listener's
			 * backlog for as long as SO_SNDTIMEO allows; the same
			 * bound then covers every send on the socket.
			 */
			long ms = left_ms(&deadline);
			struct timeval tv = { .tv_sec = ms / 1000,
			    .tv_usec = (ms % 1000) * 1000 };

			if (ms == 0) {
				r = -1;
				errno = EAGAIN;
				break;
			}
			if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
				r = -1;
				break;
			}
		}
		r = connect_fn(fd, (const struct sockaddr *)&sa, sizeof(sa));
		if (r == 0 || errno != EINTR)
			break;
	}
	if (r < 0) {
		enum at_rc rc;

		if (errno == EAGAIN || errno == EINPROGRESS)
			rc = at_err_setx(err, AT_E_BUSY, "attlsd at %s accepted no connection "
			    "within %d ms", path, timeout_ms);
		else
			rc = at_err_set(err, AT_E_IO, "connecting to attlsd at %s", path);
		r = errno;
		(void)close(fd);
		errno = r;
		return rc;
	}
	if (timeout_ms >= 0) {
		struct timeval tv = { .tv_sec = timeout_ms / 1000,
		    .tv_usec = (timeout_ms % 1000) * 1000 };

		if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
			enum at_rc rc = at_err_set(err, AT_E_IO, "bounding sends to %s", path);

			(void)close(fd);
			return rc;
		}
	}
	*out = fd;
	return AT_OK;
}

enum at_rc
ctl_connect(const char *path, int (*connect_fn)(int, const struct sockaddr *, socklen_t),
    int *out, struct at_err *err)
{
	return ctl_connect_timed(path, connect_fn, -1, out, err);
}
