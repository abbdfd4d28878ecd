/* proto.c - one keyholder message in, one out (see proto.h). */
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC */
#include "keyholder/proto.h"
#include "keyholder/keyholder.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

enum at_rc
kh_send(int sock, const void *hdr, size_t hdrlen, const void *data, size_t len, int fd,
    struct at_err *err)
{
	struct iovec iov[2];
	struct msghdr mh;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct cmsghdr *c;
	ssize_t w;

	memset(&mh, 0, sizeof(mh));
	iov[0].iov_base = (void *)(uintptr_t)hdr;
	iov[0].iov_len = hdrlen;
	iov[1].iov_base = (void *)(uintptr_t)data;
	iov[1].iov_len = len;
	mh.msg_iov = iov;
	mh.msg_iovlen = len > 0 ? 2 : 1;
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		w = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return at_err_set(err, AT_E_IO, "sending to the keyholder");
	if ((size_t)w != hdrlen + len)
		return at_err_setx(err, AT_E_IO, "the keyholder took %zd of %zu bytes",
		    w, hdrlen + len);
	return AT_OK;
}

static void
close_passed(struct msghdr *mh)
{
	struct cmsghdr *c;
	int fd;
	size_t i, nfd;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfd = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfd; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			(void)close(fd);
		}
	}
}

enum at_rc
kh_recv(int sock, void *buf, size_t cap, size_t *n, int *fd, int timeout_ms,
    struct at_err *err)
{
	struct iovec iov;
	struct msghdr mh;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} cm;
	struct cmsghdr *c;
	struct pollfd p;
	ssize_t r;
	int pr;

	*n = 0;
	if (fd != NULL)
		*fd = -1;
	if (timeout_ms > 0) {
		p.fd = sock;
		p.events = POLLIN;
		do
			pr = poll(&p, 1, timeout_ms);
		while (pr < 0 && errno == EINTR);
		if (pr < 0)
			return at_err_set(err, AT_E_IO, "waiting for the keyholder");
		if (pr == 0)
			return at_err_setx(err, AT_E_BUSY,
			    "the keyholder did not answer within %d ms", timeout_ms);
	}
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = cap;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	do
		r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0 && timeout_ms == 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return at_err_setx(err, AT_E_BUSY, "the keyholder did not answer within %d ms",
		    KEYHOLDER_TIMEOUT_MS);
	if (r < 0)
		return at_err_set(err, AT_E_IO, "receiving from the keyholder channel");
	if ((mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
		close_passed(&mh);
		return at_err_setx(err, AT_E_TOOBIG,
		    "a keyholder message exceeded %zu bytes or carried too many descriptors", cap);
	}
	c = CMSG_FIRSTHDR(&mh);
	if (c != NULL) {
		if (fd == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len != CMSG_LEN(sizeof(int)) || CMSG_NXTHDR(&mh, c) != NULL) {
			close_passed(&mh);
			return at_err_setx(err, AT_E_INPUT,
			    "unexpected descriptors on a keyholder socket");
		}
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	}
	*n = (size_t)r;
	return AT_OK;
}

enum at_rc
kh_set_timeout(int sock, struct at_err *err)
{
	struct timeval tv;

	tv.tv_sec = KEYHOLDER_TIMEOUT_MS / 1000;
	tv.tv_usec = (KEYHOLDER_TIMEOUT_MS % 1000) * 1000;
	if (setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		return at_err_set(err, AT_E_IO, "setting the keyholder reply timeout");
	return AT_OK;
}
