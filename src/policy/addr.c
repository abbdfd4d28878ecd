/*
 * addr.c - connection addresses for the matcher (see addr.h).  All parsing
 * goes through inet_pton and at_parse_u64, so nothing here accepts the
 * shorthand forms inet_aton would ("10.1", "0x0a.1.1.1").
 */
#include "policy/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "common/num.h"
#include "common/str.h"

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static void
set_v4(uint8_t addr[16], const void *in4)
{
	memcpy(addr, v4mapped_prefix, sizeof(v4mapped_prefix));
	memcpy(addr + 12, in4, 4);
}

/* AF_INET6 bytes in addr that are v4-mapped become AF_INET. */
static int
normalise(int family, const uint8_t addr[16])
{
	if (family == AF_INET6 && memcmp(addr, v4mapped_prefix, 12) == 0)
		return AF_INET;
	return family;
}

static enum at_rc
from_sockaddr(const struct sockaddr *sa, const char *what, int *family,
    uint8_t addr[16], uint16_t *port, struct at_err *err)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	if (sa == NULL)
		return at_err_setx(err, AT_E_INPUT, "%s address is missing", what);
	if (sa->sa_family == AF_INET) {
		/* Copy out: sa may not be aligned for sockaddr_in. */
		memcpy(&sin, sa, sizeof(sin));
		set_v4(addr, &sin.sin_addr);
		*port = ntohs(sin.sin_port);
		*family = AF_INET;
		return AT_OK;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(&sin6, sa, sizeof(sin6));
		memcpy(addr, &sin6.sin6_addr, 16);
		*port = ntohs(sin6.sin6_port);
		*family = normalise(AF_INET6, addr);
		return AT_OK;
	}
	return at_err_setx(err, AT_E_INPUT,
	    "%s address has family %d; only AF_INET and AF_INET6 are supported",
	    what, (int)sa->sa_family);
}

enum at_rc
policy_conn_from_sockaddrs(enum policy_dir dir, const struct sockaddr *local,
    const struct sockaddr *remote, struct policy_conn *out, struct at_err *err)
{
	enum at_rc rc;
	int lfam = 0, rfam = 0;

	memset(out, 0, sizeof(*out));
	if (dir != POLICY_DIR_INBOUND && dir != POLICY_DIR_OUTBOUND) {
		rc = at_err_setx(err, AT_E_INPUT,
		    "a connection is either inbound or outbound");
		goto out;
	}
	out->dir = dir;
	rc = from_sockaddr(local, "local", &lfam, out->laddr, &out->lport, err);
	if (rc != AT_OK)
		goto out;
	rc = from_sockaddr(remote, "remote", &rfam, out->raddr, &out->rport, err);
	if (rc != AT_OK)
		goto out;
	if (lfam != rfam) {
		rc = at_err_setx(err, AT_E_INPUT,
		    "local and remote addresses are of different families");
		goto out;
	}
	out->family = lfam;
out:
	return rc;
}

enum at_rc
policy_addr_parse(const char *text, int *family, uint8_t addr[16],
    struct at_err *err)
{
	struct in_addr in4;
	struct in6_addr in6;

	if (text != NULL && inet_pton(AF_INET, text, &in4) == 1) {
		set_v4(addr, &in4);
		*family = AF_INET;
		return AT_OK;
	}
	if (text != NULL && inet_pton(AF_INET6, text, &in6) == 1) {
		memcpy(addr, &in6, 16);
		*family = normalise(AF_INET6, addr);
		return AT_OK;
	}
	return at_err_setx(err, AT_E_INPUT, "'%s' is not an IPv4 or IPv6 address",
	    text == NULL ? "" : text);
}

enum at_rc
policy_endpoint_parse(const char *text, const char *what, int *family,
    uint8_t addr[16], uint16_t *port, struct at_err *err)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *hstart, *hend;
	uint64_t v = 0;
	enum at_rc rc;

	if (text[0] == '[') {
		hstart = text + 1;
		hend = strchr(hstart, ']');
		if (hend == NULL || hend[1] != ':') {
			rc = at_err_setx(err, AT_E_INPUT,
			    "%s '%s': write an IPv6 endpoint as [ADDR]:PORT", what, text);
			goto out;
		}
		colon = hend + 1;
	} else {
		hstart = text;
		colon = strrchr(text, ':');
		if (colon == NULL || memchr(text, ':', (size_t)(colon - text)) != NULL) {
			rc = at_err_setx(err, AT_E_INPUT,
			    "%s '%s': expected ADDR:PORT (IPv6 as [ADDR]:PORT)", what, text);
			goto out;
		}
		hend = colon;
	}
	if (!at_str_copy(host, sizeof(host), (struct at_str){ hstart, (size_t)(hend - hstart) })) {
		rc = at_err_setx(err, AT_E_INPUT, "%s '%s': address too long", what, text);
		goto out;
	}
	rc = policy_addr_parse(host, family, addr, err);
	if (rc != AT_OK) {
		at_err_prefix(err, "%s", what);
		goto out;
	}
	rc = at_parse_u64(at_str_c(colon + 1), 0, 65535, "port", &v, err);
	if (rc != AT_OK) {
		at_err_prefix(err, "%s '%s'", what, text);
		goto out;
	}
	*port = (uint16_t)v;
out:
	return rc;
}

const char *
policy_addr_format(int family, const uint8_t addr[16], char *out, size_t outsz)
{
	const char *s;

	if (family == AF_INET)
		s = inet_ntop(AF_INET, addr + 12, out, (socklen_t)outsz);
	else
		s = inet_ntop(AF_INET6, addr, out, (socklen_t)outsz);
	if (s == NULL && outsz >= 2) {
		out[0] = '?';
		out[1] = '\0';
	}
	return out;
}
