/*
 * safattack.c - a hostile client of attls-safd, for attack_safd_test.sh.
 *
 *   attls-safattack SOCKET malformed  every kind of broken record, each on
 *                                     its own connection; each must be
 *                                     closed by the service
 *   attls-safattack SOCKET fds N      N well-formed requests that bring two
 *                                     descriptors each; each connection
 *                                     must be closed
 *   attls-safattack SOCKET bystander  a client connects and waits while
 *                                     another sends garbage; the first is
 *                                     then answered
 *   attls-safattack SOCKET listen     a service impostor: listens on SOCKET,
 *                                     takes one connection and says how
 *                                     many bytes it was sent in 5 s
 * Prints what happened; exits 0 when the service behaved, 1 when not.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/num.h"
#include "common/str.h"
#include "ctl/io.h"
#include "ctl/proto.h"
#include "safd/proto.h"

static int
connect_to(const char *path)
{
	struct at_err err;
	int fd;

	if (ctl_connect_timed(path, connect, 5000, &fd, &err) != AT_OK) {
		fprintf(stderr, "connect: %s\n", err.msg);
		exit(1);
	}
	return fd;
}

/* Whether the service closes fd within 5 s (EOF or a reset). */
static int
closed_by_peer(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b[256];
	ssize_t n;

	if (poll(&p, 1, 5000) <= 0)
		return 0;
	n = recv(fd, b, sizeof(b), 0);
	return n <= 0;
}

static void
send_raw(int fd, const void *p, size_t n)
{
	if (send(fd, p, n, MSG_NOSIGNAL) != (ssize_t)n)
		perror("send");
}

static void
groups_request(struct at_buf *out)
{
	struct safp_req req;
	struct at_err err;

	memset(&req, 0, sizeof(req));
	req.op = SAFP_GROUPS;
	req.id = 7;
	if (safp_req_encode(&req, out, &err) != AT_OK) {
		fprintf(stderr, "encode: %s\n", err.msg);
		exit(1);
	}
}

static int
malformed(const char *path)
{
	static const struct {
		const char *what;
		unsigned char b[32];
		size_t n;
	} cases[] = {
		{ "empty", { 0 }, 0 },
		{ "short header", { 1, 3, 0 }, 3 },
		{ "version 2", { 2, 3, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "a reply sent as a request", { 1, 0x83, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "unknown op", { 1, 99, 0, 0, 0, 0, 0, 1 }, 8 },
		{ "reserved bytes", { 1, 3, 9, 9, 0, 0, 0, 1 }, 8 },
		{ "field past the end", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 200, 'A' },
		    12 },
		{ "cut field header", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0 }, 10 },
		{ "unknown field", { 1, 3, 0, 0, 0, 0, 0, 1, 99, 0, 1, 'A' }, 12 },
		{ "field the op does not take", { 1, 3, 0, 0, 0, 0, 0, 1, 2, 0, 2,
		    'p', 'w' }, 13 },
		{ "control character", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 3, 'A',
		    '\n', 'B' }, 14 },
		{ "NUL in a name", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 3, 'A', 0,
		    'B' }, 14 },
		{ "name too long", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 9, 'A', 'A',
		    'A', 'A', 'A', 'A', 'A', 'A', 'A' }, 20 },
		{ "field twice", { 1, 3, 0, 0, 0, 0, 0, 1, 1, 0, 1, 'A', 1, 0, 1,
		    'B' }, 16 },
		{ "VERIFY without a password", { 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1,
		    'A' }, 12 },
		{ "uid of 3 bytes", { 1, 7, 0, 0, 0, 0, 0, 1, 11, 0, 3, 1, 2, 3 },
		    14 },
	};
	size_t i;
	int bad = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = connect_to(path);

		send_raw(fd, cases[i].b, cases[i].n);
		if (closed_by_peer(fd)) {
			printf("closed: %s\n", cases[i].what);
		} else {
			printf("NOT CLOSED: %s\n", cases[i].what);
			bad = 1;
		}
		(void)close(fd);
	}
	return bad;
}

static int
with_fds(const char *path, int n)
{
	struct at_buf out;
	struct at_err err;
	int i, closed = 0, fds[2];

	at_buf_init(&out, SAFP_MSG_MAX);
	groups_request(&out);
	for (i = 0; i < n; i++) {
		int fd = connect_to(path);

		fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		fds[1] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (ctl_send(fd, &out, fds, 2, &err) != AT_OK)
			fprintf(stderr, "send: %s\n", err.msg);
		closed += closed_by_peer(fd);
		(void)close(fds[0]);
		(void)close(fds[1]);
		(void)close(fd);
	}
	at_buf_free(&out);
	printf("closed %d of %d\n", closed, n);
	return closed == n ? 0 : 1;
}

static int
bystander(const char *path)
{
	struct at_buf out, in;
	struct safp_rep *rep;
	struct at_err err;
	int a = connect_to(path), b = connect_to(path), fds[CTL_MAX_FDS], st;
	size_t nfds = 0;

	send_raw(b, "\x01\x03garbage", 9);
	if (!closed_by_peer(b)) {
		printf("the sender of garbage was not cut off\n");
		return 1;
	}
	at_buf_init(&out, SAFP_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	rep = calloc(1, sizeof(*rep));
	groups_request(&out);
	st = rep == NULL || ctl_send(a, &out, NULL, 0, &err) != AT_OK ||
	    ctl_recv(a, &in, fds, &nfds, 5000, &err) != AT_OK ||
	    safp_rep_decode(in.data, in.len, rep, &err) != AT_OK;
	if (st)
		printf("the bystander was not answered: %s\n", err.msg);
	else
		printf("the bystander was answered (SAF RC %u)\n",
		    (unsigned)rep->saf_rc);
	free(rep);
	at_buf_free(&out);
	at_buf_free(&in);
	(void)close(a);
	(void)close(b);
	return st;
}

static int
impostor(const char *path)
{
	struct sockaddr_un sa;
	struct pollfd p;
	char b[4096];
	ssize_t n = 0, total = 0;
	int l, c;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path))
		return 2;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0666) != 0 || listen(l, 4) != 0) {
		perror("listen");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	c = accept(l, NULL, NULL);
	if (c < 0)
		return 1;
	p.fd = c;
	p.events = POLLIN;
	while (poll(&p, 1, 5000) > 0 && (n = recv(c, b, sizeof(b), 0)) > 0)
		total += n;
	printf("received %zd bytes\n", total);
	(void)close(c);
	(void)close(l);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[2], "listen") == 0)
		return impostor(argv[1]);
	if (argc == 3 && strcmp(argv[2], "malformed") == 0)
		return malformed(argv[1]);
	if (argc == 4 && strcmp(argv[2], "fds") == 0) {
		struct at_err err;
		uint64_t n;

		if (at_parse_u64(at_str_c(argv[3]), 1, 100000, "N", &n,
		    &err) != AT_OK) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		return with_fds(argv[1], (int)n);
	}
	if (argc == 3 && strcmp(argv[2], "bystander") == 0)
		return bystander(argv[1]);
	fprintf(stderr, "usage: attls-safattack SOCKET malformed|fds N|"
	    "bystander|listen\n");
	return 2;
}
