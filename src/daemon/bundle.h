/*
 * bundle.h - a policy generation as the TLS engine process receives it:
 * the load options and every file the parent read while loading, in the
 * order it read them, so that the engine (which may open no file) loads
 * the very same policy, rule for rule, from memory.
 *
 * A bundle travels in a memfd: records of a 32-bit tag, a 32-bit length
 * and that many bytes.  The engine trusts the parent; it still checks
 * every length, and a replay that asks for another file than the next
 * recorded one fails the load instead of guessing.
 */
#ifndef ATTLS_DAEMON_BUNDLE_H
#define ATTLS_DAEMON_BUNDLE_H

#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "policy/policy.h"

struct attlsd_gen;
struct policy_diags;

struct attlsd_bundle {
	struct at_buf buf;
	struct policy_file_hook hook;     /* records into buf */
};

/* Starts an empty bundle for opts (recorded now); free with _free. */
AT_MUST_CHECK enum at_rc attlsd_bundle_init(struct attlsd_bundle *b,
    const struct policy_load_opts *opts, struct at_err *err);
void attlsd_bundle_free(struct attlsd_bundle *b);

/*
 * A memfd holding the bundle, positioned at its start; the caller closes
 * *fd.
 */
AT_MUST_CHECK enum at_rc attlsd_bundle_to_fd(const struct attlsd_bundle *b, int *fd,
    struct at_err *err);

/*
 * Engine side: loads generation id from the bundle in fd (read to its
 * end, not closed).  *out holds one reference.
 */
AT_MUST_CHECK enum at_rc attlsd_bundle_load(int fd, uint64_t id, struct attlsd_gen **out,
    struct at_err *err);

/* Reads all of fd (at most max bytes) into out (emptied first). */
AT_MUST_CHECK enum at_rc attlsd_read_all(int fd, size_t max, struct at_buf *out,
    struct at_err *err);

/* A memfd named name holding len bytes at p, at offset 0. */
AT_MUST_CHECK enum at_rc attlsd_memfd(const char *name, const void *p, size_t len, int *fd,
    struct at_err *err);

#endif
