/*
 * verbs.c - the RACF verbs: one row each (name, RACF aliases, positional
 * operands, keyword table, handler, authority), and the keyword tables.
 * The parser, the docs and `racf --help` all read these tables.
 */
#include <string.h>

#include "common/str.h"
#include "racf/cmd.h"

#define END { NULL, NULL, 0, RACF_KW_FLAG, NULL, NULL }
#define FLAG(n) { n, NULL, 0, RACF_KW_FLAG, NULL, NULL }
#define VAL(n, what) { n, NULL, 0, RACF_KW_VALUE, NULL, what }
#define OPT(n) { n, NULL, 0, RACF_KW_OPTVALUE, NULL, NULL }

static const struct racf_kwspec omvs_user_kws[] = {
	VAL("UID", "UID"),
	VAL("HOME", "HOME DIRECTORY"),
	VAL("PROGRAM", "PROGRAM NAME"),
	FLAG("NOUID"),
	FLAG("NOHOME"),
	FLAG("NOPROGRAM"),
	END
};

static const struct racf_kwspec adduser_kws[] = {
	FLAG("AUDITOR"),
	VAL("AUTHORITY", "GROUP AUTHORITY"),
	VAL("CLAUTH", "CLASS NAME"),
	VAL("DATA", "INSTALLATION DATA"),
	VAL("DFLTGRP", "DEFAULT GROUP"),
	VAL("NAME", "USER NAME"),
	FLAG("NOPASSWORD"),
	{ "OMVS", NULL, 0, RACF_KW_OPTVALUE, omvs_user_kws, NULL },
	FLAG("OPERATIONS"),
	VAL("OWNER", "OWNER"),
	VAL("PASSWORD", "PASSWORD"),
	FLAG("RESTRICTED"),
	FLAG("SPECIAL"),
	VAL("UACC", "UNIVERSAL ACCESS"),
	END
};

static const struct racf_kwspec altuser_kws[] = {
	FLAG("AUDITOR"),
	VAL("CLAUTH", "CLASS NAME"),
	VAL("DATA", "INSTALLATION DATA"),
	VAL("DFLTGRP", "DEFAULT GROUP"),
	FLAG("EXPIRED"),
	VAL("NAME", "USER NAME"),
	FLAG("NOAUDITOR"),
	VAL("NOCLAUTH", "CLASS NAME"),
	FLAG("NODATA"),
	FLAG("NOEXPIRED"),
	FLAG("NOOMVS"),
	FLAG("NOOPERATIONS"),
	FLAG("NOPASSWORD"),
	FLAG("NORESTRICTED"),
	FLAG("NOSPECIAL"),
	{ "OMVS", NULL, 0, RACF_KW_OPTVALUE, omvs_user_kws, NULL },
	FLAG("OPERATIONS"),
	VAL("OWNER", "OWNER"),
	VAL("PASSWORD", "PASSWORD"),
	FLAG("RESTRICTED"),
	OPT("RESUME"),
	OPT("REVOKE"),
	FLAG("SPECIAL"),
	END
};

static const struct racf_kwspec listuser_kws[] = {
	FLAG("NORACF"),
	FLAG("OMVS"),
	END
};

static const struct racf_kwspec password_kws[] = {
	OPT("INTERVAL"),
	FLAG("NOINTERVAL"),
	VAL("PASSWORD", "PASSWORD"),
	VAL("USER", "USERID"),
	END
};

static const struct racf_kwspec omvs_group_kws[] = {
	VAL("GID", "GID"),
	FLAG("NOGID"),
	END
};

static const struct racf_kwspec addgroup_kws[] = {
	VAL("DATA", "INSTALLATION DATA"),
	FLAG("NOTERMUACC"),
	{ "OMVS", NULL, 0, RACF_KW_OPTVALUE, omvs_group_kws, NULL },
	VAL("OWNER", "OWNER"),
	VAL("SUPGROUP", "SUPERIOR GROUP"),
	FLAG("TERMUACC"),
	END
};

static const struct racf_kwspec altgroup_kws[] = {
	VAL("DATA", "INSTALLATION DATA"),
	FLAG("NOOMVS"),
	FLAG("NOTERMUACC"),
	{ "OMVS", NULL, 0, RACF_KW_OPTVALUE, omvs_group_kws, NULL },
	VAL("OWNER", "OWNER"),
	VAL("SUPGROUP", "SUPERIOR GROUP"),
	FLAG("TERMUACC"),
	END
};

static const struct racf_kwspec listgrp_kws[] = {
	FLAG("OMVS"),
	END
};

static const struct racf_kwspec connect_kws[] = {
	FLAG("AUDITOR"),
	VAL("AUTHORITY", "GROUP AUTHORITY"),
	VAL("GROUP", "GROUP NAME"),
	FLAG("NOAUDITOR"),
	FLAG("NOOPERATIONS"),
	FLAG("NOSPECIAL"),
	FLAG("OPERATIONS"),
	VAL("OWNER", "OWNER"),
	OPT("RESUME"),
	OPT("REVOKE"),
	FLAG("SPECIAL"),
	VAL("UACC", "UNIVERSAL ACCESS"),
	END
};

static const struct racf_kwspec remove_kws[] = {
	VAL("GROUP", "GROUP NAME"),
	VAL("OWNER", "OWNER"),
	END
};

static const struct racf_kwspec audit_kws[] = {
	OPT("ALL"),
	OPT("FAILURES"),
	FLAG("NONE"),
	OPT("SUCCESS"),
	END
};

static const struct racf_kwspec ssignon_kws[] = {
	FLAG("ENCRYPTKEY"),
	VAL("EPTKEYLABEL", "KEY LABEL"),
	VAL("KEYENCRYPTED", "KEY"),
	VAL("KEYLABEL", "KEY LABEL"),
	VAL("KEYMASKED", "KEY"),
	FLAG("NOLEGACYKEY"),
	VAL("REPLAY", "YES OR NO"),
	VAL("TIMEOUT", "TIMEOUT"),
	VAL("TYPE", "UPPER OR MIXED"),
	END
};

static const struct racf_kwspec stdata_kws[] = {
	VAL("GROUP", "GROUP NAME"),
	VAL("PRIVILEGED", "YES OR NO"),
	VAL("TRACE", "YES OR NO"),
	VAL("TRUSTED", "YES OR NO"),
	VAL("USER", "USERID"),
	END
};

static const struct racf_kwspec rdefine_kws[] = {
	VAL("ADDMEM", "MEMBER NAME"),
	VAL("APPLDATA", "APPLICATION DATA"),
	{ "AUDIT", NULL, 0, RACF_KW_VALUE, audit_kws, "AUDIT OPTION" },
	VAL("DATA", "INSTALLATION DATA"),
	VAL("FCLASS", "CLASS NAME"),
	FLAG("FGENERIC"),
	VAL("FROM", "PROFILE NAME"),
	VAL("LEVEL", "LEVEL"),
	OPT("NOTIFY"),
	FLAG("NOWARNING"),
	VAL("OWNER", "OWNER"),
	{ "SSIGNON", NULL, 0, RACF_KW_VALUE, ssignon_kws, "SSIGNON OPTION" },
	{ "STDATA", NULL, 0, RACF_KW_VALUE, stdata_kws, "STDATA OPTION" },
	VAL("UACC", "UNIVERSAL ACCESS"),
	FLAG("WARNING"),
	END
};

static const struct racf_kwspec ralter_kws[] = {
	VAL("ADDMEM", "MEMBER NAME"),
	VAL("APPLDATA", "APPLICATION DATA"),
	{ "AUDIT", NULL, 0, RACF_KW_VALUE, audit_kws, "AUDIT OPTION" },
	VAL("DATA", "INSTALLATION DATA"),
	VAL("DELMEM", "MEMBER NAME"),
	VAL("LEVEL", "LEVEL"),
	FLAG("NOAPPLDATA"),
	FLAG("NODATA"),
	FLAG("NONOTIFY"),
	FLAG("NOSSIGNON"),
	FLAG("NOSTDATA"),
	OPT("NOTIFY"),
	FLAG("NOWARNING"),
	VAL("OWNER", "OWNER"),
	{ "SSIGNON", NULL, 0, RACF_KW_VALUE, ssignon_kws, "SSIGNON OPTION" },
	{ "STDATA", NULL, 0, RACF_KW_VALUE, stdata_kws, "STDATA OPTION" },
	VAL("UACC", "UNIVERSAL ACCESS"),
	FLAG("WARNING"),
	END
};

static const struct racf_kwspec rlist_kws[] = {
	FLAG("ALL"),
	FLAG("AUTHUSER"),
	FLAG("GENERIC"),
	FLAG("NOGENERIC"),
	FLAG("RESGROUP"),
	FLAG("SSIGNON"),
	FLAG("STDATA"),
	END
};

static const struct racf_kwspec permit_kws[] = {
	VAL("ACCESS", "ALTER, CONTROL, UPDATE, READ, EXECUTE, OR NONE"),
	VAL("CLASS", "CLASS NAME"),
	FLAG("DELETE"),
	VAL("FCLASS", "CLASS NAME"),
	FLAG("FGENERIC"),
	VAL("FROM", "PROFILE NAME"),
	FLAG("GENERIC"),
	VAL("ID", "USERID OR GROUP NAME"),
	OPT("RESET"),
	VAL("WHEN", "CONDITION"),
	END
};

static const struct racf_kwspec setr_password_kws[] = {
	VAL("HISTORY", "HISTORY"),
	VAL("INTERVAL", "INTERVAL"),
	VAL("MINCHANGE", "MINCHANGE"),
	FLAG("MIXEDCASE"),
	FLAG("NOMIXEDCASE"),
	FLAG("NOREVOKE"),
	VAL("REVOKE", "REVOKE COUNT"),
	VAL("WARNING", "WARNING"),
	END
};

static const struct racf_kwspec setropts_kws[] = {
	VAL("CLASSACT", "CLASS NAME"),
	VAL("GENCMD", "CLASS NAME"),
	VAL("GENERIC", "CLASS NAME"),
	VAL("GENLIST", "CLASS NAME"),
	FLAG("GRPLIST"),
	FLAG("LIST"),
	VAL("NOCLASSACT", "CLASS NAME"),
	VAL("NOGENCMD", "CLASS NAME"),
	VAL("NOGENERIC", "CLASS NAME"),
	VAL("NOGENLIST", "CLASS NAME"),
	FLAG("NOGRPLIST"),
	VAL("NORACLIST", "CLASS NAME"),
	{ "PASSWORD", NULL, 0, RACF_KW_VALUE, setr_password_kws, "PASSWORD OPTION" },
	VAL("RACLIST", "CLASS NAME"),
	FLAG("REFRESH"),
	END
};

static const struct racf_kwspec no_kws[] = {
	END
};

#define NOPOS 0, 0, { NULL, NULL }

const struct racf_verb racf_verbs[] = {
	{ "ADDUSER", { "AU", NULL, NULL }, 1, 1, { "USERID", NULL }, adduser_kws,
	    racf_adduser, RACF_AUTH_ANY, 0 },
	{ "ALTUSER", { "ALU", NULL, NULL }, 1, 1, { "USERID", NULL }, altuser_kws,
	    racf_altuser, RACF_AUTH_ANY, 0 },
	{ "DELUSER", { "DU", NULL, NULL }, 1, 1, { "USERID", NULL }, no_kws,
	    racf_deluser, RACF_AUTH_ANY, 0 },
	{ "LISTUSER", { "LU", NULL, NULL }, 0, 1, { "USERID", NULL }, listuser_kws,
	    racf_listuser, RACF_AUTH_ANY, RACF_VERB_READONLY },
	{ "PASSWORD", { "PW", NULL, NULL }, NOPOS, password_kws,
	    racf_password, RACF_AUTH_ANY, 0 },
	{ "ADDGROUP", { "AG", NULL, NULL }, 1, 1, { "GROUP NAME", NULL }, addgroup_kws,
	    racf_addgroup, RACF_AUTH_ANY, 0 },
	{ "ALTGROUP", { "ALG", NULL, NULL }, 1, 1, { "GROUP NAME", NULL }, altgroup_kws,
	    racf_altgroup, RACF_AUTH_ANY, 0 },
	{ "DELGROUP", { "DG", NULL, NULL }, 1, 1, { "GROUP NAME", NULL }, no_kws,
	    racf_delgroup, RACF_AUTH_ANY, 0 },
	{ "LISTGRP", { "LG", NULL, NULL }, 0, 1, { "GROUP NAME", NULL }, listgrp_kws,
	    racf_listgrp, RACF_AUTH_ANY, RACF_VERB_READONLY },
	{ "CONNECT", { "CO", NULL, NULL }, 1, 1, { "USERID", NULL }, connect_kws,
	    racf_connect, RACF_AUTH_ANY, 0 },
	{ "REMOVE", { "RE", NULL, NULL }, 1, 1, { "USERID", NULL }, remove_kws,
	    racf_remove, RACF_AUTH_ANY, 0 },
	{ "RDEFINE", { "RDEF", NULL, NULL }, 2, 2, { "CLASS NAME", "PROFILE NAME" },
	    rdefine_kws, racf_rdefine, RACF_AUTH_ANY, 0 },
	{ "RALTER", { "RALT", NULL, NULL }, 2, 2, { "CLASS NAME", "PROFILE NAME" },
	    ralter_kws, racf_ralter, RACF_AUTH_ANY, 0 },
	{ "RDELETE", { "RDEL", NULL, NULL }, 2, 2, { "CLASS NAME", "PROFILE NAME" },
	    no_kws, racf_rdelete, RACF_AUTH_ANY, 0 },
	{ "RLIST", { "RL", NULL, NULL }, 2, 2, { "CLASS NAME", "PROFILE NAME" },
	    rlist_kws, racf_rlist, RACF_AUTH_ANY, RACF_VERB_READONLY },
	{ "PERMIT", { "PE", NULL, NULL }, 1, 1, { "PROFILE NAME", NULL }, permit_kws,
	    racf_permit, RACF_AUTH_ANY, 0 },
	{ "SETROPTS", { "SETR", NULL, NULL }, NOPOS, setropts_kws,
	    racf_setropts, RACF_AUTH_SPECIAL, 0 },
	{ "RACDCERT", { NULL, NULL, NULL }, NOPOS, racf_racdcert_keywords,
	    racf_racdcert, RACF_AUTH_ANY, 0 },
	{ "RACMAP", { NULL, NULL, NULL }, NOPOS, racf_racmap_keywords,
	    racf_racmap, RACF_AUTH_ANY, 0 },
	{ "CKDSKEY", { NULL, NULL, NULL }, NOPOS, racf_ckdskey_keywords,
	    racf_ckdskey, RACF_AUTH_SPECIAL, 0 },
	{ NULL, { NULL, NULL, NULL }, NOPOS, NULL, NULL, RACF_AUTH_ANY, 0 }
};

const struct racf_verb *
racf_verb_lookup(const char *typed, size_t len)
{
	const struct racf_verb *v;
	struct at_str t = { typed, len };
	size_t i;

	for (v = racf_verbs; v->name != NULL; v++) {
		if (at_str_eq_ci(t, v->name))
			return v;
		for (i = 0; i < 3 && v->aliases[i] != NULL; i++)
			if (at_str_eq_ci(t, v->aliases[i]))
				return v;
	}
	return NULL;
}
