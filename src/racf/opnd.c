/*
 * opnd.c - the accessors handlers use to read a parsed command (cmd.h).
 */
#include <string.h>

#include "common/num.h"
#include "racf/cmd.h"

const struct racf_opnd *
racf_kw(const struct racf_cmd *cmd, const char *name)
{
	size_t i;

	if (cmd == NULL || name == NULL)
		return NULL;
	for (i = 0; i < cmd->nkws; i++)
		if (cmd->kws[i].spec != NULL && strcmp(cmd->kws[i].spec->name, name) == 0)
			return &cmd->kws[i];
	return NULL;
}

const struct racf_opnd *
racf_sub(const struct racf_opnd *kw, const char *name)
{
	const struct racf_opnd *found = NULL;
	size_t i;

	if (kw == NULL || name == NULL)
		return NULL;
	for (i = 0; i < kw->nitems; i++)
		if (kw->items[i].spec != NULL && strcmp(kw->items[i].spec->name, name) == 0)
			found = &kw->items[i]; /* the last one typed wins */
	return found;
}

bool
racf_has_value(const struct racf_opnd *kw)
{
	return kw != NULL && kw->parens && kw->nitems > 0;
}

/* A plain nested list: "(A B)" inside a value, flattened by the readers. */
static bool
is_plain_list(const struct racf_opnd *o)
{
	return o->spec == NULL && o->parens && o->len == 0 && !o->quoted;
}

/* Counts (want == SIZE_MAX) or finds item number want; *seen counts. */
static const struct racf_opnd *
walk(const struct racf_opnd *o, size_t want, size_t *seen)
{
	const struct racf_opnd *r;
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		const struct racf_opnd *it = &o->items[i];

		if (it->spec != NULL)
			continue;
		if (is_plain_list(it)) {
			r = walk(it, want, seen);
			if (r != NULL)
				return r;
			continue;
		}
		if (*seen == want)
			return it;
		(*seen)++;
	}
	return NULL;
}

size_t
racf_list_count(const struct racf_opnd *o)
{
	size_t seen = 0;

	if (o == NULL)
		return 0;
	if (!o->parens)
		return 1;
	(void)walk(o, SIZE_MAX, &seen);
	return seen;
}

const struct racf_opnd *
racf_list_at(const struct racf_opnd *o, size_t i)
{
	size_t seen = 0;

	if (o == NULL)
		return NULL;
	if (!o->parens)
		return i == 0 ? o : NULL;
	return walk(o, i, &seen);
}

const struct racf_opnd *
racf_single(const struct racf_opnd *o)
{
	return racf_list_count(o) == 1 ? racf_list_at(o, 0) : NULL;
}

enum at_rc
racf_err_invalid(struct at_err *err, const struct racf_opnd *v, const char *what,
    const char *missing)
{
	char val[72];
	size_t i;
	const char *text = v == NULL || v->text == NULL ? "" : v->text;

	for (i = 0; text[i] != '\0' && i + 1 < sizeof(val); i++)
		val[i] = (v != NULL && !v->quoted && text[i] >= 'a' && text[i] <= 'z') ?
		    (char)(text[i] - 'a' + 'A') : text[i];
	val[i] = '\0';
	if (missing != NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID %s, %s\nIKJ56701I MISSING %s",
		    what, val, missing);
	return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID %s, %s", what, val);
}

static enum at_rc
get(const struct racf_opnd *v, char *dst, size_t dstsz, const char *what, bool upper,
    struct at_err *err)
{
	size_t i;

	if (dstsz > 0)
		dst[0] = '\0';
	if (v == NULL || v->text == NULL || v->parens)
		return at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING %s", what);
	if (v->len == 0 || v->len >= dstsz || memchr(v->text, '\0', v->len) != NULL)
		return racf_err_invalid(err, v, what, NULL);
	for (i = 0; i < v->len; i++)
		dst[i] = (upper && v->text[i] >= 'a' && v->text[i] <= 'z') ?
		    (char)(v->text[i] - 'a' + 'A') : v->text[i];
	dst[v->len] = '\0';
	return AT_OK;
}

enum at_rc
racf_get_text(const struct racf_opnd *v, char *dst, size_t dstsz, const char *what,
    struct at_err *err)
{
	return get(v, dst, dstsz, what, false, err);
}

enum at_rc
racf_get_upper(const struct racf_opnd *v, char *dst, size_t dstsz, const char *what,
    struct at_err *err)
{
	return get(v, dst, dstsz, what, true, err);
}

enum at_rc
racf_get_u64(const struct racf_opnd *kw, uint64_t min, uint64_t max, const char *what,
    uint64_t *out, struct at_err *err)
{
	const struct racf_opnd *v = racf_single(kw);
	struct at_err tmp;

	*out = 0;
	if (v == NULL)
		return racf_err_invalid(err, kw, what, NULL);
	if (at_parse_u64((struct at_str){ v->text, v->len }, min, max, what, out, &tmp) != AT_OK)
		return racf_err_invalid(err, v, what, NULL);
	return AT_OK;
}
