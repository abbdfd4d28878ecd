/* cmd_saf.c - `attls saf` (the saf work replaces this placeholder body). */
#include <stdio.h>

#include "cli/commands.h"

int
attls_cmd_saf(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "attls saf: no subcommands are available in this build\n");
	return 2;
}
