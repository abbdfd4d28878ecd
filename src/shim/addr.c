/*
 * addr.c - converting between socket addresses and the control protocol's
 * 16-byte form (IPv4 as v4-mapped IPv6).
 */
#include <netinet/in.h>
#include <string.h>

#include "shim/shim.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool
shim_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len, uint8_t addr[16],
    uint16_t *port, uint8_t *family, uint32_t *scope)
{
	*scope = 0;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		memcpy(addr, v4mapped, 12);
		memcpy(addr + 12, &sin.sin_addr, 4);
		*port = ntohs(sin.sin_port);
		*family = AF_INET;
		return true;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof(sin6));
		memcpy(addr, &sin6.sin6_addr, 16);
		*port = ntohs(sin6.sin6_port);
		/* A v4-mapped peer is an IPv4 connection on the wire, and IPv4
		 * policy conditions are the ones that must apply to it. */
		*family = memcmp(addr, v4mapped, 12) == 0 ? AF_INET : AF_INET6;
		*scope = sin6.sin6_scope_id;
		return true;
	}
	return false;
}

void
shim_addr_to_sockaddr(int sock_family, int family, const uint8_t addr[16], uint16_t port,
    uint32_t scope, struct sockaddr *out, socklen_t *len)
{
	union {
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} u;
	socklen_t n;

	memset(&u, 0, sizeof(u));
	if (sock_family == AF_INET6 || (sock_family != AF_INET && family == AF_INET6)) {
		u.sin6.sin6_family = AF_INET6;
		u.sin6.sin6_port = htons(port);
		memcpy(&u.sin6.sin6_addr, addr, 16);
		u.sin6.sin6_scope_id = scope;
		n = sizeof(u.sin6);
	} else {
		u.sin.sin_family = AF_INET;
		u.sin.sin_port = htons(port);
		memcpy(&u.sin.sin_addr, addr + 12, 4);
		n = sizeof(u.sin);
	}
	if (out != NULL)
		memcpy(out, &u, *len < n ? *len : n);
	*len = n;
}
