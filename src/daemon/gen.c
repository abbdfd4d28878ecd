/*
 * gen.c - policy generations and their TLS environments (see gen.h).
 */
#include "daemon/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "engine/tlsctx.h"
#include "saf/ring.h"

/* Set once at start, before any thread: see attlsd_gen_set_remote. */
static const struct attlsd_env_remote *remote;

struct grp_ref {
	const char *name;
	size_t order;
};

static int
by_name_then_order(const void *a, const void *b)
{
	const struct grp_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int
by_value(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Numbers group actions by first appearance in search order, once per
 * generation: the numbers appear in every EZD line, and counting them per
 * connection would cost the control thread time in the square of the
 * number of rules.
 */
static enum at_rc
number_groups(struct attlsd_gen *g, const struct policy_rule **rules, size_t n,
    struct at_err *err)
{
	struct grp_ref *refs = calloc(n > 0 ? n : 1, sizeof(*refs));
	size_t *firsts = calloc(n > 0 ? n : 1, sizeof(*firsts));
	size_t i, j, k = 0;

	g->grpids = calloc(n > 0 ? n : 1, sizeof(*g->grpids));
	if (refs == NULL || firsts == NULL || g->grpids == NULL) {
		free(refs);
		free(firsts);
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		refs[i].name = rules[i]->actions->group_name;
		refs[i].order = i;
	}
	qsort(refs, n, sizeof(*refs), by_name_then_order);
	/* The first of each run of one name is where the group first appears. */
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(refs[i].name, refs[i - 1].name) != 0)
			firsts[k++] = refs[i].order;
	qsort(firsts, k, sizeof(*firsts), by_value);
	for (i = 0; i < n; i = j) {
		size_t *at = bsearch(&refs[i].order, firsts, k, sizeof(*firsts), by_value);
		uint32_t id = at != NULL ? (uint32_t)(at - firsts) + 1 : 0;

		for (j = i; j < n && strcmp(refs[j].name, refs[i].name) == 0; j++)
			g->grpids[refs[j].order] = id;
	}
	free(refs);
	free(firsts);
	return AT_OK;
}

enum at_rc
attlsd_gen_load(const struct policy_load_opts *opts, uint64_t id, struct attlsd_gen **out,
    struct policy_diags *diags, struct at_err *err)
{
	const struct policy_rule **rules = NULL;
	struct attlsd_gen *g;
	enum at_rc rc;
	size_t i, n;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	g->id = id;
	g->installed = time(NULL);
	g->refs = 1;
	g->next_envid = 1;
	if (pthread_mutex_init(&g->lock, NULL) != 0) {
		free(g);
		return at_err_setx(err, AT_E_NOMEM, "cannot create a lock");
	}
	rc = policy_set_load(opts, &g->set, diags, err);
	if (rc != AT_OK)
		goto out;
	n = policy_set_rule_count(g->set);
	rules = calloc(n > 0 ? n : 1, sizeof(*rules));
	if (rules == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		rules[i] = policy_set_rule(g->set, i);
	rc = policy_matcher_build(rules, n, &g->matcher, err);
	if (rc == AT_OK)
		rc = number_groups(g, rules, n, err);
out:
	free(rules);
	if (rc != AT_OK) {
		attlsd_gen_unref(g);
		return rc;
	}
	*out = g;
	return AT_OK;
}

void
attlsd_gen_ref(struct attlsd_gen *g)
{
	(void)pthread_mutex_lock(&g->lock);
	g->refs++;
	(void)pthread_mutex_unlock(&g->lock);
}

void
attlsd_gen_unref(struct attlsd_gen *g)
{
	struct attlsd_env *e, *next;
	unsigned left;

	if (g == NULL)
		return;
	(void)pthread_mutex_lock(&g->lock);
	left = --g->refs;
	(void)pthread_mutex_unlock(&g->lock);
	if (left > 0)
		return;
	for (e = g->envs; e != NULL; e = next) {
		next = e->next;
		if (remote != NULL && remote->forget != NULL)
			remote->forget(remote->arg, e);
		SSL_CTX_free(e->ctx);
		free(e);
	}
	if (remote != NULL && remote->gen_freed != NULL)
		remote->gen_freed(remote->arg, g->id);
	policy_matcher_free(g->matcher);
	free(g->grpids);
	policy_set_free(g->set);
	(void)pthread_mutex_destroy(&g->lock);
	free(g);
}

void
attlsd_gen_set_remote(const struct attlsd_env_remote *r)
{
	remote = r;
}

uint32_t
attlsd_gen_grpid(const struct attlsd_gen *g, const struct policy_rule *rule)
{
	size_t n = policy_set_rule_count(g->set);

	if (rule->order < n && policy_set_rule(g->set, rule->order) == rule)
		return g->grpids[rule->order];
	return 0;
}

static bool
is_file_ring(const char *spec)
{
	return spec[0] == '/' || strncmp(spec, "./", 2) == 0;
}

/*
 * A key ring file: PEM holding certificates and at most one private key.
 * The certificate that goes with the key is the one presented; CA
 * certificates are the trust anchors; the others are sent as the chain.
 * A file with only CA certificates suits a client that presents nothing.
 */
static enum at_rc
load_pem_ring(const char *path, const struct attlsd_peer *peer, struct engine_creds *c,
    int *sslrc, struct at_err *err)
{
	STACK_OF(X509) *all = NULL;
	enum at_rc rc = AT_OK;
	FILE *f;
	X509 *x;
	int i, fd;

	/* Opened with the connection's credentials, never attlsd's own: a
	 * ring file is its owner's to use, as a SAF ring is. */
	rc = attlsd_peer_open(peer, path, &fd, err);
	if (rc != AT_OK) {
		*sslrc = 202;
		at_err_prefix(err, "key ring file %s", path);
		return rc;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		(void)close(fd);
		*sslrc = 202;
		return at_err_set(err, AT_E_IO, "key ring file %s", path);
	}
	all = sk_X509_new_null();
	c->chain = sk_X509_new_null();
	c->cas = sk_X509_new_null();
	if (all == NULL || c->chain == NULL || c->cas == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory");
		goto out;
	}
	while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		if (sk_X509_push(all, x) <= 0)
			X509_free(x);
	ERR_clear_error();
	rewind(f);
	c->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	ERR_clear_error();
	for (i = 0; i < sk_X509_num(all); i++) {
		x = sk_X509_value(all, i);
		if (c->cert == NULL && c->key != NULL && X509_check_private_key(x, c->key) == 1) {
			X509_up_ref(x);
			c->cert = x;
		} else if (X509_check_ca(x) > 0) {
			X509_up_ref(x);
			if (sk_X509_push(c->cas, x) <= 0)
				X509_free(x);
		} else {
			X509_up_ref(x);
			if (sk_X509_push(c->chain, x) <= 0)
				X509_free(x);
		}
	}
	ERR_clear_error();
	if (sk_X509_num(all) == 0) {
		*sslrc = 102;
		rc = at_err_setx(err, AT_E_INPUT, "key ring file %s holds no certificate", path);
	} else if (c->key != NULL && c->cert == NULL) {
		*sslrc = 428;
		rc = at_err_setx(err, AT_E_INPUT, "key ring file %s: no certificate goes with "
		    "its private key", path);
	}
out:
	sk_X509_pop_free(all, X509_free);
	(void)fclose(f);
	return rc;
}

static void
free_creds(struct engine_creds *c)
{
	X509_free(c->cert);
	EVP_PKEY_free(c->key);
	sk_X509_pop_free(c->chain, X509_free);
	sk_X509_pop_free(c->cas, X509_free);
	memset(c, 0, sizeof(*c));
}

/*
 * The label a server presents first: its first ServerCertificateLabel,
 * else CertificateLabel (a client presents CertificateLabel).
 */
static const char *
first_label(const struct policy_actions *a)
{
	if (a->role != POLICY_ROLE_CLIENT && a->server_certificate_labels.n > 0)
		return a->server_certificate_labels.v[0];
	if (a->certificate_label != NULL && a->certificate_label[0] == '\0')
		return NULL; /* the ring is still opened, for its CAs */
	return a->certificate_label;
}

/* An empty CertificateLabel: present no certificate, not the ring's default. */
static bool
no_certificate(const struct policy_actions *a)
{
	return a->certificate_label != NULL && a->certificate_label[0] == '\0' &&
	    (a->role == POLICY_ROLE_CLIENT || a->server_certificate_labels.n == 0);
}

/*
 * The second and later ServerCertificateLabel certificates of the ring,
 * each opened as the first was; more[] holds what the caller frees.
 */
static enum at_rc
open_more_labels(const struct policy_actions *a, const char *userid, struct saf_db *db,
    struct engine_creds *c, struct saf_ring_keys **more, int *sslrc, struct at_err *err)
{
	size_t i, n = a->role != POLICY_ROLE_CLIENT ? a->server_certificate_labels.n : 0;
	enum at_rc rc;

	if (n > ENGINE_CREDS_MAX_MORE + 1) {
		*sslrc = 407;
		return at_err_setx(err, AT_E_INPUT, "at most %d ServerCertificateLabel "
		    "certificates are supported", ENGINE_CREDS_MAX_MORE + 1);
	}
	for (i = 1; i < n; i++) {
		rc = saf_ring_open_label(db, userid, a->keyring,
		    a->server_certificate_labels.v[i], &more[i - 1], err);
		if (rc != AT_OK) {
			*sslrc = rc == AT_E_INPUT ? 407 : 202;
			return rc;
		}
		c->more_certs[c->nmore] = more[i - 1]->cert;
		c->more_keys[c->nmore++] = more[i - 1]->key;
	}
	return AT_OK;
}

static enum at_rc
build_env(struct attlsd_gen *g, const struct policy_rule *rule, struct attlsd_env *e,
    struct saf_db *db, int *sslrc, struct at_err *err)
{
	const struct policy_actions *a = rule->actions;
	const char *userid = e->userid;
	const struct attlsd_peer *peer = &e->peer;
	struct saf_ring_keys *keys = NULL, *more[ENGINE_CREDS_MAX_MORE] = { NULL };
	struct engine_creds c = { 0 };
	enum at_rc rc;
	size_t i;

	*sslrc = 0;
	if (a->keyring == NULL) {
		*sslrc = 202;
		return at_err_setx(err, AT_E_INPUT, "no key ring is named (TTLSKeyringParms)");
	}
	if (is_file_ring(a->keyring) && first_label(a) != NULL) {
		/* A PEM file has no labels: refused rather than ignored. */
		*sslrc = 407;
		rc = at_err_setx(err, AT_E_INPUT, "key ring file %s has no labels; "
		    "CertificateLabel and ServerCertificateLabel need a key ring in the "
		    "security database", a->keyring);
	} else if (is_file_ring(a->keyring)) {
		rc = load_pem_ring(a->keyring, peer, &c, sslrc, err);
	} else if (db == NULL) {
		*sslrc = 202;
		rc = at_err_setx(err, AT_E_NOTFOUND, "key ring %s: no security database is "
		    "open", a->keyring);
	} else {
		rc = saf_ring_open_label(db, userid, a->keyring, first_label(a), &keys, err);
		if (rc != AT_OK) {
			/* A ring that opened but lacks the label is 407, as in
			 * System SSL; anything else about the ring is 202. */
			*sslrc = rc == AT_E_INPUT ? 407 : 202;
		} else {
			c.cert = keys->cert;
			c.key = keys->key;
			c.chain = keys->chain;
			c.cas = keys->cas;
			rc = open_more_labels(a, userid, db, &c, more, sslrc, err);
		}
	}
	if (rc == AT_OK && no_certificate(a)) {
		if (keys == NULL) {
			X509_free(c.cert);
			EVP_PKEY_free(c.key);
			sk_X509_pop_free(c.chain, X509_free);
		}
		c.cert = NULL;
		c.key = NULL;
		c.chain = NULL;
	}
	if (rc == AT_OK && remote != NULL)
		rc = remote->build(remote->arg, g, rule, e, &c, sslrc, err);
	else if (rc == AT_OK)
		rc = engine_tlsctx_build(a, &c, &e->ctx, sslrc, err);
	for (i = 0; i < ENGINE_CREDS_MAX_MORE; i++)
		saf_ring_keys_free(more[i]);
	if (keys != NULL)
		saf_ring_keys_free(keys);
	else
		free_creds(&c);
	return rc;
}

enum at_rc
attlsd_gen_env(struct attlsd_gen *g, const struct policy_rule *rule, const char *userid,
    const struct attlsd_peer *peer, struct saf_db *db, const struct attlsd_env **out,
    int *sslrc, struct at_err *err)
{
	const struct policy_actions *a = rule->actions;
	bool file_ring = a->keyring != NULL && is_file_ring(a->keyring);
	struct attlsd_env *e;
	enum at_rc rc;

	*out = NULL;
	*sslrc = 0;
	(void)pthread_mutex_lock(&g->lock);
	for (e = g->envs; e != NULL; e = e->next)
		if (e->actions == a && strcmp(e->userid, userid) == 0 &&
		    (!file_ring || attlsd_peer_same(&e->peer, peer)))
			break;
	(void)pthread_mutex_unlock(&g->lock);
	if (e != NULL) {
		*out = e;
		return AT_OK;
	}
	/* Built outside the lock: opening a ring may take a while.  Two
	 * callers racing here would each add an environment, which is
	 * harmless (the control thread is the only caller today). */
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	e->actions = a;
	e->peer = *peer;
	(void)snprintf(e->userid, sizeof(e->userid), "%s", userid);
	e->grpid = attlsd_gen_grpid(g, rule);
	(void)pthread_mutex_lock(&g->lock);
	e->envid = g->next_envid++;
	(void)pthread_mutex_unlock(&g->lock);
	rc = build_env(g, rule, e, db, sslrc, err);
	if (rc != AT_OK) {
		free(e);
		return rc;
	}
	(void)pthread_mutex_lock(&g->lock);
	e->next = g->envs;
	g->envs = e;
	(void)pthread_mutex_unlock(&g->lock);
	*out = e;
	return AT_OK;
}

enum at_rc
attlsd_gen_add_env(struct attlsd_gen *g, const struct policy_rule *rule, const char *userid,
    uint32_t envid, uint32_t grpid, SSL_CTX *ctx, struct at_err *err)
{
	struct attlsd_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	e->actions = rule->actions;
	(void)snprintf(e->userid, sizeof(e->userid), "%s", userid);
	e->envid = envid;
	e->grpid = grpid;
	e->ctx = ctx;
	(void)pthread_mutex_lock(&g->lock);
	e->next = g->envs;
	g->envs = e;
	(void)pthread_mutex_unlock(&g->lock);
	return AT_OK;
}

const struct attlsd_env *
attlsd_gen_find_env(struct attlsd_gen *g, uint32_t envid)
{
	struct attlsd_env *e;

	(void)pthread_mutex_lock(&g->lock);
	for (e = g->envs; e != NULL && e->envid != envid; e = e->next)
		;
	(void)pthread_mutex_unlock(&g->lock);
	return e;
}

bool
attlsd_gen_env_fits(const struct attlsd_env *e, const struct attlsd_peer *peer)
{
	const char *ring = e->actions->keyring;

	return ring == NULL || !is_file_ring(ring) || attlsd_peer_same(&e->peer, peer);
}
