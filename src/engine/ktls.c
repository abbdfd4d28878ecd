/*
 * ktls.c - probing the kernel for TLS offload and asking OpenSSL to use
 * it (see ktls.h).
 */
#include "engine/ktls.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

static void
say(char *why, size_t len, const char *what, int e)
{
	if (why != NULL && len > 0)
		(void)snprintf(why, len, "%s: %s", what, strerror(e));
}

bool
engine_ktls_probe(char *why, size_t len)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int l = -1, c = -1, s = -1, e;
	bool ok = false;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* The upper-layer protocol can only be set on an established
	 * connection, so make one to ourselves. */
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0) {
		say(why, len, "making a loopback listener to probe with", errno);
		goto out;
	}
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (s = accept(l, NULL, NULL)) < 0) {
		say(why, len, "connecting over loopback to probe", errno);
		goto out;
	}
	if (setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", sizeof("tls")) != 0) {
		e = errno;
		say(why, len, e == ENOENT ? "the kernel has no \"tls\" module (TCP_ULP)" :
		    "the kernel refused the \"tls\" upper-layer protocol (TCP_ULP)", e);
		goto out;
	}
	ok = true;
	if (why != NULL && len > 0)
		why[0] = '\0';
out:
	if (s >= 0)
		(void)close(s);
	if (c >= 0)
		(void)close(c);
	if (l >= 0)
		(void)close(l);
	return ok;
}

void
engine_ktls_allow(SSL *ssl)
{
	(void)SSL_set_options(ssl, SSL_OP_ENABLE_KTLS);
}

unsigned
engine_ktls_state(SSL *ssl)
{
	unsigned bits = 0;
	BIO *w = SSL_get_wbio(ssl), *r = SSL_get_rbio(ssl);

	if (w != NULL && BIO_get_ktls_send(w) > 0)
		bits |= ENGINE_KTLS_TX;
	if (r != NULL && BIO_get_ktls_recv(r) > 0)
		bits |= ENGINE_KTLS_RX;
	return bits;
}

const char *
engine_ktls_name(unsigned bits)
{
	switch (bits & (ENGINE_KTLS_TX | ENGINE_KTLS_RX)) {
	case ENGINE_KTLS_TX | ENGINE_KTLS_RX: return "tx+rx";
	case ENGINE_KTLS_TX: return "tx";
	case ENGINE_KTLS_RX: return "rx";
	default: return "-";
	}
}
