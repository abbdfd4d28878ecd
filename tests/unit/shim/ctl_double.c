/*
 * ctl_double.c - a stand-in for attlsd's decisions, for testing the shim.
 *
 * It speaks the real control protocol on a real SOCK_SEQPACKET socket and
 * answers CTL_MAP with a fixed verdict.  When it "protects" a connection it
 * relays plain bytes between the pair end and the TCP socket: no TLS, that
 * is the daemon's job; this program only tests what the shim does with the
 * daemon's answers.  Like attlsd it makes the AF_UNIX pair itself, sends
 * the application's end with the reply, and later recognises that end by
 * its inode (CTL_ADDR, CTL_QUERY).
 *
 *   shim-double --socket PATH [--verdict clear|protect|refuse|notenabled]
 *       [--count FILE] [--rule in|out|both:LO-HI[:JOB]]...
 *
 * --rule options make it publish a summary with those rules next to the
 * socket.  --count writes the number of requests answered after each one.
 * It runs until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/num.h"
#include "ctl/io.h"
#include "ctl/proto.h"
#include "ctl/summary.h"
#include "policy/rule.h"

#define MAX_CONNS 1024
#define MAX_RULES 16

struct conn {
	bool used;
	uint32_t id;
	int tcp;
	int end;
	uint64_t app_ino;
	struct ctl_addrs addrs;
	int so_error; /* EINPROGRESS while connecting */
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct conn conns[MAX_CONNS];
static uint32_t next_id = 1;
static unsigned long count;
static const char *count_file;
static int verdict = CTL_PROTECTED;
static int refuse_errno = ECONNABORTED;

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static void
bump(void)
{
	FILE *f;

	count++;
	if (count_file == NULL)
		return;
	f = fopen(count_file, "w");
	if (f != NULL) {
		fprintf(f, "%lu\n", count);
		fclose(f);
	}
}

static void
relay(int a, int b)
{
	struct pollfd p[2];
	bool a_open = true, b_open = true;
	char buf[16384];

	while (a_open || b_open) {
		int i, nfds = 0, idx[2];

		if (a_open) {
			p[nfds].fd = a;
			p[nfds].events = POLLIN;
			idx[nfds++] = 0;
		}
		if (b_open) {
			p[nfds].fd = b;
			p[nfds].events = POLLIN;
			idx[nfds++] = 1;
		}
		if (poll(p, (nfds_t)nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (i = 0; i < nfds; i++) {
			int from = idx[i] == 0 ? a : b, to = idx[i] == 0 ? b : a;
			ssize_t r;

			if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
				continue;
			r = read(from, buf, sizeof(buf));
			if (r <= 0) {
				(void)shutdown(to, SHUT_WR);
				if (idx[i] == 0)
					a_open = false;
				else
					b_open = false;
				continue;
			}
			if (write(to, buf, (size_t)r) != r)
				return;
		}
	}
}

static void *
conn_thread(void *arg)
{
	struct conn *c = arg;
	int so_error = 0;

	pthread_mutex_lock(&mu);
	so_error = c->so_error;
	pthread_mutex_unlock(&mu);
	if (so_error == EINPROGRESS) {
		struct pollfd p = { .fd = c->tcp, .events = POLLOUT };
		socklen_t len = sizeof(so_error);

		while (poll(&p, 1, -1) < 0 && errno == EINTR)
			continue;
		if (getsockopt(c->tcp, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0)
			so_error = errno;
		pthread_mutex_lock(&mu);
		c->so_error = so_error;
		pthread_mutex_unlock(&mu);
	}
	if (so_error == 0)
		relay(c->end, c->tcp);
	close(c->tcp);
	close(c->end);
	pthread_mutex_lock(&mu);
	/* Keep the record (not the descriptors) so a late SO_ERROR is answered. */
	c->tcp = c->end = -1;
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void
on_map(int cl, struct at_buf *in, uint32_t cookie, int *fds, size_t nfds, struct at_buf *out)
{
	struct ctl_map m;
	struct ctl_map_reply r;
	struct stat st;
	struct conn *c = NULL;
	pthread_t t;
	size_t i;
	int sp[2] = { -1, -1 };

	memset(&r, 0, sizeof(r));
	if (ctl_decode_map(in, &m, NULL) != AT_OK || nfds != 1) {
		r.verdict = CTL_REFUSED;
		r.errnum = EPROTO;
	} else {
		r.verdict = (uint8_t)verdict;
		r.errnum = verdict == CTL_REFUSED ? refuse_errno : 0;
	}
	memcpy(r.rule, "DOUBLERULE", 11);
	if (r.verdict == CTL_PROTECTED) {
		/* Non-blocking, as attlsd makes it: the shim must restore the
		 * program's own blocking mode. */
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sp) != 0 ||
		    fstat(sp[1], &st) != 0 || fcntl(sp[0], F_SETFL, 0) != 0)
			die("socketpair");
		pthread_mutex_lock(&mu);
		for (i = 0; i < MAX_CONNS && c == NULL; i++)
			if (!conns[i].used)
				c = &conns[i];
		if (c != NULL) {
			c->used = true;
			c->id = next_id++;
			c->tcp = fds[0];
			c->end = sp[0];
			c->app_ino = (uint64_t)st.st_ino;
			c->addrs = m.addrs;
			c->so_error = (m.flags & CTL_MAP_CONNECTING) != 0 ? EINPROGRESS : 0;
			r.conn_id = c->id;
		}
		pthread_mutex_unlock(&mu);
		if (c == NULL)
			die("no room for a connection");
		if (pthread_create(&t, NULL, conn_thread, c) != 0)
			die("pthread_create");
		pthread_detach(t);
	} else {
		for (i = 0; i < nfds; i++)
			close(fds[i]);
	}
	if (ctl_encode_map_reply(out, cookie, &r, NULL) != AT_OK ||
	    ctl_send(cl, out, &sp[1], sp[1] >= 0 ? 1 : 0, NULL) != AT_OK)
		fprintf(stderr, "shim-double: reply not sent\n");
	if (sp[1] >= 0)
		close(sp[1]);
}

static struct conn *
find(int fd)
{
	struct stat st;
	size_t i;

	if (fstat(fd, &st) != 0)
		return NULL;
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].used && conns[i].app_ino == (uint64_t)st.st_ino)
			return &conns[i];
	return NULL;
}

static void
on_addr(int cl, uint32_t cookie, int *fds, size_t nfds, struct at_buf *out)
{
	struct ctl_addr_reply r;
	struct conn *c;

	memset(&r, 0, sizeof(r));
	pthread_mutex_lock(&mu);
	c = nfds == 1 ? find(fds[0]) : NULL;
	if (c == NULL) {
		r.errnum = ENOTCONN;
	} else {
		r.conn_id = c->id;
		r.addrs = c->addrs;
		r.so_error = c->so_error;
	}
	pthread_mutex_unlock(&mu);
	if (ctl_encode_addr_reply(out, cookie, &r, NULL) == AT_OK &&
	    ctl_send(cl, out, NULL, 0, NULL) != AT_OK)
		fprintf(stderr, "shim-double: reply not sent\n");
}

static void
on_query(int cl, struct at_buf *in, uint32_t cookie, int *fds, size_t nfds, struct at_buf *out)
{
	static const uint8_t cert[] = { 0x30, 0x0b, 0x31, 0x09, 0x30, 0x07, 0x13, 0x05,
		'D', 'O', 'U', 'B', 'L' };
	struct ctl_query q;
	struct ctl_query_reply r;
	struct conn *c;

	memset(&r, 0, sizeof(r));
	pthread_mutex_lock(&mu);
	c = nfds == 1 ? find(fds[0]) : NULL;
	pthread_mutex_unlock(&mu);
	if (ctl_decode_query(in, &q, NULL) != AT_OK) {
		r.errnum = EINVAL;
	} else if (c == NULL) {
		r.stat_policy = 2;
		r.stat_conn = 1;
	} else {
		r.stat_policy = 4;
		r.stat_conn = 3;
		r.prot_ver = 3;
		r.prot_mod = 4;
		r.cipher = 0x1301;
		r.key_share = 0x001d;
		r.sec_type = 1;
		memcpy(r.rule, "DOUBLERULE", 11);
		if ((q.req_type & ~CTL_TTLS_RETURN_CERTIFICATE) != 0) {
			r.errnum = EACCES;
		} else if ((q.req_type & CTL_TTLS_RETURN_CERTIFICATE) != 0) {
			r.cert = cert;
			r.cert_len = sizeof(cert);
		}
	}
	if (ctl_encode_query_reply(out, cookie, &r, NULL) == AT_OK &&
	    ctl_send(cl, out, NULL, 0, NULL) != AT_OK)
		fprintf(stderr, "shim-double: reply not sent\n");
}

static void *
client_thread(void *arg)
{
	int cl = (int)(intptr_t)arg;
	struct at_buf in, out;

	at_buf_init(&in, CTL_MSG_MAX);
	at_buf_init(&out, CTL_MSG_MAX);
	for (;;) {
		int fds[CTL_MAX_FDS];
		size_t nfds = 0, i;
		struct ctl_hdr h;

		if (ctl_recv(cl, &in, fds, &nfds, -1, NULL) != AT_OK)
			break;
		at_buf_reset(&out);
		if (ctl_decode_hdr(&in, &h, NULL) != AT_OK)
			break;
		pthread_mutex_lock(&mu);
		bump();
		pthread_mutex_unlock(&mu);
		if (h.type == CTL_MAP) {
			on_map(cl, &in, h.cookie, fds, nfds, &out);
			continue;
		}
		if (h.type == CTL_ADDR)
			on_addr(cl, h.cookie, fds, nfds, &out);
		else if (h.type == CTL_QUERY)
			on_query(cl, &in, h.cookie, fds, nfds, &out);
		for (i = 0; i < nfds; i++)
			close(fds[i]);
	}
	close(cl);
	at_buf_free(&in);
	at_buf_free(&out);
	return NULL;
}

static void
parse_rule(const char *spec, struct policy_rule *r, struct policy_port_range *pr)
{
	char dir[8], job[16];
	unsigned lo = 0, hi = 65535;
	const char *colon = strchr(spec, ':'), *c2;
	size_t dl;

	memset(r, 0, sizeof(*r));
	memset(job, 0, sizeof(job));
	if (colon == NULL || (size_t)(colon - spec) >= sizeof(dir))
		die("--rule DIR:LO-HI[:JOB]");
	dl = (size_t)(colon - spec);
	memcpy(dir, spec, dl);
	dir[dl] = '\0';
	r->dir = strcmp(dir, "in") == 0 ? POLICY_DIR_INBOUND :
	    strcmp(dir, "out") == 0 ? POLICY_DIR_OUTBOUND : POLICY_DIR_BOTH;
	lo = (unsigned)strtoul(colon + 1, NULL, 10);
	c2 = strchr(colon + 1, '-');
	hi = c2 != NULL ? (unsigned)strtoul(c2 + 1, NULL, 10) : lo;
	c2 = strchr(colon + 1, ':');
	r->name = "R";
	r->enabled = true;
	r->lport.any = r->dir != POLICY_DIR_INBOUND;
	r->rport.any = r->dir != POLICY_DIR_OUTBOUND;
	pr->lo = (uint16_t)lo;
	pr->hi = (uint16_t)hi;
	if (r->dir == POLICY_DIR_INBOUND) {
		r->lport.n = 1;
		r->lport.ranges = pr;
	} else if (r->dir == POLICY_DIR_OUTBOUND) {
		r->rport.n = 1;
		r->rport.ranges = pr;
	}
	r->jobname.any = true;
	if (c2 != NULL && strlen(c2 + 1) <= POLICY_ID_MAX && c2[1] != '\0') {
		r->jobname.any = false;
		r->jobname.len = strlen(c2 + 1);
		memcpy(r->jobname.pattern, c2 + 1, r->jobname.len);
		r->jobname.wildcard = r->jobname.pattern[r->jobname.len - 1] == '*';
	}
}

static void
publish(const char *sock, struct policy_rule *rules, size_t n)
{
	const struct policy_rule *ptrs[MAX_RULES];
	struct at_buf b;
	struct at_err err;
	char path[4200];
	size_t i;

	for (i = 0; i < n; i++)
		ptrs[i] = &rules[i];
	at_buf_init(&b, 1 << 20);
	if (ctl_summary_build(ptrs, n, 1, &b, &err) != AT_OK ||
	    ctl_summary_path(sock, path, sizeof(path), &err) != AT_OK ||
	    ctl_summary_write(path, &b, &err) != AT_OK) {
		fprintf(stderr, "shim-double: %s\n", err.msg);
		exit(1);
	}
	at_buf_free(&b);
}

int
main(int argc, char **argv)
{
	static struct policy_rule rules[MAX_RULES];
	static struct policy_port_range ranges[MAX_RULES];
	const char *sock = NULL;
	struct sockaddr_un sa;
	size_t nrules = 0;
	int i, lfd;

	signal(SIGPIPE, SIG_IGN);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			sock = argv[++i];
		} else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			count_file = argv[++i];
		} else if (strcmp(argv[i], "--verdict") == 0 && i + 1 < argc) {
			const char *v = argv[++i];

			verdict = strcmp(v, "clear") == 0 ? CTL_CLEAR :
			    strcmp(v, "notenabled") == 0 ? CTL_NOT_ENABLED :
			    strcmp(v, "refuse") == 0 ? CTL_REFUSED : CTL_PROTECTED;
		} else if (strcmp(argv[i], "--rule") == 0 && i + 1 < argc && nrules < MAX_RULES) {
			parse_rule(argv[++i], &rules[nrules], &ranges[nrules]);
			nrules++;
		} else {
			fprintf(stderr, "shim-double: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (sock == NULL || strlen(sock) >= sizeof(sa.sun_path))
		die("--socket PATH");
	if (nrules > 0)
		publish(sock, rules, nrules);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	(void)unlink(sock);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(lfd, 64) != 0)
		die("listening on the control socket");
	for (;;) {
		pthread_t t;
		int cl = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (cl < 0) {
			if (errno == EINTR)
				continue;
			die("accept");
		}
		if (pthread_create(&t, NULL, client_thread, (void *)(intptr_t)cl) != 0)
			die("pthread_create");
		pthread_detach(t);
	}
}
