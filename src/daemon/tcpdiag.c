/*
 * tcpdiag.c - the host's TCP sockets from the kernel (see tcpdiag.h).
 * One netlink dump per address family; the kernel answers in a stream of
 * messages ending with NLMSG_DONE.
 */
#include "daemon/tcpdiag.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/num.h"

#define TCP_LIST_MAX 1000000

struct list {
	struct attlsd_tcp *v;
	size_t n, cap;
};

static enum at_rc
push(struct list *l, const struct inet_diag_msg *m, struct at_err *err)
{
	struct attlsd_tcp *t;

	if (l->n == l->cap) {
		size_t cap = l->cap == 0 ? 256 : l->cap * 2;
		struct attlsd_tcp *v;

		if (cap > TCP_LIST_MAX)
			return at_err_setx(err, AT_E_TOOBIG, "more than %d TCP sockets",
			    TCP_LIST_MAX);
		v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL)
			return at_err_setx(err, AT_E_NOMEM, "out of memory listing TCP sockets");
		l->v = v;
		l->cap = cap;
	}
	t = &l->v[l->n++];
	memset(t, 0, sizeof(*t));
	if (m->idiag_family == AF_INET) {
		t->addrs.family = AF_INET;
		t->addrs.laddr[10] = t->addrs.laddr[11] = 0xff;
		t->addrs.raddr[10] = t->addrs.raddr[11] = 0xff;
		memcpy(t->addrs.laddr + 12, m->id.idiag_src, 4);
		memcpy(t->addrs.raddr + 12, m->id.idiag_dst, 4);
	} else {
		t->addrs.family = AF_INET6;
		memcpy(t->addrs.laddr, m->id.idiag_src, 16);
		memcpy(t->addrs.raddr, m->id.idiag_dst, 16);
		/* A dual-stack socket's IPv4 connection: shown (and joined
		 * with the connection table) as IPv4. */
		if (memcmp(t->addrs.laddr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
			t->addrs.family = AF_INET;
	}
	t->addrs.lport = ntohs(m->id.idiag_sport);
	t->addrs.rport = ntohs(m->id.idiag_dport);
	t->inode = m->idiag_inode;
	t->uid = m->idiag_uid;
	t->state = m->idiag_state;
	return AT_OK;
}

static enum at_rc
dump(int fd, uint8_t family, struct list *l, struct at_err *err)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} q;
	struct sockaddr_nl sa;
	static char buf[32768];
	enum at_rc rc = AT_OK;

	memset(&q, 0, sizeof(q));
	q.nh.nlmsg_len = sizeof(q);
	q.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	q.nh.nlmsg_seq = family;
	q.req.sdiag_family = family;
	q.req.sdiag_protocol = IPPROTO_TCP;
	q.req.idiag_states = ~0u;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &q, sizeof(q), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return at_err_set(err, AT_E_IO, "asking the kernel for its TCP sockets");
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0)
			return at_err_set(err, AT_E_IO, "reading the kernel's TCP sockets");
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		    h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != family)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return rc;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				errno = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) ? -e->error : EIO;
				return at_err_set(err, AT_E_IO, "the kernel's socket diagnostics");
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			if (rc == AT_OK)
				rc = push(l, NLMSG_DATA(h), err);
		}
	}
}

enum at_rc
attlsd_tcp_list(struct attlsd_tcp **out, size_t *n, struct at_err *err)
{
	struct list l = { NULL, 0, 0 };
	enum at_rc rc;
	int fd;

	*out = NULL;
	*n = 0;
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "opening the kernel's socket diagnostics");
	rc = dump(fd, AF_INET, &l, err);
	if (rc == AT_OK)
		rc = dump(fd, AF_INET6, &l, err);
	(void)close(fd);
	if (rc != AT_OK) {
		free(l.v);
		return rc;
	}
	*out = l.v;
	*n = l.n;
	return AT_OK;
}

const char *
attlsd_tcp_state_name(uint8_t state)
{
	static const char *const names[] = {
		"UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN",
		"CLOSING", "NEW_SYN_RECV"
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "UNKNOWN";
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The process's job name: its command name, upper-cased. */
static void
read_comm(const char *pid, char *out, size_t outsz)
{
	char path[300], buf[CTL_NAME_MAX + 1];
	ssize_t len;
	size_t i;
	int fd;

	out[0] = '\0';
	(void)snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (len <= 0)
		return;
	buf[len] = '\0';
	for (i = 0; i < (size_t)len && i + 1 < outsz && buf[i] != '\n'; i++)
		out[i] = (char)toupper((unsigned char)buf[i]);
	out[i] = '\0';
}

void
attlsd_tcp_jobnames(const uint64_t *inodes, size_t n, char (*names)[CTL_NAME_MAX + 1])
{
	uint64_t *sorted;
	size_t i;
	struct dirent *pe;
	DIR *proc;

	for (i = 0; i < n; i++)
		names[i][0] = '\0';
	if (n == 0)
		return;
	/* Sorted copy with the index each came from, to find an inode fast. */
	sorted = calloc(n, sizeof(*sorted) * 2);
	proc = opendir("/proc");
	if (sorted == NULL || proc == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		sorted[2 * i] = inodes[i];
		sorted[2 * i + 1] = i;
	}
	qsort(sorted, n, sizeof(*sorted) * 2, cmp_u64);
	while ((pe = readdir(proc)) != NULL) {
		char fdpath[300], comm[CTL_NAME_MAX + 1];
		struct dirent *fe;
		DIR *fds;

		if (!isdigit((unsigned char)pe->d_name[0]))
			continue;
		(void)snprintf(fdpath, sizeof(fdpath), "/proc/%s/fd", pe->d_name);
		fds = opendir(fdpath);
		if (fds == NULL)
			continue;
		comm[0] = '\0';
		while ((fe = readdir(fds)) != NULL) {
			char lpath[600], target[64];
			uint64_t key[2] = { 0, 0 };
			const uint64_t *hit;
			struct at_str num;
			struct at_err perr;
			ssize_t len;

			if (fe->d_name[0] == '.')
				continue;
			(void)snprintf(lpath, sizeof(lpath), "%s/%s", fdpath, fe->d_name);
			len = readlink(lpath, target, sizeof(target) - 1);
			if (len <= 9 || memcmp(target, "socket:[", 8) != 0)
				continue;
			target[len] = '\0';
			num.p = target + 8;
			num.len = (size_t)len - 9;
			if (at_parse_u64(num, 0, UINT64_MAX, "inode", &key[0], &perr) != AT_OK)
				continue;
			hit = bsearch(key, sorted, n, sizeof(*sorted) * 2, cmp_u64);
			if (hit == NULL || names[hit[1]][0] != '\0')
				continue;
			if (comm[0] == '\0')
				read_comm(pe->d_name, comm, sizeof(comm));
			(void)snprintf(names[hit[1]], CTL_NAME_MAX + 1, "%s", comm);
		}
		(void)closedir(fds);
	}
out:
	if (proc != NULL)
		(void)closedir(proc);
	free(sorted);
}
