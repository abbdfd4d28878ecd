/* cmd_policy.c - `attls policy` (the policy work replaces this placeholder body). */
#include <stdio.h>

#include "cli/commands.h"

int
attls_cmd_policy(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "attls policy: no subcommands are available in this build\n");
	return 2;
}
