/*
 * sesscache.c - the client session cache of one TLS environment (see
 * sesscache.h).
 *
 * A fixed array of peers searched linearly: at the default 512 peers a
 * search is a few hundred nanoseconds, far below the handshake it saves,
 * and it needs no rehashing.  The cache hangs off the SSL_CTX as ex_data
 * whose free callback releases it, so it lives exactly as long as the
 * context.  OpenSSL's own client store is turned off
 * (SSL_SESS_CACHE_NO_INTERNAL_STORE): it would never be searched, since a
 * client only resumes a session it is handed.
 */
#include "engine/sesscache.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Tickets kept per server: a TLS 1.3 server sends two by default, and
 * parallel connections to one server each need their own. */
#define PER_PEER 4
/* address, port and the server name, as bytes. */
#define KEY_MAX (16 + 2 + 256)

struct peer {
	unsigned char key[KEY_MAX];
	size_t key_len;             /* 0: slot unused */
	uint64_t used;              /* LRU clock value */
	SSL_SESSION *s[PER_PEER];   /* oldest first; one reference each */
	size_t n;
};

struct sesscache {
	pthread_mutex_t lock;
	struct peer *peers;
	size_t max;
	uint64_t clock;
	bool tls13;                 /* keep TLS 1.3 tickets (client tickets on) */
	struct engine_sesscache_stats st;
};

static int ex_index = -1;
static pthread_once_t ex_once = PTHREAD_ONCE_INIT;

static void
peer_clear(struct peer *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		SSL_SESSION_free(p->s[i]);
	p->n = 0;
	p->key_len = 0;
}

static void
cache_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
	struct sesscache *c = ptr;
	size_t i;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (c == NULL)
		return;
	for (i = 0; i < c->st.peers; i++)
		peer_clear(&c->peers[i]);
	free(c->peers);
	(void)pthread_mutex_destroy(&c->lock);
	free(c);
}

static void
ex_init(void)
{
	ex_index = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, cache_free);
}

static struct sesscache *
cache_of(const SSL_CTX *ctx)
{
	if (ex_index < 0)
		return NULL;
	return SSL_CTX_get_ex_data(ctx, ex_index);
}

/*
 * The key of a server: its address as IPv6 (an IPv4 address in its
 * v4-mapped form, so a dual-stack socket and a plain IPv4 one agree), the
 * port, then the SNI.
 */
static size_t
make_key(unsigned char *k, const struct sockaddr *sa, socklen_t len, const char *sni)
{
	size_t n, sl;

	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		memset(k, 0, 10);
		k[10] = k[11] = 0xff;
		memcpy(k + 12, &in->sin_addr, 4);
		memcpy(k + 16, &in->sin_port, 2);
	} else if (sa->sa_family == AF_INET6 &&
	    len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		memcpy(k, &in6->sin6_addr, 16);
		memcpy(k + 16, &in6->sin6_port, 2);
	} else {
		return 0;
	}
	n = 18;
	if (sni != NULL) {
		sl = strlen(sni);
		if (sl > KEY_MAX - n)
			return 0; /* longer than any DNS name: do not cache */
		memcpy(k + n, sni, sl);
		n += sl;
	}
	return n;
}

static struct peer *
find(struct sesscache *c, const unsigned char *key, size_t len)
{
	size_t i;

	/* Slots are claimed in order and never given back, so only the
	 * first st.peers are looked at (and the rest never touched). */
	for (i = 0; i < c->st.peers; i++)
		if (c->peers[i].key_len == len && memcmp(c->peers[i].key, key, len) == 0)
			return &c->peers[i];
	return NULL;
}

/* A fresh slot, or the least recently used one emptied. */
static struct peer *
claim(struct sesscache *c)
{
	struct peer *lru = &c->peers[0];
	size_t i;

	if (c->st.peers < c->max)
		return &c->peers[c->st.peers++];
	for (i = 1; i < c->max; i++)
		if (c->peers[i].used < lru->used)
			lru = &c->peers[i];
	peer_clear(lru);
	return lru;
}

static bool
expired(const SSL_SESSION *s, time_t now)
{
	return !SSL_SESSION_is_resumable(s) ||
	    (time_t)SSL_SESSION_get_time(s) + (time_t)SSL_SESSION_get_timeout(s) <= now;
}

/* Removes entry i of p, dropping the cache's reference. */
static void
drop(struct peer *p, size_t i, bool unref)
{
	if (unref)
		SSL_SESSION_free(p->s[i]);
	memmove(&p->s[i], &p->s[i + 1], (p->n - i - 1) * sizeof(p->s[0]));
	p->n--;
}

/* OpenSSL's new-session callback: returns 1 when the cache keeps s. */
static int
on_new_session(SSL *ssl, SSL_SESSION *s)
{
	struct sesscache *c = cache_of(SSL_get_SSL_CTX(ssl));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned char key[KEY_MAX];
	struct peer *p;
	size_t klen;
	int fd = SSL_get_fd(ssl);

	if (c == NULL || fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
		return 0;
	klen = make_key(key, (const struct sockaddr *)&ss, sl,
	    SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
	if (klen == 0 || !SSL_SESSION_is_resumable(s) ||
	    (!c->tls13 && SSL_SESSION_get_protocol_version(s) >= TLS1_3_VERSION))
		return 0;
	(void)pthread_mutex_lock(&c->lock);
	p = find(c, key, klen);
	if (p == NULL) {
		p = claim(c);
		memcpy(p->key, key, klen);
		p->key_len = klen;
	}
	/* A TLS 1.2 session is reused, so only the newest matters. */
	if (SSL_SESSION_get_protocol_version(s) < TLS1_3_VERSION)
		while (p->n > 0)
			drop(p, 0, true);
	if (p->n == PER_PEER)
		drop(p, 0, true);
	p->s[p->n++] = s;
	p->used = ++c->clock;
	c->st.stored++;
	(void)pthread_mutex_unlock(&c->lock);
	return 1;
}

enum at_rc
engine_sesscache_attach(SSL_CTX *ctx, size_t max_peers, bool tls13, struct at_err *err)
{
	struct sesscache *c;

	if (pthread_once(&ex_once, ex_init) != 0 || ex_index < 0)
		return at_err_ssl(err, AT_E_TLS, "reserving the session cache's slot");
	if (max_peers == 0)
		return at_err_setx(err, AT_E_INPUT, "a session cache needs room for one server");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory for the session cache");
	c->peers = calloc(max_peers, sizeof(*c->peers));
	if (c->peers == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->peers);
		free(c);
		return at_err_setx(err, AT_E_NOMEM, "out of memory for the session cache");
	}
	c->max = max_peers;
	c->tls13 = tls13;
	if (SSL_CTX_set_ex_data(ctx, ex_index, c) != 1) {
		cache_free(NULL, c, NULL, 0, 0, NULL);
		return at_err_ssl(err, AT_E_TLS, "attaching the session cache");
	}
	(void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(ctx, on_new_session);
	return AT_OK;
}

bool
engine_sesscache_offer(SSL *ssl, const struct sockaddr *peer, socklen_t peer_len)
{
	struct sesscache *c = cache_of(SSL_get_SSL_CTX(ssl));
	unsigned char key[KEY_MAX];
	SSL_SESSION *s = NULL;
	struct peer *p;
	time_t now = time(NULL);
	size_t klen;
	bool taken = false, ok;

	if (c == NULL)
		return false;
	klen = make_key(key, peer, peer_len, SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
	if (klen == 0)
		return false;
	(void)pthread_mutex_lock(&c->lock);
	p = find(c, key, klen);
	while (p != NULL && p->n > 0 && s == NULL) {
		s = p->s[p->n - 1];
		if (expired(s, now)) {
			drop(p, p->n - 1, true);
			s = NULL;
		} else if (SSL_SESSION_get_protocol_version(s) >= TLS1_3_VERSION) {
			/* Single use: the reference moves to this connection. */
			drop(p, p->n - 1, false);
			taken = true;
		}
	}
	if (p != NULL)
		p->used = ++c->clock;
	if (s != NULL)
		c->st.offered++;
	else
		c->st.missed++;
	/* Hold a reference of our own past the lock: another thread may drop
	 * the cache's at any moment. */
	if (s != NULL && !taken)
		(void)SSL_SESSION_up_ref(s);
	(void)pthread_mutex_unlock(&c->lock);
	if (s == NULL)
		return false;
	/* SSL_set_session takes the connection's own reference. */
	ok = SSL_set_session(ssl, s) == 1;
	SSL_SESSION_free(s);
	return ok;
}

void
engine_sesscache_stats(SSL_CTX *ctx, struct engine_sesscache_stats *out)
{
	struct sesscache *c = cache_of(ctx);

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return;
	(void)pthread_mutex_lock(&c->lock);
	*out = c->st;
	(void)pthread_mutex_unlock(&c->lock);
}
