/*
 * cmd_rc.c - `attls rc`: what a return code in an EZD1283I/EZD1286I line
 * means, on z/OS and here, what most likely caused it and what to do.
 *
 * Codes below 5000 are System SSL's, 5000 and up AT-TLS's own; the z/OS
 * meaning of each is the one IBM documents for that number.  Codes z/OS
 * has and attlsd never logs are listed too (marked), so that an operator
 * reading a z/OS log, or a log from another implementation, gets an
 * answer; a number in neither list is refused.  docs/return-codes.md is
 * the same table in prose and must be kept in step with it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/num.h"

struct rc_info {
	unsigned rc;
	bool issued;           /* attlsd logs it */
	const char *title;     /* one line */
	const char *zos;       /* what z/OS means by it */
	const char *cause;     /* what most likely caused it here */
	const char *action;    /* what to do */
};

static const struct rc_info codes[] = {
	{ 1, false, "handle not valid",
	    "System SSL: an environment or connection handle that is not valid was passed.",
	    "attlsd does not log this code: it has no handles an application can pass.",
	    "None here; on z/OS, report it to IBM with the AT-TLS trace." },
	{ 3, true, "internal error",
	    "System SSL: an internal error.",
	    "attlsd could not build a TLS environment for a reason the other codes do not "
	    "cover (an OpenSSL call failed).",
	    "Read the reason in parentheses on the EZD1286I line; with Trace 255 the lines "
	    "before it show which step failed." },
	{ 4, true, "not enough storage",
	    "System SSL: insufficient storage.",
	    "attlsd ran out of memory for a connection's buffers.",
	    "Check attlsd's memory limit (systemd MemoryMax, ulimit -v) and how many "
	    "connections it holds (attls status)." },
	{ 5, false, "handle in the wrong state",
	    "System SSL: a function was called for a handle in the wrong state.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 6, false, "key label not found",
	    "System SSL: the key label does not exist.",
	    "attlsd logs a missing label as RC 407.",
	    "See RC 407." },
	{ 7, true, "no certificate to present",
	    "System SSL: no certificate is available (the ring has no default certificate, "
	    "or none with a private key).",
	    "A server rule's key ring has no default certificate with a private key, and the "
	    "rule names no CertificateLabel.",
	    "Connect a certificate with its private key to the ring as DEFAULT "
	    "(RACDCERT ID(owner) CONNECT(ID(owner) LABEL('label') RING(ring) DEFAULT)), or "
	    "name it with CertificateLabel." },
	{ 8, true, "the partner's certificate was refused",
	    "System SSL: certificate validation error.",
	    "The partner's certificate did not verify: no CA in the ring issued it, a "
	    "HostReferenceIdDNS/HostReferenceIdCN mismatch, a key smaller than "
	    "PeerMinRsaKeySize/PeerMinECCKeySize/PeerMinDHKeySize (also the ephemeral DH key "
	    "of a TLS 1.2 server), a version below PeerMinCertVersion, or a "
	    "CertValidationMode failure.  The reason in parentheses says which.",
	    "Connect the CA that issued the partner's certificate to the ring with "
	    "USAGE(CERTAUTH), or correct the setting the reason names; if the partner is "
	    "wrong (a weak key, a wrong host), fix the partner, not the policy." },
	{ 9, false, "cryptographic error",
	    "System SSL: a cryptographic operation failed.",
	    "attlsd does not log this code; OpenSSL failures in a handshake are RC 406 or "
	    "a more precise code.",
	    "None here." },
	{ 10, false, "ASN.1 error",
	    "System SSL: an ASN.1 encoding or decoding error.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 11, false, "LDAP error",
	    "System SSL: an LDAP error (certificate revocation lists from LDAP).",
	    "attlsd does not log this code: revocation checking is refused in the policy.",
	    "None here." },
	{ 12, false, "unexpected error",
	    "System SSL: an unexpected error.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 102, true, "the key ring holds no certificate",
	    "System SSL: an error reading the key database or ring.",
	    "The key ring file named by Keyring holds no certificate.",
	    "Check the file the policy names (Keyring path) and its contents (openssl "
	    "x509 -in FILE -noout -subject)." },
	{ 103, false, "bad key database record",
	    "System SSL: a key database record has an incorrect format.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 106, false, "bad key database password",
	    "System SSL: the key database password is not correct.",
	    "attlsd does not log this code: a key ring has no password here.",
	    "None here." },
	{ 109, false, "no CA certificates",
	    "System SSL: the key database or ring has no certificate-authority certificates.",
	    "attlsd does not log this code; a client ring without the partner's CA fails "
	    "the handshake with RC 8.",
	    "See RC 8." },
	{ 201, false, "no key database password",
	    "System SSL: neither a password nor a stash file was given for the key database.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 202, true, "the key ring cannot be opened",
	    "System SSL: the key database or SAF key ring cannot be opened, or the user "
	    "is not permitted to read it (Environment Init).",
	    "The user the connection runs under (USERID in the EZD1281I line) is not "
	    "permitted to read the key ring, or the ring does not exist for its owner.  "
	    "With a ring in the security database, attlsd asks for READ to FACILITY "
	    "IRR.DIGTCERT.LISTRING (UPDATE when the ring is another user's) and READ to "
	    "FACILITY IRR.DIGTCERT.LIST; the ICH408I lines just before name the profile "
	    "that was missing.  z/OS also accepts a ring-specific RDATALIB profile "
	    "<owner>.<ring>.LST instead; attlsd does not consult RDATALIB.",
	    "Look at EZD1281I for the user and the environment action, check Keyring "
	    "names the ring (owner/ring for another user's), then permit the user:\n"
	    "    PERMIT IRR.DIGTCERT.LISTRING CLASS(FACILITY) ID(userid) ACCESS(READ)\n"
	    "    PERMIT IRR.DIGTCERT.LIST CLASS(FACILITY) ID(userid) ACCESS(READ)\n"
	    "    SETROPTS RACLIST(FACILITY) REFRESH\n"
	    "(ACCESS(UPDATE) to IRR.DIGTCERT.LISTRING for another user's ring), and "
	    "check the ring with RACDCERT ID(owner) LISTRING(ring)." },
	{ 203, false, "cannot generate a temporary key",
	    "System SSL: a temporary key pair could not be generated.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 204, false, "key database password expired",
	    "System SSL: the key database password has expired.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 302, false, "connection active",
	    "System SSL: the operation is not allowed while the connection is active.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 401, true, "certificate expired or not yet valid",
	    "System SSL: the certificate's validity dates do not include the current time.",
	    "The partner's certificate, or one of its CAs, has expired or is not valid yet.",
	    "Renew the partner's certificate (RACDCERT ... GENCERT with new dates, or the "
	    "partner's own tools); check both hosts' clocks." },
	{ 402, true, "no protocol version or cipher suite in common",
	    "System SSL: no cipher suite (or protocol) could be agreed with the partner.",
	    "The reason says which side refused: \"the partner refused\" (its alert) or "
	    "\"this side refused\" (the rule's own lists).  Most often one side allows only "
	    "TLS 1.3 or only old versions, or the rule's V3CipherSuites/V3CipherSuites4Char "
	    "list shares nothing with the partner's.",
	    "Compare the rule's TLSv1.x settings and cipher list (attls policy show) with "
	    "what the partner offers (openssl s_client -connect host:port, or the partner's "
	    "configuration), and add a suite both support." },
	{ 403, true, "a required client certificate was not sent",
	    "System SSL: no certificate was received from the partner.",
	    "Logged by a client rule when the server refused the handshake because it "
	    "requires a client certificate and this side sent none (TLS 1.3 alert "
	    "certificate_required): the ring has no certificate with a private key, or "
	    "none issued by a CA the server accepts.",
	    "Connect a client certificate with its private key to the client rule's key "
	    "ring (as DEFAULT, or name it with CertificateLabel), issued by a CA the "
	    "server trusts." },
	{ 405, false, "certificate type not supported",
	    "System SSL: the certificate format or type is not supported.",
	    "attlsd does not log this code.",
	    "None here." },
	{ 406, true, "I/O error, or a bad record",
	    "System SSL: an I/O error while communicating with the partner.",
	    "The partner reset the connection, a record did not decrypt, the partner sent "
	    "a fatal alert after data had flowed, or the TCP connection of an outbound "
	    "connect failed.",
	    "Read the reason on the EZD1286I line; a reset is the partner's doing (its "
	    "logs say why); a record that does not decrypt is a damaged or tampered "
	    "connection." },
	{ 407, true, "key label not found",
	    "System SSL: the key label does not exist.",
	    "The ring has no certificate with the CertificateLabel or a "
	    "ServerCertificateLabel the rule names, or the ring is a PEM file (it has no "
	    "labels).",
	    "List the ring (RACDCERT ID(owner) LISTRING(ring)) and correct the label in "
	    "the policy or connect the certificate." },
	{ 414, true, "the partner refused this side's certificate",
	    "System SSL: a certificate was not valid or was badly formatted.",
	    "The partner sent an alert saying it does not accept this side's certificate "
	    "(bad_certificate, unknown_ca, certificate_unknown, certificate_expired, "
	    "unsupported_certificate, certificate_revoked).",
	    "Check, on the partner, that it trusts the CA that issued this side's "
	    "certificate and that the certificate is within its dates." },
	{ 420, true, "the partner closed the connection",
	    "System SSL: the socket was closed by the remote partner.",
	    "The partner closed the connection during the handshake (often: it does not "
	    "speak TLS on this port, or it refused without an alert), or after it without "
	    "close_notify before ours (the data may be truncated).",
	    "Check that the partner expects TLS on this port; during data transfer, an "
	    "application that closes without TLS shutdown is the usual cause." },
	{ 422, false, "cipher specification not valid",
	    "System SSL: a V3 cipher specification is not valid.",
	    "attlsd refuses a policy with an unknown cipher when it is installed.",
	    "See the EZZ8438I diagnostics of attls policy check." },
	{ 428, true, "the private key does not belong to the certificate",
	    "System SSL: the key entry has no private key, or it cannot be used (for "
	    "example ICSF access).",
	    "The ring's certificate and private key do not match, or no certificate goes "
	    "with the key in a PEM file.",
	    "Re-create or re-add the certificate with its own key (RACDCERT ADD with the "
	    "PKCS #12 file), and check the ring with RACDCERT LISTRING." },
	{ 432, false, "renegotiation not allowed",
	    "System SSL: the partner asked to renegotiate and renegotiation is not allowed.",
	    "attlsd does not log this code; a refused renegotiation ends the connection "
	    "with RC 406.",
	    "See TTLSEnvironmentAdvancedParms Renegotiation in the policy language." },
	{ 440, false, "incorrect key usage",
	    "System SSL: the certificate's key usage does not allow this use.",
	    "attlsd does not log this code; a partner's certificate with the wrong key "
	    "usage fails verification with RC 8.",
	    "See RC 8." },
	{ 5001, true, "no client certificate",
	    "AT-TLS: ClientAuthType Required or SAFCheck, and the client sent no "
	    "certificate.",
	    "A server rule requires a client certificate and the client sent none.",
	    "Give the client a certificate from a CA in the server's ring, or lower "
	    "ClientAuthType if client certificates are not meant to be required." },
	{ 5002, true, "the client certificate maps to no user",
	    "AT-TLS: ClientAuthType SAFCheck, and the client's certificate is not "
	    "associated with a user ID.",
	    "The client's certificate is neither registered to a user (RACDCERT ADD) nor "
	    "matched by a certificate name filter (RACDCERT MAP).",
	    "Register the certificate: RACDCERT ID(user) ADD(dsn) TRUST, or define a "
	    "filter: RACDCERT ID(user) MAP SDNFILTER(...) WITHLABEL(...); then "
	    "SETROPTS RACLIST(DIGTNMAP) REFRESH if DIGTNMAP is RACLISTed." },
	{ 5003, true, "cleartext where TLS was expected",
	    "AT-TLS: data that is not TLS arrived where secure data was expected.",
	    "The partner sent plain text (or HTTP) to a port a rule protects, or an "
	    "ApplicationControlled program had not read all cleartext before asking for "
	    "TLS.",
	    "Make the partner use TLS on this port, or narrow the rule so that it does "
	    "not cover a port meant for cleartext." },
	{ 5004, true, "handshake timeout",
	    "AT-TLS: HandshakeTimeout expired before the handshake finished.",
	    "The partner did not complete the handshake within HandshakeTimeout seconds "
	    "(a stalled or very slow peer, or one waiting for the other side to speak "
	    "first).",
	    "Check that the partner speaks TLS and in the role the rule expects "
	    "(HandshakeRole); raise HandshakeTimeout only for a known slow partner." },
	{ 5005, true, "attlsd was stopping",
	    "AT-TLS reserves 5001-5999 for codes the user can correct; z/OS documents no "
	    "5005 of this meaning.",
	    "attlsd was stopping (SIGTERM) and ended the connection.",
	    "Restart attlsd; connections are refused, never sent in cleartext, while it "
	    "is down." },
	{ 5006, true, "no TLS environment for the connection",
	    "AT-TLS: the connection cannot go ahead because its TLS environment could "
	    "not be created (it follows an RC 202 when the key ring cannot be opened).",
	    "The environment (key ring, cipher lists) for the connection's rule could not "
	    "be built; the EZD1286I line just before, with CONNID 00000000, has the "
	    "reason (most often RC 202).",
	    "Fix what the earlier line says (attls rc CODE for its code); the environment "
	    "is built again for the next connection.  For RC 202, permit the user READ "
	    "to FACILITY IRR.DIGTCERT.LISTRING and IRR.DIGTCERT.LIST (attls rc 202 "
	    "gives the commands)." },
	{ 6001, true, "internal error",
	    "AT-TLS: 6001-6999 are internal errors.",
	    "attlsd could not set up or watch the connection (a socket call failed, or "
	    "the request could not be kept).",
	    "Read the reason in parentheses; if it persists, collect attlsd's log with "
	    "Trace 255 on the rule and report it." },
};

#define NCODES (sizeof(codes) / sizeof(codes[0]))

static int
usage(FILE *out)
{
	fprintf(out, "usage: attls rc [--json] [CODE]\n\n"
	    "Explains an AT-TLS or System SSL return code as attlsd logs it in\n"
	    "EZD1283I and EZD1286I lines (RC: CODE): what z/OS means by it, what most\n"
	    "likely caused it here, and what to do.  Without CODE, lists every code.\n"
	    "Codes z/OS has and attlsd never logs are listed and marked.\n\n"
	    "  --json   one JSON object (CODE) or an array of them\n\n"
	    "Exit status: 0 explained, 2 unknown code or usage error.\n");
	return out == stdout ? 0 : 2;
}

static void
json_str(const char *key, const char *v, bool last)
{
	const char *p;

	printf("\"%s\":\"", key);
	for (p = v; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch == '\n')
			printf("\\n");
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	printf("\"%s", last ? "" : ",");
}

static void
print_json(const struct rc_info *c)
{
	printf("{\"rc\":%u,\"issued\":%s,", c->rc, c->issued ? "true" : "false");
	json_str("title", c->title, false);
	json_str("zos", c->zos, false);
	json_str("cause", c->cause, false);
	json_str("action", c->action, true);
	printf("}");
}

/* Prints text indented by four blanks, each line of it. */
static void
indented(const char *label, const char *text)
{
	const char *p;

	printf("  %s\n    ", label);
	for (p = text; *p != '\0'; p++) {
		putchar(*p);
		if (*p == '\n' && p[1] != '\0')
			printf("    ");
	}
	printf("\n");
}

static void
print_text(const struct rc_info *c)
{
	printf("RC %u: %s%s\n", c->rc, c->title,
	    c->issued ? "" : " (z/OS only: attlsd does not log it)");
	indented("z/OS:", c->zos);
	indented("cause here:", c->cause);
	indented("what to do:", c->action);
}

int
attls_cmd_rc(int argc, char **argv)
{
	const char *code = NULL;
	bool json = false;
	struct at_err err;
	uint64_t n;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0)
			return usage(stdout);
		if (strcmp(argv[a], "--json") == 0)
			json = true;
		else if (argv[a][0] == '-' || code != NULL)
			return usage(stderr);
		else
			code = argv[a];
	}
	if (code == NULL) {
		if (json)
			printf("[");
		for (i = 0; i < NCODES; i++) {
			if (json) {
				print_json(&codes[i]);
				printf("%s", i + 1 < NCODES ? "," : "]\n");
			} else {
				printf("%5u  %s%s\n", codes[i].rc, codes[i].title,
				    codes[i].issued ? "" : " (z/OS only)");
			}
		}
		return 0;
	}
	if (at_parse_u64(at_str_c(code), 0, 99999, "return code", &n, &err) != AT_OK) {
		fprintf(stderr, "attls rc: %s\n", err.msg);
		return 2;
	}
	for (i = 0; i < NCODES; i++) {
		if (codes[i].rc != n)
			continue;
		if (json) {
			print_json(&codes[i]);
			printf("\n");
		} else {
			print_text(&codes[i]);
		}
		return 0;
	}
	fprintf(stderr, "attls rc: %llu is not a return code attlsd logs or z/OS documents "
	    "for AT-TLS%s; 'attls rc' lists them\n", (unsigned long long)n,
	    n >= 5000 && n <= 5999 ? " (5001-5999 are AT-TLS codes the user can correct)" :
	    n >= 6000 && n <= 6999 ? " (6001-6999 are AT-TLS internal errors)" :
	    n < 5000 ? " (codes below 5000 are System SSL's; see its messages and codes)" :
	    "");
	return 2;
}
