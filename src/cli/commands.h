/*
 * commands.h - the subcommands of the `attls` program.  Each takes the
 * arguments after its own name (argv[0] is the subcommand name) and returns
 * the process exit status: 0 success, 1 a negative answer or an error in
 * the input, 2 a usage error.
 */
#ifndef ATTLS_CLI_COMMANDS_H
#define ATTLS_CLI_COMMANDS_H

#include <stdbool.h>

int attls_cmd_policy(int argc, char **argv);
int attls_cmd_saf(int argc, char **argv);
int attls_cmd_status(int argc, char **argv);
int attls_cmd_refresh(int argc, char **argv);
int attls_cmd_run(int argc, char **argv);
int attls_cmd_rc(int argc, char **argv);
int attls_cmd_pasearch(int argc, char **argv);
int attls_cmd_netstat(int argc, char **argv);

/* `attls policy show --installed ...`: argv[0] is "show". */
int attls_policy_show_installed(int argc, char **argv);

/* `attls policy explain --installed`: one connection, asked of attlsd. */
struct attls_explain_req {
	const char *socket;        /* NULL: the default */
	bool inbound;
	bool json;
	int family;
	unsigned char laddr[16], raddr[16];
	unsigned short lport, rport;
	const char *jobname, *userid; /* NULL: none */
	long long now;
};
int attls_policy_explain_installed(const struct attls_explain_req *q);

/* `attls policy explain ...`: argv[0] is "explain". */
int attls_policy_explain(int argc, char **argv);

/* `attls saf usermap ...`: argv[0] is "usermap". */
int attls_saf_usermap(int argc, char **argv);

#endif
