/*
 * shim_client.c - small programs the shim tests run under LD_PRELOAD:
 *
 *   shim-client serve [-6] [--accept4] [--epoll] PORTFILE N
 *       listens on loopback (kernel-chosen port, written to PORTFILE),
 *       accepts N connections one after another and echoes each back
 *       with "echo:" in front, checking getpeername/getsockname/SO_DOMAIN
 *   shim-client http PORTFILE      answers one HTTP request with "hello"
 *   shim-client connect [-6] [--nonblock] PORT MSG   prints the echo
 *   shim-client fork PORT MSG      the child writes, the parent reads
 *   shim-client exec PORT MSG      an exec'd child uses the inherited socket
 *   shim-client epoll-first PORT MSG  joins an epoll set before connecting
 *   shim-client again PORT MSG SECS  two connections, SECS apart
 *   shim-client threads PORT N     N threads connect and echo at once
 *   shim-client refused PORT       connect is expected to fail; prints errno
 *   shim-client query PORT         prints attls_ioctl's answer
 *
 * Every check that fails prints "FAIL ..." and makes the exit status 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attls.h"

static int failures;

static int
num(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
static bool use_v6;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL %s:%d: ", __FILE__, \
	__LINE__); printf(__VA_ARGS__); printf("\n"); fflush(stdout); } } while (0)

static int
port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? ntohs(((const struct sockaddr_in *)ss)->sin_port) :
	    ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static void
fill(struct sockaddr_storage *ss, socklen_t *len, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (use_v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*s4);
	}
}

/* The checks every end of a TCP connection must pass, shim or not. */
static void
check_tcp(int fd, int want_peer_port, int want_local_port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int v = 0;
	socklen_t vl = sizeof(v);
	int fam = use_v6 ? AF_INET6 : AF_INET;

	errno = 4242;
	CHECK(getpeername(fd, (struct sockaddr *)&ss, &len) == 0, "getpeername: %s",
	    strerror(errno));
	CHECK(errno == 4242, "getpeername changed errno to %d", errno);
	CHECK(ss.ss_family == fam, "peer family %d", ss.ss_family);
	if (want_peer_port > 0)
		CHECK(port_of(&ss) == want_peer_port, "peer port %d, wanted %d", port_of(&ss),
		    want_peer_port);
	len = sizeof(ss);
	CHECK(getsockname(fd, (struct sockaddr *)&ss, &len) == 0, "getsockname");
	CHECK(ss.ss_family == fam, "local family %d", ss.ss_family);
	if (want_local_port > 0)
		CHECK(port_of(&ss) == want_local_port, "local port %d, wanted %d", port_of(&ss),
		    want_local_port);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &vl) == 0 && v == fam,
	    "SO_DOMAIN %d", v);
	vl = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl) == 0 && v == IPPROTO_TCP,
	    "SO_PROTOCOL %d", v);
	vl = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &vl) == 0 && v == SOCK_STREAM,
	    "SO_TYPE %d", v);
	v = 1;
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0,
	    "TCP_NODELAY: %s", strerror(errno));
	v = 0;
	vl = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl) == 0 && v != 0,
	    "TCP_NODELAY reads back %d", v);
	v = 1;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)) == 0, "SO_KEEPALIVE");
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };

			(void)poll(&pf, 1, 1000);
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads until EOF (polling if non-blocking) into buf. */
static ssize_t
read_all(int fd, char *buf, size_t max)
{
	size_t got = 0;

	for (;;) {
		ssize_t r = read(fd, buf + got, max - 1 - got);

		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pf = { .fd = fd, .events = POLLIN };

			(void)poll(&pf, 1, 5000);
			continue;
		}
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
		if (got == max - 1)
			break;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

static int
dial(int port, bool nonblock)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(use_v6 ? AF_INET6 : AF_INET,
	    SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	fill(&ss, &len, port);
	if (fd < 0)
		return -1;
	errno = 4343;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
		CHECK(errno == 4343, "a successful connect changed errno to %d", errno);
	} else {
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		int err = 0;
		socklen_t el = sizeof(err);

		if (!nonblock || errno != EINPROGRESS) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
		CHECK(poll(&pf, 1, 5000) == 1, "poll for connect");
		CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0, "SO_ERROR");
		if (err != 0) {
			close(fd);
			errno = err;
			return -1;
		}
	}
	if (nonblock)
		CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0, "O_NONBLOCK lost");
	else
		CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0, "the socket became non-blocking");
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "FD_CLOEXEC lost");
	return fd;
}

static int
echo_once(int port, const char *msg, bool nonblock)
{
	char buf[4096];
	int fd = dial(port, nonblock);

	if (fd < 0) {
		printf("connect: %s\n", strerror(errno));
		return 1;
	}
	check_tcp(fd, port, 0);
	CHECK(write_all(fd, msg, strlen(msg)) == 0, "write");
	CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown");
	CHECK(read_all(fd, buf, sizeof(buf)) >= 0, "read: %s", strerror(errno));
	printf("%s\n", buf);
	close(fd);
	return failures != 0;
}

static void
serve_one(int cfd, int lport)
{
	char buf[4096];
	ssize_t n;

	check_tcp(cfd, 0, lport);
	n = read_all(cfd, buf, sizeof(buf) - 8);
	if (n < 0)
		return;
	(void)write_all(cfd, "echo:", 5);
	(void)write_all(cfd, buf, (size_t)n);
	close(cfd);
}

static void
serve_epoll(int cfd, int lport)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	char buf[4096];
	size_t got = 0;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	check_tcp(cfd, 0, lport);
	ev.data.fd = cfd;
	CHECK(fcntl(cfd, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev) == 0, "epoll_ctl");
	for (;;) {
		ssize_t r;

		CHECK(epoll_wait(ep, &out, 1, 5000) == 1, "epoll_wait timed out");
		r = read(cfd, buf + got, sizeof(buf) - 1 - got);
		if (r < 0 && errno == EAGAIN)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	(void)write_all(cfd, "echo:", 5);
	(void)write_all(cfd, buf, got);
	close(ep);
	close(cfd);
}

static int
serve(int argc, char **argv)
{
	bool a4 = false, ep = false;
	struct sockaddr_storage ss;
	socklen_t len;
	int i, n, lfd, lport, one = 1;
	FILE *f;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-6") == 0)
			use_v6 = true;
		else if (strcmp(argv[i], "--accept4") == 0)
			a4 = true;
		else if (strcmp(argv[i], "--epoll") == 0)
			ep = true;
	}
	if (argc - i != 2)
		return 2;
	n = num(argv[i + 1]);
	lfd = socket(use_v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	fill(&ss, &len, 0);
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, len) != 0 || listen(lfd, 64) != 0)
		return 1;
	len = sizeof(ss);
	(void)getsockname(lfd, (struct sockaddr *)&ss, &len);
	lport = port_of(&ss);
	f = fopen(argv[i], "w");
	if (f == NULL)
		return 1;
	fprintf(f, "%d\n", lport);
	fclose(f);
	for (i = 0; i < n; i++) {
		int cfd = a4 ? accept4(lfd, NULL, NULL, SOCK_CLOEXEC) : accept(lfd, NULL, NULL);

		if (cfd < 0) {
			printf("accept: %s\n", strerror(errno));
			continue;
		}
		if (a4)
			CHECK((fcntl(cfd, F_GETFD) & FD_CLOEXEC) != 0, "accept4 lost FD_CLOEXEC");
		if (ep)
			serve_epoll(cfd, lport);
		else
			serve_one(cfd, lport);
	}
	close(lfd);
	return failures != 0;
}

static int
http(const char *portfile)
{
	static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 6\r\n"
	    "Connection: close\r\n\r\nhello\n";
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[4096];
	int lfd, cfd;
	FILE *f;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	fill(&ss, &len, 0);
	if (bind(lfd, (struct sockaddr *)&ss, len) != 0 || listen(lfd, 8) != 0)
		return 1;
	len = sizeof(ss);
	(void)getsockname(lfd, (struct sockaddr *)&ss, &len);
	f = fopen(portfile, "w");
	if (f == NULL)
		return 1;
	fprintf(f, "%d\n", port_of(&ss));
	fclose(f);
	cfd = accept(lfd, NULL, NULL);
	if (cfd < 0)
		return 1;
	(void)read(cfd, buf, sizeof(buf));
	(void)write_all(cfd, reply, sizeof(reply) - 1);
	close(cfd);
	close(lfd);
	return 0;
}

static int
forked(int port, const char *msg)
{
	char buf[4096];
	int fd = dial(port, false), st = 0;
	pid_t pid;

	if (fd < 0)
		return 1;
	pid = fork();
	if (pid == 0) {
		check_tcp(fd, port, 0);
		if (write_all(fd, msg, strlen(msg)) != 0 || shutdown(fd, SHUT_WR) != 0)
			_exit(1);
		/* A connection of the child's own goes over the child's own
		 * control connection, not the one inherited from the parent. */
		if (echo_once(port, "child-own", false) != 0)
			_exit(1);
		_exit(failures != 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "child failed");
	CHECK(read_all(fd, buf, sizeof(buf)) >= 0, "read");
	printf("%s\n", buf);
	close(fd);
	return failures != 0;
}

static int
exec_child(int argc, char **argv)
{
	char buf[4096];
	int fd, port;

	if (argc != 3)
		return 2;
	fd = num(argv[0]);
	port = num(argv[1]);
	check_tcp(fd, port, 0);
	CHECK(write_all(fd, argv[2], strlen(argv[2])) == 0, "write");
	CHECK(shutdown(fd, SHUT_WR) == 0, "shutdown");
	CHECK(read_all(fd, buf, sizeof(buf)) >= 0, "read");
	printf("%s\n", buf);
	return failures != 0;
}

static int
execed(const char *self, int port, const char *msg)
{
	char fdtext[16], porttext[16];
	int fd = dial(port, false);

	if (fd < 0)
		return 1;
	CHECK(fcntl(fd, F_SETFD, 0) == 0, "clear FD_CLOEXEC");
	(void)snprintf(fdtext, sizeof(fdtext), "%d", fd);
	(void)snprintf(porttext, sizeof(porttext), "%d", port);
	execl(self, self, "exec-child", fdtext, porttext, msg, (char *)NULL);
	perror("exec");
	return 1;
}

/* The socket joins an epoll set before connect(): the registration must
 * follow the descriptor through the hand-over. */
static int
epoll_first(int port, const char *msg)
{
	struct epoll_event ev = { .events = EPOLLOUT }, got;
	struct sockaddr_storage ss;
	socklen_t len, el = sizeof(int);
	char buf[4096];
	size_t have = 0;
	int fd, ep, err = -1;

	fd = socket(use_v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	fill(&ss, &len, port);
	ev.data.u64 = 0xfeedu;
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl ADD");
	CHECK(connect(fd, (struct sockaddr *)&ss, len) == -1 && errno == EINPROGRESS,
	    "connect: %s", strerror(errno));
	CHECK(epoll_wait(ep, &got, 1, 5000) == 1 && got.data.u64 == 0xfeedu, "EPOLLOUT");
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0, "SO_ERROR %d",
	    err);
	check_tcp(fd, port, 0);
	CHECK(write_all(fd, msg, strlen(msg)) == 0 && shutdown(fd, SHUT_WR) == 0, "write");
	ev.events = EPOLLIN;
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0, "epoll_ctl MOD: %s", strerror(errno));
	for (;;) {
		ssize_t r;

		if (epoll_wait(ep, &got, 1, 5000) != 1) {
			CHECK(0, "no EPOLLIN");
			break;
		}
		r = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (r < 0 && errno == EAGAIN)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	buf[have] = '\0';
	printf("%s\n", buf);
	close(ep);
	close(fd);
	return failures != 0;
}

/* Two connections with a pause between them (the daemon may restart). */
static int
again(int port, const char *msg, int secs)
{
	if (echo_once(port, msg, false) != 0)
		return 1;
	sleep((unsigned)secs);
	return echo_once(port, msg, false);
}

static int thread_port;

static void *
thread_main(void *arg)
{
	char msg[64], buf[256], want[80];
	int fd = dial(thread_port, false);

	(void)snprintf(msg, sizeof(msg), "thread-%ld", (long)(intptr_t)arg);
	(void)snprintf(want, sizeof(want), "echo:%s", msg);
	if (fd < 0) {
		CHECK(0, "thread connect: %s", strerror(errno));
		return NULL;
	}
	CHECK(write_all(fd, msg, strlen(msg)) == 0 && shutdown(fd, SHUT_WR) == 0, "write");
	CHECK(read_all(fd, buf, sizeof(buf)) >= 0 && strcmp(buf, want) == 0,
	    "thread got '%s'", buf);
	close(fd);
	return NULL;
}

static int
threads(int port, int n)
{
	pthread_t t[64];
	int i;

	thread_port = port;
	for (i = 0; i < n && i < 64; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i);
	for (i = 0; i < n && i < 64; i++)
		pthread_join(t[i], NULL);
	printf("%d threads done\n", n);
	return failures != 0;
}

static int
query(int port)
{
	int (*fn)(int, struct attls_ioctl *);
	struct attls_ioctl req;
	unsigned char cert[4096];
	int fd = dial(port, false), tries;

	*(void **)(&fn) = dlsym(RTLD_DEFAULT, "attls_ioctl");
	if (fn == NULL || fd < 0) {
		printf("no attls_ioctl\n");
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.ver = TTLS_VERSION1;
	req.req_type = TTLS_RETURN_CERTIFICATE;
	req.buffer = cert;
	req.buffer_len = 4;
	errno = 0;
	if (fn(fd, &req) == 0)
		CHECK(req.cert_len == 0, "certificate of %u bytes in 4", req.cert_len);
	else
		CHECK(errno == ENOBUFS && req.cert_len > 4, "small buffer: %s", strerror(errno));
	for (tries = 0; tries < 500; tries++) {
		req.buffer_len = sizeof(cert);
		if (fn(fd, &req) != 0) {
			printf("attls_ioctl: %s\n", strerror(errno));
			return 1;
		}
		if (req.stat_conn != TTLS_CONN_HS_INPROGRESS)
			break;
		{
			const struct timespec tick = { 0, 10000000 };

			(void)nanosleep(&tick, NULL);
		}
	}
	printf("policy=%u conn=%u prot=%u.%u cipher=%s rule=%s cert_len=%u\n",
	    req.stat_policy, req.stat_conn, req.prot_ver, req.prot_mod, req.neg_cipher4,
	    req.rule, req.cert_len);
	req.ver = 7;
	CHECK(fn(fd, &req) == -1 && errno == EINVAL, "bad version accepted");
	close(fd);
	return failures != 0;
}

int
main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		return 2;
	if (strcmp(argv[1], "serve") == 0)
		return serve(argc - 2, argv + 2);
	if (strcmp(argv[1], "http") == 0 && argc == 3)
		return http(argv[2]);
	if (strcmp(argv[1], "exec-child") == 0)
		return exec_child(argc - 2, argv + 2);
	if (argc > 2 && strcmp(argv[2], "-6") == 0) {
		use_v6 = true;
		i++;
	}
	if (strcmp(argv[1], "connect") == 0) {
		bool nb = argc > i + 1 && strcmp(argv[i + 1], "--nonblock") == 0;

		if (nb)
			i++;
		if (argc != i + 3)
			return 2;
		return echo_once(num(argv[i + 1]), argv[i + 2], nb);
	}
	if (argc != i + 3 && strcmp(argv[1], "again") != 0 && !(argc == i + 2 && (strcmp(argv[1], "refused") == 0 ||
	    strcmp(argv[1], "query") == 0)))
		return 2;
	if (strcmp(argv[1], "fork") == 0)
		return forked(num(argv[i + 1]), argv[i + 2]);
	if (strcmp(argv[1], "exec") == 0)
		return execed(argv[0], num(argv[i + 1]), argv[i + 2]);
	if (strcmp(argv[1], "again") == 0 && argc == i + 4)
		return again(num(argv[i + 1]), argv[i + 2], num(argv[i + 3]));
	if (strcmp(argv[1], "epoll-first") == 0)
		return epoll_first(num(argv[i + 1]), argv[i + 2]);
	if (strcmp(argv[1], "threads") == 0)
		return threads(num(argv[i + 1]), num(argv[i + 2]));
	if (strcmp(argv[1], "query") == 0)
		return query(num(argv[i + 1]));
	if (strcmp(argv[1], "refused") == 0) {
		int fd = dial(num(argv[i + 1]), false);

		printf("connect: %s\n", fd < 0 ? strerror(errno) : "ok");
		return fd < 0 ? 0 : 1;
	}
	return 2;
}
