/*
 * ctl_proto_fuzz.c - libFuzzer target for the control protocol: the
 * receiving path (ctl_recv_cred in src/ctl/io.c, with descriptors in one
 * or two SCM_RIGHTS blocks, too many of them, and with or without
 * credentials), then ctl_decode_hdr and every ctl_decode_* body decoder
 * in src/ctl/proto.c.  Whatever a local process sends attlsd must be
 * refused or decoded, never crash or read out of bounds, and never leave
 * a received descriptor open once the caller has closed what it was
 * given: a leak aborts the run.  Deterministic: the descriptor layout
 * follows from the input's size, and nothing is kept between runs.
 */
#define _GNU_SOURCE /* struct ucred */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/io.h"
#include "ctl/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The lowest free descriptor number: equal before and after a run when
 * nothing leaked. */
static int
lowest_free(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		(void)close(fd);
	return fd;
}

/* Sends data over a socket pair with nfds descriptors (split over two
 * blocks when split) and credentials when creds; receives it as attlsd
 * does into in.  Returns what ctl_recv_cred returned. */
static enum at_rc
through_socket(const uint8_t *data, size_t size, size_t nfds, int split, int creds,
    struct at_buf *in)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + 2 * CMSG_SPACE(sizeof(int) * 6)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)data, .iov_len = size };
	struct msghdr mh;
	struct cmsghdr *cm;
	struct ctl_cred cred;
	struct at_err err;
	int sp[2], p[2], fds[6], got[CTL_MAX_FDS], one = 1;
	size_t i, ngot = 0, first = split ? nfds / 2 : nfds;
	enum at_rc rc = AT_E_IO;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0)
		return AT_E_IO;
	if (pipe2(p, O_CLOEXEC) != 0) {
		(void)close(sp[0]);
		(void)close(sp[1]);
		return AT_E_IO;
	}
	(void)setsockopt(sp[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	for (i = 0; i < nfds; i++)
		fds[i] = p[i % 2];
	memset(&mh, 0, sizeof(mh));
	memset(&control, 0, sizeof(control));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = 0;
	cm = (struct cmsghdr *)(void *)control.buf;
	if (creds) {
		struct ucred uc = { .pid = getpid(), .uid = geteuid(), .gid = getegid() };

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(uc));
		memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
		mh.msg_controllen += CMSG_SPACE(sizeof(uc));
		cm = (struct cmsghdr *)(void *)(control.buf + mh.msg_controllen);
	}
	if (first > 0) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * first);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * first);
		mh.msg_controllen += CMSG_SPACE(sizeof(int) * first);
		cm = (struct cmsghdr *)(void *)(control.buf + mh.msg_controllen);
	}
	if (nfds > first) {
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (nfds - first));
		memcpy(CMSG_DATA(cm), fds + first, sizeof(int) * (nfds - first));
		mh.msg_controllen += CMSG_SPACE(sizeof(int) * (nfds - first));
	}
	if (mh.msg_controllen == 0)
		mh.msg_control = NULL;
	if (sendmsg(sp[0], &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) {
		rc = ctl_recv_cred(sp[1], in, got, &ngot, &cred, 0, &err);
		if (rc != AT_OK && ngot != 0)
			abort(); /* an error must leave nothing to close */
		for (i = 0; i < ngot; i++)
			(void)close(got[i]);
	}
	(void)close(p[0]);
	(void)close(p[1]);
	(void)close(sp[0]);
	(void)close(sp[1]);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct ctl_map m;
		struct ctl_map_reply mr;
		struct ctl_addr_reply ar;
		struct ctl_query q;
		struct ctl_query_reply qr;
		struct ctl_text_reply tr;
		struct ctl_view v;
		struct ctl_view_reply vr;
	} u;
	struct at_buf in;
	struct ctl_hdr h;
	struct at_err err;
	enum at_rc rc = AT_OK;
	int before;

	if (size > CTL_MSG_MAX)
		return 0;
	at_buf_init(&in, CTL_MSG_MAX);
	before = lowest_free();
	if (size > 0)
		rc = through_socket(data, size, size % 7, (int)((size / 7) % 2),
		    (int)((size / 14) % 4 != 0), &in);
	if (lowest_free() != before)
		abort(); /* a received descriptor stayed open */
	/* The decoders see the bytes whether or not the socket path took
	 * them (an empty message cannot be sent on its own). */
	at_buf_reset(&in);
	if (at_buf_append(&in, data, size) != AT_OK || ctl_decode_hdr(&in, &h, &err) != AT_OK)
		goto out;
	switch (h.type) {
	case CTL_MAP: rc = ctl_decode_map(&in, &u.m, &err); break;
	case CTL_MAP_REPLY: rc = ctl_decode_map_reply(&in, &u.mr, &err); break;
	case CTL_ADDR_REPLY: rc = ctl_decode_addr_reply(&in, &u.ar, &err); break;
	case CTL_QUERY: rc = ctl_decode_query(&in, &u.q, &err); break;
	case CTL_QUERY_REPLY: rc = ctl_decode_query_reply(&in, &u.qr, &err); break;
	case CTL_STATUS_REPLY:
	case CTL_REFRESH_REPLY: rc = ctl_decode_text_reply(&in, &u.tr, &err); break;
	case CTL_VIEW: rc = ctl_decode_view(&in, &u.v, &err); break;
	case CTL_VIEW_REPLY: rc = ctl_decode_view_reply(&in, &u.vr, &err); break;
	default: rc = ctl_decode_empty(&in, &err); break;
	}
	(void)rc;
out:
	at_buf_free(&in);
	return 0;
}
