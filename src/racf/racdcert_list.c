/*
 * racdcert_list.c - RACDCERT LIST, EXPORT, ALTER and DELETE.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "racf/racdcert_int.h"
#include "racf/util.h"
#include "saf/ring.h"
#include "saf/x509.h"

/* "Digital certificate information for user X:" / "for CERTAUTH:" */
static enum at_rc
list_header(const struct rcd_owner *o, struct at_buf *out)
{
	if (strcmp(o->id, SAF_CERT_OWNER_CERTAUTH) == 0)
		return at_buf_printf(out, "Digital certificate information for CERTAUTH:\n\n");
	if (strcmp(o->id, SAF_CERT_OWNER_SITE) == 0)
		return at_buf_printf(out, "Digital certificate information for SITE:\n\n");
	return at_buf_printf(out, "Digital certificate information for user %s:\n\n",
	    o->id);
}

struct list_ctx {
	struct saf_db *db;
	struct at_buf *out;
	size_t n;
};

static enum at_rc
list_one(void *vctx, const struct saf_cert *c, struct at_err *err)
{
	struct list_ctx *lc = vctx;
	struct saf_ring_list *assoc = NULL;
	struct saf_list_ring *rings = NULL;
	struct saf_list_meta meta;
	enum at_rc rc;
	size_t i;

	rc = saf_ring_assoc(lc->db, c->id, &assoc, err);
	if (rc != AT_OK)
		goto out;
	if (assoc->n > 0) {
		rings = calloc(assoc->n, sizeof(*rings));
		if (rings == NULL) {
			rc = at_err_setx(err, AT_E_NOMEM, "out of memory");
			goto out;
		}
	}
	for (i = 0; i < assoc->n; i++) {
		rings[i].owner = assoc->rings[i].owner;
		rings[i].ring = assoc->rings[i].name;
	}
	memset(&meta, 0, sizeof(meta));
	meta.owner = c->owner;
	meta.label = c->label;
	meta.trust = saf_trust_name(c->trust);
	meta.has_key = c->has_key;
	meta.rings = rings;
	meta.n_rings = assoc->n;
	rc = saf_x509_list_text(c->x509, &meta, lc->out, err);
	lc->n++;
out:
	free(rings);
	saf_ring_list_free(assoc);
	return rc;
}

enum at_rc
rcd_list(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char label[SAF_CERT_LABEL_MAX + 1];
	struct saf_cert *c = NULL;
	struct list_ctx lc;
	struct rcd_owner o;
	enum at_rc rc;

	lc.db = ctx->db;
	lc.out = out;
	lc.n = 0;
	rc = rcd_owner_of(ctx, cmd, NULL, &o, err);
	if (rc == AT_OK)
		rc = rcd_auth(ctx, "LIST", &o, SAF_ACC_NONE, err);
	if (rc != AT_OK)
		return rc;
	if (racf_sub(kw, "LABEL") != NULL) {
		rc = rcd_label(kw, label, err);
		if (rc == AT_OK)
			rc = saf_cert_get(ctx->db, o.id, label, 0, &c, err);
		if (rc == AT_OK && list_header(&o, out) != AT_OK)
			rc = at_err_setx(err, AT_E_TOOBIG, "LIST output too long");
		if (rc == AT_OK)
			rc = list_one(&lc, c, err);
		saf_cert_free(c);
		return rc;
	}
	if (list_header(&o, out) != AT_OK)
		return at_err_setx(err, AT_E_TOOBIG, "LIST output too long");
	rc = saf_cert_each(ctx->db, o.id, list_one, &lc, err);
	if (rc == AT_OK && lc.n == 0 &&
	    at_buf_printf(out, "  *** No certificates found ***\n\n") != AT_OK)
		rc = at_err_setx(err, AT_E_TOOBIG, "LIST output too long");
	return rc;
}

static enum at_rc
write_all(int fd, const char *path, const struct at_buf *b,
    struct at_err *err)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return at_err_set(err, AT_E_IO, "writing %s", path);
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		return at_err_set(err, AT_E_IO, "writing %s", path);
	return AT_OK;
}

/*
 * REPLACE: the new content goes to a fresh file in the same directory,
 * renamed over path, so a symlink or a file someone else opened is never
 * written through.  Only a regular file (or nothing) is replaced.
 */
static enum at_rc
replace_file(const char *path, const struct at_buf *b, bool secret,
    struct at_err *err)
{
	char tmp[1100];
	struct stat st;
	enum at_rc rc;
	int fd;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return at_err_setx(err, AT_E_EXISTS, "the data set %s exists and "
		    "is not a regular file (a symbolic link, a directory, ...); "
		    "RACDCERT EXPORT does not replace it", path);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return at_err_setx(err, AT_E_INPUT, "data set name too long");
	fd = mkstemp(tmp); /* O_EXCL, mode 0600 */
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "the data set %s cannot be written",
		    path);
	rc = !secret && fchmod(fd, 0644) != 0 ?
	    at_err_set(err, AT_E_IO, "setting the mode of %s", tmp) :
	    write_all(fd, tmp, b, err);
	if (close(fd) != 0 && rc == AT_OK)
		rc = at_err_set(err, AT_E_IO, "writing %s", tmp);
	if (rc == AT_OK && rename(tmp, path) != 0)
		rc = at_err_set(err, AT_E_IO, "replacing %s", path);
	if (rc != AT_OK)
		(void)unlink(tmp);
	return rc;
}

/*
 * Writes b to a new file path, mode 0600 when it holds a key (0644, less
 * the umask, otherwise).  An existing file or symlink is refused unless
 * replace is set (then see replace_file).
 */
static enum at_rc
write_file(const char *path, const struct at_buf *b, bool secret,
    bool replace, struct at_err *err)
{
	enum at_rc rc;
	int fd;

	if (replace)
		return replace_file(path, b, secret, err);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    secret ? 0600 : 0644);
	if (fd < 0 && errno == EEXIST)
		return at_err_setx(err, AT_E_EXISTS, "the data set %s already "
		    "exists; RACDCERT EXPORT writes only a new file (add REPLACE "
		    "to replace a regular file)", path);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "the data set %s cannot be written",
		    path);
	rc = write_all(fd, path, b, err);
	if (close(fd) != 0 && rc == AT_OK)
		rc = at_err_set(err, AT_E_IO, "writing %s", path);
	if (rc != AT_OK)
		(void)unlink(path);
	return rc;
}

enum at_rc
rcd_export(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char label[SAF_CERT_LABEL_MAX + 1], path[1024], fmtname[16] = "CERTB64";
	char password[256] = "";
	const struct racf_opnd *k;
	enum saf_export_fmt fmt = SAF_EXPORT_CERTB64;
	struct saf_cert *c = NULL;
	struct rcd_owner o;
	struct at_buf data;
	bool p12;
	enum at_rc rc;

	(void)out;
	at_buf_init(&data, SAF_X509_MAX_BYTES);
	data.secret = true;
	rc = rcd_owner_of(ctx, cmd, NULL, &o, err);
	if (rc == AT_OK)
		rc = rcd_label(kw, label, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "DSN")) == NULL)
		rc = at_err_setx(err, AT_E_INPUT, "IKJ56701I MISSING DSN");
	else if (rc == AT_OK)
		rc = racf_single_text(k, path, sizeof(path), "DATA SET NAME", err);
	if (rc == AT_OK && (k = racf_kw(cmd, "FORMAT")) != NULL)
		rc = racf_single_upper(k, fmtname, sizeof(fmtname), "FORMAT", err);
	if (rc == AT_OK)
		rc = saf_x509_export_fmt(at_str_c(fmtname), &fmt, err);
	if (rc == AT_OK && (k = racf_kw(cmd, "PASSWORD")) != NULL)
		rc = racf_single_text(k, password, sizeof(password), "PASSWORD", err);
	if (rc != AT_OK)
		goto out;
	p12 = fmt == SAF_EXPORT_PKCS12DER || fmt == SAF_EXPORT_PKCS12B64;
	/* A package with the private key needs more than a listing does. */
	rc = rcd_auth(ctx, "EXPORT", &o, p12 && o.is_user ? SAF_ACC_UPDATE :
	    SAF_ACC_NONE, err);
	if (rc == AT_OK)
		rc = saf_cert_get(ctx->db, o.id, label, p12 ? SAF_CERT_KEY : 0, &c,
		    err);
	if (rc == AT_OK)
		rc = saf_x509_export(c->x509, c->key, fmt, password, c->label, &data,
		    err);
	if (rc == AT_OK)
		rc = write_file(path, &data, p12, racf_kw(cmd, "REPLACE") != NULL,
		    err);
out:
	OPENSSL_cleanse(password, sizeof(password));
	at_buf_free(&data);
	saf_cert_free(c);
	return rc;
}

enum at_rc
rcd_alter(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char label[SAF_CERT_LABEL_MAX + 1], newlabel[SAF_CERT_LABEL_MAX + 1];
	const struct racf_opnd *k;
	enum saf_trust trust = SAF_TRUST_TRUST;
	struct rcd_owner o;
	bool given = false;
	enum at_rc rc;

	(void)out;
	rc = rcd_owner_of(ctx, cmd, NULL, &o, err);
	if (rc == AT_OK)
		rc = rcd_auth(ctx, "ALTER", &o, SAF_ACC_NONE, err);
	if (rc == AT_OK)
		rc = rcd_label(kw, label, err);
	if (rc == AT_OK)
		rc = rcd_trust(cmd, &trust, &given, err);
	if (rc == AT_OK && given && trust == SAF_TRUST_HIGHTRUST && o.is_user)
		rc = at_err_setx(err, AT_E_INPUT,
		    "HIGHTRUST is valid only for CERTAUTH certificates.");
	k = racf_kw(cmd, "NEWLABEL");
	if (rc == AT_OK && k != NULL)
		rc = racf_single_text(k, newlabel, sizeof(newlabel), "LABEL", err);
	if (rc == AT_OK && !given && k == NULL)
		rc = at_err_setx(err, AT_E_INPUT,
		    "IKJ56701I MISSING TRUST, NOTRUST, HIGHTRUST OR NEWLABEL");
	if (rc == AT_OK)
		rc = saf_cert_alter(ctx->db, o.id, label, given ? &trust : NULL,
		    k != NULL ? newlabel : NULL, err);
	return rc;
}

enum at_rc
rcd_delete(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err)
{
	char label[SAF_CERT_LABEL_MAX + 1];
	struct rcd_owner o;
	enum at_rc rc;

	(void)out;
	rc = rcd_owner_of(ctx, cmd, NULL, &o, err);
	if (rc == AT_OK)
		rc = rcd_auth(ctx, "DELETE", &o, SAF_ACC_NONE, err);
	if (rc == AT_OK)
		rc = rcd_label(kw, label, err);
	if (rc == AT_OK)
		rc = saf_cert_delete(ctx->db, o.id, label, err);
	return rc;
}
