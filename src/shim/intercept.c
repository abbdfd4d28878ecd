/*
 * intercept.c - connect(), accept() and accept4(): the real call first,
 * then, for a TCP connection some rule may cover, the hand-over to attlsd.
 *
 * The TCP socket goes to the daemon with CTL_MAP.  On a PROTECTED verdict
 * the reply carries the application's end of an AF_UNIX stream pair the
 * daemon made; it is dup3()'d onto the application's descriptor number with
 * the TCP socket's O_NONBLOCK and FD_CLOEXEC, and the daemon holds the TCP
 * socket and the other end.  Every other outcome leaves the descriptor as it was,
 * or fails the call the way the kernel could have.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/fdtable.h"
#include "shim/shim.h"

/* How a hand-over ended: leave the descriptor alone, or fail with errnum. */
struct outcome {
	bool fail;
	int errnum;
};

static bool
is_tcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return shim_real()->getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	    proto == IPPROTO_TCP;
}

/* The program's view of its socket, taken before the daemon shares it. */
struct flags {
	int fl;   /* F_GETFL: the open file's status flags (O_NONBLOCK) */
	int fdfl; /* F_GETFD: the descriptor's flags (FD_CLOEXEC) */
};

/*
 * Puts the application's end of the pair in place of fd with the flags the
 * program had: O_NONBLOCK exactly as before (the daemon may make its pair,
 * and the TCP socket it shares with us, non-blocking), FD_CLOEXEC likewise.
 */
int
shim_swap_in(int fd, int app_end, int fl, int fdfl)
{
	int afl = fcntl(app_end, F_GETFL);

	if (afl < 0)
		return -1;
	if (fcntl(app_end, F_SETFL, (afl & ~O_NONBLOCK) | (fl & O_NONBLOCK)) != 0)
		return -1;
	if (dup3(app_end, fd, (fdfl & FD_CLOEXEC) != 0 ? O_CLOEXEC : 0) < 0)
		return -1;
	return 0;
}

static int
swap_in(int fd, int app_end, const struct flags *f)
{
	return shim_swap_in(fd, app_end, f->fl, f->fdfl);
}

/* A socket left with the program: its status flags as they were. */
static void
restore(int fd, const struct flags *f)
{
	int now = fcntl(fd, F_GETFL);

	if (now >= 0 && now != f->fl)
		(void)fcntl(fd, F_SETFL, f->fl);
}

static struct outcome
fail_with(int fd, int errnum)
{
	struct outcome o = { true, errnum != 0 ? errnum : ECONNREFUSED };

	/* Nothing may leave in cleartext on a connection policy wanted
	 * protected, even if the program ignores the error. */
	(void)shutdown(fd, SHUT_RDWR);
	return o;
}

static struct outcome
protect(int fd, const struct ctl_map *m, int sock_family, const struct ctl_map_reply *r,
    uint32_t scope, int app_end, const struct flags *f)
{
	struct outcome o = { false, 0 };
	struct shim_epoll_regs regs;
	struct shim_fd_info info;
	struct stat st;

	if (app_end < 0 || fstat(app_end, &st) != 0 || !S_ISSOCK(st.st_mode))
		return fail_with(fd, ECONNABORTED);
	memset(&info, 0, sizeof(info));
	info.state = SHIM_FD_PROTECTED;
	info.flags = (m->flags & CTL_MAP_CONNECTING) != 0 ? SHIM_FDF_CONNECTING : 0;
	info.sock_family = (uint8_t)sock_family;
	info.conn_id = r->conn_id;
	info.scope_id = scope;
	info.ino = (uint64_t)st.st_ino;
	info.addrs = m->addrs;
	shim_fd_set(fd, &info);
	shim_epoll_take(fd, &regs);
	if (swap_in(fd, app_end, f) != 0) {
		shim_fd_clear(fd);
		shim_epoll_restore(fd, &regs);
		return fail_with(fd, ECONNABORTED);
	}
	shim_epoll_restore(fd, &regs);
	return o;
}

/*
 * A connection under an ApplicationControlled rule stays the program's
 * TCP socket; remembering it lets attls_ioctl() ask for its handshake.
 */
static void
remember_applctl(int fd, const struct ctl_map *m, int sock_family, uint32_t scope)
{
	struct shim_fd_info info;
	struct stat st;

	if (fstat(fd, &st) != 0)
		return;
	memset(&info, 0, sizeof(info));
	info.state = SHIM_FD_APPLCTL;
	info.flags = m->dir == CTL_DIR_INBOUND ? SHIM_FDF_INBOUND : 0;
	info.sock_family = (uint8_t)sock_family;
	info.scope_id = scope;
	info.ino = (uint64_t)st.st_ino;
	info.addrs = m->addrs;
	shim_fd_set(fd, &info);
}

/*
 * attlsd did not decide a connection the summary says a rule may cover.
 * Only a host with no published policy (and no requirement) lets it go
 * on in cleartext, as if the library were not there; otherwise it is
 * refused, whatever the reason: a daemon that is down, full, slow, or not
 * attlsd at all must never turn protection off.  ATTLS_REQUIRE=off (never
 * in a set-user-ID program) is the one, announced, way around that for a
 * daemon that is not there.
 */
static struct outcome
cannot_decide(int fd, int dir, enum at_rc rc, const struct at_err *err)
{
	struct outcome o = { false, 0 };
	bool absent = rc == AT_E_NOTFOUND || rc == AT_E_DENIED;
	int errnum = rc == AT_E_BUSY ? ETIMEDOUT : ECONNREFUSED;
	char why[AT_ERR_MSG_MAX + 256];
	enum shim_nodaemon nd = shim_nodaemon();

	if (rc == AT_E_NOTFOUND)
		(void)snprintf(why, sizeof(why), "attlsd is not running at %s, or it dropped this "
		    "process's request (%s)", shim_socket_path(), err->msg);
	else if (rc == AT_E_DENIED || rc == AT_E_BUSY)
		(void)snprintf(why, sizeof(why), "%s", err->msg);
	else
		(void)snprintf(why, sizeof(why), "attlsd at %s gave no usable answer (%s)",
		    shim_socket_path(), err->msg);
	if (!absent)
		nd = SHIM_ND_REFUSE;
	if (nd == SHIM_ND_CLEAR) {
		/* Nothing to say when simply no daemon runs on a host
		 * without a policy; a stranger on the socket is worth a line. */
		if (rc == AT_E_DENIED)
			shim_warn(nd, why);
		return o;
	}
	shim_warn(nd, why);
	if (nd == SHIM_ND_OPTOUT)
		return o;
	/* A server must not take an accept() error for a dead listener. */
	return fail_with(fd, dir == CTL_DIR_INBOUND ? ECONNABORTED : errnum);
}

static struct outcome
decide(int fd, const struct ctl_map *m, int sock_family, uint32_t scope)
{
	struct outcome o = { false, 0 };
	struct at_err err;
	struct ctl_map_reply r;
	struct flags f;
	enum at_rc rc;
	int app_end = -1;

	f.fl = fcntl(fd, F_GETFL);
	f.fdfl = fcntl(fd, F_GETFD);
	if (f.fl < 0 || f.fdfl < 0)
		return o;
	memset(&r, 0, sizeof(r));
	at_err_clear(&err);
	rc = shim_ctl_map(m, fd, &r, &app_end, &err);
	if (rc != AT_OK) {
		o = cannot_decide(fd, m->dir, rc, &err);
	} else if (r.verdict == CTL_PROTECTED) {
		o = protect(fd, m, sock_family, &r, scope, app_end, &f);
	} else if (r.verdict == CTL_REFUSED) {
		o = fail_with(fd, r.errnum);
	} else if (r.verdict == CTL_APPL_CONTROL) {
		remember_applctl(fd, m, sock_family, scope);
	} else if (r.verdict != CTL_CLEAR && r.verdict != CTL_NOT_ENABLED) {
		o = fail_with(fd, ECONNREFUSED);
	}
	if (app_end >= 0)
		(void)shim_real()->close(app_end);
	if (r.verdict != CTL_PROTECTED && !o.fail)
		restore(fd, &f);
	return o;
}

/*
 * The common path after a connection exists: fills the map request from
 * the socket and the remote address, asks the summary, then the daemon.
 */
static struct outcome
consider(int fd, int dir, uint8_t flags, const struct sockaddr *peer, socklen_t peerlen)
{
	const struct shim_real *real = shim_real();
	struct outcome o = { false, 0 };
	struct sockaddr_storage local;
	socklen_t llen = sizeof(local);
	struct ctl_map m;
	uint32_t scope, lscope;
	uint8_t lfam;

	shim_fd_clear(fd);
	if (shim_inert() || !is_tcp(fd))
		return o;
	if (real->getsockname(fd, (struct sockaddr *)&local, &llen) != 0)
		return o;
	memset(&m, 0, sizeof(m));
	m.dir = (uint8_t)dir;
	m.flags = flags;
	if (!shim_addr_from_sockaddr(peer, peerlen, m.addrs.raddr, &m.addrs.rport,
	    &m.addrs.family, &scope))
		return o;
	if (!shim_addr_from_sockaddr((struct sockaddr *)&local, llen, m.addrs.laddr,
	    &m.addrs.lport, &lfam, &lscope))
		return o;
	/* SecondaryMap: a connection no rule covers, between the two
	 * addresses of a protected one of this process (an FTP data
	 * connection), is attlsd's to decide too. */
	if (!shim_may_match(dir, m.addrs.lport, m.addrs.rport) &&
	    !(shim_secmap_published() && shim_fd_protected_pair(m.addrs.laddr, m.addrs.raddr)))
		return o;
	memcpy(m.jobname, shim_jobname(), sizeof(m.jobname));
	return decide(fd, &m, local.ss_family, scope);
}

/* connect() on a descriptor already handed over: answer as TCP would. */
static int
connect_again(int fd, const struct shim_fd_info *info)
{
	struct ctl_addr_reply r;

	if ((info->flags & SHIM_FDF_CONNECTING) != 0 && shim_ctl_addr(fd, &r, NULL) == AT_OK &&
	    r.errnum == 0) {
		if (r.so_error == EINPROGRESS) {
			errno = EALREADY;
			return -1;
		}
		shim_fd_update_flags(fd, info->ino, 0, SHIM_FDF_CONNECTING);
		if (r.so_error != 0) {
			errno = r.so_error;
			return -1;
		}
	}
	errno = EISCONN;
	return -1;
}

SHIM_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len);

int
connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct shim_fd_info info;
	struct outcome o;
	int r, saved;

	if (addr != NULL && len >= (socklen_t)sizeof(sa_family_t) &&
	    (addr->sa_family == AF_INET || addr->sa_family == AF_INET6) &&
	    shim_lookup(fd, &info, false))
		return connect_again(fd, &info);
	r = shim_real()->connect(fd, addr, len);
	if (r != 0 && errno != EINPROGRESS)
		return r;
	saved = errno;
	if (addr == NULL || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6)) {
		errno = saved;
		return r;
	}
	o = consider(fd, CTL_DIR_OUTBOUND, r != 0 ? CTL_MAP_CONNECTING : 0, addr, len);
	if (o.fail) {
		errno = o.errnum;
		return -1;
	}
	errno = saved;
	return r;
}

static int
after_accept(int nfd)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	struct outcome o;
	int saved = errno;

	if (shim_real()->getpeername(nfd, (struct sockaddr *)&peer, &plen) != 0 ||
	    (peer.ss_family != AF_INET && peer.ss_family != AF_INET6)) {
		shim_fd_clear(nfd);
		errno = saved;
		return nfd;
	}
	o = consider(nfd, CTL_DIR_INBOUND, 0, (struct sockaddr *)&peer, plen);
	if (o.fail) {
		(void)shim_real()->close(nfd);
		errno = o.errnum;
		return -1;
	}
	errno = saved;
	return nfd;
}

SHIM_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len);
SHIM_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	int nfd = shim_real()->accept(fd, addr, len);

	return nfd < 0 ? nfd : after_accept(nfd);
}

int
accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	int nfd = shim_real()->accept4(fd, addr, len, flags);

	return nfd < 0 ? nfd : after_accept(nfd);
}

static void
prepare(void)
{
	shim_decide_atfork_prepare();
	shim_ctl_atfork_prepare();
}

static void
parent(void)
{
	shim_ctl_atfork_parent();
	shim_decide_atfork_parent();
}

static void
child(void)
{
	shim_ctl_atfork_child();
	shim_decide_atfork_child();
}

static void init(void) __attribute__((constructor));

static void
init(void)
{
	int saved = errno;

	(void)shim_real();
	(void)pthread_atfork(prepare, parent, child);
	errno = saved;
}
