/*
 * ctlconn_test.c - the shim's control connection against a scripted
 * server thread: no daemon, a late reply with the wrong cookie dropped, a
 * timeout that starts a fresh connection, the daemon going away mid-request,
 * and descriptors in a CTL_MAP reply kept only with a PROTECTED verdict.
 * errno is what it was before every call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl/io.h"
#include "ctl/proto.h"
#include "shim/shim.h"

enum mode { ANSWER, WRONG_COOKIE_FIRST, SILENT, HANG_UP, MAP_PROTECT, MAP_CLEAR_WITH_FD,
    DRIP };

static char dir[64];
static char sock_path[128];
static int listen_fd = -1;
static enum mode mode;
static atomic_int accepted;
static atomic_int stopping;
static pthread_t server;

static void
answer(int cl, const struct ctl_hdr *h, int fd_in)
{
	struct at_buf out;
	int sp[2] = { -1, -1 };

	at_buf_init(&out, CTL_MSG_MAX);
	if (h->type == CTL_ADDR) {
		struct ctl_addr_reply r;

		memset(&r, 0, sizeof(r));
		r.conn_id = 42;
		r.addrs.family = 2;
		r.addrs.rport = 443;
		if (mode == DRIP) {
			int n;

			/* Late replies to other requests, never this one's. */
			r.conn_id = 7;
			for (n = 0; n < 30 && !atomic_load(&stopping); n++) {
				at_buf_reset(&out);
				assert_int_equal(ctl_encode_addr_reply(&out, h->cookie + 1000, &r,
				    NULL), AT_OK);
				if (ctl_send(cl, &out, NULL, 0, NULL) != AT_OK)
					break;
				usleep(100000);
			}
			at_buf_free(&out);
			return;
		}
		if (mode == WRONG_COOKIE_FIRST) {
			r.conn_id = 7;
			assert_int_equal(ctl_encode_addr_reply(&out, h->cookie + 1000, &r, NULL), AT_OK);
			assert_int_equal(ctl_send(cl, &out, NULL, 0, NULL), AT_OK);
			at_buf_reset(&out);
			r.conn_id = 42;
		}
		assert_int_equal(ctl_encode_addr_reply(&out, h->cookie, &r, NULL), AT_OK);
		assert_int_equal(ctl_send(cl, &out, NULL, 0, NULL), AT_OK);
	} else if (h->type == CTL_MAP) {
		struct ctl_map_reply r;

		memset(&r, 0, sizeof(r));
		r.verdict = mode == MAP_PROTECT ? CTL_PROTECTED : CTL_CLEAR;
		r.conn_id = 9;
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
		assert_int_equal(ctl_encode_map_reply(&out, h->cookie, &r, NULL), AT_OK);
		assert_int_equal(ctl_send(cl, &out, &sp[1], 1, NULL), AT_OK);
		close(sp[0]);
		close(sp[1]);
	}
	(void)fd_in;
	at_buf_free(&out);
}

/* Waits for fd to be readable, giving up when the test stops the server. */
static bool
readable(int fd)
{
	while (!atomic_load(&stopping)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 50) > 0)
			return true;
	}
	return false;
}

static void *
serve(void *arg)
{
	struct at_buf in;

	(void)arg;
	at_buf_init(&in, CTL_MSG_MAX);
	while (readable(listen_fd)) {
		int cl = accept(listen_fd, NULL, NULL);

		if (cl < 0)
			break;
		accepted++;
		while (readable(cl)) {
			int fds[CTL_MAX_FDS];
			size_t nfds, i;
			struct ctl_hdr h;

			if (ctl_recv(cl, &in, fds, &nfds, -1, NULL) != AT_OK)
				break;
			if (ctl_decode_hdr(&in, &h, NULL) != AT_OK)
				break;
			if (mode == HANG_UP) {
				for (i = 0; i < nfds; i++)
					close(fds[i]);
				break;
			}
			if (mode != SILENT)
				answer(cl, &h, nfds > 0 ? fds[0] : -1);
			for (i = 0; i < nfds; i++)
				close(fds[i]);
		}
		close(cl);
	}
	at_buf_free(&in);
	return NULL;
}

static void
start_server(void)
{
	struct sockaddr_un sa;

	listen_fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	assert_int_equal(bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(listen_fd, 8), 0);
	assert_int_equal(pthread_create(&server, NULL, serve, NULL), 0);
}

static void
stop_server(void)
{
	atomic_store(&stopping, 1);
	pthread_join(server, NULL);
	close(listen_fd);
	unlink(sock_path);
	listen_fd = -1;
	atomic_store(&stopping, 0);
}

static int
any_fd(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void
test_no_daemon(void **state)
{
	struct ctl_addr_reply r;
	int fd = any_fd();

	(void)state;
	errno = 1234;
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_E_NOTFOUND);
	assert_int_equal(errno, 1234);
	close(fd);
}

static void
test_wrong_cookie_dropped(void **state)
{
	struct ctl_addr_reply r;
	int fd = any_fd();

	(void)state;
	mode = WRONG_COOKIE_FIRST;
	start_server();
	errno = 99;
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_OK);
	assert_int_equal(r.conn_id, 42);
	assert_int_equal(r.addrs.rport, 443);
	assert_int_equal(errno, 99);
	/* The same connection serves the next request. */
	mode = ANSWER;
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_OK);
	assert_int_equal(accepted, 1);
	stop_server();
	close(fd);
}

static void
test_timeout_then_fresh_connection(void **state)
{
	struct ctl_addr_reply r;
	int fd = any_fd();

	(void)state;
	accepted = 0;
	mode = SILENT;
	start_server();
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_E_BUSY);
	mode = ANSWER;
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_OK);
	assert_int_equal(r.conn_id, 42);
	assert_int_equal(accepted, 2);
	stop_server();
	close(fd);
}

static void
test_daemon_goes_away(void **state)
{
	struct ctl_addr_reply r;
	int fd = any_fd();

	(void)state;
	mode = HANG_UP;
	start_server();
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_E_NOTFOUND);
	stop_server();
	/* Gone for good: a later request finds no daemon. */
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_E_NOTFOUND);
	close(fd);
}

static void
test_map_descriptors(void **state)
{
	struct ctl_map m;
	struct ctl_map_reply r;
	struct stat st;
	int tcp = any_fd(), app = -2;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.dir = CTL_DIR_OUTBOUND;
	m.addrs.family = 2;
	memcpy(m.jobname, "TEST", 5);
	mode = MAP_PROTECT;
	start_server();
	assert_int_equal(shim_ctl_map(&m, tcp, &r, &app, NULL), AT_OK);
	assert_int_equal(r.verdict, CTL_PROTECTED);
	assert_true(app >= 0);
	assert_int_equal(fstat(app, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_true((fcntl(app, F_GETFD) & FD_CLOEXEC) != 0);
	close(app);
	mode = MAP_CLEAR_WITH_FD;
	assert_int_equal(shim_ctl_map(&m, tcp, &r, &app, NULL), AT_OK);
	assert_int_equal(r.verdict, CTL_CLEAR);
	assert_int_equal(app, -1);
	stop_server();
	close(tcp);
}

static int
listener(int backlog)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A daemon that accepts nothing (stopped, or its backlog filled by
 * someone else): the connect gives up after ATTLS_TIMEOUT_MS. */
static void
test_full_backlog_bounded(void **state)
{
	struct ctl_addr_reply r;
	struct timespec t0;
	struct sockaddr_un sa;
	int lfd = listener(0), filler, fd = any_fd();
	long took;

	(void)state;
	filler = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	/* A backlog of 0 holds one connection: this one fills it. */
	assert_int_equal(connect(filler, (struct sockaddr *)&sa, sizeof(sa)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 77;
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_E_BUSY);
	assert_int_equal(errno, 77);
	took = ms_since(&t0);
	assert_true(took >= 250);
	assert_true(took < 3000);
	close(filler);
	close(lfd);
	unlink(sock_path);
	close(fd);
}

/* A stream of late replies does not stretch the wait for this one. */
static void
test_late_replies_bounded(void **state)
{
	struct ctl_addr_reply r;
	struct timespec t0;
	int fd = any_fd();
	long took;

	(void)state;
	mode = DRIP;
	start_server();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(shim_ctl_addr(fd, &r, NULL), AT_E_BUSY);
	took = ms_since(&t0);
	assert_true(took >= 250);
	assert_true(took < 2000);
	stop_server();
	close(fd);
}

/*
 * A listener of another user on the path: the shim checks SO_PEERCRED
 * before the first request and sends nothing.  The child, as uid 64003,
 * reports whether anything arrived with its exit status.
 */
static void
test_stranger_gets_nothing(void **state)
{
	struct ctl_addr_reply r;
	struct at_err err;
	int ready[2], fd = any_fd(), status;
	pid_t pid;
	char c;

	(void)state;
	if (geteuid() != 0) {
		close(fd);
		skip();
	}
	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int lfd, cl, got = 0;
		struct pollfd p;

		close(ready[0]);
		if (chown(dir, 64003, 64003) != 0 || setresgid(64003, 64003, 64003) != 0 ||
		    setresuid(64003, 64003, 64003) != 0)
			_exit(3);
		lfd = listener(8);
		if (write(ready[1], "r", 1) != 1)
			_exit(4);
		p.fd = lfd;
		p.events = POLLIN;
		if (poll(&p, 1, 3000) == 1 && (cl = accept(lfd, NULL, NULL)) >= 0) {
			char buf[CTL_MSG_MAX];

			p.fd = cl;
			if (poll(&p, 1, 500) == 1 && recv(cl, buf, sizeof(buf), 0) > 0)
				got = 1;
			close(cl);
		}
		unlink(sock_path);
		_exit(got ? 1 : 0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	memset(&err, 0, sizeof(err));
	assert_int_equal(shim_ctl_addr(fd, &r, &err), AT_E_DENIED);
	assert_non_null(strstr(err.msg, "held by uid 64003"));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(chown(dir, 0, 0), 0);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_wrong_cookie_dropped),
		cmocka_unit_test(test_timeout_then_fresh_connection),
		cmocka_unit_test(test_daemon_goes_away),
		cmocka_unit_test(test_map_descriptors),
		cmocka_unit_test(test_full_backlog_bounded),
		cmocka_unit_test(test_late_replies_bounded),
		cmocka_unit_test(test_stranger_gets_nothing),
	};
	int rc;

	memcpy(dir, "/tmp/attls-ctlconn-XXXXXX", 26);
	if (mkdtemp(dir) == NULL)
		return 1;
	(void)snprintf(sock_path, sizeof(sock_path), "%s/s.sock", dir);
	/* Read once by the shim, so set before the first request. */
	setenv("ATTLS_SOCKET", sock_path, 1);
	setenv("ATTLS_TIMEOUT_MS", "300", 1);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
