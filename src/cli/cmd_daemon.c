/*
 * cmd_daemon.c - `attls status` and `attls refresh`: the operator's view
 * of a running attlsd (in the spirit of NETSTAT TTLS and F PAGENT,REFRESH).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/commands.h"
#include "ctl/io.h"
#include "ctl/proto.h"

static int
usage(const char *cmd, FILE *out)
{
	if (strcmp(cmd, "status") == 0)
		fprintf(out, "usage: attls status [--socket PATH]\n\n"
		    "Shows the policy generation attlsd has installed and the protected\n"
		    "connections: id, addresses, job name, user, rule, state, protocol,\n"
		    "cipher, peer certificate subject and bytes each way.  A user sees the\n"
		    "connections made under its own user; every connection is shown to\n"
		    "root, attlsd's user, and users with READ to the SERVAUTH resource\n"
		    "EZB.NETSTAT.sysname.TCPIP.TTLS.\n");
	else
		fprintf(out, "usage: attls refresh [--socket PATH]\n\n"
		    "Asks attlsd to read its policy again (as SIGHUP does).  A policy with\n"
		    "errors is refused and the installed one stays; the daemon's log has\n"
		    "the diagnostics.  Established connections keep the policy they were\n"
		    "mapped with.  Exit status 0 when the new policy was installed.\n");
	fprintf(out, "\n  --socket PATH   attlsd's control socket (default $ATTLS_SOCKET, else "
	    CTL_DEFAULT_SOCKET ")\n");
	return out == stdout ? 0 : 2;
}

static int
ask(const char *cmd, uint16_t type, const char *path)
{
	struct ctl_text_reply r;
	struct at_buf out, in;
	struct ctl_hdr h;
	struct at_err err;
	int fds[CTL_MAX_FDS];
	size_t nfds = 0, i;
	int sock = -1, status = 1;

	at_buf_init(&out, CTL_MSG_MAX);
	at_buf_init(&in, CTL_MSG_MAX);
	if (ctl_connect(path, connect, &sock, &err) != AT_OK ||
	    ctl_encode_simple(&out, type, 1, &err) != AT_OK ||
	    ctl_send(sock, &out, NULL, 0, &err) != AT_OK ||
	    ctl_recv(sock, &in, fds, &nfds, 30000, &err) != AT_OK ||
	    ctl_decode_hdr(&in, &h, &err) != AT_OK) {
		fprintf(stderr, "attls %s: %s\n", cmd, err.msg);
		goto out;
	}
	for (i = 0; i < nfds; i++)
		(void)close(fds[i]);
	if (h.type != type + 1 || ctl_decode_text_reply(&in, &r, &err) != AT_OK) {
		fprintf(stderr, "attls %s: unexpected reply from attlsd%s%s\n", cmd,
		    h.type != type + 1 ? "" : ": ", h.type != type + 1 ? "" : err.msg);
		goto out;
	}
	fwrite(r.text, 1, r.text_len, r.errnum == 0 ? stdout : stderr);
	status = r.errnum == 0 ? 0 : 1;
out:
	if (sock >= 0)
		(void)close(sock);
	at_buf_free(&out);
	at_buf_free(&in);
	return status;
}

static int
run(int argc, char **argv, uint16_t type)
{
	const char *path = ctl_socket_path();
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return usage(argv[0], stdout);
		if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			path = argv[++i];
			continue;
		}
		fprintf(stderr, "attls %s: unexpected argument '%s'\n", argv[0], argv[i]);
		return usage(argv[0], stderr);
	}
	return ask(argv[0], type, path);
}

int
attls_cmd_status(int argc, char **argv)
{
	return run(argc, argv, CTL_STATUS);
}

int
attls_cmd_refresh(int argc, char **argv)
{
	return run(argc, argv, CTL_REFRESH);
}
