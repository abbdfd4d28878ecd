/*
 * racdcert_int.h - what the RACDCERT files share: the owner a command
 * names, the IRR.DIGTCERT.<function> authority check, and the functions.
 */
#ifndef ATTLS_RACF_RACDCERT_INT_H
#define ATTLS_RACF_RACDCERT_INT_H

#include <stdbool.h>

#include "common/buf.h"
#include "common/err.h"
#include "racf/cmd.h"
#include "saf/cert.h"

/* An owner named by ID(u) | CERTAUTH | SITE (or the issuer by default). */
struct rcd_owner {
	char id[SAF_CERT_OWNER_MAX + 1]; /* stored form: USER1, irrcerta */
	bool is_user;
};

/*
 * The owner named among the operands of holder (a keyword's items) or,
 * holder NULL, among the command's keywords; the issuer when none.  A
 * user must be defined.
 */
AT_MUST_CHECK enum at_rc rcd_owner_of(struct racf_ctx *ctx,
    const struct racf_cmd *cmd, const struct racf_opnd *holder,
    struct rcd_owner *out, struct at_err *err);

/*
 * The authority RACF asks for function on owner: SPECIAL, or FACILITY
 * IRR.DIGTCERT.<function> with READ for one's own certificates, UPDATE
 * for another user's, CONTROL for CERTAUTH and SITE.  min raises the
 * level asked (SAF_ACC_NONE for none).
 */
AT_MUST_CHECK enum at_rc rcd_auth(struct racf_ctx *ctx, const char *function,
    const struct rcd_owner *owner, int min, struct at_err *err);

/* The single value of the LABEL sub-keyword of kw into label. */
AT_MUST_CHECK enum at_rc rcd_label(const struct racf_opnd *kw,
    char label[SAF_CERT_LABEL_MAX + 1], struct at_err *err);

/* TRUST / NOTRUST / HIGHTRUST among the keywords; *given false if none. */
AT_MUST_CHECK enum at_rc rcd_trust(const struct racf_cmd *cmd,
    enum saf_trust *out, bool *given, struct at_err *err);

typedef enum at_rc (*rcd_fn)(struct racf_ctx *ctx, const struct racf_cmd *cmd,
    const struct racf_opnd *kw, struct at_buf *out, struct at_err *err);

/* racdcert_gen.c */
/* Before the transaction: GENCERT's checks, then its key into
 * ctx->pregen_key (see racf_racdcert_prepare). */
AT_MUST_CHECK enum at_rc rcd_gencert_prepare(struct racf_ctx *,
    const struct racf_cmd *, const struct racf_opnd *, struct at_err *);
enum at_rc rcd_gencert(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_add(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);

/* racdcert_ring.c */
enum at_rc rcd_addring(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_delring(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_connect(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_remove(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_listring(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);

/* racdcert_list.c */
enum at_rc rcd_list(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_export(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_alter(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_delete(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);

/* racdcert_map.c */
enum at_rc rcd_map(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_delmap(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);
enum at_rc rcd_listmap(struct racf_ctx *, const struct racf_cmd *,
    const struct racf_opnd *, struct at_buf *, struct at_err *);

#endif
