/*
 * io.c - sendmsg/recvmsg with SCM_RIGHTS for the control protocol.
 */
#include "ctl/io.h"

#include <errno.h>
#include <poll.h>
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

enum at_rc
ctl_send(int sock, const struct at_buf *msg, const int *fds, size_t nfds,
    struct at_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CTL_MAX_FDS)];
		struct cmsghdr align;
	} control;
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
	if (nfds > 0) {
		struct cmsghdr *cm;

		mh.msg_control = control.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return at_err_set(err, AT_E_IO, "sending to the control socket");
	if ((size_t)n != msg->len)
		return at_err_setx(err, AT_E_IO, "control message sent in part");
	return AT_OK;
}

static void
take_fds(struct msghdr *mh, int *fds, size_t *nfds)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm != NULL; cm = CMSG_NXTHDR(mh, cm)) {
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (*nfds < CTL_MAX_FDS)
				fds[(*nfds)++] = fd;
			else
				(void)close(fd);
		}
	}
}

enum at_rc
ctl_recv(int sock, struct at_buf *in, int *fds, size_t *nfds, int timeout_ms,
    struct at_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * (CTL_MAX_FDS + 2))];
		struct cmsghdr align;
	} control;
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	size_t i;

	*nfds = 0;
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
	iov.iov_base = in->data;
	iov.iov_len = CTL_MSG_MAX;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return at_err_set(err, AT_E_IO, "receiving from the control socket");
	take_fds(&mh, fds, nfds);
	if (n == 0 && *nfds == 0)
		return at_err_setx(err, AT_E_IO, "the control socket was closed");
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		for (i = 0; i < *nfds; i++)
			(void)close(fds[i]);
		*nfds = 0;
		return at_err_setx(err, AT_E_INPUT, "control message too long");
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
