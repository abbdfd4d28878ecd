/*
 * proto.h - the SAF service's wire format, spoken by attls-safd and by
 * libattls-saf.  Depends on libc and common/ only (the client library is
 * loaded into PAM-using servers).
 *
 * Transport: SOCK_SEQPACKET, one request or reply per record, at most
 * SAFP_MSG_MAX bytes; every request carries SCM_CREDENTIALS (ctl_send),
 * so the service judges the sender as it is at that moment.
 *
 * A record:
 *   u8 version (SAFP_VERSION)  u8 op (| SAFP_REPLY in a reply)
 *   u16 zero                   u32 request id (echoed in the reply)
 *   fields: u8 tag, u16 length, length bytes; big-endian numbers.
 *
 * The decoder refuses, as a whole: a short header, another version, an
 * unknown op or tag, a tag given twice (GROUP excepted, in replies), a
 * field longer than its bound or of the wrong size, text with a NUL or a
 * control character, a field the op does not take, a missing field the
 * op needs, and bytes left over.  Nothing decoded from a refused record
 * is used.
 */
#ifndef ATTLS_SAFD_PROTO_H
#define ATTLS_SAFD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

#define SAFP_VERSION 1
#define SAFP_MSG_MAX 65536
#define SAFP_HDR_LEN 8
#define SAFP_REPLY 0x80u

enum safp_op {
	SAFP_VERIFY = 1,  /* user, secret [, appl] [, newpass] */
	SAFP_AUTH,        /* [user,] class, resource, access */
	SAFP_GROUPS,      /* [user] */
	SAFP_PTKTGEN,     /* user, appl */
	SAFP_MAPCERT,     /* cert */
	SAFP_MAPIDID,     /* name, registry */
	SAFP_OMVS,        /* [user | uid] */
	SAFP_OP_LAST = SAFP_OMVS
};

/* Request tags. */
enum safp_tag {
	SAFT_USER = 1,
	SAFT_SECRET,
	SAFT_APPL,
	SAFT_NEWPASS,
	SAFT_CLASS,
	SAFT_RESOURCE,
	SAFT_ACCESS,
	SAFT_CERT,
	SAFT_NAME,
	SAFT_REGISTRY,
	SAFT_UID,
	/* reply tags */
	SAFT_STATUS = 16,   /* u8: 0 answered, else enum attls_saf_errcode */
	SAFT_SAF_RC,        /* u32 */
	SAFT_RACF_RC,       /* u32 */
	SAFT_REASON,        /* u32 */
	SAFT_RUSER,         /* the user the answer is about */
	SAFT_MESSAGES,      /* RACF's lines, '\n'-separated */
	SAFT_TICKET,        /* 8 characters */
	SAFT_GROUP,         /* repeated */
	SAFT_OUID,          /* u32 */
	SAFT_OGID,          /* u32 */
	SAFT_HOME,
	SAFT_PROGRAM,
	SAFT_DFLTGRP,
	SAFT_ERRMSG,        /* why there is no answer */
	SAFT_LAST = SAFT_ERRMSG
};

#define SAFP_F(tag) (1u << (tag))

/* Field bounds (bytes, without the NUL the decoded copies get). */
#define SAFP_NAME_MAX 8          /* user, appl, class, group */
#define SAFP_SECRET_MAX 100      /* password, phrase or PassTicket */
#define SAFP_RESOURCE_MAX 246
#define SAFP_ACCESS_MAX 7
#define SAFP_CERT_MAX 16384
#define SAFP_IDNAME_MAX 246
#define SAFP_REGISTRY_MAX 252
#define SAFP_TEXT_MAX 4095
#define SAFP_ERRMSG_MAX 1023
#define SAFP_PATH_MAX 1023
#define SAFP_TICKET_LEN 8
#define SAFP_GROUPS_MAX 128

/*
 * A request, decoded or to encode.  present says which fields are set
 * (SAFP_F(tag)).  cert points into the record it was decoded from (or the
 * caller's bytes when encoding).  Holds secrets: safp_req_wipe when done.
 */
struct safp_req {
	uint8_t op;
	uint32_t id;
	uint32_t present;
	char user[SAFP_NAME_MAX + 1];
	char secret[SAFP_SECRET_MAX + 1];
	char appl[SAFP_NAME_MAX + 1];
	char newpass[SAFP_SECRET_MAX + 1];
	char cls[SAFP_NAME_MAX + 1];
	char resource[SAFP_RESOURCE_MAX + 1];
	char access[SAFP_ACCESS_MAX + 1];
	const unsigned char *cert;
	size_t certlen;
	char name[SAFP_IDNAME_MAX + 1];
	char registry[SAFP_REGISTRY_MAX + 1];
	uint32_t uid;
};

/* A reply.  Plain data. */
struct safp_rep {
	uint8_t op;
	uint32_t id;
	uint32_t present;
	uint8_t status;
	uint32_t saf_rc, racf_rc, reason;
	char ruser[SAFP_NAME_MAX + 1];
	char messages[SAFP_TEXT_MAX + 1];
	char ticket[SAFP_TICKET_LEN + 1];
	size_t ngroups;
	char groups[SAFP_GROUPS_MAX][SAFP_NAME_MAX + 1];
	uint32_t ouid, ogid;
	char home[SAFP_PATH_MAX + 1];
	char program[SAFP_PATH_MAX + 1];
	char dfltgrp[SAFP_NAME_MAX + 1];
	char errmsg[SAFP_ERRMSG_MAX + 1];
};

/* Sets a text field of req (tag) to s and marks it present; AT_E_INPUT
 * when it is too long or holds a control character. */
AT_MUST_CHECK enum at_rc safp_req_set(struct safp_req *req, enum safp_tag tag,
    const char *s, struct at_err *err);

/* The same for a reply; "" clears the field.  Callers filling a refusal
 * may ignore the result: the field then stays empty. */
enum at_rc safp_rep_set(struct safp_rep *rep, enum safp_tag tag,
    const char *s, struct at_err *err);

/* Appends a group to a reply; AT_E_TOOBIG past SAFP_GROUPS_MAX. */
AT_MUST_CHECK enum at_rc safp_rep_add_group(struct safp_rep *rep,
    const char *group, struct at_err *err);

/* Encodes into out (emptied first; max at least SAFP_MSG_MAX).  The op's
 * field rules are checked as the decoder checks them. */
AT_MUST_CHECK enum at_rc safp_req_encode(const struct safp_req *req,
    struct at_buf *out, struct at_err *err);
AT_MUST_CHECK enum at_rc safp_rep_encode(const struct safp_rep *rep,
    struct at_buf *out, struct at_err *err);

/*
 * Decodes one record.  On failure *req is wiped and the message says
 * what is wrong.  req->cert points into p.
 */
AT_MUST_CHECK enum at_rc safp_req_decode(const unsigned char *p, size_t n,
    struct safp_req *req, struct at_err *err);
AT_MUST_CHECK enum at_rc safp_rep_decode(const unsigned char *p, size_t n,
    struct safp_rep *rep, struct at_err *err);

/* The request id of a record whose header at least is readable (so a
 * refusal can name it); 0 otherwise. */
uint32_t safp_peek_id(const unsigned char *p, size_t n);

/* Wipes the secrets and clears *req. */
void safp_req_wipe(struct safp_req *req);

/* "VERIFY", "AUTH", ...; "?" for anything else. */
const char *safp_op_name(unsigned op);

#endif
