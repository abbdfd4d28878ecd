/*
 * signon.c - VERIFY's one way into the security manager, in the shape of
 * saf_signon() (saf/signon.h): the password, or with an application a
 * PassTicket in its place, the APPL class, and a new password.
 *
 * Until the security manager's own saf_signon() is in the tree this file
 * builds the same answer from saf_verify_password and
 * saf_passticket_evaluate; the service calls nothing else, so moving to
 * saf_signon() changes this file alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "saf/access.h"
#include "saf/authority.h"
#include "saf/passticket.h"
#include "saf/password.h"
#include "saf/signon.h"
#include "saf/user.h"
#include "safd/signon.h"

static void
add_msg(struct saf_signon_res *res, const char *text)
{
	size_t n = strlen(res->messages);

	(void)snprintf(res->messages + n, sizeof(res->messages) - n, "%s",
	    text);
}

static void
set_result(struct saf_signon_res *res, enum saf_signon_result r)
{
	static const struct {
		int racf_rc, reason;
	} codes[] = {
		[SAF_SIGNON_OK] = { 0, 0 },
		[SAF_SIGNON_UNKNOWN_USER] = { 0x04, 0 },
		[SAF_SIGNON_WRONG_SECRET] = { 0x08, 0 },
		[SAF_SIGNON_REVOKED] = { 0x1C, 0 },
		[SAF_SIGNON_EXPIRED] = { 0x0C, 0 },
		[SAF_SIGNON_PROTECTED] = { 0x08, 0x0C },
		[SAF_SIGNON_APPL_DENIED] = { 0x34, 0 },
		[SAF_SIGNON_REPLAY] = { 0x08, 0 },
		[SAF_SIGNON_NEWPW_INVALID] = { 0x10, 0 },
	};

	res->result = r;
	res->saf_rc = r == SAF_SIGNON_OK ? 0 : 8;
	res->racf_rc = codes[r].racf_rc;
	res->reason = codes[r].reason;
}

static void
verify_messages(struct saf_db *db, const char *user,
    enum saf_verify_result vr, struct saf_signon_res *res)
{
	struct saf_user u;
	struct at_buf b;
	struct at_err ignored;

	memset(&u, 0, sizeof(u));
	if (saf_user_get(db, user, &u, &ignored) != AT_OK)
		(void)snprintf(u.name, sizeof(u.name), "%s", user);
	at_buf_init(&b, SAF_SIGNON_MSG_MAX);
	if (saf_verify_message(u.name, u.dfltgrp, u.pname, vr, &b) == AT_OK)
		add_msg(res, at_buf_cstr(&b));
	at_buf_free(&b);
}

static void
ich408i_logon(struct saf_db *db, const char *user, const char *text,
    struct saf_signon_res *res)
{
	struct saf_user u;
	struct at_err ignored;
	char line[SAF_SIGNON_MSG_MAX];

	memset(&u, 0, sizeof(u));
	if (saf_user_get(db, user, &u, &ignored) != AT_OK)
		memset(&u, 0, sizeof(u));
	(void)snprintf(line, sizeof(line), "ICH408I USER(%-8.8s) GROUP(%-8.8s) "
	    "NAME(%-20.20s)\n  LOGON/JOB INITIATION - %s\n", user, u.dfltgrp,
	    u.pname[0] != '\0' ? u.pname : "???", text);
	add_msg(res, line);
}

/* The PassTicket half: *tried says whether the secret was one. */
static enum at_rc
try_passticket(struct saf_db *db, const char *caller,
    const struct saf_signon_req *req, struct saf_signon_res *res,
    bool *tried, struct at_err *err)
{
	enum saf_ptkt_result pr = SAF_PTKT_INVALID;
	enum at_rc rc;

	*tried = false;
	if (strlen(req->secret) != SAF_PTKT_LEN)
		return AT_OK;
	rc = saf_passticket_evaluate(db, caller, res->user, res->appl,
	    req->secret, req->now, &pr, err);
	if (rc == AT_E_DENIED || rc == AT_E_NOTFOUND || rc == AT_E_INPUT) {
		/* No key, no class, no authority: not a PassTicket here. */
		at_err_clear(err);
		return AT_OK;
	}
	if (rc != AT_OK)
		return rc;
	if (pr == SAF_PTKT_VALID) {
		*tried = true;
		res->passticket = true;
		set_result(res, SAF_SIGNON_OK);
	} else if (pr == SAF_PTKT_REPLAY) {
		*tried = true;
		set_result(res, SAF_SIGNON_REPLAY);
		ich408i_logon(db, res->user, "ATTEMPTED REPLAY OF PASSTICKET",
		    res);
	}
	return AT_OK;
}

static enum at_rc
appl_check(struct saf_db *db, struct saf_signon_res *res, struct at_err *err)
{
	struct saf_decision d;
	enum at_rc rc;
	char text[64];

	rc = saf_check_access(db, res->user, "APPL", res->appl, SAF_ACC_READ,
	    &d, err);
	if (rc != AT_OK || d.result != SAF_DENIED)
		return rc;
	set_result(res, SAF_SIGNON_APPL_DENIED);
	(void)snprintf(text, sizeof(text), "NOT AUTHORIZED TO APPLICATION %s",
	    res->appl);
	ich408i_logon(db, res->user, text, res);
	return AT_OK;
}

static enum at_rc
new_password(struct saf_db *db, const struct saf_signon_req *req,
    struct saf_signon_res *res, struct at_err *err)
{
	struct saf_actor *actor;
	struct at_err why;
	enum at_rc rc;

	actor = calloc(1, sizeof(*actor));
	if (actor == NULL)
		return at_err_setx(err, AT_E_NOMEM, "out of memory");
	at_err_clear(&why);
	rc = saf_actor_load(db, res->user, actor, &why);
	if (rc == AT_OK)
		rc = saf_db_begin(db, &why);
	if (rc == AT_OK) {
		rc = saf_password_change(db, actor, res->user, req->secret,
		    req->new_password, false, &why);
		if (rc == AT_OK)
			rc = saf_db_commit(db, &why);
		else
			saf_db_rollback(db);
	}
	free(actor);
	if (rc == AT_E_BUSY || rc == AT_E_IO || rc == AT_E_NOMEM)
		return at_err_setx(err, rc, "%s", why.msg);
	if (rc != AT_OK) {
		char line[SAF_SIGNON_MSG_MAX];

		set_result(res, SAF_SIGNON_NEWPW_INVALID);
		(void)snprintf(line, sizeof(line), "IRR015I VERIFICATION FAILED. "
		    "NEW PASSWORD IS NOT VALID.\n  %.900s\n", why.msg);
		add_msg(res, line);
		return AT_OK;
	}
	res->password_changed = true;
	set_result(res, SAF_SIGNON_OK);
	return AT_OK;
}

enum at_rc
safd_signon(struct saf_db *db, const char *caller,
    const struct saf_signon_req *req, struct saf_signon_res *res,
    struct at_err *err)
{
	enum saf_verify_result vr = SAF_VERIFY_WRONG_PASSWORD;
	bool tried = false;
	enum at_rc rc;

	memset(res, 0, sizeof(*res));
	set_result(res, SAF_SIGNON_WRONG_SECRET);
	rc = saf_name_norm(req->user, "user id", res->user, err);
	if (rc == AT_OK && req->appl != NULL && req->appl[0] != '\0')
		rc = saf_name_norm(req->appl, "application", res->appl, err);
	if (rc != AT_OK)
		return rc;
	if (res->appl[0] != '\0' && req->new_password == NULL) {
		rc = try_passticket(db, caller, req, res, &tried, err);
		if (rc != AT_OK)
			return rc;
	}
	if (!tried) {
		rc = saf_verify_password(db, res->user, req->secret, &vr, err);
		if (rc != AT_OK)
			return rc;
		switch (vr) {
		case SAF_VERIFY_OK: set_result(res, SAF_SIGNON_OK); break;
		case SAF_VERIFY_UNKNOWN_USER:
			set_result(res, SAF_SIGNON_UNKNOWN_USER); break;
		case SAF_VERIFY_REVOKED: set_result(res, SAF_SIGNON_REVOKED); break;
		case SAF_VERIFY_EXPIRED: set_result(res, SAF_SIGNON_EXPIRED); break;
		case SAF_VERIFY_PROTECTED:
			set_result(res, SAF_SIGNON_PROTECTED); break;
		default: set_result(res, SAF_SIGNON_WRONG_SECRET); break;
		}
		if (vr != SAF_VERIFY_OK)
			verify_messages(db, res->user, vr, res);
	}
	if (res->result == SAF_SIGNON_OK && res->appl[0] != '\0') {
		rc = appl_check(db, res, err);
		if (rc != AT_OK)
			return rc;
	}
	/* A right password may be changed, even an expired one. */
	if (req->new_password != NULL && !res->passticket &&
	    (res->result == SAF_SIGNON_OK || res->result == SAF_SIGNON_EXPIRED)) {
		res->messages[0] = '\0';
		rc = new_password(db, req, res, err);
	}
	return rc;
}

const char *
safd_signon_result_name(enum saf_signon_result r)
{
	static const char *const names[] = { "ok", "unknown user",
	    "wrong password", "revoked", "expired", "protected",
	    "not authorized to application", "passticket replay",
	    "new password not valid" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}
