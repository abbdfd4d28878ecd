/*
 * link.c - sending and receiving the parent/engine messages (see link.h).
 */
#include "daemon/link.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

void
link_close_fds(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			(void)close(fds[i]);
		fds[i] = -1;
	}
}

enum at_rc
link_send(int sock, enum link_type type, const void *body, size_t blen, const void *tail,
    size_t tlen, const int *fds, size_t nfds, struct at_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * LINK_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct link_hdr h;
	struct iovec iov[3];
	struct msghdr mh;
	size_t total = sizeof(h) + blen + tlen;
	ssize_t n;

	if (nfds > LINK_MAX_FDS || total > LINK_MAX_MSG)
		return at_err_setx(err, AT_E_INPUT, "an engine message of %zu bytes with %zu "
		    "descriptors is too large", total, nfds);
	h.type = (uint32_t)type;
	h.len = (uint32_t)total;
	iov[0].iov_base = &h;
	iov[0].iov_len = sizeof(h);
	iov[1].iov_base = (void *)(uintptr_t)body;
	iov[1].iov_len = blen;
	iov[2].iov_base = (void *)(uintptr_t)tail;
	iov[2].iov_len = tlen;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 3;
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
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
		return at_err_set(err, AT_E_IO, "sending to the TLS engine link");
	if ((size_t)n != total)
		return at_err_setx(err, AT_E_IO, "the TLS engine link took %zd of %zu bytes",
		    n, total);
	return AT_OK;
}

enum at_rc
link_recv(int sock, unsigned char *buf, size_t *len, int *fds, size_t *nfds,
    struct at_err *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * LINK_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, LINK_MAX_MSG };
	struct msghdr mh;
	struct cmsghdr *cm;
	struct link_hdr h;
	bool bad = false;
	ssize_t n;
	size_t i;

	*len = 0;
	*nfds = 0;
	for (i = 0; i < LINK_MAX_FDS; i++)
		fds[i] = -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return at_err_setx(err, AT_E_BUSY, "nothing to read");
	if (n < 0)
		return at_err_set(err, AT_E_IO, "reading the TLS engine link");
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k, got;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < got; k++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
			if (*nfds < LINK_MAX_FDS)
				fds[(*nfds)++] = fd;
			else
				(void)close(fd);
		}
	}
	if (n == 0) {
		link_close_fds(fds, *nfds);
		*nfds = 0;
		return at_err_setx(err, AT_E_IO, "the TLS engine link was closed");
	}
	/* Descriptors the kernel could not give (the receiver at its limit)
	 * are lost, the message is not: it is handled with none, which its
	 * handler refuses as it would any message missing them. */
	if ((mh.msg_flags & MSG_CTRUNC) != 0) {
		link_close_fds(fds, *nfds);
		*nfds = 0;
	}
	if ((mh.msg_flags & MSG_TRUNC) != 0 || (size_t)n < sizeof(h))
		bad = true;
	if (!bad) {
		memcpy(&h, buf, sizeof(h));
		bad = h.len != (size_t)n;
	}
	if (bad) {
		link_close_fds(fds, *nfds);
		*nfds = 0;
		return at_err_setx(err, AT_E_INPUT, "a malformed message on the TLS engine link");
	}
	*len = (size_t)n;
	return AT_OK;
}
