/* cmd_saf_usermap.c - `attls saf usermap` (the certificate work replaces this body). */
#include <stdio.h>

#include "cli/commands.h"

int
attls_saf_usermap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "attls saf usermap: unavailable in this build\n");
	return 2;
}
