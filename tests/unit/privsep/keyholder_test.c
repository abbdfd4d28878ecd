/*
 * keyholder_test.c - TLS servers whose private key is a proxy for a key
 * held by a real keyholder process: real TLS 1.2 and 1.3 handshakes with a
 * client that verifies the server's certificate, for RSA (PKCS#1 v1.5 and
 * PSS), ECDSA and Ed25519.  Then the attacks on the split: a killed
 * keyholder or an unknown key id fails the handshake with a message that
 * says why; the proxy key yields no private half by any OpenSSL call; a
 * worker that has served a handshake holds no byte of the private key in
 * its whole memory, while the keyholder does; the keyholder refuses
 * requests a TLS signature never makes; and it runs under seccomp.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "engine/proxykey.h"
#include "keyholder/keyholder.h"
#include "keyholder/proto.h"
#include "pki.h"
#include "testcert.h"

static struct testcert ca;
static struct keyholder *kh;
static struct keyholder_client *kc;

static int
setup(void **state)
{
	struct at_err err;

	(void)state;
	if (keyholder_start(&kh, &err) != AT_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	if (keyholder_client_open(kh, &kc, &err) != AT_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	return testcert_make(&ca, "privsep CA", NULL) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	keyholder_client_free(kc);
	keyholder_stop(kh);
	testcert_free(&ca);
	return 0;
}

/* A server identity whose key went to the keyholder (and was freed here). */
struct ident {
	X509 *cert;
	EVP_PKEY *proxy;
	uint32_t id;
};

static void
ident_make(struct ident *id, const char *kind, struct keyholder *h,
    struct keyholder_client *c)
{
	EVP_PKEY *key = pki_key(kind);
	struct at_err err;

	assert_non_null(key);
	id->cert = pki_leaf(key, "server.example", &ca);
	assert_non_null(id->cert);
	assert_int_equal(keyholder_add_key(h, key, &id->id, &err), AT_OK);
	EVP_PKEY_free(key);
	assert_int_equal(engine_proxykey_new(id->cert, c, id->id, &id->proxy, &err), AT_OK);
	assert_true(engine_proxykey_is_proxy(id->proxy));
}

static void
ident_free(struct ident *id)
{
	X509_free(id->cert);
	EVP_PKEY_free(id->proxy);
}

static SSL_CTX *
server_ctx(const struct ident *id, int maxver)
{
	SSL_CTX *s = SSL_CTX_new(TLS_server_method());

	assert_non_null(s);
	assert_int_equal(SSL_CTX_use_certificate(s, id->cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(s, id->proxy), 1);
	assert_int_equal(SSL_CTX_check_private_key(s), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(s, maxver), 1);
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
	return s;
}

static SSL_CTX *
client_ctx(int ver, const char *sigalgs)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());
	char list[64];   /* the macro below takes a char *, not a const one */

	assert_non_null(c);
	assert_int_equal(X509_STORE_add_cert(SSL_CTX_get_cert_store(c), ca.cert), 1);
	assert_int_equal(SSL_CTX_set_min_proto_version(c, ver), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(c, ver), 1);
	if (sigalgs != NULL) {
		assert_true((size_t)snprintf(list, sizeof(list), "%s", sigalgs) < sizeof(list));
		assert_int_equal(SSL_CTX_set1_sigalgs_list(c, list), 1);
	}
	return c;
}

static void
expect_handshake(const char *kind, int ver, const char *sigalgs, int want_sig)
{
	struct ident id;
	SSL_CTX *s, *c;
	int sig = NID_undef, v = 0;

	ident_make(&id, kind, kh, kc);
	s = server_ctx(&id, TLS1_3_VERSION);
	c = client_ctx(ver, sigalgs);
	if (!pki_shake(c, s, "server.example", &sig, &v)) {
		ERR_print_errors_fp(stderr);
		fail_msg("%s handshake with a proxy key failed", kind);
	}
	assert_int_equal(v, ver);
	assert_int_equal(sig, want_sig);
	SSL_CTX_free(s);
	SSL_CTX_free(c);
	ident_free(&id);
}

static void
rsa_tls12_pkcs1(void **state)
{
	(void)state;
	expect_handshake("RSA", TLS1_2_VERSION, "RSA+SHA256", NID_rsaEncryption);
}

static void
rsa_tls12_pss(void **state)
{
	(void)state;
	expect_handshake("RSA", TLS1_2_VERSION, "rsa_pss_rsae_sha384", NID_rsassaPss);
}

static void
rsa_tls13_pss(void **state)
{
	(void)state;
	expect_handshake("RSA", TLS1_3_VERSION, NULL, NID_rsassaPss);
}

static void
ecdsa_p256_tls12(void **state)
{
	(void)state;
	expect_handshake("P-256", TLS1_2_VERSION, NULL, NID_X9_62_id_ecPublicKey);
}

static void
ecdsa_p256_tls13(void **state)
{
	(void)state;
	expect_handshake("P-256", TLS1_3_VERSION, NULL, NID_X9_62_id_ecPublicKey);
}

static void
ecdsa_p384_tls13(void **state)
{
	(void)state;
	expect_handshake("P-384", TLS1_3_VERSION, NULL, NID_X9_62_id_ecPublicKey);
}

static void
ed25519_tls13(void **state)
{
	(void)state;
	expect_handshake("ED25519", TLS1_3_VERSION, NULL, NID_ED25519);
}

/* The handshake fails, and the error attls would log names the reason. */
static void
expect_refused(SSL_CTX *s, SSL_CTX *c, const char *why)
{
	struct at_err err;

	assert_false(pki_shake(c, s, "server.example", NULL, NULL));
	(void)at_err_ssl(&err, AT_E_TLS, "handshake");
	if (strstr(err.msg, why) == NULL)
		fail_msg("expected \"%s\" in the error, got: %s", why, err.msg);
}

static void
killed_keyholder_fails_cleanly(void **state)
{
	struct keyholder *h;
	struct keyholder_client *c;
	struct ident id;
	struct at_err err;
	SSL_CTX *s, *cl;
	int st;

	(void)state;
	assert_int_equal(keyholder_start(&h, &err), AT_OK);
	assert_int_equal(keyholder_client_open(h, &c, &err), AT_OK);
	ident_make(&id, "RSA", h, c);
	s = server_ctx(&id, TLS1_3_VERSION);
	cl = client_ctx(TLS1_3_VERSION, NULL);
	assert_true(pki_shake(cl, s, "server.example", NULL, NULL));
	/* kill -9 the keyholder: nothing in this process can sign any more. */
	assert_int_equal(kill(keyholder_pid(h), SIGKILL), 0);
	assert_int_equal(waitpid(keyholder_pid(h), &st, 0), keyholder_pid(h));
	expect_refused(s, cl, "keyholder");
	/* And again: the channel stays failed, no hang, no crash. */
	expect_refused(s, cl, "keyholder");
	SSL_CTX_free(s);
	SSL_CTX_free(cl);
	ident_free(&id);
	keyholder_client_free(c);
	keyholder_stop(h);
}

static void
unknown_key_id_fails_cleanly(void **state)
{
	struct ident id;
	struct at_err err;
	SSL_CTX *s, *cl;

	(void)state;
	ident_make(&id, "P-256", kh, kc);
	assert_int_equal(keyholder_remove_key(kh, id.id, &err), AT_OK);
	assert_int_equal(keyholder_remove_key(kh, id.id, &err), AT_E_NOTFOUND);
	s = server_ctx(&id, TLS1_3_VERSION);
	cl = client_ctx(TLS1_3_VERSION, NULL);
	expect_refused(s, cl, "holds no key");
	/* A refusal is not a broken channel: the next key still signs. */
	SSL_CTX_free(s);
	ident_free(&id);
	ident_make(&id, "P-256", kh, kc);
	s = server_ctx(&id, TLS1_3_VERSION);
	assert_true(pki_shake(cl, s, "server.example", NULL, NULL));
	SSL_CTX_free(s);
	SSL_CTX_free(cl);
	ident_free(&id);
}

/* Every way OpenSSL offers to get at a private half comes back empty. */
static void
proxy_key_has_no_private_half(void **state)
{
	struct ident rsa, ec;
	BIGNUM *bn = NULL;
	OSSL_PARAM *params = NULL;
	unsigned char *der = NULL;
	EVP_PKEY_CTX *pc;
	EVP_PKEY *other;

	(void)state;
	ident_make(&rsa, "RSA", kh, kc);
	ident_make(&ec, "P-256", kh, kc);
	/* The public half is all there. */
	assert_int_equal(EVP_PKEY_get_bn_param(rsa.proxy, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
	BN_free(bn);
	bn = NULL;
	assert_int_equal(EVP_PKEY_get_bits(rsa.proxy), 2048);
	assert_int_equal(EVP_PKEY_eq(rsa.proxy, X509_get0_pubkey(rsa.cert)), 1);
	assert_int_not_equal(EVP_PKEY_eq(rsa.proxy, X509_get0_pubkey(ec.cert)), 1);
	/* Same curve, another key: the parameters match, the keys do not. */
	other = pki_key("P-256");
	assert_non_null(other);
	assert_int_equal(EVP_PKEY_parameters_eq(ec.proxy, other), 1);
	assert_int_not_equal(EVP_PKEY_eq(ec.proxy, other), 1);
	EVP_PKEY_free(other);
	/* The private half is not. */
	assert_int_equal(EVP_PKEY_get_bn_param(rsa.proxy, OSSL_PKEY_PARAM_RSA_D, &bn), 0);
	assert_int_equal(EVP_PKEY_get_bn_param(rsa.proxy, OSSL_PKEY_PARAM_RSA_FACTOR1, &bn), 0);
	assert_int_equal(EVP_PKEY_get_bn_param(ec.proxy, OSSL_PKEY_PARAM_PRIV_KEY, &bn), 0);
	assert_null(bn);
	assert_int_not_equal(EVP_PKEY_todata(rsa.proxy, EVP_PKEY_KEYPAIR, &params), 1);
	assert_int_not_equal(EVP_PKEY_todata(ec.proxy, EVP_PKEY_KEYPAIR, &params), 1);
	assert_true(i2d_PrivateKey(rsa.proxy, &der) <= 0);
	assert_true(i2d_PrivateKey(ec.proxy, &der) <= 0);
	assert_null(der);
	/* No decryption: RSA key exchange cannot use a held key. */
	pc = EVP_PKEY_CTX_new(rsa.proxy, NULL);
	assert_non_null(pc);
	assert_true(EVP_PKEY_decrypt_init(pc) <= 0);
	EVP_PKEY_CTX_free(pc);
	ERR_clear_error();
	ident_free(&rsa);
	ident_free(&ec);
}

/* The keyholder signs what TLS signs and nothing else. */
static void
keyholder_refuses_odd_requests(void **state)
{
	EVP_PKEY *rsa = pki_key("RSA"), *ec = pki_key("P-256"), *dsa = NULL;
	struct keyholder_sign_req r;
	unsigned char dgst[64] = { 1 }, sig[KEYHOLDER_MAX_SIG], big[KEYHOLDER_MAX_TBS + 1];
	size_t siglen;
	uint32_t rid, eid, junk;
	struct at_err err;
	EVP_PKEY_CTX *pc;

	(void)state;
	assert_int_equal(keyholder_add_key(kh, rsa, &rid, &err), AT_OK);
	assert_int_equal(keyholder_add_key(kh, ec, &eid, &err), AT_OK);
	memset(&r, 0, sizeof(r));
	r.key_id = rid;
	r.alg = KEYHOLDER_RSA_PKCS1;
	r.md_nid = NID_sha256;
	r.tbs = dgst;
	r.tbslen = 32;
	siglen = sizeof(sig);
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_OK);
	assert_int_equal(siglen, 256);
	/* A digest length that is not the digest's */
	r.tbslen = 31;
	siglen = sizeof(sig);
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_INPUT);
	/* MD5 is no TLS signature digest */
	r.md_nid = NID_md5;
	r.tbslen = 16;
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_INPUT);
	/* ECDSA with an RSA key, RSA with an EC key, Ed25519 with either */
	r.md_nid = NID_sha256;
	r.tbslen = 32;
	r.alg = KEYHOLDER_ECDSA;
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_INPUT);
	r.key_id = eid;
	r.alg = KEYHOLDER_RSA_PSS;
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_INPUT);
	r.alg = KEYHOLDER_ED25519;
	r.md_nid = NID_undef;
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_INPUT);
	/* A PSS salt longer than the key allows */
	r.key_id = rid;
	r.alg = KEYHOLDER_RSA_PSS;
	r.md_nid = r.mgf1_nid = NID_sha256;
	r.saltlen = 256;
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_INPUT);
	/* A message beyond the bound never leaves this process */
	memset(big, 0, sizeof(big));
	r.tbs = big;
	r.tbslen = sizeof(big);
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_E_TOOBIG);
	/* After all that, the channel still works. */
	r.alg = KEYHOLDER_RSA_PSS;
	r.saltlen = 32;
	r.tbs = dgst;
	r.tbslen = 32;
	siglen = sizeof(sig);
	assert_int_equal(keyholder_sign(kc, &r, sig, &siglen, &err), AT_OK);
	/* Key types it does not take are refused before they leave. */
	pc = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_keygen_init(pc), 1);
	assert_int_equal(EVP_PKEY_keygen(pc, &dsa), 1);
	assert_int_equal(keyholder_add_key(kh, dsa, &junk, &err), AT_E_INPUT);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(dsa);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

/*
 * A worker's channel may ask for signatures and nothing else: a request to
 * remove (or add) a key on it closes the channel and changes nothing.
 */
static void
channel_cannot_manage_keys(void **state)
{
	struct keyholder_client *c, *other;
	struct ident id;
	struct kh_req q;
	struct at_err err;
	unsigned char buf[256];
	size_t n;
	int probe, type = 0;
	socklen_t tl = sizeof(type);
	SSL_CTX *s, *cl;

	(void)state;
	ident_make(&id, "P-256", kh, kc);
	/* The client's first channel takes the lowest free descriptor. */
	probe = dup(0);
	assert_true(probe >= 0);
	close(probe);
	assert_int_equal(keyholder_client_open(kh, &c, &err), AT_OK);
	assert_int_equal(getsockopt(probe, SOL_SOCKET, SO_TYPE, &type, &tl), 0);
	assert_int_equal(type, SOCK_SEQPACKET);
	memset(&q, 0, sizeof(q));
	q.op = KH_OP_REMOVE_KEY;
	q.key_id = id.id;
	assert_int_equal(kh_send(probe, &q, sizeof(q), NULL, 0, -1, &err), AT_OK);
	assert_int_equal(kh_recv(probe, buf, sizeof(buf), &n, NULL, 5000, &err), AT_OK);
	assert_int_equal(n, 0);   /* closed, no reply */
	/* The key is still there for everyone else. */
	assert_int_equal(keyholder_client_open(kh, &other, &err), AT_OK);
	s = server_ctx(&id, TLS1_3_VERSION);
	cl = client_ctx(TLS1_3_VERSION, NULL);
	EVP_PKEY_free(id.proxy);
	assert_int_equal(engine_proxykey_new(id.cert, other, id.id, &id.proxy, &err), AT_OK);
	SSL_CTX_free(s);
	s = server_ctx(&id, TLS1_3_VERSION);
	assert_true(pki_shake(cl, s, "server.example", NULL, NULL));
	SSL_CTX_free(s);
	SSL_CTX_free(cl);
	ident_free(&id);
	keyholder_client_free(other);
	keyholder_client_free(c);
}

static void
keyholder_runs_under_seccomp(void **state)
{
	char path[64], line[256];
	FILE *f;
	int mode = -1;

	(void)state;
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)keyholder_pid(kh));
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Seccomp:", 8) == 0)
			mode = (int)strtol(line + 8, NULL, 10);
	fclose(f);
	assert_int_equal(mode, 2);   /* SECCOMP_MODE_FILTER */
}

/* Many threads sign through one channel at once. */
static struct ident mt_id;
static SSL_CTX *mt_s, *mt_c;

static void *
mt_run(void *arg)
{
	int i, ok = 1;

	(void)arg;
	for (i = 0; i < 10 && ok; i++)
		ok = pki_shake(mt_c, mt_s, "server.example", NULL, NULL);
	return ok ? (void *)1 : NULL;
}

static void
threads_share_a_channel(void **state)
{
	pthread_t t[6];
	void *r;
	int i, ok = 0;

	(void)state;
	/* One channel per CPU (up to 8), so these threads are not serialised. */
	assert_true(keyholder_client_channels(kc) >= 1 && keyholder_client_channels(kc) <= 8);
	assert_int_equal(keyholder_client_channels(kc) > 1, sysconf(_SC_NPROCESSORS_ONLN) > 1);
	ident_make(&mt_id, "P-256", kh, kc);
	mt_s = server_ctx(&mt_id, TLS1_3_VERSION);
	mt_c = client_ctx(TLS1_3_VERSION, NULL);
	for (i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&t[i], NULL, mt_run, NULL), 0);
	for (i = 0; i < 6; i++) {
		assert_int_equal(pthread_join(t[i], &r), 0);
		ok += r != NULL;
	}
	assert_int_equal(ok, 6);
	SSL_CTX_free(mt_s);
	SSL_CTX_free(mt_c);
	ident_free(&mt_id);
}

/* Whether needle occurs anywhere in the readable memory of process pid. */
static int
memory_holds(pid_t pid, const unsigned char *needle, size_t n)
{
	char path[64], line[512];
	FILE *maps;
	int mem, found = 0;
	unsigned long lo, hi;
	char perms[8];
	static unsigned char buf[1 << 20];
	size_t off, want;
	ssize_t got;

	snprintf(path, sizeof(path), "/proc/%ld/maps", (long)pid);
	maps = fopen(path, "r");
	assert_non_null(maps);
	snprintf(path, sizeof(path), "/proc/%ld/mem", (long)pid);
	mem = open(path, O_RDONLY);
	assert_true(mem >= 0);
	while (!found && fgets(line, sizeof(line), maps) != NULL) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || /* checksrc: allow test-only parsing of /proc maps */
		    perms[0] != 'r' || strstr(line, "[vvar]") != NULL)
			continue;
		/*
		 * Reservations beyond 1 GiB are a sanitizer's shadow memory, not
		 * where OpenSSL keeps a key (its heap is far smaller here).
		 */
		if (hi - lo > (1UL << 30))
			continue;
		/* Overlapping windows so a key split across two reads is still seen. */
		for (off = 0; !found && lo + off < hi; off += sizeof(buf) - n) {
			want = hi - lo - off < sizeof(buf) ? hi - lo - off : sizeof(buf);
			got = pread(mem, buf, want, (off_t)(lo + off));
			if (got <= 0)
				break;
			found = memmem(buf, (size_t)got, needle, n) != NULL;
			if ((size_t)got < sizeof(buf))
				break;
		}
	}
	close(mem);
	fclose(maps);
	return found;
}

static void
worker_memory_holds_no_key(void **state)
{
	int topw[2], fromw[2], st;
	pid_t w;
	EVP_PKEY *key;
	X509 *cert;
	BIGNUM *d = NULL;
	unsigned char dbytes[512], *der = NULL, msg[4096];
	int dlen, derlen;
	uint32_t id;
	struct at_err err;
	char ok;

	(void)state;
	assert_int_equal(pipe(topw), 0);
	assert_int_equal(pipe(fromw), 0);
	/* The worker is forked before the key exists, as attlsd's workers will be. */
	w = fork();
	assert_true(w >= 0);
	if (w == 0) {
		struct ident id_w;
		SSL_CTX *s, *c;
		const unsigned char *p = msg + sizeof(uint32_t);
		ssize_t n;

		close(topw[1]);
		close(fromw[0]);
		keyholder_forget_in_child(kh);
		kh = NULL;
		n = read(topw[0], msg, sizeof(msg));

		if (n <= (ssize_t)sizeof(uint32_t))
			_exit(2);
		memcpy(&id_w.id, msg, sizeof(uint32_t));
		id_w.cert = d2i_X509(NULL, &p, n - (ssize_t)sizeof(uint32_t));
		if (id_w.cert == NULL ||
		    engine_proxykey_new(id_w.cert, kc, id_w.id, &id_w.proxy, &err) != AT_OK)
			_exit(3);
		s = SSL_CTX_new(TLS_server_method());
		c = SSL_CTX_new(TLS_client_method());
		if (s == NULL || c == NULL || SSL_CTX_use_certificate(s, id_w.cert) != 1 ||
		    SSL_CTX_use_PrivateKey(s, id_w.proxy) != 1 ||
		    X509_STORE_add_cert(SSL_CTX_get_cert_store(c), ca.cert) != 1 ||
		    !pki_shake(c, s, "server.example", NULL, NULL))
			_exit(4);
		ok = 'y';
		if (write(fromw[1], &ok, 1) != 1)
			_exit(5);
		(void)read(topw[0], &ok, 1);   /* hold still while the parent looks */
		_exit(0);
	}
	key = pki_key("RSA");
	assert_non_null(key);
	cert = pki_leaf(key, "server.example", &ca);
	assert_non_null(cert);
	assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_D, &d), 1);
	/* As it lies in memory: BIGNUM limbs are little-endian words. */
	dlen = BN_bn2lebinpad(d, dbytes, BN_num_bytes(d));
	assert_true(dlen > 200);
	BN_clear_free(d);
	assert_int_equal(keyholder_add_key(kh, key, &id, &err), AT_OK);
	EVP_PKEY_free(key);
	derlen = i2d_X509(cert, &der);
	assert_true(derlen > 0 && (size_t)derlen + sizeof(id) <= sizeof(msg));
	memcpy(msg, &id, sizeof(id));
	memcpy(msg + sizeof(id), der, (size_t)derlen);
	OPENSSL_free(der);
	assert_int_equal(write(topw[1], msg, sizeof(id) + (size_t)derlen),
	    (ssize_t)(sizeof(id) + (size_t)derlen));
	assert_int_equal(read(fromw[0], &ok, 1), 1);   /* the worker has shaken hands */
	/*
	 * The private exponent is in the keyholder (this proves the scan can
	 * see a key where there is one) and nowhere in the worker.  Reading a
	 * non-dumpable process's memory takes CAP_SYS_PTRACE: as root only.
	 */
	if (geteuid() == 0)
		assert_true(memory_holds(keyholder_pid(kh), dbytes, (size_t)dlen));
	else
		fprintf(stderr, "not root: the control scan of the keyholder is skipped\n");
	assert_false(memory_holds(w, dbytes, (size_t)dlen));
	/* Not even the top half of d (a partial copy). */
	assert_false(memory_holds(w, dbytes, (size_t)dlen / 2));
	close(topw[1]);
	assert_int_equal(waitpid(w, &st, 0), w);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(topw[0]);
	close(fromw[0]);
	close(fromw[1]);
	OPENSSL_cleanse(dbytes, sizeof(dbytes));
	X509_free(cert);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsa_tls12_pkcs1),
		cmocka_unit_test(rsa_tls12_pss),
		cmocka_unit_test(rsa_tls13_pss),
		cmocka_unit_test(ecdsa_p256_tls12),
		cmocka_unit_test(ecdsa_p256_tls13),
		cmocka_unit_test(ecdsa_p384_tls13),
		cmocka_unit_test(ed25519_tls13),
		cmocka_unit_test(killed_keyholder_fails_cleanly),
		cmocka_unit_test(unknown_key_id_fails_cleanly),
		cmocka_unit_test(proxy_key_has_no_private_half),
		cmocka_unit_test(keyholder_refuses_odd_requests),
		cmocka_unit_test(channel_cannot_manage_keys),
		cmocka_unit_test(keyholder_runs_under_seccomp),
		cmocka_unit_test(threads_share_a_channel),
		cmocka_unit_test(worker_memory_holds_no_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
