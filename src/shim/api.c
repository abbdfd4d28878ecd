/*
 * api.c - attls_ioctl(), the SIOCTTLSCTL-style application interface (see
 * include/attls.h).  Requests about protected connections go to attlsd
 * with CTL_QUERY; a plain TCP connection that the policy summary rules out
 * is answered here, without a round trip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "attls.h"
#include "shim/fdtable.h"
#include "shim/shim.h"

#define KNOWN_REQ 0xffu

/* The daemon knows these bits by value. */
_Static_assert(TTLS_RETURN_CERTIFICATE == CTL_TTLS_RETURN_CERTIFICATE,
    "attls.h and the control protocol disagree on TTLS_RETURN_CERTIFICATE");
_Static_assert(TTLS_INIT_CONNECTION == CTL_TTLS_INIT_CONNECTION,
    "attls.h and the control protocol disagree on TTLS_INIT_CONNECTION");

SHIM_EXPORT int attls_ioctl(int fd, struct attls_ioctl *req);

static void
clear_out(struct attls_ioctl *req)
{
	req->stat_policy = 0;
	req->stat_conn = 0;
	req->prot_ver = 0;
	req->prot_mod = 0;
	req->neg_cipher = 0;
	memset(req->neg_cipher4, 0, sizeof(req->neg_cipher4));
	req->neg_keyshare = 0;
	req->sec_type = 0;
	req->fips140 = 0;
	memset(req->userid, 0, sizeof(req->userid));
	req->userid_len = 0;
	req->cert_len = 0;
	memset(req->rule, 0, sizeof(req->rule));
	memset(req->group_action, 0, sizeof(req->group_action));
	memset(req->env_action, 0, sizeof(req->env_action));
	memset(req->conn_action, 0, sizeof(req->conn_action));
}

static int
fail(int errnum)
{
	errno = errnum;
	return -1;
}

static int
check_request(const struct attls_ioctl *req)
{
	bool cert = (req->req_type & TTLS_RETURN_CERTIFICATE) != 0;

	if (req->ver != TTLS_VERSION1 || (req->req_type & ~KNOWN_REQ) != 0)
		return EINVAL;
	if (cert && (req->buffer == NULL || req->buffer_len == 0))
		return EINVAL;
	if (!cert && req->buffer != NULL && req->buffer_len != 0)
		return EINVAL;
	return 0;
}

static void
copy_name(char *dst, const char *src)
{
	(void)snprintf(dst, ATTLS_NAME_MAX + 1, "%s", src);
}

static int
from_reply(struct attls_ioctl *req, const struct ctl_query_reply *r)
{
	req->stat_policy = r->stat_policy;
	req->stat_conn = r->stat_conn;
	req->prot_ver = r->prot_ver;
	req->prot_mod = r->prot_mod;
	req->neg_cipher = r->cipher;
	if (r->cipher != 0)
		(void)snprintf(req->neg_cipher4, sizeof(req->neg_cipher4), "%04X", r->cipher);
	req->neg_keyshare = r->key_share;
	req->sec_type = r->sec_type;
	req->fips140 = r->fips140;
	copy_name(req->userid, r->userid);
	req->userid_len = (uint16_t)strlen(req->userid);
	copy_name(req->rule, r->rule);
	copy_name(req->group_action, r->group_action);
	copy_name(req->env_action, r->env_action);
	copy_name(req->conn_action, r->conn_action);
	req->cert_len = (req->req_type & TTLS_RETURN_CERTIFICATE) != 0 ? r->cert_len : 0;
	if (r->errnum != 0)
		return fail(r->errnum);
	if (req->cert_len > req->buffer_len)
		return fail(ENOBUFS);
	return 0;
}

/*
 * TTLS_STOP_CONNECTION succeeded: the reply carried the TCP socket, which
 * takes the place of the pair's end, in cleartext, remembered as a
 * connection under ApplicationControlled so that a later
 * TTLS_INIT_CONNECTION starts TLS again.
 */
static int
stopped(int fd, int tcp, const struct shim_fd_info *info)
{
	struct shim_fd_info now = *info;
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
	struct stat st;

	if (fl < 0 || fdfl < 0 || fstat(tcp, &st) != 0 || shim_swap_in(fd, tcp, fl, fdfl) != 0) {
		(void)shim_real()->close(tcp);
		return ECONNRESET;
	}
	(void)shim_real()->close(tcp);
	now.state = SHIM_FD_APPLCTL;
	now.ino = (uint64_t)st.st_ino;
	shim_fd_set(fd, &now);
	return 0;
}

static int
ask(int fd, struct attls_ioctl *req, const struct shim_fd_info *info)
{
	struct ctl_query q = { req->req_type, 0, 0, "" };
	struct ctl_query_reply r;
	bool cert = (req->req_type & TTLS_RETURN_CERTIFICATE) != 0;
	bool is_protected = info != NULL;
	int tcp = -1, e;
	enum at_rc rc;

	q.cert_max = cert ? req->buffer_len : 0;
	memset(&r, 0, sizeof(r));
	rc = shim_ctl_query(fd, &q, &r, cert ? req->buffer : NULL, q.cert_max,
	    is_protected && (req->req_type & TTLS_STOP_CONNECTION) != 0 ? &tcp : NULL, NULL);
	if (rc == AT_OK && tcp >= 0) {
		e = stopped(fd, tcp, info);
		if (e != 0) {
			(void)from_reply(req, &r);
			return fail(e);
		}
	}
	if (rc == AT_OK)
		return from_reply(req, &r);
	if (is_protected)
		return fail(EIO);
	/* No daemon: a plain connection on a host without AT-TLS. */
	if (req->req_type != TTLS_QUERY_ONLY && req->req_type != TTLS_RETURN_CERTIFICATE)
		return fail(EACCES);
	req->stat_policy = TTLS_POL_OFF;
	req->stat_conn = TTLS_CONN_NOTSECURE;
	return 0;
}

/*
 * A TCP socket under an ApplicationControlled rule, still in cleartext.
 * For TTLS_INIT_CONNECTION attlsd runs the handshake on it and hands back
 * the application's end of a pair, which takes the socket's place here
 * with the program's flags, exactly as a connection protected at connect()
 * or accept() would have been.  The call returns when the handshake has
 * ended, whether or not the socket is non-blocking.
 */
static int
applctl(int fd, struct attls_ioctl *req, const struct shim_fd_info *info)
{
	struct ctl_query q = { req->req_type, 0, 0, "" };
	struct ctl_query_reply r;
	struct shim_fd_info now = *info;
	bool cert = (req->req_type & TTLS_RETURN_CERTIFICATE) != 0;
	int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD), app_end = -1;
	struct stat st;

	if (fl < 0 || fdfl < 0)
		return -1;
	q.cert_max = cert ? req->buffer_len : 0;
	q.dir = (info->flags & SHIM_FDF_INBOUND) != 0 ? CTL_DIR_INBOUND : CTL_DIR_OUTBOUND;
	(void)snprintf(q.jobname, sizeof(q.jobname), "%s", shim_jobname());
	memset(&r, 0, sizeof(r));
	if (shim_ctl_query(fd, &q, &r, cert ? req->buffer : NULL, q.cert_max, &app_end,
	    NULL) != AT_OK)
		return fail(EIO);
	if (app_end >= 0) {
		if (fstat(app_end, &st) != 0 || shim_swap_in(fd, app_end, fl, fdfl) != 0) {
			(void)shim_real()->close(app_end);
			/* The daemon holds the TCP connection now; nothing is left. */
			return fail(ECONNRESET);
		}
		(void)shim_real()->close(app_end);
		now.state = SHIM_FD_PROTECTED;
		now.ino = (uint64_t)st.st_ino;
		shim_fd_set(fd, &now);
	}
	return from_reply(req, &r);
}

/* A plain TCP socket: answer locally when the summary rules it out. */
static int
plain(int fd, struct attls_ioctl *req)
{
	const struct shim_real *real = shim_real();
	struct sockaddr_storage l, p;
	socklen_t ll = sizeof(l), pl = sizeof(p);
	uint8_t a[16], fam;
	uint16_t lport, rport;
	uint32_t scope;
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (real->getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0)
		return -1;
	if (proto != IPPROTO_TCP)
		return fail(EPROTOTYPE);
	if (real->getpeername(fd, (struct sockaddr *)&p, &pl) != 0)
		return fail(ENOTCONN);
	if (real->getsockname(fd, (struct sockaddr *)&l, &ll) != 0 ||
	    !shim_addr_from_sockaddr((struct sockaddr *)&l, ll, a, &lport, &fam, &scope) ||
	    !shim_addr_from_sockaddr((struct sockaddr *)&p, pl, a, &rport, &fam, &scope))
		return fail(EPROTOTYPE);
	if (shim_may_match(CTL_DIR_INBOUND, lport, rport) ||
	    shim_may_match(CTL_DIR_OUTBOUND, lport, rport))
		return ask(fd, req, NULL);
	if ((req->req_type & ~TTLS_RETURN_CERTIFICATE) != 0)
		return fail(EACCES);
	req->stat_policy = TTLS_POL_NO_POLICY;
	req->stat_conn = TTLS_CONN_NOTSECURE;
	return 0;
}

int
attls_ioctl(int fd, struct attls_ioctl *req)
{
	struct shim_fd_info info;
	struct stat st;
	int saved = errno, e, r;

	if (req == NULL)
		return fail(EINVAL);
	e = check_request(req);
	if (e != 0)
		return fail(e);
	clear_out(req);
	if (fstat(fd, &st) != 0)
		return -1;
	if (!S_ISSOCK(st.st_mode))
		return fail(ENOTSOCK);
	if (shim_fd_get(fd, &info) && info.state == SHIM_FD_APPLCTL &&
	    info.ino == (uint64_t)st.st_ino)
		r = applctl(fd, req, &info);
	else if (shim_lookup(fd, &info, true))
		r = ask(fd, req, &info);
	else
		r = plain(fd, req);
	if (r == 0)
		errno = saved;
	return r;
}
