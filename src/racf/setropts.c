/*
 * setropts.c - SETROPTS: class options, password rules, LIST.
 *
 * Work is done in this order whatever the order typed: CLASSACT,
 * NOCLASSACT, GENERIC, NOGENERIC, RACLIST (or RACLIST REFRESH), NORACLIST,
 * PASSWORD, then LIST.  GENERIC(c) REFRESH has nothing to do (generic
 * profiles are read from the database every time).  GENCMD, GENLIST,
 * NOGENCMD, NOGENLIST and GRPLIST are accepted and change nothing (attls
 * always behaves as with GRPLIST); NOGRPLIST is refused.
 */
#include <string.h>

#include "racf/util.h"
#include "saf/class.h"
#include "saf/password.h"

typedef enum at_rc (*class_fn)(struct saf_db *db, const struct saf_actor *actor,
    const char *class_name, bool on, struct at_err *err);

/* One class-list keyword and what it does to each class named. */
static const struct {
	const char *kw;
	class_fn fn;
	bool on;
	bool star; /* "*" allowed */
} class_ops[] = {
	{ "CLASSACT", saf_setropts_classact, true, true },
	{ "NOCLASSACT", saf_setropts_classact, false, true },
	{ "GENERIC", saf_setropts_generic, true, true },
	{ "NOGENERIC", saf_setropts_generic, false, true },
	{ "NORACLIST", saf_setropts_raclist, false, false },
};

static enum at_rc
each_class(struct racf_ctx *ctx, const struct racf_opnd *k, bool star, class_fn fn, bool on,
    struct at_err *err)
{
	char cls[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	for (i = 0; rc == AT_OK && i < racf_list_count(k); i++) {
		rc = racf_get_upper(racf_list_at(k, i), cls, sizeof(cls), "CLASS", err);
		if (rc == AT_OK && !star && strcmp(cls, "*") == 0)
			rc = racf_err_invalid(err, racf_list_at(k, i), "CLASS", NULL);
		if (rc == AT_OK)
			rc = fn(ctx->db, ctx->actor, cls, on, err);
	}
	return rc;
}

/* RACLIST(c) REFRESH of one class; a class that is not RACLISTed, or not
 * known to attls, gets a warning, not a failure, so job streams written for
 * another system still run (refreshing it would change nothing anyway). */
static enum at_rc
refresh(struct racf_ctx *ctx, const char *cls, struct at_buf *out, struct at_err *err)
{
	struct saf_class c;
	struct at_err tmp;
	enum at_rc rc = saf_class_get(ctx->db, cls, &c, &tmp);

	if (rc == AT_E_INPUT)
		return at_buf_printf(out, "ICH14070I SETROPTS RACLIST REFRESH HAS NO EFFECT: "
		    "CLASS %s IS NOT DEFINED.\n", cls);
	if (rc != AT_OK)
		return at_err_setx(err, rc, "%s", tmp.msg);
	if (!c.raclist)
		return at_buf_printf(out, "ICH14070I SETROPTS RACLIST REFRESH HAS NO EFFECT: "
		    "CLASS %s IS NOT RACLISTED.\n", c.name);
	return saf_setropts_refresh(ctx->db, ctx->actor, cls, err);
}

/* RACLIST(c ...) [REFRESH]: RACLIST a class, or refresh one already RACLISTed. */
static enum at_rc
do_raclist(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	const struct racf_opnd *k = racf_kw(cmd, "RACLIST");
	bool refresh_it = racf_kw(cmd, "REFRESH") != NULL;
	char cls[SAF_NAME_MAX + 1];
	enum at_rc rc = AT_OK;
	size_t i;

	if (refresh_it && k == NULL && racf_kw(cmd, "GENERIC") == NULL)
		return at_err_setx(err, AT_E_INPUT,
		    "IKJ56701I MISSING RACLIST OR GENERIC WITH REFRESH");
	for (i = 0; rc == AT_OK && i < racf_list_count(k); i++) {
		rc = racf_get_upper(racf_list_at(k, i), cls, sizeof(cls), "CLASS", err);
		if (rc == AT_OK && strcmp(cls, "*") == 0)
			rc = racf_err_invalid(err, racf_list_at(k, i), "CLASS", NULL);
		if (rc == AT_OK && refresh_it)
			rc = refresh(ctx, cls, out, err);
		else if (rc == AT_OK)
			rc = saf_setropts_raclist(ctx->db, ctx->actor, cls, true, err);
	}
	return rc;
}

static enum at_rc
do_password(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_err *err)
{
	const struct racf_opnd *pw = racf_kw(cmd, "PASSWORD"), *k;
	uint64_t n;
	enum at_rc rc = AT_OK;

	if (pw == NULL)
		return AT_OK;
	if (racf_sub(pw, "HISTORY") != NULL || racf_sub(pw, "MINCHANGE") != NULL ||
	    racf_sub(pw, "WARNING") != NULL || racf_sub(pw, "MIXEDCASE") != NULL ||
	    racf_sub(pw, "NOMIXEDCASE") != NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID PASSWORD OPTION: attls "
		    "supports REVOKE(n), NOREVOKE and INTERVAL(n)");
	if ((k = racf_sub(pw, "REVOKE")) != NULL) {
		rc = racf_get_u64(k, 1, 255, "REVOKE", &n, err);
		if (rc == AT_OK)
			rc = saf_option_set(ctx->db, ctx->actor, SAF_OPT_PASSWORD_REVOKE, (int64_t)n, err);
	}
	if (rc == AT_OK && racf_sub(pw, "NOREVOKE") != NULL)
		rc = saf_option_set(ctx->db, ctx->actor, SAF_OPT_PASSWORD_REVOKE, 0, err);
	if (rc == AT_OK && (k = racf_sub(pw, "INTERVAL")) != NULL) {
		rc = racf_get_u64(k, 1, 254, "INTERVAL", &n, err);
		if (rc == AT_OK)
			rc = saf_option_set(ctx->db, ctx->actor, SAF_OPT_PASSWORD_INTERVAL,
			    (int64_t)n, err);
	}
	return rc;
}

/* SETROPTS LIST: one line per class list, then the password rules. */
struct lst {
	struct at_buf *out;
	int which; /* 0 active, 1 generic, 2 raclist */
	size_t n;
};

static enum at_rc
list_cb(void *ctx, const struct saf_class *c, struct at_err *err)
{
	struct lst *l = ctx;
	bool on = l->which == 0 ? c->active : l->which == 1 ? c->generic : c->raclist;

	(void)err;
	if (!on)
		return AT_OK;
	l->n++;
	return at_buf_printf(l->out, " %s", c->name);
}

static enum at_rc
do_list(struct racf_ctx *ctx, struct at_buf *out, struct at_err *err)
{
	static const char *const heads[] = { "ACTIVE CLASSES =", "GENERIC PROFILE CLASSES =",
		"SETR RACLIST CLASSES =" };
	struct lst l = { out, 0, 0 };
	int64_t revoke = SAF_PW_REVOKE_DEFAULT, interval = 186;
	enum at_rc rc = AT_OK;

	for (l.which = 0; l.which < 3 && rc == AT_OK; l.which++) {
		l.n = 0;
		rc = at_buf_printf(out, "%s", heads[l.which]);
		if (rc == AT_OK)
			rc = saf_class_each(ctx->db, list_cb, &l, err);
		if (rc == AT_OK)
			rc = at_buf_printf(out, "%s\n", l.n == 0 ? " NONE" : "");
	}
	if (rc == AT_OK)
		rc = saf_option_get(ctx->db, SAF_OPT_PASSWORD_REVOKE, &revoke, err);
	if (rc == AT_OK)
		rc = saf_option_get(ctx->db, SAF_OPT_PASSWORD_INTERVAL, &interval, err);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "LIST OF GROUPS ACCESS CHECKING IS ACTIVE.\n"
		    "PASSWORD CHANGE INTERVAL IS %lld DAYS.\n", (long long)interval);
	if (rc == AT_OK && revoke > 0)
		rc = at_buf_printf(out, "AFTER %lld CONSECUTIVE UNSUCCESSFUL PASSWORD ATTEMPTS,\n"
		    " A USERID WILL BE REVOKED.\n", (long long)revoke);
	else if (rc == AT_OK)
		rc = at_buf_printf(out, "NO PASSWORD REVOKE LIMIT IS IN EFFECT.\n");
	return rc;
}

enum at_rc
racf_setropts(struct racf_ctx *ctx, const struct racf_cmd *cmd, struct at_buf *out,
    struct at_err *err)
{
	enum at_rc rc = AT_OK;
	size_t i;

	if (racf_kw(cmd, "NOGRPLIST") != NULL)
		return at_err_setx(err, AT_E_INPUT, "IKJ56702I INVALID OPERAND, NOGRPLIST: attls "
		    "always checks all of a user's groups");
	for (i = 0; rc == AT_OK && i < sizeof(class_ops) / sizeof(class_ops[0]); i++) {
		if (class_ops[i].fn == saf_setropts_generic && class_ops[i].on &&
		    racf_kw(cmd, "REFRESH") != NULL)
			continue; /* GENERIC(c) REFRESH: nothing to rebuild */
		rc = each_class(ctx, racf_kw(cmd, class_ops[i].kw), class_ops[i].star,
		    class_ops[i].fn, class_ops[i].on, err);
	}
	if (rc == AT_OK)
		rc = do_raclist(ctx, cmd, out, err);
	if (rc == AT_OK)
		rc = do_password(ctx, cmd, err);
	if (rc == AT_OK && racf_kw(cmd, "LIST") != NULL)
		rc = do_list(ctx, out, err);
	if (rc == AT_OK && racf_kw(cmd, "LIST") == NULL)
		rc = at_buf_printf(out, "ICH14063I SETROPTS command complete.\n");
	return rc;
}
