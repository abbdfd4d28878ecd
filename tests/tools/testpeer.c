/*
 * testpeer.c - a stand-in for the preloaded shim in daemon tests: it makes
 * or accepts one TCP connection on 127.0.0.1, asks attlsd for a decision
 * exactly as libattls.so does (CTL_MAP with the socket), puts the returned
 * descriptor in the socket's place when the connection is protected, and
 * then behaves like a plain program: standard input to the connection
 * (then a half-close), the connection to standard output.
 *
 *   attls-testpeer [-j JOB] [-l] connect PORT
 *   attls-testpeer [-j JOB] [-l] accept PORTFILE   (writes the port it listens on)
 *
 * -l holds standard input back until a whole line has arrived from the
 * peer, so a test's request/reply order does not depend on timing.
 *
 * The verdict goes to standard error as "verdict: CLEAR|NOT_ENABLED|
 * PROTECTED RULE|REFUSED errno".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/num.h"
#include "ctl/io.h"
#include "ctl/proto.h"

static int
fail(const char *what)
{
	fprintf(stderr, "attls-testpeer: %s: %s\n", what, strerror(errno));
	return 1;
}

static void
to_addrs(const struct sockaddr_in *s, uint8_t out[16], uint16_t *port)
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &s->sin_addr, 4);
	*port = ntohs(s->sin_port);
}

static int
ask(int fd, uint8_t dir, const char *job)
{
	struct sockaddr_in l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);
	struct ctl_map m = { 0 };
	struct ctl_map_reply rep;
	struct at_buf out, in;
	struct ctl_hdr h;
	struct at_err err;
	int ctl = -1, fds[CTL_MAX_FDS], status = 1;
	size_t nfds = 0;

	if (getsockname(fd, (struct sockaddr *)&l, &ll) != 0 ||
	    getpeername(fd, (struct sockaddr *)&r, &rl) != 0)
		return fail("addresses");
	m.dir = dir;
	m.addrs.family = AF_INET;
	to_addrs(&l, m.addrs.laddr, &m.addrs.lport);
	to_addrs(&r, m.addrs.raddr, &m.addrs.rport);
	(void)snprintf(m.jobname, sizeof(m.jobname), "%s", job);
	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	if (ctl_connect(ctl_socket_path(), connect, &ctl, &err) != AT_OK ||
	    ctl_encode_map(&out, 1, &m, &err) != AT_OK ||
	    ctl_send(ctl, &out, &fd, 1, &err) != AT_OK ||
	    ctl_recv(ctl, &in, fds, &nfds, 10000, &err) != AT_OK ||
	    ctl_decode_hdr(&in, &h, &err) != AT_OK ||
	    ctl_decode_map_reply(&in, &rep, &err) != AT_OK) {
		fprintf(stderr, "attls-testpeer: %s\n", err.msg);
		goto out;
	}
	switch (rep.verdict) {
	case CTL_PROTECTED:
		fprintf(stderr, "verdict: PROTECTED %s\n", rep.rule);
		if (nfds != 1 || dup2(fds[0], fd) < 0) {
			(void)fail("swapping in the protected socket");
			goto out;
		}
		(void)close(fds[0]);
		break;
	case CTL_NOT_ENABLED:
		fprintf(stderr, "verdict: NOT_ENABLED %s\n", rep.rule);
		break;
	case CTL_REFUSED:
		fprintf(stderr, "verdict: REFUSED %s\n", strerror(rep.errnum));
		goto out;
	default:
		fprintf(stderr, "verdict: CLEAR\n");
		break;
	}
	status = 0;
out:
	if (ctl >= 0)
		(void)close(ctl);
	at_buf_free(&out);
	at_buf_free(&in);
	return status;
}

/* Standard input to fd (then SHUT_WR), fd to standard output, together. */
static int
pump(int fd, bool after_line)
{
	struct pollfd p[2] = { { .fd = after_line ? -1 : 0, .events = POLLIN },
		{ .fd = fd, .events = POLLIN } };
	char buf[65536];
	bool in_open = true, net_open = true;

	while (net_open) {
		if (poll(p, 2, 30000) <= 0)
			return fail("timed out");
		if (in_open && (p[0].revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(0, buf, sizeof(buf));

			if (n <= 0) {
				in_open = false;
				p[0].fd = -1;
				(void)shutdown(fd, SHUT_WR);
			} else if (write(fd, buf, (size_t)n) != n) {
				return fail("writing to the connection");
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(fd, buf, sizeof(buf));

			if (n < 0)
				return fail("reading from the connection");
			if (n == 0)
				net_open = false;
			else if (write(1, buf, (size_t)n) != n)
				return fail("writing to standard output");
			if (n > 0 && in_open && p[0].fd < 0 && memchr(buf, '\n', (size_t)n) != NULL)
				p[0].fd = 0;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	const char *job = "TESTPEER";
	bool after_line = false;
	struct at_err err;
	uint64_t port;
	int fd, l, i = 1;
	FILE *f;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (;;) {
		if (i + 1 < argc && strcmp(argv[i], "-j") == 0) {
			job = argv[i + 1];
			i += 2;
		} else if (i < argc && strcmp(argv[i], "-l") == 0) {
			after_line = true;
			i++;
		} else {
			break;
		}
	}
	if (argc - i != 2)
		return fprintf(stderr, "usage: attls-testpeer [-j JOB] [-l] connect PORT | accept PORTFILE\n"), 2;
	if (strcmp(argv[i], "connect") == 0) {
		if (at_parse_u64(at_str_c(argv[i + 1]), 1, 65535, "port", &port, &err) != AT_OK)
			return fprintf(stderr, "%s\n", err.msg), 2;
		a.sin_port = htons((uint16_t)port);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
			return fail("connect");
		if (ask(fd, CTL_DIR_OUTBOUND, job) != 0)
			return 1;
		return pump(fd, after_line);
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0)
		return fail("listen");
	f = fopen(argv[i + 1], "w");
	if (f == NULL || fprintf(f, "%u\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0)
		return fail("writing the port file");
	fd = accept(l, NULL, NULL);
	if (fd < 0)
		return fail("accept");
	(void)close(l);
	if (ask(fd, CTL_DIR_INBOUND, job) != 0)
		return 1;
	return pump(fd, after_line);
}
