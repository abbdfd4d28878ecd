/*
 * client.c - libattls-saf: the SAF service's requests as C calls
 * (include/attls_saf.h).
 *
 * One SOCK_SEQPACKET connection per handle, one request in flight, a
 * mutex around each call.  The service end is checked (SO_PEERCRED)
 * when the handle connects: root, this process's own user, or the
 * service user; a socket someone else listens on never sees a password.
 * A connection the service closed (it restarted) is made again once,
 * before a request is sent, never after: a request is not repeated.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attls_saf.h"
#include "common/buf.h"
#include "ctl/io.h"
#include "ctl/proto.h"
#include "safd/proto.h"

/* A VERIFY costs a password hash; the service answers in turn. */
#define CONNECT_MS 5000
#define ANSWER_MS 30000

struct attls_saf {
	pthread_mutex_t mu;
	int fd;
	uint32_t next_id;
	char path[108];
};

static int
fail(struct attls_saf_error *err, enum attls_saf_errcode code,
    const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->code = code;
		va_start(ap, fmt);
		(void)vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return ATTLS_SAF_RC_ERROR;
}

static void
clear(struct attls_saf_error *err)
{
	if (err != NULL) {
		err->code = ATTLS_SAF_E_NONE;
		err->message[0] = '\0';
	}
}

const char *
attls_saf_socket_path(void)
{
	const char *p;

	/* A set-user-ID program must not send its users' passwords to a
	 * socket its caller chose. */
	if (getauxval(AT_SECURE) != 0)
		return ATTLS_SAF_SOCKET_DEFAULT;
	p = getenv(ATTLS_SAF_SOCKET_ENV);
	return p != NULL && p[0] != '\0' ? p : ATTLS_SAF_SOCKET_DEFAULT;
}

/* Whether uid may be the service: root, ourselves, the service user. */
static bool
trusted_uid(uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (uid == 0 || uid == geteuid())
		return true;
	if (getpwnam_r(ATTLS_SAF_SERVICE_USER, &pw, buf, sizeof(buf),
	    &res) == 0 && res != NULL && res->pw_uid == uid)
		return true;
	return false;
}

static int
connect_service(struct attls_saf *h, struct attls_saf_error *err)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct at_err e;
	enum at_rc rc;
	int fd;

	/* ctl_connect_timed keeps errno as connect(2) left it. */
	at_err_clear(&e);
	rc = ctl_connect_timed(h->path, connect, CONNECT_MS, &fd, &e);
	if (rc == AT_E_IO)
		return fail(err, ATTLS_SAF_E_CONNECT, "the SAF service at %s is "
		    "not there: %s", h->path, strerror(errno));
	if (rc != AT_OK)
		return fail(err, rc == AT_E_INPUT ? ATTLS_SAF_E_INPUT :
		    ATTLS_SAF_E_CONNECT, "the SAF service at %s does not answer "
		    "within %d ms", h->path, CONNECT_MS);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		(void)close(fd);
		return fail(err, ATTLS_SAF_E_IO, "asking who listens on %s: %s",
		    h->path, strerror(errno));
	}
	if (!trusted_uid(cred.uid)) {
		(void)close(fd);
		return fail(err, ATTLS_SAF_E_PEER, "%s is served by uid %lu, "
		    "which is neither root, this program's user nor the "
		    "service user %s: nothing was sent", h->path,
		    (unsigned long)cred.uid, ATTLS_SAF_SERVICE_USER);
	}
	h->fd = fd;
	return 0;
}

int
attls_saf_open(const char *socket_path, struct attls_saf **out,
    struct attls_saf_error *err)
{
	struct attls_saf *h;
	const char *path = socket_path != NULL ? socket_path :
	    attls_saf_socket_path();

	clear(err);
	*out = NULL;
	if (strlen(path) >= sizeof(h->path))
		return fail(err, ATTLS_SAF_E_INPUT, "socket path '%s' is too "
		    "long", path);
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return fail(err, ATTLS_SAF_E_NOMEM, "out of memory");
	memcpy(h->path, path, strlen(path) + 1);
	h->fd = -1;
	h->next_id = 1;
	if (pthread_mutex_init(&h->mu, NULL) != 0) {
		free(h);
		return fail(err, ATTLS_SAF_E_NOMEM, "cannot create a lock");
	}
	if (connect_service(h, err) != 0) {
		attls_saf_close(h);
		return ATTLS_SAF_RC_ERROR;
	}
	*out = h;
	return 0;
}

void
attls_saf_close(struct attls_saf *h)
{
	if (h == NULL)
		return;
	if (h->fd >= 0)
		(void)close(h->fd);
	(void)pthread_mutex_destroy(&h->mu);
	free(h);
}

/* Sends req and reads its reply into rep; h->mu is held. */
static int
exchange(struct attls_saf *h, struct safp_req *req, struct safp_rep *rep,
    struct attls_saf_error *err)
{
	struct at_buf out, in;
	struct at_err e;
	int fds[CTL_MAX_FDS], r = ATTLS_SAF_RC_ERROR;
	size_t nfds = 0, i;
	enum at_rc rc;

	at_err_clear(&e);
	at_buf_init(&out, SAFP_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	out.secret = true;
	req->id = h->next_id++;
	if (safp_req_encode(req, &out, &e) != AT_OK) {
		r = fail(err, ATTLS_SAF_E_INPUT, "%s", e.msg);
		goto done;
	}
	if (h->fd < 0 && connect_service(h, err) != 0)
		goto done;
	rc = ctl_send(h->fd, &out, NULL, 0, &e);
	if (rc == AT_E_IO && (errno == EPIPE || errno == ECONNRESET ||
	    errno == ENOTCONN)) {
		/* Not delivered: the service went away; once more. */
		(void)close(h->fd);
		h->fd = -1;
		if (connect_service(h, err) != 0)
			goto done;
		rc = ctl_send(h->fd, &out, NULL, 0, &e);
	}
	if (rc == AT_OK)
		rc = ctl_recv(h->fd, &in, fds, &nfds, ANSWER_MS, &e);
	for (i = 0; i < nfds; i++)
		(void)close(fds[i]);
	if (rc == AT_OK && nfds > 0)
		rc = at_err_setx(&e, AT_E_INPUT, "the answer came with "
		    "descriptors");
	if (rc == AT_OK)
		rc = safp_rep_decode(in.data, in.len, rep, &e);
	if (rc == AT_OK && (rep->id != req->id || rep->op != req->op))
		rc = at_err_setx(&e, AT_E_INPUT, "an answer to another "
		    "request");
	if (rc != AT_OK) {
		/* The connection's state is unknown: start afresh next time. */
		(void)close(h->fd);
		h->fd = -1;
		r = fail(err, rc == AT_E_INPUT ? ATTLS_SAF_E_PROTOCOL : rc ==
		    AT_E_BUSY ? ATTLS_SAF_E_CONNECT : ATTLS_SAF_E_IO,
		    "the SAF service at %s: %s", h->path, e.msg);
		goto done;
	}
	if (rep->status != 0) {
		r = fail(err, rep->status <= ATTLS_SAF_E_BUSY ?
		    (enum attls_saf_errcode)rep->status : ATTLS_SAF_E_SERVICE,
		    "%s", rep->errmsg[0] != '\0' ? rep->errmsg :
		    "the service could not answer");
		goto done;
	}
	r = (int)rep->saf_rc;
done:
	at_buf_free(&out);
	at_buf_free(&in);
	return r;
}

/* Locks h, runs the exchange, fills res; wipes req. */
static int
call(struct attls_saf *h, struct safp_req *req, struct safp_rep *rep,
    struct attls_saf_result *res, struct attls_saf_error *err)
{
	int r;

	if (h == NULL) {
		safp_req_wipe(req);
		return fail(err, ATTLS_SAF_E_INPUT, "no handle");
	}
	if (pthread_mutex_lock(&h->mu) != 0) {
		safp_req_wipe(req);
		return fail(err, ATTLS_SAF_E_IO, "cannot take the handle's lock");
	}
	r = exchange(h, req, rep, err);
	(void)pthread_mutex_unlock(&h->mu);
	safp_req_wipe(req);
	if (r >= 0 && res != NULL) {
		memset(res, 0, sizeof(*res));
		res->saf_rc = (int)rep->saf_rc;
		res->racf_rc = (int)rep->racf_rc;
		res->racf_reason = (int)rep->reason;
		(void)snprintf(res->user, sizeof(res->user), "%s", rep->ruser);
		(void)snprintf(res->messages, sizeof(res->messages), "%s",
		    rep->messages);
	}
	return r;
}

/* Sets an optional text field; NULL leaves it out. */
static int
set(struct safp_req *req, enum safp_tag tag, const char *s,
    struct attls_saf_error *err)
{
	struct at_err e;

	if (s == NULL)
		return 0;
	if (safp_req_set(req, tag, s, &e) != AT_OK) {
		safp_req_wipe(req);
		return fail(err, ATTLS_SAF_E_INPUT, "%s", e.msg);
	}
	return 0;
}

static int
need(const char *s, const char *what, struct attls_saf_error *err)
{
	if (s == NULL || s[0] == '\0')
		return fail(err, ATTLS_SAF_E_INPUT, "the %s is missing", what);
	return 0;
}

/* The request and reply structures are large and hold secrets. */
struct pair {
	struct safp_req req;
	struct safp_rep rep;
};

static struct pair *
pair_new(uint8_t op, struct attls_saf_error *err)
{
	struct pair *p = calloc(1, sizeof(*p));

	clear(err);
	if (p == NULL)
		(void)fail(err, ATTLS_SAF_E_NOMEM, "out of memory");
	else
		p->req.op = op;
	return p;
}

static void
pair_free(struct pair *p)
{
	if (p != NULL) {
		safp_req_wipe(&p->req);
		memset(&p->rep, 0, sizeof(p->rep));
		free(p);
	}
}

int
attls_saf_verify(struct attls_saf *h, const char *user, const char *secret,
    const char *appl, const char *newpass, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	struct pair *p;
	int r;

	if ((p = pair_new(SAFP_VERIFY, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	r = need(user, "user", err);
	if (r == 0)
		r = need(secret, "password", err);
	if (r == 0)
		r = set(&p->req, SAFT_USER, user, err);
	if (r == 0)
		r = set(&p->req, SAFT_SECRET, secret, err);
	if (r == 0 && appl != NULL && appl[0] != '\0')
		r = set(&p->req, SAFT_APPL, appl, err);
	if (r == 0)
		r = set(&p->req, SAFT_NEWPASS, newpass, err);
	if (r == 0)
		r = call(h, &p->req, &p->rep, res, err);
	pair_free(p);
	return r;
}

int
attls_saf_auth(struct attls_saf *h, const char *user, const char *cls,
    const char *resource, const char *access, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	struct pair *p;
	int r;

	if ((p = pair_new(SAFP_AUTH, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	r = need(cls, "class", err);
	if (r == 0)
		r = need(resource, "resource", err);
	if (r == 0)
		r = need(access, "access", err);
	if (r == 0)
		r = set(&p->req, SAFT_USER, user, err);
	if (r == 0)
		r = set(&p->req, SAFT_CLASS, cls, err);
	if (r == 0)
		r = set(&p->req, SAFT_RESOURCE, resource, err);
	if (r == 0)
		r = set(&p->req, SAFT_ACCESS, access, err);
	if (r == 0)
		r = call(h, &p->req, &p->rep, res, err);
	pair_free(p);
	return r;
}

int
attls_saf_groups(struct attls_saf *h, const char *user,
    struct attls_saf_groups *out, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	struct pair *p;
	size_t i;
	int r;

	if ((p = pair_new(SAFP_GROUPS, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	memset(out, 0, sizeof(*out));
	r = set(&p->req, SAFT_USER, user, err);
	if (r == 0)
		r = call(h, &p->req, &p->rep, res, err);
	if (r >= 0) {
		out->count = p->rep.ngroups;
		for (i = 0; i < p->rep.ngroups && i < ATTLS_SAF_GROUPS_MAX; i++)
			(void)snprintf(out->name[i], sizeof(out->name[i]), "%s",
			    p->rep.groups[i]);
	}
	pair_free(p);
	return r;
}

int
attls_saf_passticket(struct attls_saf *h, const char *user, const char *appl,
    char ticket[ATTLS_SAF_TICKET_LEN + 1], struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	struct pair *p;
	int r;

	ticket[0] = '\0';
	if ((p = pair_new(SAFP_PTKTGEN, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	r = need(user, "user", err);
	if (r == 0)
		r = need(appl, "application", err);
	if (r == 0)
		r = set(&p->req, SAFT_USER, user, err);
	if (r == 0)
		r = set(&p->req, SAFT_APPL, appl, err);
	if (r == 0)
		r = call(h, &p->req, &p->rep, res, err);
	if (r == 0 && strlen(p->rep.ticket) != ATTLS_SAF_TICKET_LEN)
		r = fail(err, ATTLS_SAF_E_PROTOCOL, "the service answered "
		    "without a PassTicket");
	if (r == 0)
		memcpy(ticket, p->rep.ticket, ATTLS_SAF_TICKET_LEN + 1);
	pair_free(p);
	return r;
}

int
attls_saf_map_cert(struct attls_saf *h, const unsigned char *der,
    size_t len, struct attls_saf_result *res, struct attls_saf_error *err)
{
	struct pair *p;
	int r;

	if (der == NULL || len == 0 || len > SAFP_CERT_MAX) {
		clear(err);
		return fail(err, ATTLS_SAF_E_INPUT, "a certificate is 1 to %d "
		    "bytes of DER", SAFP_CERT_MAX);
	}
	if ((p = pair_new(SAFP_MAPCERT, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	p->req.cert = der;
	p->req.certlen = len;
	p->req.present |= SAFP_F(SAFT_CERT);
	r = call(h, &p->req, &p->rep, res, err);
	pair_free(p);
	return r;
}

int
attls_saf_map_idid(struct attls_saf *h, const char *name,
    const char *registry, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	struct pair *p;
	int r;

	if ((p = pair_new(SAFP_MAPIDID, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	r = need(name, "distributed name", err);
	if (r == 0)
		r = need(registry, "registry", err);
	if (r == 0)
		r = set(&p->req, SAFT_NAME, name, err);
	if (r == 0)
		r = set(&p->req, SAFT_REGISTRY, registry, err);
	if (r == 0)
		r = call(h, &p->req, &p->rep, res, err);
	pair_free(p);
	return r;
}

static void
fill_omvs(const struct safp_rep *rep, struct attls_saf_omvs *out)
{
	(void)snprintf(out->user, sizeof(out->user), "%s", rep->ruser);
	(void)snprintf(out->group, sizeof(out->group), "%s", rep->dfltgrp);
	out->has_uid = (rep->present & SAFP_F(SAFT_OUID)) != 0;
	out->uid = rep->ouid;
	out->has_gid = (rep->present & SAFP_F(SAFT_OGID)) != 0;
	out->gid = rep->ogid;
	(void)snprintf(out->home, sizeof(out->home), "%s", rep->home);
	(void)snprintf(out->program, sizeof(out->program), "%s", rep->program);
}

static int
omvs(struct attls_saf *h, const char *user, bool by_uid, unsigned long uid,
    struct attls_saf_omvs *out, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	struct pair *p;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if ((p = pair_new(SAFP_OMVS, err)) == NULL)
		return ATTLS_SAF_RC_ERROR;
	if (by_uid) {
		if (uid > 0xffffffffUL) {
			pair_free(p);
			return fail(err, ATTLS_SAF_E_INPUT, "uid %lu is out of "
			    "range", uid);
		}
		p->req.uid = (uint32_t)uid;
		p->req.present |= SAFP_F(SAFT_UID);
	} else
		r = set(&p->req, SAFT_USER, user, err);
	if (r == 0)
		r = call(h, &p->req, &p->rep, res, err);
	if (r == 0)
		fill_omvs(&p->rep, out);
	pair_free(p);
	return r;
}

int
attls_saf_omvs(struct attls_saf *h, const char *user,
    struct attls_saf_omvs *out, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	return omvs(h, user, false, 0, out, res, err);
}

int
attls_saf_omvs_uid(struct attls_saf *h, unsigned long uid,
    struct attls_saf_omvs *out, struct attls_saf_result *res,
    struct attls_saf_error *err)
{
	return omvs(h, NULL, true, uid, out, res, err);
}
