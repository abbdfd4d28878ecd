/*
 * recv_test.c - what ctl_recv_cred does with a hostile sender on a real
 * SOCK_SEQPACKET pair: the credentials the kernel vouches for come back,
 * too many descriptors (in one or two SCM_RIGHTS blocks) are refused with
 * every one of them closed, and a non-blocking socket whose peer does not
 * read gives AT_E_BUSY instead of a wait.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/io.h"
#include "ctl/proto.h"

/* The lowest free descriptor: the same before and after when nothing leaked. */
static int
lowest_free(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	close(fd);
	return fd;
}

static void
pair(int sp[2])
{
	int one = 1;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(setsockopt(sp[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
}

/* sendmsg with n copies of fd, split over two SCM_RIGHTS blocks when split. */
static void
send_fds(int sock, const struct at_buf *msg, int fd, size_t n, int split)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = msg->data, .iov_len = msg->len };
	struct msghdr mh;
	struct cmsghdr *cm;
	int fds[8];
	size_t i, first = split ? n / 2 : n;

	for (i = 0; i < n; i++)
		fds[i] = fd;
	memset(&mh, 0, sizeof(mh));
	memset(&control, 0, sizeof(control));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * first) +
	    (split ? CMSG_SPACE(sizeof(int) * (n - first)) : 0);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * first);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * first);
	if (split) {
		cm = CMSG_NXTHDR(&mh, cm);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (n - first));
		memcpy(CMSG_DATA(cm), fds + first, sizeof(int) * (n - first));
	}
	assert_true(sendmsg(sock, &mh, 0) == (ssize_t)msg->len);
}

static void
test_credentials(void **state)
{
	struct at_buf out, in;
	struct ctl_cred cred;
	struct at_err err;
	int sp[2], got[CTL_MAX_FDS];
	size_t n;

	(void)state;
	pair(sp);
	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_simple(&out, CTL_STATUS, 3, &err), AT_OK);
	assert_int_equal(ctl_send(sp[0], &out, NULL, 0, &err), AT_OK);
	assert_int_equal(ctl_recv_cred(sp[1], &in, got, &n, &cred, 1000, &err), AT_OK);
	assert_int_equal(cred.pid, getpid());
	assert_int_equal(cred.uid, geteuid());
	assert_int_equal(cred.gid, getegid());
	assert_int_equal(n, 0);
	close(sp[0]);
	close(sp[1]);
	at_buf_free(&out);
	at_buf_free(&in);
}

static void
test_too_many_fds_closed(void **state)
{
	struct at_buf out, in;
	struct ctl_cred cred;
	struct at_err err;
	int sp[2], p[2], got[CTL_MAX_FDS], before, split;
	size_t n;

	(void)state;
	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_simple(&out, CTL_ADDR, 4, &err), AT_OK);
	for (split = 0; split <= 1; split++) {
		pair(sp);
		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		before = lowest_free();
		send_fds(sp[0], &out, p[0], 6, split);
		n = 99;
		assert_int_equal(ctl_recv_cred(sp[1], &in, got, &n, &cred, 1000, &err),
		    AT_E_INPUT);
		assert_non_null(strstr(err.msg, "6 descriptors"));
		assert_int_equal(n, 0);
		assert_int_equal(lowest_free(), before);
		/* Two are allowed, also split over two blocks. */
		send_fds(sp[0], &out, p[0], 2, split);
		assert_int_equal(ctl_recv_cred(sp[1], &in, got, &n, &cred, 1000, &err), AT_OK);
		assert_int_equal(n, 2);
		close(got[0]);
		close(got[1]);
		assert_int_equal(lowest_free(), before);
		close(p[0]);
		close(p[1]);
		close(sp[0]);
		close(sp[1]);
	}
	at_buf_free(&out);
	at_buf_free(&in);
}

static void
test_truncated_closes(void **state)
{
	struct at_buf out, in;
	struct at_err err;
	int sp[2], p[2], got[CTL_MAX_FDS], before;
	size_t n;

	(void)state;
	pair(sp);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	/* One byte more than a message may be. */
	at_buf_init(&out, CTL_MSG_MAX + 1);
	at_buf_init(&in, CTL_MSG_MAX);
	assert_int_equal(at_buf_reserve(&out, CTL_MSG_MAX + 1), AT_OK);
	memset(out.data, 'A', CTL_MSG_MAX + 1);
	out.len = CTL_MSG_MAX + 1;
	before = lowest_free();
	send_fds(sp[0], &out, p[1], 1, 0);
	assert_int_equal(ctl_recv(sp[1], &in, got, &n, 1000, &err), AT_E_INPUT);
	assert_int_equal(n, 0);
	assert_int_equal(lowest_free(), before);
	close(p[0]);
	close(p[1]);
	close(sp[0]);
	close(sp[1]);
	at_buf_free(&out);
	at_buf_free(&in);
}

static void
test_full_peer_is_busy(void **state)
{
	struct at_buf out;
	struct at_err err;
	enum at_rc rc = AT_OK;
	int sp[2], i;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sp), 0);
	at_buf_init(&out, CTL_MSG_MAX);
	assert_int_equal(ctl_encode_simple(&out, CTL_STATUS, 1, &err), AT_OK);
	for (i = 0; i < 1000000 && rc == AT_OK; i++)
		rc = ctl_send(sp[0], &out, NULL, 0, &err);
	assert_int_equal(rc, AT_E_BUSY);
	close(sp[0]);
	close(sp[1]);
	at_buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_too_many_fds_closed),
		cmocka_unit_test(test_truncated_closes),
		cmocka_unit_test(test_full_peer_is_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
