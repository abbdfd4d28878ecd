/* signon.c - RACROUTE REQUEST=VERIFY: password or PassTicket, APPL, new
 * password, and the return codes and messages of the answer. */
#include "saf/signon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "saf/access.h"
#include "saf/authority.h"
#include "saf/password.h"
#include "saf/passticket.h"
#include "saf/user.h"

/* What the PassTicket hook needs and found. */
struct ptkt_ctx {
	const char *appl;
	const char *ticket;
	int64_t now;
	bool covered;
	enum saf_ptkt_result result;
};

static enum at_rc
ptkt_alt(struct saf_db *db, const char *user, void *ctx,
    enum saf_pw_alt_verdict *verdict, struct at_err *err)
{
	struct ptkt_ctx *p = ctx;
	enum at_rc rc;

	*verdict = SAF_PW_ALT_NONE;
	rc = saf_passticket_signon(db, user, p->appl, p->ticket, p->now,
	    &p->covered, &p->result, err);
	if (rc == AT_OK && p->result == SAF_PTKT_VALID)
		*verdict = SAF_PW_ALT_ACCEPTED;
	else if (rc == AT_OK && p->result == SAF_PTKT_REPLAY)
		*verdict = SAF_PW_ALT_REPLAY;
	return rc;
}

/* The codes RACROUTE REQUEST=VERIFY gives for each outcome (hex in
 * RACF's books).  docs/security-manager.md lists them. */
static void
set_codes(struct saf_signon_res *res)
{
	static const struct {
		enum saf_signon_result r;
		int racf, reason;
	} codes[] = {
		{ SAF_SIGNON_OK, 0x00, 0 },
		{ SAF_SIGNON_UNKNOWN_USER, 0x04, 0 },
		{ SAF_SIGNON_WRONG_SECRET, 0x08, 0 },
		{ SAF_SIGNON_PROTECTED, 0x08, 0x0C },
		{ SAF_SIGNON_REPLAY, 0x08, 0x10 },
		{ SAF_SIGNON_EXPIRED, 0x0C, 0 },
		{ SAF_SIGNON_NEWPW_INVALID, 0x10, 0 },
		{ SAF_SIGNON_REVOKED, 0x1C, 0 },
		{ SAF_SIGNON_APPL_DENIED, 0x34, 0 },
	};
	size_t i;

	res->saf_rc = 8;
	res->racf_rc = 0x08;
	res->reason = 0;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].r == res->result) {
			res->saf_rc = res->result == SAF_SIGNON_OK ? 0 : 8;
			res->racf_rc = codes[i].racf;
			res->reason = codes[i].reason;
		}
}

static enum saf_signon_result
from_verify(enum saf_verify_result v)
{
	switch (v) {
	case SAF_VERIFY_OK:
		return SAF_SIGNON_OK;
	case SAF_VERIFY_UNKNOWN_USER:
		return SAF_SIGNON_UNKNOWN_USER;
	case SAF_VERIFY_REVOKED:
		return SAF_SIGNON_REVOKED;
	case SAF_VERIFY_EXPIRED:
		return SAF_SIGNON_EXPIRED;
	case SAF_VERIFY_PROTECTED:
		return SAF_SIGNON_PROTECTED;
	default:
		return SAF_SIGNON_WRONG_SECRET;
	}
}

/* ICH70001I, with the access before this one (RACF's layout). */
static enum at_rc
msg_last_access(struct at_buf *b, const char *user, int64_t last)
{
	static const char *const days[] = { "SUNDAY", "MONDAY", "TUESDAY",
	    "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY" };
	static const char *const months[] = { "JANUARY", "FEBRUARY", "MARCH",
	    "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER",
	    "NOVEMBER", "DECEMBER" };
	time_t t = (time_t)last;
	struct tm tm;

	if (last <= 0 || localtime_r(&t, &tm) == NULL)
		return at_buf_printf(b, "ICH70001I %-8s LAST ACCESS AT "
		    "UNKNOWN\n", user);
	return at_buf_printf(b, "ICH70001I %-8s LAST ACCESS AT "
	    "%02d:%02d:%02d ON %s, %s %d, %d\n", user, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, days[tm.tm_wday % 7], months[tm.tm_mon % 12],
	    tm.tm_mday, tm.tm_year + 1900);
}

/* The lines of a refusal. */
static enum at_rc
messages(struct at_buf *b, const struct saf_signon_res *res,
    const struct saf_user *u, bool defined)
{
	const char *nm = defined && u->pname[0] != '\0' ? u->pname : "???";
	const char *grp = defined ? u->dfltgrp : "";
	enum at_rc rc = AT_OK;

	switch (res->result) {
	case SAF_SIGNON_OK:
		return AT_OK;
	case SAF_SIGNON_APPL_DENIED:
	case SAF_SIGNON_REPLAY:
		rc = at_buf_printf(b, "ICH408I USER(%-8.8s) GROUP(%-8.8s) "
		    "NAME(%-20.20s)\n", res->user, grp, nm);
		if (rc != AT_OK)
			return rc;
		if (res->result == SAF_SIGNON_REPLAY)
			return at_buf_printf(b, "  LOGON/JOB INITIATION - "
			    "ATTEMPTED REPLAY OF PASSTICKET\nIRR013I  "
			    "VERIFICATION FAILED. INVALID PASSWORD GIVEN.\n");
		return at_buf_printf(b, "  LOGON/JOB INITIATION - NOT "
		    "AUTHORIZED TO APPLICATION %s\n", res->appl);
	case SAF_SIGNON_NEWPW_INVALID:
		return at_buf_printf(b, "IRR015I  VERIFICATION FAILED. NEW "
		    "PASSWORD IS NOT VALID.\n");
	case SAF_SIGNON_UNKNOWN_USER:
		return saf_verify_message(res->user, "", "",
		    SAF_VERIFY_UNKNOWN_USER, b);
	case SAF_SIGNON_REVOKED:
		return saf_verify_message(res->user, grp, nm,
		    SAF_VERIFY_REVOKED, b);
	case SAF_SIGNON_EXPIRED:
		return saf_verify_message(res->user, grp, nm,
		    SAF_VERIFY_EXPIRED, b);
	case SAF_SIGNON_PROTECTED:
		return saf_verify_message(res->user, grp, nm,
		    SAF_VERIFY_PROTECTED, b);
	default:
		return saf_verify_message(res->user, grp, nm,
		    SAF_VERIFY_WRONG_PASSWORD, b);
	}
}

/* APPL class: READ to the application's profile when one covers it. */
static enum at_rc
check_appl(struct saf_db *db, struct saf_signon_res *res, struct at_err *err)
{
	struct saf_decision d;
	enum at_rc rc;

	rc = saf_check_access(db, res->user, "APPL", res->appl, SAF_ACC_READ,
	    &d, err);
	if (rc == AT_OK && d.result == SAF_DENIED)
		res->result = SAF_SIGNON_APPL_DENIED;
	return rc;
}

/* The password change of a user who proved its current password. */
static enum at_rc
change_password(struct saf_db *db, const struct saf_signon_req *req,
    struct saf_signon_res *res, struct at_err *err)
{
	struct saf_actor *self;
	bool own;
	enum at_rc rc;

	if (res->passticket) {
		/* A PassTicket proves the application vouches for the
		 * user, not that the user knows its password. */
		res->result = SAF_SIGNON_NEWPW_INVALID;
		return AT_OK;
	}
	own = !saf_db_in_txn(db);
	/* struct saf_actor holds 128 groups: too big for a stack frame
	 * in a service thread. */
	self = calloc(1, sizeof(*self));
	if (self == NULL)
		return at_err_setx(err, AT_E_NOMEM, "sign-on: out of memory");
	rc = saf_actor_load(db, res->user, self, err);
	if (rc == AT_OK && own)
		rc = saf_db_begin(db, err);
	if (rc == AT_OK) {
		rc = saf_password_change(db, self, res->user, req->secret,
		    req->new_password, true, err);
		if (rc == AT_OK && own)
			rc = saf_db_commit(db, err);
		else if (own)
			saf_db_rollback(db);
		res->password_changed = rc == AT_OK;
	}
	free(self);
	if (rc == AT_E_INPUT) {
		/* Too long, empty, or the current one again: IRR015I. */
		at_err_clear(err);
		res->result = SAF_SIGNON_NEWPW_INVALID;
		return AT_OK;
	}
	if (rc == AT_OK && res->result == SAF_SIGNON_EXPIRED)
		res->result = SAF_SIGNON_OK;
	return rc;
}

static enum at_rc
signon(struct saf_db *db, const struct saf_signon_req *req,
    struct saf_signon_res *res, struct at_err *err)
{
	struct ptkt_ctx p;
	struct saf_pw_alt alt;
	struct saf_user u;
	struct at_buf b;
	enum saf_verify_result v = SAF_VERIFY_UNKNOWN_USER;
	bool defined = false;
	enum at_rc rc;

	rc = saf_name_norm(req->user, "user id", res->user, err);
	if (rc == AT_OK && req->appl != NULL && req->appl[0] != '\0')
		rc = saf_name_norm(req->appl, "application", res->appl, err);
	if (rc != AT_OK)
		return rc;
	memset(&u, 0, sizeof(u));
	rc = saf_user_get(db, res->user, &u, err);
	defined = rc == AT_OK;
	if (rc == AT_E_NOTFOUND) {
		at_err_clear(err);
		rc = AT_OK;
	}
	if (rc != AT_OK)
		return rc;
	memset(&p, 0, sizeof(p));
	p.appl = res->appl;
	p.ticket = req->secret;
	p.now = req->now != 0 ? req->now : saf_now();
	memset(&alt, 0, sizeof(alt));
	alt.fn = ptkt_alt;
	alt.ctx = &p;
	rc = saf_verify_password_alt(db, res->user, req->secret,
	    res->appl[0] != '\0' ? &alt : NULL, &v, err);
	if (rc != AT_OK)
		return rc;
	res->result = from_verify(v);
	res->passticket = alt.verdict != SAF_PW_ALT_NONE;
	if (alt.verdict == SAF_PW_ALT_REPLAY)
		res->result = SAF_SIGNON_REPLAY;
	if ((res->result == SAF_SIGNON_OK || res->result ==
	    SAF_SIGNON_EXPIRED) && res->appl[0] != '\0')
		rc = check_appl(db, res, err);
	if (rc == AT_OK && req->new_password != NULL &&
	    (res->result == SAF_SIGNON_OK || res->result ==
	    SAF_SIGNON_EXPIRED))
		rc = change_password(db, req, res, err);
	if (rc != AT_OK)
		return rc;
	at_buf_init(&b, sizeof(res->messages) - 1);
	if (res->result == SAF_SIGNON_OK)
		rc = msg_last_access(&b, res->user, u.last_access);
	else
		rc = messages(&b, res, &u, defined);
	if (rc == AT_OK && b.len > 0)
		memcpy(res->messages, b.data, b.len);
	at_buf_free(&b);
	if (rc == AT_E_TOOBIG) {
		/* The lines are cut, the answer stands. */
		at_err_clear(err);
		rc = AT_OK;
	}
	return rc;
}

enum at_rc
saf_signon(struct saf_db *db, const struct saf_signon_req *req,
    struct saf_signon_res *res, struct at_err *err)
{
	enum at_rc rc;

	memset(res, 0, sizeof(*res));
	res->result = SAF_SIGNON_WRONG_SECRET;
	if (req == NULL || req->user == NULL || req->secret == NULL) {
		set_codes(res);
		return at_err_setx(err, AT_E_INPUT,
		    "sign-on needs a user id and a password or PassTicket");
	}
	rc = signon(db, req, res, err);
	if (rc != AT_OK) {
		res->result = SAF_SIGNON_WRONG_SECRET;
		res->passticket = false;
		res->messages[0] = '\0';
	}
	set_codes(res);
	return rc;
}

const char *
saf_signon_result_name(enum saf_signon_result r)
{
	switch (r) {
	case SAF_SIGNON_OK:
		return "ok";
	case SAF_SIGNON_UNKNOWN_USER:
		return "unknown user";
	case SAF_SIGNON_WRONG_SECRET:
		return "wrong password";
	case SAF_SIGNON_REVOKED:
		return "revoked";
	case SAF_SIGNON_EXPIRED:
		return "expired";
	case SAF_SIGNON_PROTECTED:
		return "protected";
	case SAF_SIGNON_APPL_DENIED:
		return "not authorized to application";
	case SAF_SIGNON_REPLAY:
		return "passticket replay";
	case SAF_SIGNON_NEWPW_INVALID:
		return "new password not valid";
	default:
		return "unknown";
	}
}
