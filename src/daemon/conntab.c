/*
 * conntab.c - the connection table (see conntab.h).  A linked list under
 * one mutex: lookups by inode happen on control requests, which are rare
 * next to relayed bytes, so simplicity wins over a hash here.
 */
#include "daemon/conntab.h"
#include "daemon/link.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "daemon/gen.h"
#include "daemon/log.h"
#include "engine/ktls.h"
#include "policy/policy.h"

enum at_rc
attlsd_conntab_init(struct attlsd_conntab *t, struct at_err *err)
{
	memset(t, 0, sizeof(*t));
	t->next_id = 1;
	if (pthread_mutex_init(&t->lock, NULL) != 0)
		return at_err_setx(err, AT_E_NOMEM, "cannot create a lock");
	return AT_OK;
}

void
attlsd_conntab_destroy(struct attlsd_conntab *t)
{
	(void)pthread_mutex_destroy(&t->lock);
}

void
attlsd_conntab_add(struct attlsd_conntab *t, struct attlsd_conn *c)
{
	(void)pthread_mutex_lock(&t->lock);
	c->id = t->next_id++;
	if (t->next_id == 0)
		t->next_id = 1;
	c->next = t->head;
	t->head = c;
	t->count++;
	(void)pthread_mutex_unlock(&t->lock);
}

void
attlsd_conntab_insert(struct attlsd_conntab *t, struct attlsd_conn *c)
{
	(void)pthread_mutex_lock(&t->lock);
	c->next = t->head;
	t->head = c;
	t->count++;
	(void)pthread_mutex_unlock(&t->lock);
}

struct attlsd_conn *
attlsd_conntab_find_id(struct attlsd_conntab *t, uint32_t id)
{
	struct attlsd_conn *c;

	(void)pthread_mutex_lock(&t->lock);
	for (c = t->head; c != NULL && c->id != id; c = c->next)
		;
	(void)pthread_mutex_unlock(&t->lock);
	return c;
}

void
attlsd_conntab_apply(struct attlsd_conntab *t, struct attlsd_conn *c,
    const struct link_update *u, const unsigned char *der, size_t der_len)
{
	(void)pthread_mutex_lock(&t->lock);
	c->state = (enum engine_state)u->state;
	c->to_peer = u->to_peer;
	c->from_peer = u->from_peer;
	c->so_error = u->so_error;
	c->cipher = u->cipher;
	c->ktls = u->ktls;
	(void)snprintf(c->protocol, sizeof(c->protocol), "%s", u->protocol);
	(void)snprintf(c->mapped_user, sizeof(c->mapped_user), "%s", u->mapped_user);
	if (c->peer_subject == NULL && u->peer_subject[0] != '\0')
		c->peer_subject = OPENSSL_strdup(u->peer_subject);
	if (c->peer_der == NULL && der_len > 0 && (c->peer_der = malloc(der_len)) != NULL) {
		memcpy(c->peer_der, der, der_len);
		c->peer_der_len = der_len;
	}
	(void)pthread_mutex_unlock(&t->lock);
}

void
attlsd_conntab_remove(struct attlsd_conntab *t, struct attlsd_conn *c)
{
	struct attlsd_conn **pp;

	(void)pthread_mutex_lock(&t->lock);
	for (pp = &t->head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			t->count--;
			break;
		}
	}
	if (c->state == ENGINE_FAILED) {
		struct attlsd_tomb *tb = &t->tombs[t->next_tomb++ % ATTLSD_TOMBS];

		tb->app_ino = c->app_ino;
		tb->id = c->id;
		tb->addrs = c->addrs;
		tb->so_error = c->so_error != 0 ? c->so_error : 104 /* ECONNRESET */;
		tb->stat_policy = c->rule->actions->application_controlled ? 5 : 4;
		(void)snprintf(tb->rule, sizeof(tb->rule), "%s", c->rule->name);
		(void)snprintf(tb->group_action, sizeof(tb->group_action), "%s",
		    c->rule->actions->group_name);
		(void)snprintf(tb->env_action, sizeof(tb->env_action), "%s",
		    c->rule->actions->env_name != NULL ? c->rule->actions->env_name : "");
		(void)snprintf(tb->conn_action, sizeof(tb->conn_action), "%s",
		    c->rule->actions->conn_name != NULL ? c->rule->actions->conn_name : "");
	}
	(void)pthread_mutex_unlock(&t->lock);
}

static void
copy_peer(struct attlsd_conn *c, SSL *ssl)
{
	X509 *peer;
	int len;

	if (c->peer_der != NULL || c->peer_subject != NULL)
		return;
	peer = SSL_get0_peer_certificate(ssl);
	if (peer == NULL)
		return;
	/* Allocated only for the ends that have a partner certificate: most
	 * server ends have none, and idle connections are counted in
	 * thousands. */
	c->peer_subject = X509_NAME_oneline(X509_get_subject_name(peer), NULL, 0);
	len = i2d_X509(peer, NULL);
	if (len > 0) {
		unsigned char *p = malloc((size_t)len);
		unsigned char *q = p;

		if (p != NULL && i2d_X509(peer, &q) == len) {
			c->peer_der = p;
			c->peer_der_len = (size_t)len;
		} else {
			free(p);
		}
	}
}

void
attlsd_conntab_update(struct attlsd_conntab *t, struct attlsd_conn *c)
{
	struct engine_conn_stats st;
	enum engine_state s = engine_conn_state(c->engine);
	SSL *ssl = engine_conn_ssl(c->engine);

	engine_conn_stats(c->engine, &st);
	(void)pthread_mutex_lock(&t->lock);
	c->state = s;
	c->to_peer = st.to_peer;
	c->from_peer = st.from_peer;
	c->so_error = engine_conn_so_error(c->engine);
	if ((s == ENGINE_RELAYING || s == ENGINE_DONE) && c->protocol[0] == '\0') {
		const SSL_CIPHER *ciph = SSL_get_current_cipher(ssl);

		(void)snprintf(c->protocol, sizeof(c->protocol), "%s", SSL_get_version(ssl));
		c->cipher = ciph != NULL ? (uint16_t)SSL_CIPHER_get_protocol_id(ciph) : 0;
		c->ktls = (uint8_t)engine_ktls_state(ssl);
		copy_peer(c, ssl);
	}
	(void)pthread_mutex_unlock(&t->lock);
}

static struct attlsd_conn *
find(struct attlsd_conntab *t, ino_t ino)
{
	struct attlsd_conn *c;

	for (c = t->head; c != NULL; c = c->next)
		if (c->app_ino == ino)
			return c;
	return NULL;
}

bool
attlsd_conntab_addr(struct attlsd_conntab *t, ino_t ino, struct ctl_addr_reply *r)
{
	struct attlsd_conn *c;
	bool found = false;
	size_t i;

	memset(r, 0, sizeof(*r));
	(void)pthread_mutex_lock(&t->lock);
	c = find(t, ino);
	if (c != NULL) {
		r->conn_id = c->id;
		r->addrs = c->addrs;
		r->so_error = c->state == ENGINE_FAILED ? c->so_error : 0;
		found = true;
	}
	for (i = 0; !found && i < ATTLSD_TOMBS; i++) {
		if (t->tombs[i].id != 0 && t->tombs[i].app_ino == ino) {
			r->conn_id = t->tombs[i].id;
			r->addrs = t->tombs[i].addrs;
			r->so_error = t->tombs[i].so_error;
			found = true;
		}
	}
	(void)pthread_mutex_unlock(&t->lock);
	return found;
}

static void
copy_name(char *dst, const char *src)
{
	(void)snprintf(dst, CTL_NAME_MAX + 1, "%s", src != NULL ? src : "");
}

bool
attlsd_conntab_query(struct attlsd_conntab *t, ino_t ino, struct ctl_query_reply *q,
    uint8_t *cert_buf, size_t cert_max)
{
	struct attlsd_conn *c;

	memset(q, 0, sizeof(*q));
	(void)pthread_mutex_lock(&t->lock);
	c = find(t, ino);
	if (c == NULL) {
		bool found = false;
		size_t i;

		/* Failed and gone: still covered by its rule, and not secure. */
		for (i = 0; !found && i < ATTLSD_TOMBS; i++) {
			const struct attlsd_tomb *tb = &t->tombs[i];

			if (tb->id == 0 || tb->app_ino != ino)
				continue;
			q->stat_policy = tb->stat_policy;
			q->stat_conn = 1; /* TTLS_CONN_NOTSECURE */
			copy_name(q->rule, tb->rule);
			copy_name(q->group_action, tb->group_action);
			copy_name(q->env_action, tb->env_action);
			copy_name(q->conn_action, tb->conn_action);
			found = true;
		}
		(void)pthread_mutex_unlock(&t->lock);
		return found;
	}
	q->stat_policy = c->rule->actions->application_controlled ? 5 : 4; /* APPLCNTRL/ENABLED */
	q->stat_conn = c->state == ENGINE_RELAYING || c->state == ENGINE_DONE ? 3 :
	    c->state == ENGINE_HANDSHAKING ? 2 : 1;
	if (strcmp(c->protocol, "TLSv1.3") == 0) {
		q->prot_ver = 3;
		q->prot_mod = 4;
	} else if (strcmp(c->protocol, "TLSv1.2") == 0) {
		q->prot_ver = 3;
		q->prot_mod = 3;
	} else if (strcmp(c->protocol, "TLSv1.1") == 0) {
		q->prot_ver = 3;
		q->prot_mod = 2;
	} else if (strcmp(c->protocol, "TLSv1") == 0) {
		q->prot_ver = 3;
		q->prot_mod = 1;
	}
	q->cipher = c->cipher;
	switch (c->rule->actions->role) {
	case POLICY_ROLE_CLIENT: q->sec_type = 1; break;
	case POLICY_ROLE_SERVER: q->sec_type = 2; break;
	case POLICY_ROLE_SERVER_CLIENT_AUTH:
		q->sec_type = (uint8_t)(c->rule->actions->client_auth_type ==
		    POLICY_CLIENT_AUTH_PASSTHRU ? 3 : c->rule->actions->client_auth_type ==
		    POLICY_CLIENT_AUTH_FULL ? 4 : c->rule->actions->client_auth_type ==
		    POLICY_CLIENT_AUTH_SAFCHECK ? 6 : 5);
		break;
	default: break;
	}
	q->fips140 = (uint8_t)c->rule->actions->fips140;
	copy_name(q->userid, c->mapped_user);
	copy_name(q->rule, c->rule->name);
	copy_name(q->group_action, c->rule->actions->group_name);
	copy_name(q->env_action, c->rule->actions->env_name);
	copy_name(q->conn_action, c->rule->actions->conn_name);
	q->cert_len = (uint32_t)c->peer_der_len;
	if (c->peer_der != NULL && c->peer_der_len <= cert_max) {
		memcpy(cert_buf, c->peer_der, c->peer_der_len);
		q->cert = cert_buf;
	}
	(void)pthread_mutex_unlock(&t->lock);
	return true;
}

bool
attlsd_conntab_owner(struct attlsd_conntab *t, ino_t ino, uint32_t *id, unsigned *worker,
    bool *app_controlled)
{
	struct attlsd_conn *c;

	(void)pthread_mutex_lock(&t->lock);
	c = find(t, ino);
	if (c != NULL) {
		*id = c->id;
		*worker = c->worker;
		*app_controlled = c->app_controlled;
	}
	(void)pthread_mutex_unlock(&t->lock);
	return c != NULL;
}

void
attlsd_addr_text(const struct ctl_addrs *a, bool local, char *out, size_t outsz)
{
	const uint8_t *addr = local ? a->laddr : a->raddr;
	char ip[INET6_ADDRSTRLEN] = "?";

	if (a->family == AF_INET)
		(void)inet_ntop(AF_INET, addr + 12, ip, sizeof(ip));
	else
		(void)inet_ntop(AF_INET6, addr, ip, sizeof(ip));
	(void)snprintf(out, outsz, "%s..%u", ip, (unsigned)(local ? a->lport : a->rport));
}

static const char *
state_name(enum engine_state s)
{
	switch (s) {
	case ENGINE_HANDSHAKING: return "Handshake";
	case ENGINE_RELAYING: return "Secure";
	case ENGINE_DONE: return "Closed";
	case ENGINE_STOPPING: return "Stopping";
	case ENGINE_STOPPED: return "Stopped";
	default: return "Failed";
	}
}

enum at_rc
attlsd_conntab_format(struct attlsd_conntab *t, struct at_buf *out)
{
	return attlsd_conntab_format_user(t, NULL, out);
}

enum at_rc
attlsd_conntab_format_user(struct attlsd_conntab *t, const char *userid, struct at_buf *out)
{
	struct attlsd_conn *c;
	enum at_rc rc = AT_OK;
	size_t n = 0;

	(void)pthread_mutex_lock(&t->lock);
	for (c = t->head; c != NULL; c = c->next)
		if (userid == NULL || strcmp(c->userid, userid) == 0)
			n++;
	rc = at_buf_printf(out, "connections: %zu\n", n);
	for (c = t->head; c != NULL && rc == AT_OK; c = c->next) {
		char l[80], r[80], job[4 * sizeof(c->jobname) + 1], subj[1024];
		const char *cn = c->cipher != 0 ? policy_cipher_name(c->cipher) : NULL;

		if (userid != NULL && strcmp(c->userid, userid) != 0)
			continue;

		attlsd_addr_text(&c->addrs, true, l, sizeof(l));
		attlsd_addr_text(&c->addrs, false, r, sizeof(r));
		rc = at_buf_printf(out,
		    "CONNID: %08X LOCAL: %s REMOTE: %s %s\n"
		    "  JOBNAME: %s USERID: %s RULE: %s GENERATION: %llu\n"
		    "  STATE: %s PROTOCOL: %s CIPHER: %04X %s\n"
		    "  PEER: %s MAPPED: %s BYTES: out %llu in %llu KTLS: %s\n",
		    c->id, l, r, c->dir == CTL_DIR_INBOUND ? "InBound" : "OutBound",
		    c->jobname[0] ? attlsd_escaped(c->jobname, job, sizeof(job)) : "-",
		    c->userid, c->rule->name,
		    (unsigned long long)c->gen->id, state_name(c->state),
		    c->protocol[0] ? c->protocol : "-", c->cipher, cn != NULL ? cn : "",
		    c->peer_subject != NULL ? attlsd_escaped(c->peer_subject, subj,
		    sizeof(subj)) : "-",
		    c->mapped_user[0] ? c->mapped_user : "-", (unsigned long long)c->to_peer, (unsigned long long)c->from_peer,
		    engine_ktls_name(c->ktls));
	}
	(void)pthread_mutex_unlock(&t->lock);
	return rc;
}

enum at_rc
attlsd_conntab_snapshot(struct attlsd_conntab *t, struct attlsd_conn_info **out, size_t *n)
{
	struct attlsd_conn_info *v = NULL;
	struct attlsd_conn *c;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	(void)pthread_mutex_lock(&t->lock);
	if (t->count > 0) {
		v = calloc(t->count, sizeof(*v));
		if (v == NULL) {
			(void)pthread_mutex_unlock(&t->lock);
			return AT_E_NOMEM;
		}
	}
	for (c = t->head; c != NULL && i < t->count; c = c->next, i++) {
		struct attlsd_conn_info *e = &v[i];

		e->addrs = c->addrs;
		e->generation = c->gen->id;
		e->to_peer = c->to_peer;
		e->from_peer = c->from_peer;
		e->id = c->id;
		e->cipher = c->cipher;
		e->dir = c->dir;
		(void)snprintf(e->state, sizeof(e->state), "%s", state_name(c->state));
		(void)snprintf(e->jobname, sizeof(e->jobname), "%s", c->jobname);
		(void)snprintf(e->userid, sizeof(e->userid), "%s", c->userid);
		(void)snprintf(e->mapped_user, sizeof(e->mapped_user), "%s", c->mapped_user);
		(void)snprintf(e->protocol, sizeof(e->protocol), "%s", c->protocol);
		copy_name(e->rule, c->rule->name);
		copy_name(e->group_action, c->rule->actions->group_name);
		copy_name(e->env_action, c->rule->actions->env_name);
		copy_name(e->conn_action, c->rule->actions->conn_name);
		(void)snprintf(e->peer_subject, sizeof(e->peer_subject), "%s",
		    c->peer_subject != NULL ? c->peer_subject : "");
	}
	(void)pthread_mutex_unlock(&t->lock);
	*out = v;
	*n = i;
	return AT_OK;
}
