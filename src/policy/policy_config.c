/*
 * policy_config.c - the main configuration (pagent.conf): TcpImage (or
 * PEPInstance), TTLSConfig, CommonTTLSConfig and LogLevel, and which
 * policy files they name.
 *
 * Order of loading: policy statements written in the main file itself,
 * then the CommonTTLSConfig file, then the image's TTLSConfig file (the
 * last TTLSConfig wins).  Relative paths are taken from the directory of
 * the file that names them.  MVS data set names are refused.
 */
#include <stdio.h>
#include <string.h>

#include "common/num.h"
#include "policy/policy_int.h"

#define ERR POLICY_DIAG_ERROR
#define WARN POLICY_DIAG_WARNING

struct cfg {
	struct policy_model *m;
	struct policy_diags *d;
	struct at_err *err;
	enum at_rc rc;
	const char *common;          /* path as resolved */
	struct policy_loc common_loc;
	const char *ttls;            /* the winning TTLSConfig path, or NULL */
	bool ttls_given;
	struct policy_loc ttls_loc;
};

static bool
is_keyword(const char *s)
{
	static const char *const kws[] = { "FLUSH", "NOFLUSH", "PURGE", "NOPURGE", NULL };
	size_t i;

	for (i = 0; kws[i] != NULL; i++)
		if (at_str_eq_ci(at_str_c(s), kws[i]))
			return true;
	return false;
}

static bool
is_number(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return i > 0;
}

/* path as named in file `from`: absolute, or relative to from's directory. */
static const char *
resolve_path(struct cfg *c, const char *path, const struct policy_loc *loc)
{
	const char *slash;
	char *out;
	size_t dirlen, plen = strlen(path);

	if (strncmp(path, "//", 2) == 0) {
		if (c->rc == AT_OK)
			c->rc = policy_diag_at(c->d, ERR, loc, "'%s' is an MVS data set name; "
			    "name a Linux file path instead", path);
		return NULL;
	}
	if (path[0] == '/' || (slash = strrchr(loc->file, '/')) == NULL)
		return path;
	dirlen = (size_t)(slash - loc->file) + 1;
	out = policy_arena_alloc(&c->m->arena, dirlen + plen + 1);
	if (out == NULL) {
		c->rc = AT_E_NOMEM;
		return NULL;
	}
	memcpy(out, loc->file, dirlen);
	memcpy(out + dirlen, path, plen + 1);
	return out;
}

/* The flags after a path: FLUSH|NOFLUSH, PURGE|NOPURGE, interval. */
static void
check_flags(struct cfg *c, const struct policy_cfgdir *dir, size_t from, bool interval)
{
	size_t i;

	for (i = from; i < dir->nargs && c->rc == AT_OK; i++) {
		uint64_t v;
		struct at_err e;

		if (is_keyword(dir->args[i]))
			continue;
		if (interval && is_number(dir->args[i])) {
			if (at_parse_u64(at_str_c(dir->args[i]), 1, 2147483647, "interval", &v,
			    &e) != AT_OK)
				c->rc = policy_diag_at(c->d, ERR, &dir->argloc[i], "%s: %s",
				    dir->keyword, e.msg);
			continue;
		}
		c->rc = policy_diag_at(c->d, ERR, &dir->argloc[i], "%s: unexpected '%s' "
		    "(expected FLUSH, NOFLUSH, PURGE, NOPURGE%s)", dir->keyword, dir->args[i],
		    interval ? " or a refresh interval" : "");
	}
}

/* The TTLSConfig directives from `first` on; in_image: they count. */
static void
take_ttls(struct cfg *c, const struct policy_cfgdir *first, bool in_image)
{
	const struct policy_cfgdir *dir;

	for (dir = first; dir != NULL && c->rc == AT_OK; dir = dir->next) {
		if (strcmp(dir->keyword, "TTLSConfig") != 0)
			continue;
		if (!in_image) {
			c->rc = policy_diag_at(c->d, WARN, &dir->loc, "TTLSConfig in the main "
			    "configuration is ignored because TcpImage names an image file");
			continue;
		}
		if (c->ttls_given)
			c->rc = policy_diag_at(c->d, WARN, &dir->loc, "TTLSConfig given again; "
			    "this one replaces the one on line %u", c->ttls_loc.line);
		c->ttls_given = true;
		c->ttls_loc = dir->loc;
		c->ttls = NULL;
		if (dir->nargs == 0 || is_keyword(dir->args[0]))
			check_flags(c, dir, 0, false);
		else {
			c->ttls = resolve_path(c, dir->args[0], &dir->argloc[0]);
			check_flags(c, dir, 1, false);
		}
	}
}

static const struct policy_cfgdir *
main_directives(struct cfg *c, const struct policy_cfgdir *first,
    const struct policy_load_opts *opts, const char **image_path,
    struct policy_loc *image_loc)
{
	const struct policy_cfgdir *dir, *image = NULL;

	*image_path = NULL;
	for (dir = first; dir != NULL && c->rc == AT_OK; dir = dir->next) {
		uint64_t v;
		struct at_err e;

		if (strcmp(dir->keyword, "LogLevel") == 0) {
			if (dir->nargs != 1 || at_parse_u64(at_str_c(dir->args[0]), 0, 511,
			    "LogLevel", &v, &e) != AT_OK)
				c->rc = policy_diag_at(c->d, ERR, &dir->loc, "LogLevel takes one "
				    "number from 0 to 511");
			else
				c->m->log_level = (unsigned)v;
		} else if (strcmp(dir->keyword, "CommonTTLSConfig") == 0) {
			if (dir->nargs != 1) {
				c->rc = policy_diag_at(c->d, ERR, &dir->loc, "CommonTTLSConfig "
				    "takes one file path");
				continue;
			}
			c->common = resolve_path(c, dir->args[0], &dir->argloc[0]);
			c->common_loc = dir->argloc[0];
		} else if (strcmp(dir->keyword, "TcpImage") == 0 ||
		    strcmp(dir->keyword, "PEPInstance") == 0) {
			if (dir->nargs == 0) {
				c->rc = policy_diag_at(c->d, ERR, &dir->loc, "%s needs a stack name",
				    dir->keyword);
				continue;
			}
			if (image == NULL && (opts->image == NULL ||
			    strcmp(opts->image, dir->args[0]) == 0))
				image = dir;
			if (dir->nargs > 1 && !is_keyword(dir->args[1]) && !is_number(dir->args[1]))
				check_flags(c, dir, 2, true);
			else
				check_flags(c, dir, 1, true);
		}
	}
	if (c->rc == AT_OK && opts->image != NULL && image == NULL)
		c->rc = policy_diag_at(c->d, ERR, NULL, "no TcpImage named '%s' in %s",
		    opts->image, opts->config_path);
	if (image != NULL && image->nargs > 1 && !is_keyword(image->args[1]) &&
	    !is_number(image->args[1])) {
		*image_path = resolve_path(c, image->args[1], &image->argloc[1]);
		*image_loc = image->argloc[1];
	}
	return image;
}

enum at_rc
policy_config_load(struct policy_model *m, const struct policy_load_opts *opts,
    struct policy_diags *diags, struct at_err *err)
{
	struct cfg c;
	const char *image_path = NULL;
	struct policy_loc image_loc;
	struct policy_cfgdir *mark;
	enum at_rc rc;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.d = diags;
	c.err = err;
	m->cfg_allowed = true;
	rc = policy_load_file(m, opts->config_path, NULL, diags, err);
	if (rc != AT_OK)
		return rc;
	(void)main_directives(&c, m->cfg_first, opts, &image_path, &image_loc);
	/* A TcpImage that names the main file itself: the main file is the image. */
	if (image_path != NULL && strcmp(image_path, opts->config_path) == 0)
		image_path = NULL;
	mark = m->cfg_last;
	if (c.rc == AT_OK && image_path != NULL) {
		take_ttls(&c, m->cfg_first, false);
		if (c.rc == AT_OK)
			c.rc = policy_load_file(m, image_path, &image_loc, diags, err);
		if (c.rc == AT_OK)
			take_ttls(&c, mark != NULL ? mark->next : m->cfg_first, true);
	} else if (c.rc == AT_OK) {
		take_ttls(&c, m->cfg_first, true);
	}
	m->cfg_allowed = false;
	if (c.rc == AT_OK && c.common != NULL)
		c.rc = policy_load_file(m, c.common, &c.common_loc, diags, err);
	if (c.rc == AT_OK && c.ttls != NULL)
		c.rc = policy_load_file(m, c.ttls, &c.ttls_loc, diags, err);
	if (c.rc != AT_OK && c.rc != AT_E_INPUT)
		at_err_setx(err, c.rc, "cannot load the configuration %s", opts->config_path);
	return c.rc;
}
