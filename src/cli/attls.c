/*
 * attls.c - the `attls` command: finds the subcommand in a table and hands
 * it the rest of the command line.
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "policy", attls_cmd_policy, "check, show and explain AT-TLS policy files" },
	{ "saf", attls_cmd_saf, "ask the security manager: access checks, passwords, PassTickets" },
	{ "status", attls_cmd_status, "show attlsd's policy generation and protected connections" },
	{ "refresh", attls_cmd_refresh, "make attlsd read its policy again" },
	{ "pasearch", attls_cmd_pasearch, "show the policy attlsd has installed (pasearch -t)" },
	{ "netstat", attls_cmd_netstat, "list the host's TCP connections with their AT-TLS state" },
	{ "run", attls_cmd_run, "run a program with its TCP connections under AT-TLS" },
	{ "rc", attls_cmd_rc, "explain an AT-TLS or System SSL return code" },
};

static void
usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: attls COMMAND [ARGS...]\n\ncommands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n'attls COMMAND --help' describes each command.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("attls 0.1.0\n");
		return 0;
	}
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "attls: '%s' is not a command\n", argv[1]);
	usage(stderr);
	return 2;
}
