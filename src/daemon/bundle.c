/*
 * bundle.c - recording a policy load and replaying it (see bundle.h).
 */
#define _GNU_SOURCE
#include "daemon/bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daemon/gen.h"

#define BUNDLE_MAX (256u * 1024u * 1024u)

enum { T_CONFIG = 1, T_IMAGE, T_PATH, T_WARN, T_FILE };

static enum at_rc
put(struct at_buf *b, uint32_t tag, const void *p, size_t len)
{
	enum at_rc rc;

	if (len > UINT32_MAX)
		return AT_E_TOOBIG;
	rc = at_buf_put_u32(b, tag);
	if (rc == AT_OK)
		rc = at_buf_put_u32(b, (uint32_t)len);
	if (rc == AT_OK && len > 0)
		rc = at_buf_append(b, p, len);
	return rc;
}

static enum at_rc
record(void *arg, enum policy_file_kind kind, const char *path, const char *text, size_t len)
{
	struct at_buf *b = arg;
	size_t plen = strlen(path);
	uint32_t k = (uint32_t)kind, pl = (uint32_t)plen;
	enum at_rc rc;

	if (plen > UINT32_MAX || len > UINT32_MAX - 8 - plen)
		return AT_E_TOOBIG;
	rc = at_buf_put_u32(b, T_FILE);
	if (rc == AT_OK)
		rc = at_buf_put_u32(b, (uint32_t)(8 + plen + len));
	if (rc == AT_OK)
		rc = at_buf_append(b, &k, sizeof(k));
	if (rc == AT_OK)
		rc = at_buf_append(b, &pl, sizeof(pl));
	if (rc == AT_OK)
		rc = at_buf_append(b, path, plen);
	if (rc == AT_OK && len > 0)
		rc = at_buf_append(b, text, len);
	return rc;
}

enum at_rc
attlsd_bundle_init(struct attlsd_bundle *b, const struct policy_load_opts *opts,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;
	size_t i;

	memset(b, 0, sizeof(*b));
	at_buf_init(&b->buf, BUNDLE_MAX);
	b->hook.record = record;
	b->hook.arg = &b->buf;
	if (opts->config_path != NULL)
		rc = put(&b->buf, T_CONFIG, opts->config_path, strlen(opts->config_path));
	if (rc == AT_OK && opts->image != NULL)
		rc = put(&b->buf, T_IMAGE, opts->image, strlen(opts->image));
	for (i = 0; rc == AT_OK && i < opts->npolicy; i++)
		rc = put(&b->buf, T_PATH, opts->policy_paths[i], strlen(opts->policy_paths[i]));
	if (rc == AT_OK && opts->warn_zos_defaults)
		rc = put(&b->buf, T_WARN, NULL, 0);
	if (rc != AT_OK) {
		at_buf_free(&b->buf);
		return at_err_setx(err, rc, "out of memory recording the policy's files");
	}
	return AT_OK;
}

void
attlsd_bundle_free(struct attlsd_bundle *b)
{
	at_buf_free(&b->buf);
}

enum at_rc
attlsd_memfd(const char *name, const void *p, size_t len, int *fd, struct at_err *err)
{
	const unsigned char *q = p;
	size_t off = 0;

	*fd = memfd_create(name, MFD_CLOEXEC);
	if (*fd < 0)
		return at_err_set(err, AT_E_IO, "memfd_create");
	while (off < len) {
		ssize_t n = write(*fd, q + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			enum at_rc rc = at_err_set(err, AT_E_IO, "writing a memfd");

			(void)close(*fd);
			*fd = -1;
			return rc;
		}
		off += (size_t)n;
	}
	if (lseek(*fd, 0, SEEK_SET) != 0) {
		enum at_rc rc = at_err_set(err, AT_E_IO, "rewinding a memfd");

		(void)close(*fd);
		*fd = -1;
		return rc;
	}
	return AT_OK;
}

enum at_rc
attlsd_bundle_to_fd(const struct attlsd_bundle *b, int *fd, struct at_err *err)
{
	return attlsd_memfd("attls-policy", b->buf.data, b->buf.len, fd, err);
}

enum at_rc
attlsd_read_all(int fd, size_t max, struct at_buf *out, struct at_err *err)
{
	at_buf_reset(out);
	for (;;) {
		ssize_t n;

		if (out->len >= max)
			return at_err_setx(err, AT_E_TOOBIG, "more than %zu bytes from the parent",
			    max);
		if (at_buf_reserve(out, 65536) != AT_OK)
			return at_err_setx(err, AT_E_NOMEM, "out of memory");
		n = read(fd, out->data + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return at_err_set(err, AT_E_IO, "reading what the parent sent");
		if (n == 0)
			return AT_OK;
		out->len += (size_t)n;
	}
}

/* One record at b's read position: its tag, and its bytes in place. */
static bool
next(struct at_buf *b, uint32_t *tag, const unsigned char **p, uint32_t *len)
{
	if (at_buf_get_u32(b, tag) != AT_OK || at_buf_get_u32(b, len) != AT_OK ||
	    b->len - b->rpos < *len)
		return false;
	*p = b->data + b->rpos;
	b->rpos += *len;
	return true;
}

struct replay {
	struct at_buf *b;
};

static enum at_rc
replay(void *arg, enum policy_file_kind kind, const char *path, char **text, size_t *len,
    struct at_err *err)
{
	struct replay *r = arg;
	const unsigned char *p;
	uint32_t tag, n, k, pl;

	*text = NULL;
	*len = 0;
	if (!next(r->b, &tag, &p, &n) || tag != T_FILE || n < 8)
		return at_err_setx(err, AT_E_IO, "%s was not among the files attlsd read", path);
	memcpy(&k, p, sizeof(k));
	memcpy(&pl, p + 4, sizeof(pl));
	if (pl > n - 8 || k != (uint32_t)kind || strlen(path) != pl || memcmp(p + 8, path, pl) != 0)
		return at_err_setx(err, AT_E_IO, "%s is not the next file attlsd read", path);
	*len = n - 8 - pl;
	*text = malloc(*len + 1);
	if (*text == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	memcpy(*text, p + 8 + pl, *len);
	(*text)[*len] = '\0';
	return AT_OK;
}

/* A NUL-terminated copy of a record's bytes (caller frees), or NULL. */
static char *
dup_rec(const unsigned char *p, uint32_t n)
{
	char *s = malloc((size_t)n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

enum at_rc
attlsd_bundle_load(int fd, uint64_t id, struct attlsd_gen **out, struct at_err *err)
{
	struct policy_load_opts opts;
	struct policy_file_hook hook;
	struct policy_diags diags;
	struct replay r;
	struct at_buf b;
	char *config = NULL, *image = NULL, *paths[16] = { NULL };
	const char *cpaths[16];
	const unsigned char *p;
	uint32_t tag, n;
	size_t np = 0, i, mark;
	enum at_rc rc;

	*out = NULL;
	at_buf_init(&b, BUNDLE_MAX);
	memset(&opts, 0, sizeof(opts));
	rc = attlsd_read_all(fd, BUNDLE_MAX, &b, err);
	if (rc != AT_OK)
		goto out;
	for (;;) {
		mark = b.rpos;
		if (b.rpos == b.len || !next(&b, &tag, &p, &n))
			break;
		if (tag == T_FILE) {
			b.rpos = mark;
			break;
		}
		if (tag == T_CONFIG && config == NULL)
			config = dup_rec(p, n);
		else if (tag == T_IMAGE && image == NULL)
			image = dup_rec(p, n);
		else if (tag == T_PATH && np < 16)
			paths[np++] = dup_rec(p, n);
		else if (tag == T_WARN)
			opts.warn_zos_defaults = true;
		else {
			rc = at_err_setx(err, AT_E_INPUT, "a malformed policy bundle");
			goto out;
		}
	}
	for (i = 0; i < np; i++) {
		if (paths[i] == NULL) {
			rc = at_err_setx(err, AT_E_NOMEM, "out of memory");
			goto out;
		}
		cpaths[i] = paths[i];
	}
	opts.config_path = config;
	opts.image = image;
	opts.policy_paths = cpaths;
	opts.npolicy = np;
	r.b = &b;
	memset(&hook, 0, sizeof(hook));
	hook.replay = replay;
	hook.arg = &r;
	opts.files = &hook;
	policy_diags_init(&diags);
	rc = attlsd_gen_load(&opts, id, out, &diags, err);
	policy_diags_free(&diags);
out:
	free(config);
	free(image);
	for (i = 0; i < np; i++)
		free(paths[i]);
	at_buf_free(&b);
	return rc;
}
