/*
 * racf_parse_fuzz.c - libFuzzer target for the RACF command parser.
 *
 * Covers racf_src_next (lex.c: continuations, comments, quotes, limits),
 * racf_parse (parse.c: operands, nesting, verb and keyword tables,
 * abbreviations, IKJ messages), the operand readers of opnd.c
 * (racf_kw, racf_sub, racf_list_count/at, racf_get_text/upper/u64) and
 * racf_echo_text.  No database is opened, so every run is deterministic.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "racf/exec.h"
#include "racf/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const struct racf_opnd *o, size_t n, unsigned depth)
{
	char text[64];
	uint64_t v;
	struct at_err err;
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < racf_list_count(&o[i]) && j < 16; j++) {
			const struct racf_opnd *it = racf_list_at(&o[i], j);

			if (it == NULL)
				abort();
			(void)racf_get_upper(it, text, sizeof(text), "VALUE", &err);
			(void)racf_get_text(it, text, sizeof(text), "VALUE", &err);
		}
		(void)racf_get_u64(&o[i], 0, UINT64_MAX, "NUMBER", &v, &err);
		if (o[i].spec != NULL && o[i].spec->sub != NULL)
			(void)racf_sub(&o[i], o[i].spec->sub[0].name);
		if (depth < 16)
			walk(o[i].items, o[i].nitems, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct racf_src s;
	struct racf_cmd *cmd;
	struct at_err err;
	bool more = true;
	char *shown;
	enum at_rc rc;

	racf_src_init(&s, "fuzz", (const char *)data, size);
	while (more) {
		rc = racf_src_next(&s, &more, &err);
		if (rc == AT_E_NOMEM)
			break;
		if (rc != AT_OK) {
			more = true;
			continue;
		}
		if (!more)
			break;
		cmd = NULL;
		if (racf_parse(&s.cur, "fuzz", &cmd, &err) != AT_OK)
			continue;
		walk(cmd->pos, cmd->npos, 0);
		walk(cmd->kws, cmd->nkws, 0);
		(void)racf_kw(cmd, "CLASS");
		shown = racf_echo_text(cmd);
		if (shown == NULL || strlen(shown) != strlen(cmd->text))
			abort();
		free(shown);
		racf_cmd_free(cmd);
	}
	racf_src_free(&s);
	return 0;
}
