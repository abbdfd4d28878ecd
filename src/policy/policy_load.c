/*
 * policy_load.c - the load pipeline (read, parse, validate, resolve, check)
 * behind policy_set_load() and policy_set_load_text(), and the accessors
 * of a loaded set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/policy_int.h"

#define MAX_FILE (64u * 1024u * 1024u)

enum at_rc
policy_read_file(const char *path, char **text, size_t *len, struct at_err *err)
{
	enum at_rc rc = AT_OK;
	struct stat sb;
	char *buf = NULL;
	size_t have = 0, cap;
	int fd;

	*text = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "cannot open %s", path);
	if (fstat(fd, &sb) != 0) {
		rc = at_err_set(err, AT_E_IO, "cannot stat %s", path);
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		rc = at_err_setx(err, AT_E_IO, "%s is a directory, not a file", path);
		goto out;
	}
	cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
	if (cap > MAX_FILE) {
		rc = at_err_setx(err, AT_E_TOOBIG, "%s is larger than %u bytes", path, MAX_FILE);
		goto out;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory reading %s", path);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (have == cap) {
			char *nb;

			if (cap * 2 > MAX_FILE) {
				rc = at_err_setx(err, AT_E_TOOBIG, "%s is larger than %u bytes",
				    path, MAX_FILE);
				goto out;
			}
			nb = realloc(buf, cap * 2);
			if (nb == NULL) {
				rc = at_err_setx(err, AT_E_NOMEM, "out of memory reading %s", path);
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = at_err_set(err, AT_E_IO, "cannot read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	*text = buf;
	*len = have;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

static enum at_rc
finish(struct policy_set *set, struct policy_set **out, struct policy_diags *diags,
    struct at_err *err)
{
	enum at_rc rc;
	size_t before = diags->nerrors;

	rc = policy_validate_model(&set->model, diags);
	if (rc == AT_OK && diags->nerrors == before)
		rc = policy_resolve(set, diags);
	if (rc == AT_OK && diags->nerrors == before)
		rc = policy_validate_rules(set, diags);
	if (rc != AT_OK) {
		at_err_setx(err, rc, "out of memory loading the policy");
		goto out;
	}
	if (diags->nerrors > 0) {
		rc = at_err_setx(err, AT_E_INPUT, "the policy has %zu error%s; nothing was "
		    "loaded", diags->nerrors, diags->nerrors == 1 ? "" : "s");
		goto out;
	}
	*out = set;
	set = NULL;
out:
	policy_set_free(set);
	return rc;
}

static struct policy_set *
set_new(void)
{
	struct policy_set *set = calloc(1, sizeof(*set));

	if (set != NULL) {
		policy_arena_init(&set->model.arena);
		set->model.log_level = 31;
	}
	return set;
}

enum at_rc
policy_set_load_text(const char *name, const char *text, size_t len,
    struct policy_set **out, struct policy_diags *diags, struct at_err *err)
{
	struct policy_set *set;
	const char *file;
	enum at_rc rc;

	*out = NULL;
	set = set_new();
	if (set == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory loading the policy");
	file = policy_arena_strdup(&set->model.arena, at_str_c(name != NULL ? name : "<text>"));
	if (file == NULL) {
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory loading the policy");
		policy_set_free(set);
		return rc;
	}
	rc = policy_parse_text(&set->model, file, text, len, diags);
	if (rc != AT_OK) {
		at_err_setx(err, rc, "out of memory loading the policy");
		policy_set_free(set);
		return rc;
	}
	return finish(set, out, diags, err);
}

enum at_rc
policy_file_get(const struct policy_model *m, enum policy_file_kind kind, const char *path,
    enum at_rc (*read_fn)(const char *, char **, size_t *, struct at_err *),
    char **text, size_t *len, struct at_err *err)
{
	enum at_rc rc;

	if (m->files != NULL && m->files->replay != NULL)
		return m->files->replay(m->files->arg, kind, path, text, len, err);
	rc = read_fn(path, text, len, err);
	if (rc == AT_OK && m->files != NULL && m->files->record != NULL &&
	    m->files->record(m->files->arg, kind, path, *text, *len) != AT_OK) {
		free(*text);
		*text = NULL;
		*len = 0;
		return at_err_setx(err, AT_E_NOMEM, "out of memory keeping a copy of %s", path);
	}
	return rc;
}

enum at_rc
policy_load_file(struct policy_model *m, const char *path, const struct policy_loc *from,
    struct policy_diags *diags, struct at_err *err)
{
	char *text = NULL;
	size_t len = 0;
	const char *file;
	enum at_rc rc;
	struct at_err e;

	rc = policy_file_get(m, POLICY_FILE_POLICY, path, policy_read_file, &text, &len, &e);
	if (rc == AT_E_IO || rc == AT_E_TOOBIG) {
		if (from != NULL) {
			rc = policy_diag_at(diags, POLICY_DIAG_ERROR, from, "%s", e.msg);
			return rc;
		}
		*err = e;
		return rc;
	}
	if (rc != AT_OK) {
		*err = e;
		return rc;
	}
	file = policy_arena_strdup(&m->arena, at_str_c(path));
	if (file == NULL)
		rc = at_err_setx(err, AT_E_NOMEM, "out of memory loading the policy");
	else
		rc = policy_parse_text(m, file, text, len, diags);
	free(text);
	return rc;
}

enum at_rc
policy_set_load(const struct policy_load_opts *opts, struct policy_set **out,
    struct policy_diags *diags, struct at_err *err)
{
	struct policy_set *set;
	enum at_rc rc = AT_OK;
	size_t i;

	*out = NULL;
	if (opts == NULL || (opts->config_path == NULL && opts->npolicy == 0))
		return at_err_setx(err, AT_E_INPUT, "no configuration or policy file named");
	set = set_new();
	if (set == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory loading the policy");
	set->model.warn_zos_defaults = opts->warn_zos_defaults;
	set->model.files = opts->files;
	if (opts->config_path != NULL)
		rc = policy_config_load(&set->model, opts, diags, err);
	for (i = 0; rc == AT_OK && opts->config_path == NULL && i < opts->npolicy; i++)
		rc = policy_load_file(&set->model, opts->policy_paths[i], NULL, diags, err);
	if (rc != AT_OK) {
		policy_set_free(set);
		return rc;
	}
	return finish(set, out, diags, err);
}

void
policy_set_free(struct policy_set *set)
{
	if (set == NULL)
		return;
	policy_arena_free(&set->model.arena);
	free(set);
}

size_t
policy_set_rule_count(const struct policy_set *set)
{
	return set != NULL ? set->nrules : 0;
}

const struct policy_rule *
policy_set_rule(const struct policy_set *set, size_t i)
{
	if (set == NULL || i >= set->nrules)
		return NULL;
	return &set->rules[i];
}

unsigned
policy_set_log_level(const struct policy_set *set)
{
	return set != NULL ? set->model.log_level : 31;
}
