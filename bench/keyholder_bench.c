/*
 * keyholder_bench.c - what the keyholder costs a full handshake: TLS 1.3
 * and TLS 1.2 handshakes per second in one thread (client and server in
 * this process, over a socket pair, no resumption) with the server's key
 * local and with the same key held by a keyholder process, for RSA-2048
 * and ECDSA P-256; then the same with one thread per CPU, where the
 * keyholder is kept busy and the figure is throughput rather than the
 * latency of one round trip.  Prints the median of several runs and the
 * ratio keyholder/local.
 *
 * usage: keyholder_bench [SECONDS_PER_RUN [RUNS]]   (default 1 and 5)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/num.h"
#include "engine/proxykey.h"
#include "keyholder/keyholder.h"
#include "pki.h"
#include "testcert.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static SSL_CTX *
server(X509 *cert, EVP_PKEY *key)
{
	SSL_CTX *s = SSL_CTX_new(TLS_server_method());

	if (s == NULL || SSL_CTX_use_certificate(s, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(s, key) != 1 || SSL_CTX_check_private_key(s) != 1) {
		ERR_print_errors_fp(stderr);
		exit(1);
	}
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(s, SSL_OP_NO_TICKET);
	return s;
}

struct job {
	SSL_CTX *c, *s;
	double secs;
	long n;
};

static void *
run(void *arg)
{
	struct job *j = arg;
	double t0 = now();

	do {
		if (!pki_shake(j->c, j->s, "server.example", NULL, NULL)) {
			ERR_print_errors_fp(stderr);
			fprintf(stderr, "keyholder_bench: a handshake failed\n");
			exit(1);
		}
		j->n++;
	} while (now() - t0 < j->secs);
	return NULL;
}

#define MAX_THREADS 16

/* Handshakes per second over `secs`, by nthreads threads together. */
static double
rate(SSL_CTX *c, SSL_CTX *s, double secs, int nthreads)
{
	pthread_t t[MAX_THREADS];
	struct job j[MAX_THREADS];
	double t0 = now();
	long n = 0;
	int i;

	for (i = 0; i < nthreads; i++) {
		j[i].c = c;
		j[i].s = s;
		j[i].secs = secs;
		j[i].n = 0;
		if (pthread_create(&t[i], NULL, run, &j[i]) != 0)
			exit(1);
	}
	for (i = 0; i < nthreads; i++) {
		(void)pthread_join(t[i], NULL);
		n += j[i].n;
	}
	return (double)n / (now() - t0);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define MAX_RUNS 21

int
main(int argc, char **argv)
{
	static const char *const kinds[] = { "RSA", "P-256" };
	static const int vers[] = { TLS1_3_VERSION, TLS1_2_VERSION };
	struct testcert ca;
	struct keyholder *kh;
	struct keyholder_client *kc;
	struct at_err err;
	double secs = 1, local[MAX_RUNS], proxy[MAX_RUNS];
	uint64_t v;
	int runs = 5, i, r, k, th, ncpu;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (argc > 1) {
		if (at_parse_u64(at_str_c(argv[1]), 1, 60, "seconds per run", &v, &err) != AT_OK) {
			fprintf(stderr, "keyholder_bench: %s\n", err.msg);
			return 2;
		}
		secs = (double)v;
	}
	if (argc > 2) {
		if (at_parse_u64(at_str_c(argv[2]), 1, MAX_RUNS, "runs", &v, &err) != AT_OK) {
			fprintf(stderr, "keyholder_bench: %s\n", err.msg);
			return 2;
		}
		runs = (int)v;
	}
	if (keyholder_start(&kh, &err) != AT_OK || keyholder_client_open(kh, &kc, &err) != AT_OK) {
		fprintf(stderr, "keyholder_bench: %s\n", err.msg);
		return 1;
	}
	if (!testcert_make(&ca, "bench CA", NULL))
		return 1;
	ncpu = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
	printf("full handshakes per second, client and server in-process, no resumption;\n"
	    "median of %d runs of %.0f s\n"
	    "key    proto   threads    local | keyholder | ratio\n", runs, secs);
	for (k = 0; k < 2; k++) {
		EVP_PKEY *key = pki_key(kinds[k]), *pk = NULL;
		X509 *cert = key != NULL ? pki_leaf(key, "server.example", &ca) : NULL;
		uint32_t id;
		SSL_CTX *sl, *sp;

		if (cert == NULL || keyholder_add_key(kh, key, &id, &err) != AT_OK ||
		    engine_proxykey_new(cert, kc, id, &pk, &err) != AT_OK) {
			fprintf(stderr, "keyholder_bench: %s\n", err.msg);
			return 1;
		}
		sl = server(cert, key);
		sp = server(cert, pk);
		for (i = 0; i < 2; i++) {
			SSL_CTX *c = SSL_CTX_new(TLS_client_method());

			if (c == NULL ||
			    X509_STORE_add_cert(SSL_CTX_get_cert_store(c), ca.cert) != 1 ||
			    SSL_CTX_set_min_proto_version(c, vers[i]) != 1 ||
			    SSL_CTX_set_max_proto_version(c, vers[i]) != 1)
				return 1;
			for (th = 1; th <= ncpu; th = th == ncpu ? ncpu + 1 : ncpu) {
				/* Interleaved, so load on the machine hits both alike. */
				for (r = 0; r < runs; r++) {
					local[r] = rate(c, sl, secs, th);
					proxy[r] = rate(c, sp, secs, th);
				}
				qsort(local, (size_t)runs, sizeof(double), cmp);
				qsort(proxy, (size_t)runs, sizeof(double), cmp);
				printf("%-6s %-7s %7d %8.0f | %9.0f | %.3f\n", kinds[k],
				    vers[i] == TLS1_3_VERSION ? "TLS1.3" : "TLS1.2", th,
				    local[runs / 2], proxy[runs / 2],
				    proxy[runs / 2] / local[runs / 2]);
				fflush(stdout);
			}
			SSL_CTX_free(c);
		}
		SSL_CTX_free(sl);
		SSL_CTX_free(sp);
		EVP_PKEY_free(pk);
		EVP_PKEY_free(key);
		X509_free(cert);
	}
	keyholder_client_free(kc);
	keyholder_stop(kh);
	testcert_free(&ca);
	return 0;
}
