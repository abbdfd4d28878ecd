/*
 * listen.c - the service's socket: one SOCK_SEQPACKET listener, mode
 * 0666 (every local program may ask; each request is judged on its own),
 * and its clients.  A record that does not decode, or that brings
 * descriptors, ends that client's connection and nothing else; every
 * descriptor that arrived is closed first.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "attls_saf.h"
#include "ctl/io.h"
#include "ctl/proto.h"
#include "safd/safd.h"

#define SAFD_CLIENTS_PER_UID 32

enum at_rc
safd_listen(struct safd *d, struct at_err *err)
{
	struct sockaddr_un sa;
	size_t n = strlen(d->socket_path);
	int fd, probe;

	if (n >= sizeof(sa.sun_path))
		return at_err_setx(err, AT_E_INPUT, "socket path '%s' is too "
		    "long", d->socket_path);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, d->socket_path, n + 1);
	/* A socket file nobody answers on is a leftover; a live one is
	 * another service, which must not be taken over. */
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return at_err_set(err, AT_E_IO, "creating a socket");
	if (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		(void)close(probe);
		return at_err_setx(err, AT_E_EXISTS, "a service already answers "
		    "on %s", d->socket_path);
	}
	(void)close(probe);
	if (unlink(d->socket_path) != 0 && errno != ENOENT)
		return at_err_set(err, AT_E_IO, "removing the old socket %s",
		    d->socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "creating a socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(d->socket_path, 0666) != 0 || listen(fd, 128) != 0) {
		enum at_rc rc = at_err_set(err, AT_E_IO, "listening on %s",
		    d->socket_path);

		(void)close(fd);
		return rc;
	}
	d->listen_fd = fd;
	return AT_OK;
}

static size_t
clients_of(const struct safd *d, int fd_skip, uid_t uid)
{
	struct ucred cred;
	socklen_t len;
	size_t i, n = 0;

	for (i = 0; i < SAFD_MAX_CLIENTS; i++) {
		len = sizeof(cred);
		if (d->clients[i] < 0 || d->clients[i] == fd_skip ||
		    getsockopt(d->clients[i], SOL_SOCKET, SO_PEERCRED, &cred,
		    &len) != 0)
			continue;
		if (cred.uid == uid)
			n++;
	}
	return n;
}

void
safd_accept(struct safd *d)
{
	struct epoll_event e = { .events = EPOLLIN };
	struct ucred cred;
	socklen_t len = sizeof(cred);
	size_t slot;
	int fd, one = 1;

	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) != 0) {
		(void)close(fd);
		return;
	}
	/* One user cannot take every slot. */
	if (cred.uid != 0 && cred.uid != geteuid() &&
	    clients_of(d, fd, cred.uid) >= SAFD_CLIENTS_PER_UID) {
		safd_log(LOG_WARNING, "uid %lu already holds %d connections; "
		    "one more refused", (unsigned long)cred.uid,
		    SAFD_CLIENTS_PER_UID);
		(void)close(fd);
		return;
	}
	for (slot = 0; slot < SAFD_MAX_CLIENTS && d->clients[slot] >= 0; slot++)
		;
	if (slot == SAFD_MAX_CLIENTS) {
		safd_log(LOG_WARNING, "every client slot is taken; a connection "
		    "from uid %lu refused", (unsigned long)cred.uid);
		(void)close(fd);
		return;
	}
	e.data.u64 = slot + 2;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
		(void)close(fd);
		return;
	}
	d->clients[slot] = fd;
}

void
safd_drop(struct safd *d, size_t slot)
{
	(void)epoll_ctl(d->epfd, EPOLL_CTL_DEL, d->clients[slot], NULL);
	(void)close(d->clients[slot]);
	d->clients[slot] = -1;
}

static uint8_t
status_of(enum at_rc rc)
{
	switch (rc) {
	case AT_E_INPUT: case AT_E_NOTFOUND: case AT_E_TOOBIG:
		return ATTLS_SAF_E_INPUT;
	case AT_E_NOMEM:
		return ATTLS_SAF_E_NOMEM;
	default:
		return ATTLS_SAF_E_SERVICE;
	}
}

static enum at_rc
dispatch(struct safd *d, const struct safd_caller *c,
    const struct safp_req *req, struct safp_rep *rep, struct at_err *err)
{
	switch (req->op) {
	case SAFP_VERIFY: return safd_handle_verify(d, c, req, rep, err);
	case SAFP_AUTH: return safd_handle_auth(d, c, req, rep, err);
	case SAFP_GROUPS: return safd_handle_groups(d, c, req, rep, err);
	case SAFP_PTKTGEN: return safd_handle_ptktgen(d, c, req, rep, err);
	case SAFP_MAPCERT: return safd_handle_mapcert(d, c, req, rep, err);
	case SAFP_MAPIDID: return safd_handle_mapidid(d, c, req, rep, err);
	case SAFP_OMVS: return safd_handle_omvs(d, c, req, rep, err);
	default: return at_err_setx(err, AT_E_INPUT, "unknown request");
	}
}

/* Answers one decoded request into out. */
static enum at_rc
answer(struct safd *d, const struct ctl_cred *cred, const struct safp_req *req,
    struct at_buf *out, struct at_err *err)
{
	struct safd_caller c;
	struct safp_rep *rep;
	struct at_err why;
	enum at_rc rc;

	rep = calloc(1, sizeof(*rep));
	if (rep == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	rep->op = req->op;
	rep->id = req->id;
	at_err_clear(&why);
	rc = safd_caller_resolve(d, cred->pid, cred->uid, &c, &why);
	if (rc == AT_OK)
		rc = dispatch(d, &c, req, rep, &why);
	if (rc != AT_OK) {
		uint8_t st = status_of(rc);
		struct at_err ignored;

		memset(rep, 0, sizeof(*rep));
		rep->op = req->op;
		rep->id = req->id;
		rep->status = st;
		rep->saf_rc = 8;
		if (safp_rep_set(rep, SAFT_ERRMSG, why.msg, &ignored) != AT_OK)
			(void)safp_rep_set(rep, SAFT_ERRMSG, "the request could "
			    "not be answered", &ignored);
		if (st == ATTLS_SAF_E_SERVICE)
			safd_log(LOG_ERR, "uid %lu pid %ld: %s not answered: %s",
			    (unsigned long)cred->uid, (long)cred->pid,
			    safp_op_name(req->op), why.msg);
	}
	rc = safp_rep_encode(rep, out, err);
	at_wipe(rep, sizeof(*rep));
	free(rep);
	return rc;
}

bool
safd_serve(struct safd *d, size_t slot)
{
	int fd = d->clients[slot], fds[CTL_MAX_FDS];
	struct ctl_cred cred;
	struct safp_req *req;
	struct at_buf in, out;
	struct at_err err;
	size_t nfds = 0, i;
	bool keep = false;
	enum at_rc rc;

	at_err_clear(&err);
	at_buf_init(&in, CTL_MSG_MAX);
	at_buf_init(&out, SAFP_MSG_MAX);
	in.secret = true;
	rc = ctl_recv_cred(fd, &in, fds, &nfds, &cred, -1, &err);
	if (rc == AT_E_BUSY) {
		keep = true;
		goto out;
	}
	if (rc != AT_OK) {
		if (rc != AT_E_IO)
			safd_log(LOG_WARNING, "a client's record refused, its "
			    "connection closed: %s", err.msg);
		goto out;
	}
	/* The service takes no descriptors: a request that brings some is
	 * not one this protocol has, and they are closed unread. */
	if (nfds > 0) {
		for (i = 0; i < nfds; i++)
			(void)close(fds[i]);
		safd_log(LOG_WARNING, "uid %lu pid %ld sent %zu descriptors; "
		    "they were closed and the connection with them",
		    (unsigned long)cred.uid, (long)cred.pid, nfds);
		d->refused_records++;
		goto out;
	}
	req = calloc(1, sizeof(*req));
	if (req == NULL)
		goto out;
	rc = safp_req_decode(in.data, in.len, req, &err);
	if (rc != AT_OK) {
		safd_log(LOG_WARNING, "uid %lu pid %ld: a malformed request "
		    "(%s); its connection closed", (unsigned long)cred.uid,
		    (long)cred.pid, err.msg);
		d->refused_records++;
		free(req);
		goto out;
	}
	rc = answer(d, &cred, req, &out, &err);
	safp_req_wipe(req);
	free(req);
	if (rc == AT_OK)
		rc = ctl_send(fd, &out, NULL, 0, &err);
	keep = rc == AT_OK;
	d->served++;
out:
	at_buf_free(&in);
	at_buf_free(&out);
	return keep;
}
