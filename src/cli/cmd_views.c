/*
 * cmd_views.c - the operator's views of a running attlsd: `attls pasearch`
 * (also `attls policy show --installed`), `attls policy explain
 * --installed` and `attls netstat`.  attlsd renders each view once and
 * sends it in parts; this reads every part before printing anything, so a
 * view is printed whole or not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/num.h"
#include "common/str.h"
#include "ctl/io.h"
#include "ctl/proto.h"

#define VIEW_CLI_MAX ((size_t)64 << 20)

/* One request and its reply; the reply is decoded from in. */
static enum at_rc
ask_part(int sock, const struct ctl_view *v, struct at_buf *in, struct ctl_view_reply *r,
    struct at_err *err)
{
	struct at_buf out;
	struct ctl_hdr h;
	int fds[CTL_MAX_FDS];
	size_t nfds = 0, i;
	enum at_rc rc;

	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_reset(in);
	rc = ctl_encode_view(&out, 1, v, err);
	if (rc == AT_OK)
		rc = ctl_send(sock, &out, NULL, 0, err);
	if (rc == AT_OK)
		rc = ctl_recv(sock, in, fds, &nfds, 60000, err);
	for (i = 0; i < nfds; i++)
		(void)close(fds[i]);
	if (rc == AT_OK)
		rc = ctl_decode_hdr(in, &h, err);
	if (rc == AT_OK && h.type != CTL_VIEW_REPLY)
		rc = at_err_setx(err, AT_E_INPUT, "unexpected reply %u from attlsd (an older "
		    "attlsd without this view?)", h.type);
	if (rc == AT_OK)
		rc = ctl_decode_view_reply(in, r, err);
	at_buf_free(&out);
	return rc;
}

/*
 * Fetches view v whole from the attlsd at path and prints it: the text to
 * stdout, or attlsd's refusal to stderr.  Returns the exit status.
 */
static int
fetch(const char *cmd, const char *path, struct ctl_view *v)
{
	struct ctl_view_reply r;
	struct at_buf in, text;
	struct at_err err;
	int sock = -1, status = 1, errnum = 0;
	uint64_t snapshot = 0;
	uint32_t total = 0;

	at_buf_init(&in, CTL_MSG_MAX);
	at_buf_init(&text, VIEW_CLI_MAX);
	at_err_clear(&err);
	if (ctl_connect(path, connect, &sock, &err) != AT_OK)
		goto fail;
	v->snapshot = 0;
	v->offset = 0;
	do {
		if (ask_part(sock, v, &in, &r, &err) != AT_OK)
			goto fail;
		if (v->snapshot == 0) {
			snapshot = r.snapshot;
			total = r.total;
			errnum = r.errnum;
		} else if (r.errnum != errnum || r.snapshot != snapshot || r.total != total) {
			(void)at_err_setx(&err, AT_E_INPUT, "%.*s", (int)r.text_len, r.text);
			goto fail;
		}
		if (r.offset != text.len) {
			(void)at_err_setx(&err, AT_E_INPUT, "attlsd sent a part out of order");
			goto fail;
		}
		if (at_buf_append(&text, r.text, r.text_len) != AT_OK) {
			(void)at_err_setx(&err, AT_E_TOOBIG, "the view is too long");
			goto fail;
		}
		if (r.text_len == 0 && text.len < total) {
			(void)at_err_setx(&err, AT_E_INPUT, "attlsd sent an empty part");
			goto fail;
		}
		v->snapshot = snapshot;
		v->offset = (uint32_t)text.len;
	} while (text.len < total);
	if (fwrite(text.data, 1, text.len, errnum == 0 ? stdout : stderr) != text.len ||
	    fflush(errnum == 0 ? stdout : stderr) != 0) {
		(void)at_err_setx(&err, AT_E_IO, "writing the view");
		goto fail;
	}
	status = errnum == 0 ? 0 : 1;
	goto out;
fail:
	fprintf(stderr, "attls %s: %s\n", cmd, err.msg);
out:
	if (sock >= 0)
		(void)close(sock);
	at_buf_free(&in);
	at_buf_free(&text);
	return status;
}

static int
usage_pasearch(FILE *out, const char *cmd)
{
	fprintf(out, "usage: attls %s [--json] [--socket PATH]\n\n"
	    "Shows the AT-TLS policy attlsd has installed (not the files on disk), in\n"
	    "the layout of z/OS pasearch -t: the instance (generation and when it was\n"
	    "installed), then every rule in search order with its actions, condition\n"
	    "summary and resolved settings.  --json prints one JSON object.  Needs\n"
	    "root, attlsd's user, or READ to the SERVAUTH resource\n"
	    "EZB.PAGENT.sysname.TCPIP.TTLS.\n\n"
	    "  --socket PATH   attlsd's control socket (default $ATTLS_SOCKET, else "
	    CTL_DEFAULT_SOCKET ")\n", cmd);
	return out == stdout ? 0 : 2;
}

/* `attls pasearch` and `attls policy show --installed`: argv[0] names it. */
static int
pasearch(int argc, char **argv, const char *cmd)
{
	const char *path = ctl_socket_path();
	struct ctl_view v;
	int i;

	memset(&v, 0, sizeof(v));
	v.kind = CTL_VIEW_POLICY;
	v.addrs.family = AF_INET;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return usage_pasearch(stdout, cmd);
		if (strcmp(argv[i], "--json") == 0) {
			v.flags |= CTL_VIEW_JSON;
		} else if (strcmp(argv[i], "--installed") == 0 && strcmp(cmd, "pasearch") != 0) {
			continue;
		} else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else {
			fprintf(stderr, "attls %s: unexpected argument '%s'\n", cmd, argv[i]);
			return usage_pasearch(stderr, cmd);
		}
	}
	return fetch(cmd, path, &v);
}

int
attls_cmd_pasearch(int argc, char **argv)
{
	return pasearch(argc, argv, "pasearch");
}

int
attls_policy_show_installed(int argc, char **argv)
{
	return pasearch(argc, argv, "policy show --installed");
}

int
attls_policy_explain_installed(const struct attls_explain_req *q)
{
	struct ctl_view v;

	memset(&v, 0, sizeof(v));
	v.kind = CTL_VIEW_EXPLAIN;
	v.flags = q->json ? CTL_VIEW_JSON : 0;
	v.dir = q->inbound ? CTL_DIR_INBOUND : CTL_DIR_OUTBOUND;
	v.addrs.family = (uint8_t)q->family;
	memcpy(v.addrs.laddr, q->laddr, 16);
	memcpy(v.addrs.raddr, q->raddr, 16);
	v.addrs.lport = q->lport;
	v.addrs.rport = q->rport;
	v.now = (uint64_t)q->now;
	if ((q->jobname != NULL && !at_str_copy(v.job, sizeof(v.job), at_str_c(q->jobname))) ||
	    (q->userid != NULL && !at_str_copy(v.user, sizeof(v.user), at_str_c(q->userid)))) {
		fprintf(stderr, "attls policy explain: --job and --user take at most %d "
		    "characters\n", CTL_NAME_MAX);
		return 2;
	}
	return fetch("policy explain --installed", q->socket != NULL ? q->socket :
	    ctl_socket_path(), &v);
}

static int
usage_netstat(FILE *out)
{
	fprintf(out, "usage: attls netstat [--port N] [--job NAME] [--user NAME] [--rule NAME]\n"
	    "                     [--json] [--socket PATH]\n\n"
	    "Lists the TCP connections and listeners of this host, as the kernel\n"
	    "reports them, with an AT-TLS column: for a connection attlsd protects,\n"
	    "its rule, actions, status, protocol, cipher, peer certificate, user and\n"
	    "mapped user.  A user sees the sockets it owns; every socket is shown to\n"
	    "root, attlsd's user, and users with READ to the SERVAUTH resource\n"
	    "EZB.NETSTAT.sysname.TCPIP.TTLS.\n\n"
	    "  --port N      local or remote port N\n"
	    "  --job NAME    job name (the upper-cased command name; * and ? match)\n"
	    "  --user NAME   the socket's owner (name or uid) or its AT-TLS user id\n"
	    "  --rule NAME   connections mapped with this rule (* and ? match)\n"
	    "  --json        one JSON object\n"
	    "  --socket PATH attlsd's control socket (default $ATTLS_SOCKET, else "
	    CTL_DEFAULT_SOCKET ")\n");
	return out == stdout ? 0 : 2;
}

static bool
name_opt(const char *opt, const char *val, char *dst)
{
	if (val[0] == '\0' || !at_str_copy(dst, CTL_NAME_MAX + 1, at_str_c(val))) {
		fprintf(stderr, "attls netstat: %s takes a name of 1 to %d characters\n", opt,
		    CTL_NAME_MAX);
		return false;
	}
	return true;
}

int
attls_cmd_netstat(int argc, char **argv)
{
	const char *path = ctl_socket_path();
	struct ctl_view v;
	struct at_err err;
	uint64_t port;
	int i;

	memset(&v, 0, sizeof(v));
	v.kind = CTL_VIEW_NETSTAT;
	v.addrs.family = AF_INET;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage_netstat(stdout);
		if (strcmp(a, "--json") == 0) {
			v.flags |= CTL_VIEW_JSON;
			continue;
		}
		if (val == NULL) {
			fprintf(stderr, "attls netstat: unexpected argument '%s'\n", a);
			return usage_netstat(stderr);
		}
		i++;
		if (strcmp(a, "--port") == 0) {
			if (at_parse_u64(at_str_c(val), 1, 65535, "--port", &port, &err) != AT_OK) {
				fprintf(stderr, "attls netstat: %s\n", err.msg);
				return 2;
			}
			v.port = (uint16_t)port;
		} else if (strcmp(a, "--job") == 0) {
			if (!name_opt(a, val, v.job))
				return 2;
		} else if (strcmp(a, "--user") == 0) {
			if (!name_opt(a, val, v.user))
				return 2;
		} else if (strcmp(a, "--rule") == 0) {
			if (!name_opt(a, val, v.rule))
				return 2;
		} else if (strcmp(a, "--socket") == 0) {
			path = val;
		} else {
			fprintf(stderr, "attls netstat: unexpected argument '%s'\n", a);
			return usage_netstat(stderr);
		}
	}
	return fetch("netstat", path, &v);
}
