/*
 * addr.h - connection addresses for the matcher: building a policy_conn
 * from socket addresses, parsing "ADDR:PORT" endpoints typed by a user,
 * and printing addresses back.
 *
 * Every address the matcher sees is 16 bytes; IPv4 is held as IPv4-mapped
 * IPv6 (::ffff:a.b.c.d) with family AF_INET.  An AF_INET6 address that is
 * itself IPv4-mapped (what an IPv6 socket reports for an IPv4 peer) is
 * normalised to AF_INET here, so a rule written for 10.1.1.0/24 matches the
 * same peer whichever socket family the application happened to use.
 */
#ifndef ATTLS_POLICY_ADDR_H
#define ATTLS_POLICY_ADDR_H

#include <stdint.h>
#include <sys/socket.h>

#include "common/err.h"
#include "policy/rule.h"

/* Large enough for any address policy_addr_format() writes, with its NUL. */
#define POLICY_ADDR_STR_MAX 48

/*
 * Fills out (every field) for a connection in direction dir between the
 * socket addresses local and remote (AF_INET or AF_INET6).  Ports come
 * from the addresses; jobname and userid are set to NULL and now to 0, for
 * the caller to fill in.  Both addresses must be of the same family after
 * IPv4-mapped normalisation.
 *
 * Returns AT_OK; AT_E_INPUT for an unsupported family, a direction other
 * than INBOUND/OUTBOUND, or a family mismatch.
 */
AT_MUST_CHECK enum at_rc policy_conn_from_sockaddrs(enum policy_dir dir,
    const struct sockaddr *local, const struct sockaddr *remote,
    struct policy_conn *out, struct at_err *err);

/*
 * Parses an address without a port ("10.1.1.1", "::1", "::ffff:10.1.1.1")
 * into *family and addr[16] (IPv4 as v4-mapped; v4-mapped IPv6 normalised
 * to AF_INET).  Returns AT_OK or AT_E_INPUT.
 */
AT_MUST_CHECK enum at_rc policy_addr_parse(const char *text, int *family,
    uint8_t addr[16], struct at_err *err);

/*
 * Parses an endpoint "a.b.c.d:PORT" or "[v6]:PORT" (PORT 0..65535).  what
 * names the endpoint in error messages ("--local").  Returns AT_OK or
 * AT_E_INPUT.
 */
AT_MUST_CHECK enum at_rc policy_endpoint_parse(const char *text, const char *what,
    int *family, uint8_t addr[16], uint16_t *port, struct at_err *err);

/*
 * Writes the address (family AF_INET or AF_INET6, 16-byte form) as text into
 * out (size outsz, at least POLICY_ADDR_STR_MAX for any address).  Returns
 * out; on a short buffer out holds "?".
 */
const char *policy_addr_format(int family, const uint8_t addr[16], char *out,
    size_t outsz);

#endif
