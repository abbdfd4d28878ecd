/*
 * ctlconn.c - the shim's own connection to attlsd.
 *
 * One SOCK_SEQPACKET connection per process, opened on first need (a
 * program that never makes a matching connection never contacts the
 * daemon), close-on-exec, connected with the real connect() so the shim
 * never sees its own call.  A mutex serialises request and reply; replies
 * carry the request's cookie, and anything else (a late answer to a request
 * that timed out) is dropped.  After fork the child closes its copy and
 * opens its own on next need, so parent and child never read each other's
 * replies.  The buffers are allocated once and kept.
 *
 * Every request carries a descriptor, so before the first one the peer is
 * checked: SO_PEERCRED must name root, this process's effective user (not
 * in a set-user-ID or set-group-ID program), or the owner of the default
 * socket's directory (the user a service manager runs attlsd as).  Anyone else listening on the path is not attlsd and
 * is handed nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/num.h"
#include "ctl/io.h"
#include "ctl/proto.h"
#include "shim/shim.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ctl_fd = -1;
static pid_t ctl_pid;
static dev_t ctl_dev;
static ino_t ctl_ino;
static uint32_t next_cookie;
static struct at_buf sendb = { .max = CTL_MSG_MAX };
static struct at_buf recvb = { .max = CTL_MSG_MAX };

static void
drop(bool close_it)
{
	if (ctl_fd >= 0 && close_it)
		(void)shim_real()->close(ctl_fd);
	ctl_fd = -1;
}

/* The descriptor is still ours: same process, and the program has not
 * closed it and reused the number for something else. */
static bool
still_ours(void)
{
	struct stat st;

	if (ctl_fd < 0)
		return false;
	if (fstat(ctl_fd, &st) != 0 || st.st_dev != ctl_dev || st.st_ino != ctl_ino) {
		drop(false);
		return false;
	}
	if (ctl_pid != getpid()) {
		drop(true);
		return false;
	}
	return true;
}

/* The directory of CTL_DEFAULT_SOCKET, whose owner attlsd may run as. */
static bool
service_uid(uid_t *uid)
{
	char dir[sizeof(CTL_DEFAULT_SOCKET)];
	char *slash;
	struct stat st;

	memcpy(dir, CTL_DEFAULT_SOCKET, sizeof(dir));
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return false;
	*slash = '\0';
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	*uid = st.st_uid;
	return true;
}

/*
 * The other end of fd is attlsd: a process of root, of our own effective
 * user (outside secure-execution mode), or of the owner of the default
 * socket's directory.  The
 * environment has no say, so a set-user-ID program cannot be talked into
 * trusting its caller's listener.
 */
static enum at_rc
check_peer(int fd, struct at_err *err)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	uid_t svc;

	if (shim_real()->getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 ||
	    len != sizeof(cr))
		return at_err_set(err, AT_E_IO, "asking who listens on %s", shim_socket_path());
	/* In a set-group-ID program the effective user is the caller, who
	 * must not be trusted; there only root and the service user are. */
	if (cr.uid == 0 || (cr.uid == geteuid() && getauxval(AT_SECURE) == 0) ||
	    (service_uid(&svc) && cr.uid == svc))
		return AT_OK;
	return at_err_setx(err, AT_E_DENIED, "%s is held by uid %u, not by attlsd's user "
	    "(root, this program's own user, or the owner of the directory of %s): it was "
	    "handed nothing", shim_socket_path(), (unsigned)cr.uid, CTL_DEFAULT_SOCKET);
}

static enum at_rc
ensure_open(struct at_err *err)
{
	struct stat st;
	enum at_rc rc;
	int fd;

	if (still_ours())
		return AT_OK;
	rc = ctl_connect_timed(shim_socket_path(), shim_real()->connect, shim_timeout_ms(),
	    &fd, err);
	if (rc != AT_OK) {
		if (rc == AT_E_IO && (errno == ENOENT || errno == ECONNREFUSED ||
		    errno == ENOTDIR || errno == EACCES))
			rc = AT_E_NOTFOUND;
		return rc;
	}
	rc = check_peer(fd, err);
	if (rc != AT_OK) {
		(void)shim_real()->close(fd);
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = at_err_set(err, AT_E_IO, "checking the control socket");
		(void)shim_real()->close(fd);
		return rc;
	}
	ctl_fd = fd;
	ctl_pid = getpid();
	ctl_dev = st.st_dev;
	ctl_ino = st.st_ino;
	return AT_OK;
}

/* Set (under mu) while a request may legitimately take long: a handshake. */
static int long_wait_ms;

static int
init_timeout_ms(void)
{
	/* Nothing from the environment in a set-user-ID program. */
	const char *v = secure_getenv("ATTLS_INIT_TIMEOUT_MS");
	struct at_err err;
	uint64_t ms;

	if (v != NULL && at_parse_u64(at_str_c(v), 1, 3600000, "ATTLS_INIT_TIMEOUT_MS", &ms,
	    &err) == AT_OK)
		return (int)ms;
	return 60000;
}

static int
elapsed_ms(const struct timespec *t0)
{
	struct timespec now;
	long long ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return INT_MAX;
	ms = (long long)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * Waits for the reply to cookie; others are late replies and are dropped.
 * The matching reply's descriptors go to fds/nfds when given, else are
 * closed.
 */
static enum at_rc
await(uint32_t cookie, uint16_t want, struct ctl_hdr *h, int *out_fds, size_t *out_nfds,
    struct at_err *err)
{
	int fds[CTL_MAX_FDS], limit = long_wait_ms > 0 ? long_wait_ms : shim_timeout_ms();
	size_t nfds = 0, i;
	struct timespec t0;
	enum at_rc rc;

	if (clock_gettime(CLOCK_MONOTONIC, &t0) != 0)
		return at_err_set(err, AT_E_IO, "reading the clock");
	for (;;) {
		/* One deadline for the request: late replies to earlier
		 * requests do not extend it. */
		int left = limit - elapsed_ms(&t0);

		rc = left > 0 ? ctl_recv(ctl_fd, &recvb, fds, &nfds, left, err) :
		    at_err_setx(err, AT_E_BUSY, "no answer on the control socket within %d ms",
		    limit);
		if (rc == AT_OK)
			rc = ctl_decode_hdr(&recvb, h, err);
		if (rc == AT_OK && h->cookie == cookie && h->type != want)
			rc = at_err_setx(err, AT_E_INPUT, "attlsd answered with message type %u",
			    h->type);
		if (rc == AT_OK && h->cookie == cookie && out_fds != NULL) {
			memcpy(out_fds, fds, nfds * sizeof(int));
			*out_nfds = nfds;
			return AT_OK;
		}
		for (i = 0; i < nfds; i++)
			(void)shim_real()->close(fds[i]);
		nfds = 0;
		if (rc == AT_E_IO) {
			drop(true);
			return AT_E_NOTFOUND;
		}
		if (rc != AT_OK) {
			/* A timeout or a garbled stream: start afresh next time. */
			drop(true);
			return rc;
		}
		if (h->cookie == cookie)
			return AT_OK;
	}
}

/* Sends sendb (already encoded with cookie) and waits for its reply. */
static enum at_rc
roundtrip(uint32_t cookie, const int *fds, size_t nfds, uint16_t want, struct ctl_hdr *h,
    int *out_fds, size_t *out_nfds, struct at_err *err)
{
	enum at_rc rc;
	int attempt;

	if (recvb.data == NULL && at_buf_reserve(&recvb, CTL_MSG_MAX) != AT_OK)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	for (attempt = 0; attempt < 2; attempt++) {
		rc = ensure_open(err);
		if (rc != AT_OK)
			return rc;
		rc = ctl_send(ctl_fd, &sendb, fds, nfds, err);
		if (rc == AT_OK)
			break;
		drop(true);
		/* A daemon that stopped reading: SO_SNDTIMEO ran out. */
		if (errno == EAGAIN)
			return at_err_setx(err, AT_E_BUSY, "attlsd at %s took no request within "
			    "%d ms", shim_socket_path(), shim_timeout_ms());
		/* Otherwise the daemon restarted since the last request:
		 * reconnect once. */
	}
	if (rc != AT_OK)
		return AT_E_NOTFOUND;
	return await(cookie, want, h, out_fds, out_nfds, err);
}

enum at_rc
shim_ctl_map(const struct ctl_map *m, int tcp_fd, struct ctl_map_reply *r, int *app_fd,
    struct at_err *err)
{
	int saved = errno, fds[CTL_MAX_FDS];
	size_t nfds = 0, i;
	struct ctl_hdr h;
	enum at_rc rc;
	uint32_t cookie;

	*app_fd = -1;
	(void)pthread_mutex_lock(&mu);
	cookie = ++next_cookie;
	at_buf_reset(&sendb);
	rc = ctl_encode_map(&sendb, cookie, m, err);
	if (rc == AT_OK)
		rc = roundtrip(cookie, &tcp_fd, 1, CTL_MAP_REPLY, &h, fds, &nfds, err);
	if (rc == AT_OK)
		rc = ctl_decode_map_reply(&recvb, r, err);
	(void)pthread_mutex_unlock(&mu);
	/* The application's end comes with a PROTECTED verdict, and only then. */
	for (i = 0; i < nfds; i++) {
		if (rc == AT_OK && i == 0 && r->verdict == CTL_PROTECTED)
			*app_fd = fds[0];
		else
			(void)shim_real()->close(fds[i]);
	}
	errno = saved;
	return rc;
}

enum at_rc
shim_ctl_addr(int fd, struct ctl_addr_reply *r, struct at_err *err)
{
	int saved = errno;
	struct ctl_hdr h;
	enum at_rc rc;
	uint32_t cookie;

	(void)pthread_mutex_lock(&mu);
	cookie = ++next_cookie;
	at_buf_reset(&sendb);
	rc = ctl_encode_addr(&sendb, cookie, err);
	if (rc == AT_OK)
		rc = roundtrip(cookie, &fd, 1, CTL_ADDR_REPLY, &h, NULL, NULL, err);
	if (rc == AT_OK)
		rc = ctl_decode_addr_reply(&recvb, r, err);
	(void)pthread_mutex_unlock(&mu);
	errno = saved;
	return rc;
}

enum at_rc
shim_ctl_query(int fd, const struct ctl_query *q, struct ctl_query_reply *r, void *cert,
    size_t cert_max, int *app_end, struct at_err *err)
{
	int saved = errno, fds[CTL_MAX_FDS];
	struct ctl_hdr h;
	enum at_rc rc;
	uint32_t cookie;
	size_t nfds = 0, i;

	if (app_end != NULL)
		*app_end = -1;
	(void)pthread_mutex_lock(&mu);
	cookie = ++next_cookie;
	at_buf_reset(&sendb);
	rc = ctl_encode_query(&sendb, cookie, q, err);
	if ((q->req_type & (CTL_TTLS_INIT_CONNECTION | CTL_TTLS_STOP_CONNECTION)) != 0)
		long_wait_ms = init_timeout_ms();
	if (rc == AT_OK)
		rc = roundtrip(cookie, &fd, 1, CTL_QUERY_REPLY, &h, fds, &nfds, err);
	long_wait_ms = 0;
	if (rc == AT_OK)
		rc = ctl_decode_query_reply(&recvb, r, err);
	for (i = 0; i < nfds; i++) {
		if (rc == AT_OK && i == 0 && app_end != NULL && r->errnum == 0)
			*app_end = fds[0];
		else
			(void)shim_real()->close(fds[i]);
	}
	if (rc == AT_OK) {
		if (cert != NULL && r->cert != NULL && r->cert_len > 0)
			memcpy(cert, r->cert, r->cert_len < cert_max ? r->cert_len : cert_max);
		r->cert = NULL; /* points into a buffer the next request reuses */
	}
	(void)pthread_mutex_unlock(&mu);
	errno = saved;
	return rc;
}

void
shim_ctl_atfork_prepare(void)
{
	(void)pthread_mutex_lock(&mu);
}

void
shim_ctl_atfork_parent(void)
{
	(void)pthread_mutex_unlock(&mu);
}

void
shim_ctl_atfork_child(void)
{
	/* The child must not share the parent's control connection: replies
	 * would go to whichever process reads first. */
	drop(true);
	(void)pthread_mutex_unlock(&mu);
}
