/*
 * buf.h - one bounded byte buffer for every wire format and every piece of
 * generated text (curl's dynbuf with s2n's checked reads).
 *
 * A buffer has a mandatory maximum: an append that would pass it fails with
 * AT_E_TOOBIG and changes nothing.  The data is always NUL-terminated (the
 * NUL is not counted in len) so text can be handed to printf directly.
 * Reads advance a cursor and also change nothing on failure.
 *
 * Ownership: the buffer owns data; at_buf_free releases it (and wipes it when
 * the buffer was marked secret); at_buf_take hands it to the caller, who
 * frees it with free().
 */
#ifndef ATTLS_COMMON_BUF_H
#define ATTLS_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

struct at_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	size_t max;
	size_t rpos;
	bool secret;
};

void at_buf_init(struct at_buf *b, size_t max);
void at_buf_free(struct at_buf *b);
void at_buf_reset(struct at_buf *b);

/*
 * Makes room for n more bytes after len without changing the contents, so
 * a caller may write into data + len directly (recv) and then add to len.
 */
AT_MUST_CHECK enum at_rc at_buf_reserve(struct at_buf *b, size_t n);

AT_MUST_CHECK enum at_rc at_buf_append(struct at_buf *b, const void *p, size_t n);
AT_MUST_CHECK enum at_rc at_buf_printf(struct at_buf *b, const char *fmt, ...) AT_PRINTF(2, 3);
AT_MUST_CHECK enum at_rc at_buf_put_u8(struct at_buf *b, uint8_t v);
AT_MUST_CHECK enum at_rc at_buf_put_u16(struct at_buf *b, uint16_t v);
AT_MUST_CHECK enum at_rc at_buf_put_u32(struct at_buf *b, uint32_t v);

AT_MUST_CHECK enum at_rc at_buf_get_u8(struct at_buf *b, uint8_t *v);
AT_MUST_CHECK enum at_rc at_buf_get_u16(struct at_buf *b, uint16_t *v);
AT_MUST_CHECK enum at_rc at_buf_get_u32(struct at_buf *b, uint32_t *v);
AT_MUST_CHECK enum at_rc at_buf_get_bytes(struct at_buf *b, void *out, size_t n);

/* Text view of the contents ("" when empty). Valid until the next write. */
const char *at_buf_cstr(const struct at_buf *b);

/* Overwrites n bytes at p with zeros in a way the compiler cannot drop. */
void at_wipe(void *p, size_t n);

/* Hands the bytes to the caller (free() them); the buffer becomes empty. */
char *at_buf_take(struct at_buf *b, size_t *len);

#endif
