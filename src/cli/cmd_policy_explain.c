/* cmd_policy_explain.c - `attls policy explain` (the matcher work replaces this body). */
#include <stdio.h>

#include "cli/commands.h"

int
attls_policy_explain(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "attls policy explain: unavailable in this build\n");
	return 2;
}
