/*
 * buf.c - the bounded buffer.  Growth doubles up to the maximum so appends
 * are amortised O(1); a secret buffer is wiped whenever memory is released.
 */
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char empty[1] = "";

void
at_wipe(void *p, size_t n)
{
	/* A volatile pointer keeps the stores even though p is freed next. */
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void
at_buf_init(struct at_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
at_buf_free(struct at_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL && b->secret)
		at_wipe(b->data, b->cap);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = b->rpos = 0;
}

void
at_buf_reset(struct at_buf *b)
{
	if (b->data != NULL && b->secret)
		at_wipe(b->data, b->cap);
	b->len = b->rpos = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static enum at_rc
reserve(struct at_buf *b, size_t extra)
{
	size_t need, ncap;
	unsigned char *nd;

	if (extra > b->max || b->len > b->max - extra)
		return AT_E_TOOBIG;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return AT_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	nd = malloc(ncap);
	if (nd == NULL)
		return AT_E_NOMEM;
	if (b->data != NULL) {
		memcpy(nd, b->data, b->len + 1);
		if (b->secret)
			at_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = nd;
	b->cap = ncap;
	return AT_OK;
}

enum at_rc
at_buf_reserve(struct at_buf *b, size_t n)
{
	enum at_rc rc = reserve(b, n);

	if (rc == AT_OK)
		b->data[b->len] = '\0';
	return rc;
}

enum at_rc
at_buf_append(struct at_buf *b, const void *p, size_t n)
{
	enum at_rc rc = reserve(b, n);

	if (rc != AT_OK)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return AT_OK;
}

enum at_rc
at_buf_printf(struct at_buf *b, const char *fmt, ...)
{
	va_list ap;
	enum at_rc rc;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return AT_E_INPUT;
	rc = reserve(b, (size_t)n);
	if (rc != AT_OK)
		return rc;
	va_start(ap, fmt);
	n = vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return AT_E_INPUT;
	b->len += (size_t)n;
	return AT_OK;
}

enum at_rc
at_buf_put_u8(struct at_buf *b, uint8_t v)
{
	return at_buf_append(b, &v, 1);
}

enum at_rc
at_buf_put_u16(struct at_buf *b, uint16_t v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	return at_buf_append(b, x, sizeof(x));
}

enum at_rc
at_buf_put_u32(struct at_buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v };

	return at_buf_append(b, x, sizeof(x));
}

enum at_rc
at_buf_get_bytes(struct at_buf *b, void *out, size_t n)
{
	if (n > b->len - b->rpos)
		return AT_E_INPUT;
	if (n > 0)
		memcpy(out, b->data + b->rpos, n);
	b->rpos += n;
	return AT_OK;
}

enum at_rc
at_buf_get_u8(struct at_buf *b, uint8_t *v)
{
	return at_buf_get_bytes(b, v, 1);
}

enum at_rc
at_buf_get_u16(struct at_buf *b, uint16_t *v)
{
	unsigned char x[2];
	enum at_rc rc = at_buf_get_bytes(b, x, sizeof(x));

	if (rc == AT_OK)
		*v = (uint16_t)((x[0] << 8) | x[1]);
	return rc;
}

enum at_rc
at_buf_get_u32(struct at_buf *b, uint32_t *v)
{
	unsigned char x[4];
	enum at_rc rc = at_buf_get_bytes(b, x, sizeof(x));

	if (rc == AT_OK)
		*v = ((uint32_t)x[0] << 24) | ((uint32_t)x[1] << 16) |
		    ((uint32_t)x[2] << 8) | x[3];
	return rc;
}

const char *
at_buf_cstr(const struct at_buf *b)
{
	return b->data != NULL ? (const char *)b->data : empty;
}

char *
at_buf_take(struct at_buf *b, size_t *len)
{
	char *p = (char *)b->data;

	if (len != NULL)
		*len = b->len;
	if (p == NULL) {
		p = calloc(1, 1);
	}
	b->data = NULL;
	b->len = b->cap = b->rpos = 0;
	return p;
}
