/*
 * proto.c - encoding and decoding control messages (see proto.h).  Every
 * read goes through at_buf's checked getters, so a short or overlong
 * message fails cleanly; this file is what the ctl_proto fuzz target
 * exercises.
 */
#include "ctl/proto.h"

#include <string.h>

/* ---- encoding ---------------------------------------------------------- */

static enum at_rc
begin(struct at_buf *out, uint16_t type, uint32_t cookie)
{
	enum at_rc rc = at_buf_put_u32(out, CTL_MAGIC);

	if (rc == AT_OK)
		rc = at_buf_put_u16(out, CTL_VERSION);
	if (rc == AT_OK)
		rc = at_buf_put_u16(out, type);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, cookie);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, 0); /* body length, patched by finish() */
	return rc;
}

static enum at_rc
finish(struct at_buf *out, size_t start, enum at_rc rc, struct at_err *err)
{
	size_t body;

	if (rc != AT_OK) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		if (err != NULL && err->rc == AT_OK)
			(void)at_err_setx(err, rc, "control message does not fit");
		return rc;
	}
	body = out->len - start - CTL_HDR_LEN;
	if (out->len - start > CTL_MSG_MAX) {
		out->len = start;
		return at_err_setx(err, AT_E_TOOBIG, "control message of %zu bytes is too long",
		    body);
	}
	out->data[start + 12] = (unsigned char)(body >> 24);
	out->data[start + 13] = (unsigned char)(body >> 16);
	out->data[start + 14] = (unsigned char)(body >> 8);
	out->data[start + 15] = (unsigned char)body;
	return AT_OK;
}

static enum at_rc
put_str(struct at_buf *out, const char *s, struct at_err *err)
{
	size_t n = strnlen(s, CTL_NAME_MAX + 1);
	enum at_rc rc;

	if (n > CTL_NAME_MAX)
		return at_err_setx(err, AT_E_INPUT, "name longer than %d bytes", CTL_NAME_MAX);
	rc = at_buf_put_u8(out, (uint8_t)n);
	if (rc == AT_OK)
		rc = at_buf_append(out, s, n);
	return rc;
}

static enum at_rc
put_addrs(struct at_buf *out, const struct ctl_addrs *a)
{
	enum at_rc rc = at_buf_put_u8(out, a->family);

	if (rc == AT_OK)
		rc = at_buf_append(out, a->laddr, 16);
	if (rc == AT_OK)
		rc = at_buf_put_u16(out, a->lport);
	if (rc == AT_OK)
		rc = at_buf_append(out, a->raddr, 16);
	if (rc == AT_OK)
		rc = at_buf_put_u16(out, a->rport);
	return rc;
}

static enum at_rc
put_u64(struct at_buf *out, uint64_t v)
{
	enum at_rc rc = at_buf_put_u32(out, (uint32_t)(v >> 32));

	return rc == AT_OK ? at_buf_put_u32(out, (uint32_t)v) : rc;
}

enum at_rc
ctl_encode_map(struct at_buf *out, uint32_t cookie, const struct ctl_map *m,
    struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_MAP, cookie);

	if (rc == AT_OK)
		rc = at_buf_put_u8(out, m->dir);
	if (rc == AT_OK)
		rc = at_buf_put_u8(out, m->flags);
	if (rc == AT_OK)
		rc = put_addrs(out, &m->addrs);
	if (rc == AT_OK)
		rc = put_str(out, m->jobname, err);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_encode_map_reply(struct at_buf *out, uint32_t cookie, const struct ctl_map_reply *r,
    struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_MAP_REPLY, cookie);

	if (rc == AT_OK)
		rc = at_buf_put_u8(out, r->verdict);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)r->errnum);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->conn_id);
	if (rc == AT_OK)
		rc = put_u64(out, r->generation);
	if (rc == AT_OK)
		rc = put_str(out, r->rule, err);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_encode_addr(struct at_buf *out, uint32_t cookie, struct at_err *err)
{
	return ctl_encode_simple(out, CTL_ADDR, cookie, err);
}

enum at_rc
ctl_encode_addr_reply(struct at_buf *out, uint32_t cookie, const struct ctl_addr_reply *r,
    struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_ADDR_REPLY, cookie);

	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)r->errnum);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->conn_id);
	if (rc == AT_OK)
		rc = put_addrs(out, &r->addrs);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)r->so_error);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_encode_query(struct at_buf *out, uint32_t cookie, const struct ctl_query *q,
    struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_QUERY, cookie);

	if (rc == AT_OK)
		rc = at_buf_put_u32(out, q->req_type);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, q->cert_max);
	if (rc == AT_OK)
		rc = at_buf_put_u8(out, q->dir);
	if (rc == AT_OK)
		rc = put_str(out, q->jobname, err);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_encode_query_reply(struct at_buf *out, uint32_t cookie,
    const struct ctl_query_reply *r, struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_QUERY_REPLY, cookie);
	const uint8_t bytes[6] = { r->stat_policy, r->stat_conn, r->prot_ver,
		r->prot_mod, r->sec_type, r->fips140 };

	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)r->errnum);
	if (rc == AT_OK)
		rc = at_buf_append(out, bytes, sizeof(bytes));
	if (rc == AT_OK)
		rc = at_buf_put_u16(out, r->cipher);
	if (rc == AT_OK)
		rc = at_buf_put_u16(out, r->key_share);
	if (rc == AT_OK)
		rc = put_str(out, r->userid, err);
	if (rc == AT_OK)
		rc = put_str(out, r->rule, err);
	if (rc == AT_OK)
		rc = put_str(out, r->group_action, err);
	if (rc == AT_OK)
		rc = put_str(out, r->env_action, err);
	if (rc == AT_OK)
		rc = put_str(out, r->conn_action, err);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->cert_len);
	if (rc == AT_OK && r->cert_len > 0)
		rc = at_buf_append(out, r->cert, r->cert_len);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_encode_simple(struct at_buf *out, uint16_t type, uint32_t cookie, struct at_err *err)
{
	size_t start = out->len;

	return finish(out, start, begin(out, type, cookie), err);
}

enum at_rc
ctl_encode_text_reply(struct at_buf *out, uint16_t type, uint32_t cookie,
    const struct ctl_text_reply *r, struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, type, cookie);

	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)r->errnum);
	if (rc == AT_OK)
		rc = put_u64(out, r->generation);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->text_len);
	if (rc == AT_OK && r->text_len > 0)
		rc = at_buf_append(out, r->text, r->text_len);
	return finish(out, start, rc, err);
}

/* ---- decoding ---------------------------------------------------------- */

static enum at_rc
short_msg(struct at_err *err)
{
	return at_err_setx(err, AT_E_INPUT, "control message is truncated");
}

static enum at_rc
get_str(struct at_buf *in, char *dst, struct at_err *err)
{
	uint8_t n;

	if (at_buf_get_u8(in, &n) != AT_OK)
		return short_msg(err);
	if (n > CTL_NAME_MAX)
		return at_err_setx(err, AT_E_INPUT, "name of %u bytes in a control message", n);
	if (at_buf_get_bytes(in, dst, n) != AT_OK)
		return short_msg(err);
	dst[n] = '\0';
	if (memchr(dst, '\0', n) != NULL)
		return at_err_setx(err, AT_E_INPUT, "name with a NUL byte in a control message");
	return AT_OK;
}

static enum at_rc
get_addrs(struct at_buf *in, struct ctl_addrs *a, struct at_err *err)
{
	if (at_buf_get_u8(in, &a->family) != AT_OK ||
	    at_buf_get_bytes(in, a->laddr, 16) != AT_OK ||
	    at_buf_get_u16(in, &a->lport) != AT_OK ||
	    at_buf_get_bytes(in, a->raddr, 16) != AT_OK ||
	    at_buf_get_u16(in, &a->rport) != AT_OK)
		return short_msg(err);
	if (a->family != 2 /* AF_INET */ && a->family != 10 /* AF_INET6 */)
		return at_err_setx(err, AT_E_INPUT, "unknown address family %u", a->family);
	return AT_OK;
}

static enum at_rc
get_u64(struct at_buf *in, uint64_t *v, struct at_err *err)
{
	uint32_t hi, lo;

	if (at_buf_get_u32(in, &hi) != AT_OK || at_buf_get_u32(in, &lo) != AT_OK)
		return short_msg(err);
	*v = ((uint64_t)hi << 32) | lo;
	return AT_OK;
}

static enum at_rc
end(struct at_buf *in, struct at_err *err)
{
	if (in->rpos != in->len)
		return at_err_setx(err, AT_E_INPUT, "%zu unexpected bytes after a control message",
		    in->len - in->rpos);
	return AT_OK;
}

enum at_rc
ctl_decode_hdr(struct at_buf *in, struct ctl_hdr *h, struct at_err *err)
{
	uint32_t magic;
	uint16_t version;

	if (at_buf_get_u32(in, &magic) != AT_OK || at_buf_get_u16(in, &version) != AT_OK ||
	    at_buf_get_u16(in, &h->type) != AT_OK || at_buf_get_u32(in, &h->cookie) != AT_OK ||
	    at_buf_get_u32(in, &h->len) != AT_OK)
		return short_msg(err);
	if (magic != CTL_MAGIC)
		return at_err_setx(err, AT_E_INPUT, "not an attls control message");
	if (version != CTL_VERSION)
		return at_err_setx(err, AT_E_INPUT, "control protocol version %u; this build "
		    "speaks %u (are attlsd and libattls.so from the same release?)",
		    version, CTL_VERSION);
	if (h->len != in->len - in->rpos)
		return at_err_setx(err, AT_E_INPUT, "control message length %u does not match "
		    "the %zu bytes received", h->len, in->len - in->rpos);
	return AT_OK;
}

enum at_rc
ctl_decode_map(struct at_buf *in, struct ctl_map *m, struct at_err *err)
{
	enum at_rc rc;

	memset(m, 0, sizeof(*m));
	if (at_buf_get_u8(in, &m->dir) != AT_OK || at_buf_get_u8(in, &m->flags) != AT_OK)
		return short_msg(err);
	if (m->dir != CTL_DIR_INBOUND && m->dir != CTL_DIR_OUTBOUND)
		return at_err_setx(err, AT_E_INPUT, "unknown direction %u", m->dir);
	rc = get_addrs(in, &m->addrs, err);
	if (rc == AT_OK)
		rc = get_str(in, m->jobname, err);
	return rc == AT_OK ? end(in, err) : rc;
}

enum at_rc
ctl_decode_map_reply(struct at_buf *in, struct ctl_map_reply *r, struct at_err *err)
{
	uint32_t e;
	enum at_rc rc;

	memset(r, 0, sizeof(*r));
	if (at_buf_get_u8(in, &r->verdict) != AT_OK || at_buf_get_u32(in, &e) != AT_OK ||
	    at_buf_get_u32(in, &r->conn_id) != AT_OK)
		return short_msg(err);
	r->errnum = (int32_t)e;
	if (r->verdict < CTL_CLEAR || r->verdict > CTL_APPL_CONTROL)
		return at_err_setx(err, AT_E_INPUT, "unknown verdict %u", r->verdict);
	rc = get_u64(in, &r->generation, err);
	if (rc == AT_OK)
		rc = get_str(in, r->rule, err);
	return rc == AT_OK ? end(in, err) : rc;
}

enum at_rc
ctl_decode_addr_reply(struct at_buf *in, struct ctl_addr_reply *r, struct at_err *err)
{
	uint32_t e, so;
	enum at_rc rc;

	memset(r, 0, sizeof(*r));
	if (at_buf_get_u32(in, &e) != AT_OK || at_buf_get_u32(in, &r->conn_id) != AT_OK)
		return short_msg(err);
	r->errnum = (int32_t)e;
	rc = get_addrs(in, &r->addrs, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_get_u32(in, &so) != AT_OK)
		return short_msg(err);
	r->so_error = (int32_t)so;
	return end(in, err);
}

enum at_rc
ctl_decode_query(struct at_buf *in, struct ctl_query *q, struct at_err *err)
{
	enum at_rc rc;

	memset(q, 0, sizeof(*q));
	if (at_buf_get_u32(in, &q->req_type) != AT_OK || at_buf_get_u32(in, &q->cert_max) != AT_OK ||
	    at_buf_get_u8(in, &q->dir) != AT_OK)
		return short_msg(err);
	if (q->dir > CTL_DIR_OUTBOUND)
		return at_err_setx(err, AT_E_INPUT, "unknown direction %u", q->dir);
	rc = get_str(in, q->jobname, err);
	return rc == AT_OK ? end(in, err) : rc;
}

enum at_rc
ctl_decode_query_reply(struct at_buf *in, struct ctl_query_reply *r, struct at_err *err)
{
	uint8_t bytes[6];
	uint32_t e;
	enum at_rc rc;

	memset(r, 0, sizeof(*r));
	if (at_buf_get_u32(in, &e) != AT_OK || at_buf_get_bytes(in, bytes, sizeof(bytes)) != AT_OK ||
	    at_buf_get_u16(in, &r->cipher) != AT_OK || at_buf_get_u16(in, &r->key_share) != AT_OK)
		return short_msg(err);
	r->errnum = (int32_t)e;
	r->stat_policy = bytes[0];
	r->stat_conn = bytes[1];
	r->prot_ver = bytes[2];
	r->prot_mod = bytes[3];
	r->sec_type = bytes[4];
	r->fips140 = bytes[5];
	rc = get_str(in, r->userid, err);
	if (rc == AT_OK)
		rc = get_str(in, r->rule, err);
	if (rc == AT_OK)
		rc = get_str(in, r->group_action, err);
	if (rc == AT_OK)
		rc = get_str(in, r->env_action, err);
	if (rc == AT_OK)
		rc = get_str(in, r->conn_action, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_get_u32(in, &r->cert_len) != AT_OK)
		return short_msg(err);
	if (r->cert_len > in->len - in->rpos)
		return short_msg(err);
	r->cert = r->cert_len > 0 ? in->data + in->rpos : NULL;
	in->rpos += r->cert_len;
	return end(in, err);
}

enum at_rc
ctl_decode_text_reply(struct at_buf *in, struct ctl_text_reply *r, struct at_err *err)
{
	uint32_t e;
	enum at_rc rc;

	memset(r, 0, sizeof(*r));
	if (at_buf_get_u32(in, &e) != AT_OK)
		return short_msg(err);
	r->errnum = (int32_t)e;
	rc = get_u64(in, &r->generation, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_get_u32(in, &r->text_len) != AT_OK)
		return short_msg(err);
	if (r->text_len > in->len - in->rpos)
		return short_msg(err);
	r->text = (const char *)in->data + in->rpos;
	in->rpos += r->text_len;
	return end(in, err);
}

enum at_rc
ctl_decode_empty(struct at_buf *in, struct at_err *err)
{
	return end(in, err);
}

/* ---- views ------------------------------------------------------------- */

enum at_rc
ctl_encode_view(struct at_buf *out, uint32_t cookie, const struct ctl_view *v,
    struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_VIEW, cookie);

	if (rc == AT_OK)
		rc = at_buf_put_u8(out, v->kind);
	if (rc == AT_OK)
		rc = at_buf_put_u8(out, v->flags);
	if (rc == AT_OK)
		rc = put_u64(out, v->snapshot);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, v->offset);
	if (rc == AT_OK)
		rc = at_buf_put_u8(out, v->dir);
	if (rc == AT_OK)
		rc = put_addrs(out, &v->addrs);
	if (rc == AT_OK)
		rc = put_u64(out, v->now);
	if (rc == AT_OK)
		rc = at_buf_put_u16(out, v->port);
	if (rc == AT_OK)
		rc = put_str(out, v->job, err);
	if (rc == AT_OK)
		rc = put_str(out, v->user, err);
	if (rc == AT_OK)
		rc = put_str(out, v->rule, err);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_encode_view_reply(struct at_buf *out, uint32_t cookie, const struct ctl_view_reply *r,
    struct at_err *err)
{
	size_t start = out->len;
	enum at_rc rc = begin(out, CTL_VIEW_REPLY, cookie);

	if (r->text_len > CTL_VIEW_PART)
		return at_err_setx(err, AT_E_TOOBIG, "view part of %u bytes is too long",
		    r->text_len);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, (uint32_t)r->errnum);
	if (rc == AT_OK)
		rc = put_u64(out, r->generation);
	if (rc == AT_OK)
		rc = put_u64(out, r->snapshot);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->total);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->offset);
	if (rc == AT_OK)
		rc = at_buf_put_u32(out, r->text_len);
	if (rc == AT_OK && r->text_len > 0)
		rc = at_buf_append(out, r->text, r->text_len);
	return finish(out, start, rc, err);
}

enum at_rc
ctl_decode_view(struct at_buf *in, struct ctl_view *v, struct at_err *err)
{
	enum at_rc rc;

	memset(v, 0, sizeof(*v));
	if (at_buf_get_u8(in, &v->kind) != AT_OK || at_buf_get_u8(in, &v->flags) != AT_OK)
		return short_msg(err);
	if (v->kind < CTL_VIEW_POLICY || v->kind > CTL_VIEW_NETSTAT)
		return at_err_setx(err, AT_E_INPUT, "unknown view %u", v->kind);
	if ((v->flags & ~CTL_VIEW_JSON) != 0)
		return at_err_setx(err, AT_E_INPUT, "unknown view flags 0x%02x", v->flags);
	rc = get_u64(in, &v->snapshot, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_get_u32(in, &v->offset) != AT_OK || at_buf_get_u8(in, &v->dir) != AT_OK)
		return short_msg(err);
	if (v->dir > CTL_DIR_OUTBOUND)
		return at_err_setx(err, AT_E_INPUT, "unknown direction %u", v->dir);
	rc = get_addrs(in, &v->addrs, err);
	if (rc == AT_OK)
		rc = get_u64(in, &v->now, err);
	if (rc == AT_OK && at_buf_get_u16(in, &v->port) != AT_OK)
		rc = short_msg(err);
	if (rc == AT_OK)
		rc = get_str(in, v->job, err);
	if (rc == AT_OK)
		rc = get_str(in, v->user, err);
	if (rc == AT_OK)
		rc = get_str(in, v->rule, err);
	return rc == AT_OK ? end(in, err) : rc;
}

enum at_rc
ctl_decode_view_reply(struct at_buf *in, struct ctl_view_reply *r, struct at_err *err)
{
	uint32_t e;
	enum at_rc rc;

	memset(r, 0, sizeof(*r));
	if (at_buf_get_u32(in, &e) != AT_OK)
		return short_msg(err);
	r->errnum = (int32_t)e;
	rc = get_u64(in, &r->generation, err);
	if (rc == AT_OK)
		rc = get_u64(in, &r->snapshot, err);
	if (rc != AT_OK)
		return rc;
	if (at_buf_get_u32(in, &r->total) != AT_OK || at_buf_get_u32(in, &r->offset) != AT_OK ||
	    at_buf_get_u32(in, &r->text_len) != AT_OK)
		return short_msg(err);
	if (r->text_len > in->len - in->rpos || r->text_len > CTL_VIEW_PART ||
	    r->offset > r->total || r->text_len > r->total - r->offset)
		return short_msg(err);
	r->text = (const char *)in->data + in->rpos;
	in->rpos += r->text_len;
	return end(in, err);
}
