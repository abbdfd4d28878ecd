/* racf_main.c - the `racf` command processor (the racf work replaces this body). */
#include <stdio.h>

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "racf: no commands are available in this build\n");
	return 2;
}
