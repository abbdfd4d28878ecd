/*
 * lookup.c - is this descriptor a protected connection, and which TCP
 * addresses are behind it?  The table answers for descriptors this process
 * handed over; after exec, dup or SCM_RIGHTS the daemon answers (it knows
 * its pair ends by inode), and the answer is remembered, including "not
 * ours", so that an ordinary AF_UNIX program asks at most once per socket.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "shim/fdtable.h"
#include "shim/shim.h"

static bool
unnamed_unix_stream(int fd)
{
	const struct shim_real *real = shim_real();
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int type = 0;
	socklen_t tl = sizeof(type);

	if (real->getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return false;
	if (ss.ss_family != AF_UNIX || len > (socklen_t)sizeof(sa_family_t))
		return false;
	if (real->getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
		return false;
	return type == SOCK_STREAM;
}

static bool
ask_daemon(int fd, uint64_t ino, struct shim_fd_info *info)
{
	struct ctl_addr_reply r;
	enum at_rc rc;

	if (!unnamed_unix_stream(fd))
		return false;
	rc = shim_ctl_addr(fd, &r, NULL);
	memset(info, 0, sizeof(*info));
	info->ino = ino;
	if (rc == AT_OK && r.errnum == 0 &&
	    (r.addrs.family == AF_INET || r.addrs.family == AF_INET6)) {
		info->state = SHIM_FD_PROTECTED;
		info->sock_family = r.addrs.family;
		info->conn_id = r.conn_id;
		info->addrs = r.addrs;
		if (r.so_error == EINPROGRESS)
			info->flags |= SHIM_FDF_CONNECTING;
		shim_fd_set(fd, info);
		return true;
	}
	/* Remember "not a protected connection" only when the daemon said so;
	 * with no daemon, ask again next time (it may have been restarted). */
	if (rc == AT_OK) {
		info->state = SHIM_FD_UNKNOWN;
		shim_fd_set(fd, info);
	}
	info->state = SHIM_FD_NONE;
	return false;
}

bool
shim_lookup(int fd, struct shim_fd_info *info, bool ask)
{
	int saved = errno;
	bool have = shim_fd_get(fd, info), res = false;
	struct stat st;

	if (!have && !ask)
		goto out;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		if (have)
			shim_fd_clear(fd);
		goto out;
	}
	if (have && info->ino == (uint64_t)st.st_ino) {
		res = info->state == SHIM_FD_PROTECTED;
		goto out;
	}
	if (have)
		shim_fd_clear(fd);
	if (ask && !shim_inert())
		res = ask_daemon(fd, (uint64_t)st.st_ino, info);
out:
	if (!res)
		memset(info, 0, sizeof(*info));
	errno = saved;
	return res;
}
