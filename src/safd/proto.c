/*
 * proto.c - encoding and strict decoding of SAF service records.
 */
#include "safd/proto.h"

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

/* Which fields each op takes and needs (index: op). */
static const struct {
	uint32_t allowed, required;
} op_rules[SAFP_OP_LAST + 1] = {
	[SAFP_VERIFY] = { SAFP_F(SAFT_USER) | SAFP_F(SAFT_SECRET) |
	    SAFP_F(SAFT_APPL) | SAFP_F(SAFT_NEWPASS),
	    SAFP_F(SAFT_USER) | SAFP_F(SAFT_SECRET) },
	[SAFP_AUTH] = { SAFP_F(SAFT_USER) | SAFP_F(SAFT_CLASS) |
	    SAFP_F(SAFT_RESOURCE) | SAFP_F(SAFT_ACCESS),
	    SAFP_F(SAFT_CLASS) | SAFP_F(SAFT_RESOURCE) | SAFP_F(SAFT_ACCESS) },
	[SAFP_GROUPS] = { SAFP_F(SAFT_USER), 0 },
	[SAFP_PTKTGEN] = { SAFP_F(SAFT_USER) | SAFP_F(SAFT_APPL),
	    SAFP_F(SAFT_USER) | SAFP_F(SAFT_APPL) },
	[SAFP_MAPCERT] = { SAFP_F(SAFT_CERT), SAFP_F(SAFT_CERT) },
	[SAFP_MAPIDID] = { SAFP_F(SAFT_NAME) | SAFP_F(SAFT_REGISTRY),
	    SAFP_F(SAFT_NAME) | SAFP_F(SAFT_REGISTRY) },
	[SAFP_OMVS] = { SAFP_F(SAFT_USER) | SAFP_F(SAFT_UID), 0 },
};

#define REPLY_TAGS (SAFP_F(SAFT_STATUS) | SAFP_F(SAFT_SAF_RC) | \
    SAFP_F(SAFT_RACF_RC) | SAFP_F(SAFT_REASON) | SAFP_F(SAFT_RUSER) | \
    SAFP_F(SAFT_MESSAGES) | SAFP_F(SAFT_TICKET) | SAFP_F(SAFT_GROUP) | \
    SAFP_F(SAFT_OUID) | SAFP_F(SAFT_OGID) | SAFP_F(SAFT_HOME) | \
    SAFP_F(SAFT_PROGRAM) | SAFP_F(SAFT_DFLTGRP) | SAFP_F(SAFT_ERRMSG))

const char *
safp_op_name(unsigned op)
{
	static const char *const names[] = { "?", "VERIFY", "AUTH", "GROUPS",
	    "PTKTGEN", "MAPCERT", "MAPIDID", "OMVS" };

	return op <= SAFP_OP_LAST ? names[op] : "?";
}

/*
 * Text may hold printable ASCII and bytes above 0x7f (a DN in UTF-8);
 * never NUL or another control character, so nothing decoded can end a
 * string early or start a new line in a log.  Message text may hold
 * newlines between its lines.
 */
static bool
text_ok(const unsigned char *p, size_t n, bool lines)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && lines)
			continue;
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	}
	return true;
}

/* Where a text field lives in a request, and its bound. */
static char *
req_text(struct safp_req *r, unsigned tag, size_t *max)
{
	switch (tag) {
	case SAFT_USER: *max = SAFP_NAME_MAX; return r->user;
	case SAFT_SECRET: *max = SAFP_SECRET_MAX; return r->secret;
	case SAFT_APPL: *max = SAFP_NAME_MAX; return r->appl;
	case SAFT_NEWPASS: *max = SAFP_SECRET_MAX; return r->newpass;
	case SAFT_CLASS: *max = SAFP_NAME_MAX; return r->cls;
	case SAFT_RESOURCE: *max = SAFP_RESOURCE_MAX; return r->resource;
	case SAFT_ACCESS: *max = SAFP_ACCESS_MAX; return r->access;
	case SAFT_NAME: *max = SAFP_IDNAME_MAX; return r->name;
	case SAFT_REGISTRY: *max = SAFP_REGISTRY_MAX; return r->registry;
	default: *max = 0; return NULL;
	}
}

static char *
rep_text(struct safp_rep *r, unsigned tag, size_t *max, bool *lines)
{
	*lines = false;
	switch (tag) {
	case SAFT_RUSER: *max = SAFP_NAME_MAX; return r->ruser;
	case SAFT_MESSAGES: *max = SAFP_TEXT_MAX; *lines = true;
		return r->messages;
	case SAFT_TICKET: *max = SAFP_TICKET_LEN; return r->ticket;
	case SAFT_HOME: *max = SAFP_PATH_MAX; return r->home;
	case SAFT_PROGRAM: *max = SAFP_PATH_MAX; return r->program;
	case SAFT_DFLTGRP: *max = SAFP_NAME_MAX; return r->dfltgrp;
	case SAFT_ERRMSG: *max = SAFP_ERRMSG_MAX; *lines = true;
		return r->errmsg;
	default: *max = 0; return NULL;
	}
}

static enum at_rc
set_text(char *dst, size_t max, bool lines, const char *s, const char *what,
    struct at_err *err)
{
	size_t n = strlen(s);

	if (n == 0)
		return at_err_setx(err, AT_E_INPUT, "the %s is empty", what);
	if (n > max)
		return at_err_setx(err, AT_E_INPUT, "the %s is longer than %zu "
		    "bytes", what, max);
	if (!text_ok((const unsigned char *)s, n, lines))
		return at_err_setx(err, AT_E_INPUT, "the %s holds a control "
		    "character", what);
	memcpy(dst, s, n + 1);
	return AT_OK;
}

static const char *
tag_name(unsigned tag)
{
	static const char *const names[SAFT_LAST + 1] = {
		[SAFT_USER] = "user",
		[SAFT_SECRET] = "password or PassTicket",
		[SAFT_APPL] = "application",
		[SAFT_NEWPASS] = "new password",
		[SAFT_CLASS] = "class",
		[SAFT_RESOURCE] = "resource",
		[SAFT_ACCESS] = "access",
		[SAFT_CERT] = "certificate",
		[SAFT_NAME] = "distributed name",
		[SAFT_REGISTRY] = "registry",
		[SAFT_UID] = "uid",
		[SAFT_STATUS] = "status",
		[SAFT_SAF_RC] = "SAF return code",
		[SAFT_RACF_RC] = "RACF return code",
		[SAFT_REASON] = "reason code",
		[SAFT_RUSER] = "user",
		[SAFT_MESSAGES] = "messages",
		[SAFT_TICKET] = "PassTicket",
		[SAFT_GROUP] = "group",
		[SAFT_OUID] = "OMVS UID",
		[SAFT_OGID] = "OMVS GID",
		[SAFT_HOME] = "home",
		[SAFT_PROGRAM] = "program",
		[SAFT_DFLTGRP] = "default group",
		[SAFT_ERRMSG] = "error message",
	};

	return tag <= SAFT_LAST && names[tag] != NULL ? names[tag] : "?";
}

enum at_rc
safp_req_set(struct safp_req *req, enum safp_tag tag, const char *s,
    struct at_err *err)
{
	size_t max;
	char *dst = req_text(req, tag, &max);

	if (dst == NULL)
		return at_err_setx(err, AT_E_INTERNAL, "tag %u is not text", tag);
	if (set_text(dst, max, false, s, tag_name(tag), err) != AT_OK)
		return AT_E_INPUT;
	req->present |= SAFP_F(tag);
	return AT_OK;
}

enum at_rc
safp_rep_set(struct safp_rep *rep, enum safp_tag tag, const char *s,
    struct at_err *err)
{
	size_t max;
	bool lines;
	char *dst = rep_text(rep, tag, &max, &lines);

	if (dst == NULL)
		return at_err_setx(err, AT_E_INTERNAL, "tag %u is not text", tag);
	/* An answer's text may be empty (no messages): then it is left out. */
	if (s[0] == '\0') {
		dst[0] = '\0';
		rep->present &= ~SAFP_F(tag);
		return AT_OK;
	}
	if (set_text(dst, max, lines, s, tag_name(tag), err) != AT_OK)
		return AT_E_INPUT;
	rep->present |= SAFP_F(tag);
	return AT_OK;
}

enum at_rc
safp_rep_add_group(struct safp_rep *rep, const char *group,
    struct at_err *err)
{
	if (rep->ngroups >= SAFP_GROUPS_MAX)
		return at_err_setx(err, AT_E_TOOBIG, "more than %d groups",
		    SAFP_GROUPS_MAX);
	if (set_text(rep->groups[rep->ngroups], SAFP_NAME_MAX, false, group,
	    "group", err) != AT_OK)
		return AT_E_INPUT;
	rep->ngroups++;
	rep->present |= SAFP_F(SAFT_GROUP);
	return AT_OK;
}

static enum at_rc
put_header(struct at_buf *out, uint8_t op, uint32_t id)
{
	at_buf_reset(out);
	if (at_buf_put_u8(out, SAFP_VERSION) != AT_OK ||
	    at_buf_put_u8(out, op) != AT_OK || at_buf_put_u16(out, 0) != AT_OK ||
	    at_buf_put_u32(out, id) != AT_OK)
		return AT_E_TOOBIG;
	return AT_OK;
}

static enum at_rc
put_field(struct at_buf *out, unsigned tag, const void *p, size_t n)
{
	if (n > 0xffff)
		return AT_E_TOOBIG;
	if (at_buf_put_u8(out, (uint8_t)tag) != AT_OK ||
	    at_buf_put_u16(out, (uint16_t)n) != AT_OK ||
	    at_buf_append(out, p, n) != AT_OK)
		return AT_E_TOOBIG;
	return AT_OK;
}

static enum at_rc
put_u32(struct at_buf *out, unsigned tag, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)(v >> 24),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	    (unsigned char)v };

	return put_field(out, tag, b, sizeof(b));
}

static enum at_rc
check_rules(uint8_t op, uint32_t present, struct at_err *err)
{
	uint32_t extra, missing;
	unsigned t;

	if (op == 0 || op > SAFP_OP_LAST)
		return at_err_setx(err, AT_E_INPUT, "unknown request %u", op);
	extra = present & ~op_rules[op].allowed;
	missing = op_rules[op].required & ~present;
	for (t = 1; t <= SAFT_LAST; t++) {
		if ((extra & SAFP_F(t)) != 0)
			return at_err_setx(err, AT_E_INPUT, "%s takes no %s",
			    safp_op_name(op), tag_name(t));
		if ((missing & SAFP_F(t)) != 0)
			return at_err_setx(err, AT_E_INPUT, "%s needs a %s",
			    safp_op_name(op), tag_name(t));
	}
	if (op == SAFP_OMVS && (present & SAFP_F(SAFT_USER)) != 0 &&
	    (present & SAFP_F(SAFT_UID)) != 0)
		return at_err_setx(err, AT_E_INPUT, "OMVS takes a user or a uid, "
		    "not both");
	return AT_OK;
}

enum at_rc
safp_req_encode(const struct safp_req *req, struct at_buf *out,
    struct at_err *err)
{
	struct safp_req tmp;
	unsigned t;

	if (check_rules(req->op, req->present, err) != AT_OK)
		return AT_E_INPUT;
	if ((req->present & SAFP_F(SAFT_CERT)) != 0 &&
	    (req->certlen == 0 || req->certlen > SAFP_CERT_MAX))
		return at_err_setx(err, AT_E_INPUT, "a certificate is 1 to %d "
		    "bytes", SAFP_CERT_MAX);
	if (put_header(out, req->op, req->id) != AT_OK)
		goto toobig;
	/* req_text wants a writable struct only to share its table. */
	memcpy(&tmp, req, sizeof(tmp));
	for (t = 1; t <= SAFT_UID; t++) {
		size_t max;
		const char *s;
		enum at_rc rc;

		if ((req->present & SAFP_F(t)) == 0)
			continue;
		if (t == SAFT_CERT)
			rc = put_field(out, t, req->cert, req->certlen);
		else if (t == SAFT_UID)
			rc = put_u32(out, t, req->uid);
		else {
			s = req_text(&tmp, t, &max);
			rc = put_field(out, t, s, strnlen(s, max + 1));
		}
		if (rc != AT_OK) {
			at_wipe(&tmp, sizeof(tmp));
			goto toobig;
		}
	}
	at_wipe(&tmp, sizeof(tmp));
	return AT_OK;
toobig:
	at_buf_reset(out);
	return at_err_setx(err, AT_E_TOOBIG, "the request does not fit in %d "
	    "bytes", SAFP_MSG_MAX);
}

enum at_rc
safp_rep_encode(const struct safp_rep *rep, struct at_buf *out,
    struct at_err *err)
{
	struct safp_rep *tmp;
	enum at_rc rc = AT_OK;
	unsigned t;
	size_t i;

	if (rep->op == 0 || rep->op > SAFP_OP_LAST)
		return at_err_setx(err, AT_E_INPUT, "unknown reply %u", rep->op);
	if (put_header(out, (uint8_t)(rep->op | SAFP_REPLY), rep->id) != AT_OK ||
	    put_field(out, SAFT_STATUS, &rep->status, 1) != AT_OK)
		goto toobig;
	if (put_u32(out, SAFT_SAF_RC, rep->saf_rc) != AT_OK ||
	    put_u32(out, SAFT_RACF_RC, rep->racf_rc) != AT_OK ||
	    put_u32(out, SAFT_REASON, rep->reason) != AT_OK)
		goto toobig;
	if ((rep->present & SAFP_F(SAFT_OUID)) != 0 &&
	    put_u32(out, SAFT_OUID, rep->ouid) != AT_OK)
		goto toobig;
	if ((rep->present & SAFP_F(SAFT_OGID)) != 0 &&
	    put_u32(out, SAFT_OGID, rep->ogid) != AT_OK)
		goto toobig;
	for (i = 0; i < rep->ngroups; i++)
		if (put_field(out, SAFT_GROUP, rep->groups[i],
		    strnlen(rep->groups[i], SAFP_NAME_MAX + 1)) != AT_OK)
			goto toobig;
	/* rep_text's table wants a writable struct; the reply is large. */
	tmp = malloc(sizeof(*tmp));
	if (tmp == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	memcpy(tmp, rep, sizeof(*tmp));
	for (t = SAFT_RUSER; t <= SAFT_LAST && rc == AT_OK; t++) {
		size_t max;
		bool lines;
		const char *s;

		if ((rep->present & SAFP_F(t)) == 0 ||
		    (s = rep_text(tmp, t, &max, &lines)) == NULL)
			continue;
		rc = put_field(out, t, s, strnlen(s, max + 1));
	}
	at_wipe(tmp, sizeof(*tmp));
	free(tmp);
	if (rc == AT_OK)
		return AT_OK;
toobig:
	at_buf_reset(out);
	return at_err_setx(err, AT_E_TOOBIG, "the reply does not fit in %d "
	    "bytes", SAFP_MSG_MAX);
}

static uint32_t
get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

uint32_t
safp_peek_id(const unsigned char *p, size_t n)
{
	return n >= SAFP_HDR_LEN ? get_u32(p + 4) : 0;
}

/* Reads the header; *op without the reply bit. */
static enum at_rc
get_header(const unsigned char *p, size_t n, bool reply, uint8_t *op,
    uint32_t *id, struct at_err *err)
{
	if (n < SAFP_HDR_LEN)
		return at_err_setx(err, AT_E_INPUT, "a record of %zu bytes is "
		    "shorter than the header", n);
	if (n > SAFP_MSG_MAX)
		return at_err_setx(err, AT_E_INPUT, "a record of %zu bytes is "
		    "longer than %d", n, SAFP_MSG_MAX);
	if (p[0] != SAFP_VERSION)
		return at_err_setx(err, AT_E_INPUT, "protocol version %u (this "
		    "side speaks %d)", p[0], SAFP_VERSION);
	if (((p[1] & SAFP_REPLY) != 0) != reply)
		return at_err_setx(err, AT_E_INPUT, "a %s where a %s belongs",
		    reply ? "request" : "reply", reply ? "reply" : "request");
	if (p[2] != 0 || p[3] != 0)
		return at_err_setx(err, AT_E_INPUT, "reserved header bytes are "
		    "not zero");
	*op = (uint8_t)(p[1] & ~SAFP_REPLY);
	if (*op == 0 || *op > SAFP_OP_LAST)
		return at_err_setx(err, AT_E_INPUT, "unknown request %u", *op);
	*id = get_u32(p + 4);
	return AT_OK;
}

/*
 * The next field at *pos: tag, value and length; AT_E_INPUT if cut, and
 * then *v is left as it was.  The failures return AT_E_INPUT by name so
 * that a reader (and the static analyser, which cannot see into
 * at_err_setx) knows a NULL *v is never used as a value.
 */
static enum at_rc
next_field(const unsigned char *p, size_t n, size_t *pos, unsigned *tag,
    const unsigned char **v, size_t *len, struct at_err *err)
{
	if (n - *pos < 3) {
		(void)at_err_setx(err, AT_E_INPUT, "a field header is cut "
		    "short at byte %zu", *pos);
		return AT_E_INPUT;
	}
	*tag = p[*pos];
	*len = (size_t)p[*pos + 1] << 8 | p[*pos + 2];
	*pos += 3;
	if (n - *pos < *len) {
		(void)at_err_setx(err, AT_E_INPUT, "a field of %zu bytes "
		    "runs past the end of the record", *len);
		return AT_E_INPUT;
	}
	*v = p + *pos;
	*pos += *len;
	return AT_OK;
}

static enum at_rc
copy_text(char *dst, size_t max, bool lines, unsigned tag,
    const unsigned char *v, size_t len, struct at_err *err)
{
	if (len == 0 || len > max)
		return at_err_setx(err, AT_E_INPUT, "the %s is %zu bytes "
		    "(1 to %zu)", tag_name(tag), len, max);
	if (!text_ok(v, len, lines))
		return at_err_setx(err, AT_E_INPUT, "the %s holds a control "
		    "character", tag_name(tag));
	memcpy(dst, v, len);
	dst[len] = '\0';
	return AT_OK;
}

enum at_rc
safp_req_decode(const unsigned char *p, size_t n, struct safp_req *req,
    struct at_err *err)
{
	size_t pos = SAFP_HDR_LEN;
	enum at_rc rc;

	memset(req, 0, sizeof(*req));
	rc = get_header(p, n, false, &req->op, &req->id, err);
	while (rc == AT_OK && pos < n) {
		const unsigned char *v = NULL;
		unsigned tag = 0;
		size_t len = 0, max;
		char *dst;

		rc = next_field(p, n, &pos, &tag, &v, &len, err);
		if (rc != AT_OK)
			break;
		if (tag == 0 || tag > SAFT_UID) {
			rc = at_err_setx(err, AT_E_INPUT, "unknown field %u in a "
			    "request", tag);
			break;
		}
		if ((req->present & SAFP_F(tag)) != 0) {
			rc = at_err_setx(err, AT_E_INPUT, "the %s is given twice",
			    tag_name(tag));
			break;
		}
		req->present |= SAFP_F(tag);
		if (tag == SAFT_UID) {
			if (len != 4)
				rc = at_err_setx(err, AT_E_INPUT, "a uid is 4 "
				    "bytes, not %zu", len);
			else
				req->uid = get_u32(v);
		} else if (tag == SAFT_CERT) {
			if (len == 0 || len > SAFP_CERT_MAX)
				rc = at_err_setx(err, AT_E_INPUT, "a certificate "
				    "is 1 to %d bytes, not %zu", SAFP_CERT_MAX,
				    len);
			req->cert = v;
			req->certlen = len;
		} else {
			dst = req_text(req, tag, &max);
			rc = copy_text(dst, max, false, tag, v, len, err);
		}
	}
	if (rc == AT_OK)
		rc = check_rules(req->op, req->present, err);
	if (rc != AT_OK)
		safp_req_wipe(req);
	return rc;
}

enum at_rc
safp_rep_decode(const unsigned char *p, size_t n, struct safp_rep *rep,
    struct at_err *err)
{
	size_t pos = SAFP_HDR_LEN;
	enum at_rc rc;

	memset(rep, 0, sizeof(*rep));
	rc = get_header(p, n, true, &rep->op, &rep->id, err);
	while (rc == AT_OK && pos < n) {
		const unsigned char *v = NULL;
		unsigned tag = 0;
		size_t len = 0, max;
		bool lines;
		char *dst;

		rc = next_field(p, n, &pos, &tag, &v, &len, err);
		if (rc != AT_OK)
			break;
		if (tag > 31 || (REPLY_TAGS & SAFP_F(tag)) == 0) {
			rc = at_err_setx(err, AT_E_INPUT, "unknown field %u in a "
			    "reply", tag);
			break;
		}
		if (tag != SAFT_GROUP && (rep->present & SAFP_F(tag)) != 0) {
			rc = at_err_setx(err, AT_E_INPUT, "the %s is given twice",
			    tag_name(tag));
			break;
		}
		rep->present |= SAFP_F(tag);
		switch (tag) {
		case SAFT_STATUS:
			if (len != 1)
				rc = at_err_setx(err, AT_E_INPUT, "a status is 1 "
				    "byte");
			else
				rep->status = v[0];
			break;
		case SAFT_SAF_RC: case SAFT_RACF_RC: case SAFT_REASON:
		case SAFT_OUID: case SAFT_OGID:
			if (len != 4) {
				rc = at_err_setx(err, AT_E_INPUT, "the %s is 4 "
				    "bytes, not %zu", tag_name(tag), len);
				break;
			}
			*(tag == SAFT_SAF_RC ? &rep->saf_rc : tag == SAFT_RACF_RC ?
			    &rep->racf_rc : tag == SAFT_REASON ? &rep->reason :
			    tag == SAFT_OUID ? &rep->ouid : &rep->ogid) = get_u32(v);
			break;
		case SAFT_GROUP:
			if (rep->ngroups >= SAFP_GROUPS_MAX) {
				rc = at_err_setx(err, AT_E_INPUT, "more than %d "
				    "groups", SAFP_GROUPS_MAX);
				break;
			}
			rc = copy_text(rep->groups[rep->ngroups], SAFP_NAME_MAX,
			    false, tag, v, len, err);
			if (rc == AT_OK)
				rep->ngroups++;
			break;
		default:
			dst = rep_text(rep, tag, &max, &lines);
			rc = copy_text(dst, max, lines, tag, v, len, err);
			break;
		}
	}
	if (rc == AT_OK && (rep->present & (SAFP_F(SAFT_STATUS) |
	    SAFP_F(SAFT_SAF_RC))) != (SAFP_F(SAFT_STATUS) | SAFP_F(SAFT_SAF_RC)))
		rc = at_err_setx(err, AT_E_INPUT, "a reply without its status "
		    "and SAF return code");
	if (rc == AT_OK && rep->status == 0 && rep->saf_rc != 0 &&
	    rep->saf_rc != 4 && rep->saf_rc != 8)
		rc = at_err_setx(err, AT_E_INPUT, "SAF return code %u",
		    (unsigned)rep->saf_rc);
	if (rc != AT_OK)
		memset(rep, 0, sizeof(*rep));
	return rc;
}

void
safp_req_wipe(struct safp_req *req)
{
	at_wipe(req, sizeof(*req));
}
