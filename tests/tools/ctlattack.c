/*
 * ctlattack.c - a hostile local client of attlsd's control socket, for
 * tests/cli/attack_control_test.sh.  Each mode is one attack:
 *
 *   attls-ctlattack badfds N
 *       N malformed requests that carry descriptors (a bad body, too many
 *       descriptors, descriptors in two SCM_RIGHTS blocks, a descriptor
 *       that is not a TCP socket, an unknown type, a broken header), each
 *       on a fresh connection; prints "sent N".
 *   attls-ctlattack flood SECS
 *       sends STATUS requests as fast as the socket takes them and never
 *       reads a reply; prints "flooding K" and holds on for SECS seconds.
 *   attls-ctlattack hold N SECS
 *       opens N control connections and keeps them for SECS seconds;
 *       prints "held K" with how many attlsd kept open (it answers a
 *       STATUS on each).
 *   attls-ctlattack setuid UID
 *       as root: opens one control connection, asks for a decision on an
 *       outbound connection to itself (CTL_MAP), then setresuid(UID) and
 *       asks again on the same control connection; prints "before:
 *       VERDICT RULE" and "after: VERDICT RULE".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
ctl_open(void)
{
	struct at_err err;
	int fd;

	if (ctl_connect(ctl_socket_path(), connect, &fd, &err) != AT_OK) {
		fprintf(stderr, "attls-ctlattack: %s\n", err.msg);
		return -1;
	}
	return fd;
}

/* sendmsg with the descriptors split over nblocks SCM_RIGHTS blocks. */
static int
send_raw(int sock, const void *buf, size_t len, const int *fds, size_t nfds, size_t nblocks)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8) * 2];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr mh;
	struct cmsghdr *cm;
	size_t first = nblocks > 1 ? nfds / 2 : nfds;

	memset(&mh, 0, sizeof(mh));
	memset(&control, 0, sizeof(control));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * first) +
	    (nblocks > 1 ? CMSG_SPACE(sizeof(int) * (nfds - first)) : 0);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * first);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * first);
	if (nblocks > 1) {
		cm = CMSG_NXTHDR(&mh, cm);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * (nfds - first));
		memcpy(CMSG_DATA(cm), fds + first, sizeof(int) * (nfds - first));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* A connected TCP socket on 127.0.0.1 (to a listener of our own). */
static int
tcp_pair(int *lfd, int *cfd)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	*lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	*cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (*lfd < 0 || *cfd < 0 || bind(*lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(*lfd, 16) != 0 || getsockname(*lfd, (struct sockaddr *)&sa, &len) != 0 ||
	    connect(*cfd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		return -1;
	return 0;
}

static void
to_addrs(int fd, struct ctl_map *m)
{
	struct sockaddr_in l, r;
	socklen_t ll = sizeof(l), rl = sizeof(r);

	memset(&l, 0, sizeof(l));
	memset(&r, 0, sizeof(r));
	(void)getsockname(fd, (struct sockaddr *)&l, &ll);
	(void)getpeername(fd, (struct sockaddr *)&r, &rl);
	m->addrs.family = AF_INET;
	m->addrs.laddr[10] = m->addrs.laddr[11] = 0xff;
	memcpy(m->addrs.laddr + 12, &l.sin_addr, 4);
	m->addrs.lport = ntohs(l.sin_port);
	m->addrs.raddr[10] = m->addrs.raddr[11] = 0xff;
	memcpy(m->addrs.raddr + 12, &r.sin_addr, 4);
	m->addrs.rport = ntohs(r.sin_port);
}

/* Waits (briefly) for attlsd to answer or hang up, so the request was
 * served before the next one. */
static void
settle(int sock)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	char buf[CTL_MSG_MAX];

	if (poll(&p, 1, 2000) > 0)
		(void)recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
}

static int
badfds(unsigned long n)
{
	struct ctl_map m;
	struct at_buf msg;
	struct at_err err;
	unsigned long i, sent = 0;

	at_buf_init(&msg, CTL_MSG_MAX);
	for (i = 0; i < n; i++) {
		int sock = ctl_open(), lfd = -1, cfd = -1, p[2] = { -1, -1 }, fds[6];
		size_t nfds = 0, nblocks = 1, k;
		int rc = 0;

		if (sock < 0)
			return 1;
		if (tcp_pair(&lfd, &cfd) != 0 || pipe2(p, O_CLOEXEC) != 0) {
			perror("attls-ctlattack: sockets");
			return 1;
		}
		memset(&m, 0, sizeof(m));
		m.dir = CTL_DIR_OUTBOUND;
		to_addrs(cfd, &m);
		(void)snprintf(m.jobname, sizeof(m.jobname), "ATTACK");
		at_buf_reset(&msg);
		switch (i % 8) {
		case 0: /* a CTL_MAP whose body is cut short, with the TCP socket */
			rc = ctl_encode_map(&msg, 1, &m, &err) == AT_OK ? 0 : -1;
			msg.len -= 3;
			msg.data[15] = (uint8_t)(msg.data[15] - 3);
			fds[nfds++] = cfd;
			fds[nfds++] = p[0];
			break;
		case 1: /* a good CTL_MAP with two descriptors */
			rc = ctl_encode_map(&msg, 1, &m, &err) == AT_OK ? 0 : -1;
			fds[nfds++] = cfd;
			fds[nfds++] = p[0];
			break;
		case 2: /* a good CTL_MAP whose descriptor is a pipe */
			rc = ctl_encode_map(&msg, 1, &m, &err) == AT_OK ? 0 : -1;
			fds[nfds++] = p[0];
			break;
		case 3: /* six descriptors, in two SCM_RIGHTS blocks */
			rc = ctl_encode_map(&msg, 1, &m, &err) == AT_OK ? 0 : -1;
			fds[nfds++] = cfd;
			fds[nfds++] = p[0];
			fds[nfds++] = p[1];
			fds[nfds++] = lfd;
			fds[nfds++] = cfd;
			fds[nfds++] = p[0];
			nblocks = 2;
			break;
		case 4: /* CTL_ADDR with two descriptors */
			rc = ctl_encode_addr(&msg, 1, &err) == AT_OK ? 0 : -1;
			fds[nfds++] = p[0];
			fds[nfds++] = p[1];
			break;
		case 5: /* an unknown request type */
			rc = ctl_encode_simple(&msg, 77, 1, &err) == AT_OK ? 0 : -1;
			fds[nfds++] = cfd;
			fds[nfds++] = p[1];
			break;
		case 6: /* a broken header */
			rc = at_buf_append(&msg, "NOT A CONTROL MESSAGE", 21) == AT_OK ? 0 : -1;
			fds[nfds++] = cfd;
			fds[nfds++] = p[0];
			break;
		default: /* CTL_QUERY whose body does not decode */
			rc = ctl_encode_simple(&msg, CTL_QUERY, 1, &err) == AT_OK ? 0 : -1;
			fds[nfds++] = p[0];
			fds[nfds++] = lfd;
			break;
		}
		if (rc != 0 || send_raw(sock, msg.data, msg.len, fds, nfds, nblocks) != 0) {
			perror("attls-ctlattack: sending");
			return 1;
		}
		sent++;
		settle(sock);
		(void)close(sock);
		for (k = 0; k < 2; k++)
			(void)close(p[k]);
		(void)close(lfd);
		(void)close(cfd);
	}
	at_buf_free(&msg);
	printf("sent %lu\n", sent);
	return 0;
}

static int
flood(unsigned long secs)
{
	struct at_buf msg;
	struct at_err err;
	unsigned long k = 0;
	int sock = ctl_open();

	if (sock < 0)
		return 1;
	at_buf_init(&msg, CTL_MSG_MAX);
	if (ctl_encode_simple(&msg, CTL_STATUS, 7, &err) != AT_OK)
		return 1;
	/* Until the socket has taken nothing for a second: attlsd has then
	 * stopped reading us, or is stuck writing replies we never read. */
	while (k < 1000000) {
		struct pollfd p = { .fd = sock, .events = POLLOUT };

		if (send(sock, msg.data, msg.len, MSG_DONTWAIT | MSG_NOSIGNAL) ==
		    (ssize_t)msg.len) {
			k++;
			continue;
		}
		if (errno != EAGAIN || poll(&p, 1, 1000) <= 0)
			break;
	}
	printf("flooding %lu\n", k);
	(void)fflush(stdout);
	(void)sleep((unsigned)secs);
	(void)close(sock);
	at_buf_free(&msg);
	return 0;
}

static int
hold(unsigned long n, unsigned long secs)
{
	struct at_buf msg, in;
	struct at_err err;
	unsigned long i, kept = 0;
	int *socks = calloc(n, sizeof(int));

	if (socks == NULL)
		return 1;
	at_buf_init(&msg, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	if (ctl_encode_simple(&msg, CTL_STATUS, 9, &err) != AT_OK)
		return 1;
	for (i = 0; i < n; i++)
		socks[i] = ctl_open();
	for (i = 0; i < n; i++) {
		int fds[CTL_MAX_FDS];
		size_t nfds = 0;

		if (socks[i] >= 0 && ctl_send(socks[i], &msg, NULL, 0, &err) == AT_OK &&
		    ctl_recv(socks[i], &in, fds, &nfds, 5000, &err) == AT_OK)
			kept++;
	}
	printf("held %lu\n", kept);
	(void)fflush(stdout);
	(void)sleep((unsigned)secs);
	for (i = 0; i < n; i++)
		if (socks[i] >= 0)
			(void)close(socks[i]);
	free(socks);
	at_buf_free(&msg);
	at_buf_free(&in);
	return 0;
}

static int
ask(int sock, const char *label)
{
	struct ctl_map m;
	struct ctl_map_reply r;
	struct at_buf out, in;
	struct ctl_hdr h;
	struct at_err err;
	int lfd, cfd, fds[CTL_MAX_FDS];
	size_t nfds = 0, i;
	const char *v;

	if (tcp_pair(&lfd, &cfd) != 0)
		return -1;
	memset(&m, 0, sizeof(m));
	m.dir = CTL_DIR_OUTBOUND;
	to_addrs(cfd, &m);
	(void)snprintf(m.jobname, sizeof(m.jobname), "SETUID");
	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	if (ctl_encode_map(&out, 5, &m, &err) != AT_OK ||
	    ctl_send(sock, &out, &cfd, 1, &err) != AT_OK ||
	    ctl_recv(sock, &in, fds, &nfds, 10000, &err) != AT_OK ||
	    ctl_decode_hdr(&in, &h, &err) != AT_OK ||
	    ctl_decode_map_reply(&in, &r, &err) != AT_OK) {
		fprintf(stderr, "attls-ctlattack: %s: %s\n", label, err.msg);
		return -1;
	}
	for (i = 0; i < nfds; i++)
		(void)close(fds[i]);
	v = r.verdict == CTL_CLEAR ? "CLEAR" : r.verdict == CTL_NOT_ENABLED ? "NOT_ENABLED" :
	    r.verdict == CTL_PROTECTED ? "PROTECTED" : r.verdict == CTL_REFUSED ? "REFUSED" :
	    "OTHER";
	printf("%s: %s %s\n", label, v, r.rule[0] != '\0' ? r.rule : "-");
	(void)fflush(stdout);
	(void)close(lfd);
	(void)close(cfd);
	at_buf_free(&out);
	at_buf_free(&in);
	return 0;
}

static int
setuid_attack(unsigned long uid)
{
	int sock = ctl_open();

	if (sock < 0 || ask(sock, "before") != 0)
		return 1;
	if (setgroups(0, NULL) != 0 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) != 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) {
		perror("attls-ctlattack: dropping privileges");
		return 1;
	}
	return ask(sock, "after") != 0;
}

int
main(int argc, char **argv)
{
	struct at_err err;
	uint64_t a = 0, b = 0;

	if (argc >= 3 && at_parse_u64(at_str_c(argv[2]), 0, 1000000, "N", &a, &err) != AT_OK)
		return fprintf(stderr, "attls-ctlattack: %s\n", err.msg), 2;
	if (argc >= 4 && at_parse_u64(at_str_c(argv[3]), 0, 100000, "SECS", &b, &err) != AT_OK)
		return fprintf(stderr, "attls-ctlattack: %s\n", err.msg), 2;
	if (argc == 3 && strcmp(argv[1], "badfds") == 0)
		return badfds((unsigned long)a);
	if (argc == 3 && strcmp(argv[1], "flood") == 0)
		return flood((unsigned long)a);
	if (argc == 4 && strcmp(argv[1], "hold") == 0)
		return hold((unsigned long)a, (unsigned long)b);
	if (argc == 3 && strcmp(argv[1], "setuid") == 0)
		return setuid_attack((unsigned long)a);
	fprintf(stderr, "usage: attls-ctlattack badfds N | flood SECS | hold N SECS | "
	    "setuid UID\n");
	return 2;
}
