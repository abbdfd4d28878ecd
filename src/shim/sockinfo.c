/*
 * sockinfo.c - the calls that must keep telling the truth about a
 * protected descriptor: getpeername and getsockname report the TCP
 * addresses, getsockopt reports a TCP socket (SO_DOMAIN, SO_PROTOCOL,
 * SO_ERROR of a connect the daemon finished), TCP-level setsockopt is
 * accepted, and close forgets the descriptor.
 *
 * Every call goes to libc first or only consults the table, so a program
 * that makes no protected connection pays an array read per call, and an
 * AF_UNIX program pays one daemon round trip per unnamed stream socket at
 * most (and only if it asks for that socket's addresses).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/un.h>

#include "shim/fdtable.h"
#include "shim/shim.h"

SHIM_EXPORT int getpeername(int fd, struct sockaddr *sa, socklen_t *len);
SHIM_EXPORT int getsockname(int fd, struct sockaddr *sa, socklen_t *len);
SHIM_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
SHIM_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
SHIM_EXPORT int close(int fd);

static bool
unnamed_unix(const struct sockaddr_storage *ss, socklen_t len)
{
	return ss->ss_family == AF_UNIX && len <= (socklen_t)sizeof(sa_family_t);
}

static int
name_common(int fd, struct sockaddr *sa, socklen_t *len, bool peer)
{
	const struct shim_real *real = shim_real();
	struct shim_fd_info info;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int saved = errno, r;

	if (len == NULL || (sa == NULL && *len > 0))
		return peer ? real->getpeername(fd, sa, len) : real->getsockname(fd, sa, len);
	if (!shim_lookup(fd, &info, false)) {
		r = peer ? real->getpeername(fd, (struct sockaddr *)&ss, &sl) :
		    real->getsockname(fd, (struct sockaddr *)&ss, &sl);
		if (r != 0)
			return r;
		if (!unnamed_unix(&ss, sl) || !shim_lookup(fd, &info, true)) {
			if (*len > 0)
				memcpy(sa, &ss, *len < sl ? *len : sl);
			*len = sl;
			errno = saved;
			return 0;
		}
	}
	if (peer)
		shim_addr_to_sockaddr(info.sock_family, info.addrs.family, info.addrs.raddr,
		    info.addrs.rport, info.scope_id, sa, len);
	else
		shim_addr_to_sockaddr(info.sock_family, info.addrs.family, info.addrs.laddr,
		    info.addrs.lport, info.scope_id, sa, len);
	errno = saved;
	return 0;
}

int
getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	return name_common(fd, sa, len, true);
}

int
getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	return name_common(fd, sa, len, false);
}

static int
put_int(void *val, socklen_t *len, int v)
{
	if (val == NULL || len == NULL || *len < (socklen_t)sizeof(int)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(val, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

/* SO_ERROR of a connection handed over while its connect was in progress. */
static int
connect_error(int fd, const struct shim_fd_info *info)
{
	struct ctl_addr_reply r;

	if (shim_ctl_addr(fd, &r, NULL) != AT_OK || r.errnum != 0)
		return 0;
	if (r.so_error == EINPROGRESS)
		return 0;
	/* Reported once, as the kernel clears SO_ERROR when it is read. */
	shim_fd_update_flags(fd, info->ino, 0, SHIM_FDF_CONNECTING);
	return r.so_error;
}

static int
sol_socket(int fd, const struct shim_fd_info *info, int name, void *val, socklen_t *len)
{
	switch (name) {
	case SO_DOMAIN:
		return put_int(val, len, info->sock_family);
	case SO_PROTOCOL:
		return put_int(val, len, IPPROTO_TCP);
	case SO_ERROR:
		if ((info->flags & SHIM_FDF_CONNECTING) != 0)
			return put_int(val, len, connect_error(fd, info));
		return shim_real()->getsockopt(fd, SOL_SOCKET, name, val, len);
	default:
		return shim_real()->getsockopt(fd, SOL_SOCKET, name, val, len);
	}
}

/* TCP options on the pair end: the daemon owns the TCP socket. */
static int
tcp_level(const struct shim_fd_info *info, int name, void *val, socklen_t *len)
{
	if (name == TCP_NODELAY)
		return put_int(val, len, (info->flags & SHIM_FDF_NODELAY) != 0);
	if (val == NULL || len == NULL) {
		errno = EFAULT;
		return -1;
	}
	memset(val, 0, *len);
	return 0;
}

static bool
is_unix_domain(int r, int level, int name, const void *val, const socklen_t *len)
{
	int v;

	if (r != 0 || level != SOL_SOCKET || name != SO_DOMAIN || val == NULL ||
	    len == NULL || *len < (socklen_t)sizeof(int))
		return false;
	memcpy(&v, val, sizeof(v));
	return v == AF_UNIX;
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	const struct shim_real *real = shim_real();
	struct shim_fd_info info;
	int saved = errno, r;
	bool interesting = (level == SOL_SOCKET && (name == SO_DOMAIN ||
	    name == SO_PROTOCOL || name == SO_ERROR)) || level == IPPROTO_TCP;

	if (!interesting)
		return real->getsockopt(fd, level, name, val, len);
	if (!shim_lookup(fd, &info, false)) {
		r = real->getsockopt(fd, level, name, val, len);
		/* A pair end whose table entry did not survive exec answers as
		 * AF_UNIX (or refuses TCP options); the daemon knows better. */
		if (!(is_unix_domain(r, level, name, val, len) ||
		    (r != 0 && level == IPPROTO_TCP)) || !shim_lookup(fd, &info, true))
			return r;
	}
	errno = saved;
	r = level == SOL_SOCKET ? sol_socket(fd, &info, name, val, len) :
	    tcp_level(&info, name, val, len);
	if (r == 0)
		errno = saved;
	return r;
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct shim_fd_info info;
	int before = errno, after, r = shim_real()->setsockopt(fd, level, name, val, len);

	if (r == 0 || level != IPPROTO_TCP)
		return r;
	after = errno;
	if (!shim_lookup(fd, &info, true)) {
		errno = after;
		return r;
	}
	/* Accepted, not applied: attlsd sets its own TCP options on the
	 * socket it holds.  TCP_NODELAY is remembered so a program reading it
	 * back sees what it set. */
	if (name == TCP_NODELAY && val != NULL && len >= (socklen_t)sizeof(int)) {
		int v;

		memcpy(&v, val, sizeof(v));
		shim_fd_update_flags(fd, info.ino, v != 0 ? SHIM_FDF_NODELAY : 0,
		    v != 0 ? 0 : SHIM_FDF_NODELAY);
	}
	errno = before;
	return 0;
}

int
close(int fd)
{
	shim_fd_clear(fd);
	shim_epoll_forget(fd);
	return shim_real()->close(fd);
}
