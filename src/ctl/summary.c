/*
 * summary.c - reading, matching and writing the policy summary (see
 * summary.h).  Used by the preloaded shim, so it depends on nothing but
 * libc and allocates nothing once a file is mapped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* mkostemp */
#endif
#include "ctl/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl/proto.h"

static uint16_t
be16(const unsigned char *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static enum at_rc
check_record(const unsigned char *r, uint32_t i, struct at_err *err)
{
	uint8_t dir = r[0], flags = r[1], jlen = r[2];

	if (dir < 1 || dir > 3)
		return at_err_setx(err, AT_E_INPUT, "summary record %u: direction %u", i, dir);
	if ((flags & ~(CTL_SUMMARY_JOB_ANY | CTL_SUMMARY_JOB_WILD)) != 0)
		return at_err_setx(err, AT_E_INPUT, "summary record %u: job flags 0x%x", i, flags);
	if (jlen > CTL_SUMMARY_JOB_MAX)
		return at_err_setx(err, AT_E_INPUT, "summary record %u: job length %u", i, jlen);
	if ((flags & CTL_SUMMARY_JOB_WILD) != 0 && (jlen == 0 || r[4 + jlen - 1] != '*'))
		return at_err_setx(err, AT_E_INPUT, "summary record %u: wildcard without '*'", i);
	if (be16(r + 12) > be16(r + 14) || be16(r + 16) > be16(r + 18))
		return at_err_setx(err, AT_E_INPUT, "summary record %u: empty port range", i);
	return AT_OK;
}

enum at_rc
ctl_summary_parse(const void *data, size_t len, struct ctl_summary *s, struct at_err *err)
{
	const unsigned char *p = data;
	uint32_t nrec, i;
	enum at_rc rc;

	memset(s, 0, sizeof(*s));
	if (len < CTL_SUMMARY_REC_OFF)
		return at_err_setx(err, AT_E_INPUT, "summary of %zu bytes is too short", len);
	if (memcmp(p, CTL_SUMMARY_MAGIC, 8) != 0)
		return at_err_setx(err, AT_E_INPUT, "not an attls policy summary (bad magic)");
	if (be16(p + 8) != CTL_SUMMARY_VERSION)
		return at_err_setx(err, AT_E_INPUT, "summary version %u is not %d", be16(p + 8),
		    CTL_SUMMARY_VERSION);
	nrec = be32(p + 12);
#if SIZE_MAX < UINT64_MAX
	/* Where size_t is 32 bits the length cannot hold every count. */
	if (nrec > (SIZE_MAX - CTL_SUMMARY_REC_OFF) / CTL_SUMMARY_REC_LEN)
		return at_err_setx(err, AT_E_INPUT, "summary with %u records is too large", nrec);
#endif
	if (len != CTL_SUMMARY_REC_OFF + (size_t)nrec * CTL_SUMMARY_REC_LEN)
		return at_err_setx(err, AT_E_INPUT, "summary length %zu does not match %u records",
		    len, nrec);
	for (i = 0; i < nrec; i++) {
		rc = check_record(p + CTL_SUMMARY_REC_OFF + (size_t)i * CTL_SUMMARY_REC_LEN, i,
		    err);
		if (rc != AT_OK)
			return rc;
	}
	s->generation = (uint64_t)be32(p + 16) << 32 | be32(p + 20);
	s->flags = be16(p + 10);
	s->nrec = nrec;
	s->in_bits = p + CTL_SUMMARY_HDR_LEN;
	s->out_bits = p + CTL_SUMMARY_HDR_LEN + CTL_SUMMARY_BITMAP_LEN;
	s->recs = p + CTL_SUMMARY_REC_OFF;
	return AT_OK;
}

static char
upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* The policy's Jobname semantics: exact, or a prefix before a final '*'. */
static bool
job_matches(const unsigned char *r, const char *job)
{
	size_t jlen = r[2], i, n;
	const char *pat = (const char *)r + 4;

	if ((r[1] & CTL_SUMMARY_JOB_ANY) != 0)
		return true;
	if (job == NULL)
		return false;
	n = (r[1] & CTL_SUMMARY_JOB_WILD) != 0 ? jlen - 1 : jlen;
	for (i = 0; i < n; i++)
		if (job[i] == '\0' || upper(job[i]) != upper(pat[i]))
			return false;
	return (r[1] & CTL_SUMMARY_JOB_WILD) != 0 || job[n] == '\0';
}

bool
ctl_summary_may_match(const struct ctl_summary *s, int dir, uint16_t lport,
    uint16_t rport, const char *jobname)
{
	const unsigned char *bits;
	uint16_t port;
	uint32_t i;

	if (dir == CTL_DIR_INBOUND) {
		bits = s->in_bits;
		port = lport;
	} else if (dir == CTL_DIR_OUTBOUND) {
		bits = s->out_bits;
		port = rport;
	} else {
		return true;
	}
	if (bits == NULL || s->recs == NULL)
		return true;
	if ((bits[port >> 3] & (1u << (port & 7))) == 0)
		return false;
	if (jobname != NULL && jobname[0] == '\0')
		jobname = NULL;
	for (i = 0; i < s->nrec; i++) {
		const unsigned char *r = s->recs + (size_t)i * CTL_SUMMARY_REC_LEN;

		if ((r[0] & dir) == 0)
			continue;
		if (lport < be16(r + 12) || lport > be16(r + 14) ||
		    rport < be16(r + 16) || rport > be16(r + 18))
			continue;
		if (job_matches(r, jobname))
			return true;
	}
	return false;
}

enum at_rc
ctl_summary_path(const char *sock_path, char *out, size_t outsz, struct at_err *err)
{
	int n = snprintf(out, outsz, "%s%s", sock_path, CTL_SUMMARY_SUFFIX);

	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return at_err_setx(err, AT_E_TOOBIG, "summary path for '%s' is too long",
		    sock_path);
	}
	return AT_OK;
}

void
ctl_summary_unmap(struct ctl_summary_file *f)
{
	if (f->map != NULL)
		(void)munmap(f->map, f->map_len);
	memset(f, 0, sizeof(*f));
}

static bool
interval_passed(struct ctl_summary_file *f, int interval_ms)
{
	struct timespec now;
	long long ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) != 0)
		return true;
	ms = (long long)(now.tv_sec - f->checked.tv_sec) * 1000 +
	    (now.tv_nsec - f->checked.tv_nsec) / 1000000;
	if (f->ever_checked && ms >= 0 && ms < interval_ms)
		return false;
	f->checked = now;
	f->ever_checked = true;
	return true;
}

static bool
same_file(const struct ctl_summary_file *f, const struct stat *st)
{
	return f->map != NULL && f->dev == st->st_dev && f->ino == st->st_ino &&
	    f->size == st->st_size && f->mtime.tv_sec == st->st_mtim.tv_sec &&
	    f->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Maps the open file fd (described by st) into f.  Closes nothing. */
static enum at_rc
map_fd(struct ctl_summary_file *f, int fd, const struct stat *st, struct at_err *err)
{
	void *m;
	enum at_rc rc;

	if (st->st_size < CTL_SUMMARY_REC_OFF ||
	    st->st_size > CTL_SUMMARY_REC_OFF + (off_t)CTL_SUMMARY_MAX_RECS * CTL_SUMMARY_REC_LEN ||
	    (uintmax_t)st->st_size > (uintmax_t)SIZE_MAX)
		return at_err_setx(err, AT_E_INPUT, "summary of %lld bytes has an impossible size",
		    (long long)st->st_size);
	m = mmap(NULL, (size_t)st->st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return at_err_set(err, AT_E_IO, "mapping the policy summary");
	rc = ctl_summary_parse(m, (size_t)st->st_size, &f->sum, err);
	if (rc != AT_OK) {
		(void)munmap(m, (size_t)st->st_size);
		return rc;
	}
	f->map = m;
	f->map_len = (size_t)st->st_size;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->size = st->st_size;
	f->mtime = st->st_mtim;
	f->present = true;
	return AT_OK;
}

enum at_rc
ctl_summary_map(struct ctl_summary_file *f, const char *path, int interval_ms,
    struct at_err *err)
{
	struct timespec checked;
	struct stat st;
	enum at_rc rc;
	int fd;

	if (!interval_passed(f, interval_ms))
		return AT_OK;
	checked = f->checked;
	if (stat(path, &st) != 0) {
		ctl_summary_unmap(f);
		f->checked = checked;
		f->ever_checked = true;
		if (errno == ENOENT || errno == ENOTDIR)
			return AT_OK;
		return at_err_set(err, AT_E_IO, "checking the policy summary %s", path);
	}
	if (same_file(f, &st))
		return AT_OK;
	ctl_summary_unmap(f);
	f->checked = checked;
	f->ever_checked = true;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return AT_OK;
		return at_err_set(err, AT_E_IO, "opening the policy summary %s", path);
	}
	/* Describe what was opened, not what was stat'ed: a rename in between
	 * must not pair the old identity with the new contents. */
	if (fstat(fd, &st) != 0)
		rc = at_err_set(err, AT_E_IO, "checking the policy summary %s", path);
	else
		rc = map_fd(f, fd, &st, err);
	(void)close(fd);
	if (rc != AT_OK)
		at_err_prefix(err, "%s", path);
	return rc;
}

/*
 * Makes the rename in the directory of path durable.  Best effort: the new
 * summary is already what every reader sees, so failing here would only
 * make the caller believe the old one is still in place.
 */
static void
sync_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;
	int fd;

	if (slash == NULL) {
		dir[0] = '.';
		n = 1;
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return;
		memcpy(dir, path, n);
	}
	dir[n] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fsync(fd);
	(void)close(fd);
}

enum at_rc
ctl_summary_write(const char *path, const struct at_buf *buf, struct at_err *err)
{
	char tmp[4096];
	size_t off = 0;
	enum at_rc rc = AT_OK;
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return at_err_setx(err, AT_E_TOOBIG, "summary path '%s' is too long", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return at_err_set(err, AT_E_IO, "creating a temporary file for %s", path);
	while (off < buf->len && rc == AT_OK) {
		ssize_t w = write(fd, buf->data + off, buf->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = at_err_set(err, AT_E_IO, "writing %s", tmp);
		else
			off += (size_t)w;
	}
	/* mkostemp made it 0600; every process under the shim must read it. */
	if (rc == AT_OK && fchmod(fd, 0644) != 0)
		rc = at_err_set(err, AT_E_IO, "setting the mode of %s", tmp);
	if (rc == AT_OK && fsync(fd) != 0)
		rc = at_err_set(err, AT_E_IO, "syncing %s", tmp);
	if (close(fd) != 0 && rc == AT_OK)
		rc = at_err_set(err, AT_E_IO, "writing %s", tmp);
	if (rc == AT_OK && rename(tmp, path) != 0)
		rc = at_err_set(err, AT_E_IO, "renaming %s to %s", tmp, path);
	if (rc != AT_OK) {
		(void)unlink(tmp);
		return rc;
	}
	sync_dir(path);
	return AT_OK;
}
