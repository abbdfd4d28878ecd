/* names.c - name rules, access levels and dates shared by the saf modules. */
#include "saf/names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const access_names[] = {
	"NONE", "EXECUTE", "READ", "UPDATE", "CONTROL", "ALTER"
};

static const char *const gauth_names[] = {
	"USE", "CREATE", "CONNECT", "JOIN"
};

static bool
name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '#' ||
	    c == '$' || c == '@';
}

static enum at_rc
norm(const char *in, const char *what, bool digit_first_ok,
    char out[SAF_NAME_MAX + 1], struct at_err *err)
{
	size_t i, len;

	out[0] = '\0';
	if (in == NULL || in[0] == '\0')
		return at_err_setx(err, AT_E_INPUT, "a %s is required", what);
	len = strlen(in);
	if (len > SAF_NAME_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "%s '%.40s' is longer than %d characters", what, in,
		    SAF_NAME_MAX);
	for (i = 0; i < len; i++) {
		char c = (char)toupper((unsigned char)in[i]);

		if (!name_char(c)) {
			out[0] = '\0';
			return at_err_setx(err, AT_E_INPUT,
			    "%s '%s' may hold only A-Z, 0-9, #, $ and @", what,
			    in);
		}
		out[i] = c;
	}
	out[len] = '\0';
	if (!digit_first_ok && out[0] >= '0' && out[0] <= '9') {
		out[0] = '\0';
		return at_err_setx(err, AT_E_INPUT,
		    "%s '%s' may not start with a digit", what, in);
	}
	return AT_OK;
}

void
saf_undefined_name(uid_t uid, char out[SAF_SUBJECT_MAX + 1])
{
	(void)snprintf(out, SAF_SUBJECT_MAX + 1, "?%lu", (unsigned long)uid);
}

bool
saf_name_is_undefined(const char *name)
{
	size_t i;

	if (name == NULL || name[0] != '?' || name[1] == '\0')
		return false;
	for (i = 1; name[i] != '\0'; i++)
		if (i >= SAF_SUBJECT_MAX || name[i] < '0' || name[i] > '9')
			return false;
	return true;
}

enum at_rc
saf_name_norm(const char *in, const char *what, char out[SAF_NAME_MAX + 1],
    struct at_err *err)
{
	return norm(in, what, false, out, err);
}

enum at_rc
saf_class_norm(const char *in, char out[SAF_NAME_MAX + 1], struct at_err *err)
{
	return norm(in, "class", false, out, err);
}

enum at_rc
saf_resource_norm(const char *in, char out[SAF_PROFILE_MAX + 1],
    struct at_err *err)
{
	size_t i, len;

	out[0] = '\0';
	if (in == NULL || in[0] == '\0')
		return at_err_setx(err, AT_E_INPUT, "a resource name is required");
	len = strlen(in);
	if (len > SAF_PROFILE_MAX)
		return at_err_setx(err, AT_E_INPUT,
		    "resource name '%.40s...' is longer than %d characters", in,
		    SAF_PROFILE_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= ' ' || c >= 0x7f) {
			out[0] = '\0';
			return at_err_setx(err, AT_E_INPUT,
			    "resource name '%.60s' holds a blank or a "
			    "non-printable character", in);
		}
		out[i] = (char)toupper(c);
	}
	out[len] = '\0';
	return AT_OK;
}

static bool
eq_ci(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return false;
	return *a == *b;
}

enum at_rc
saf_access_parse(const char *text, enum saf_access *out, struct at_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(access_names) / sizeof(access_names[0]); i++) {
		if (text != NULL && eq_ci(text, access_names[i])) {
			*out = (enum saf_access)i;
			return AT_OK;
		}
	}
	return at_err_setx(err, AT_E_INPUT,
	    "invalid access '%.40s': use ALTER, CONTROL, UPDATE, READ, "
	    "EXECUTE, or NONE", text == NULL ? "" : text);
}

const char *
saf_access_name(enum saf_access a)
{
	if ((unsigned)a >= sizeof(access_names) / sizeof(access_names[0]))
		return "NONE";
	return access_names[a];
}

enum at_rc
saf_group_auth_parse(const char *text, enum saf_group_auth *out,
    struct at_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(gauth_names) / sizeof(gauth_names[0]); i++) {
		if (text != NULL && eq_ci(text, gauth_names[i])) {
			*out = (enum saf_group_auth)i;
			return AT_OK;
		}
	}
	return at_err_setx(err, AT_E_INPUT,
	    "invalid group authority '%.40s': use USE, CREATE, CONNECT or "
	    "JOIN", text == NULL ? "" : text);
}

const char *
saf_group_auth_name(enum saf_group_auth a)
{
	if ((unsigned)a >= sizeof(gauth_names) / sizeof(gauth_names[0]))
		return "USE";
	return gauth_names[a];
}

enum at_rc
saf_copy_bounded(char *dst, size_t cap, const char *src, const char *what,
    struct at_err *err)
{
	size_t len = src == NULL ? 0 : strlen(src);

	if (cap == 0)
		return at_err_setx(err, AT_E_INTERNAL, "no room for %s", what);
	dst[0] = '\0';
	if (len >= cap)
		return at_err_setx(err, AT_E_TOOBIG,
		    "%s is longer than %zu characters", what, cap - 1);
	if (len > 0)
		memcpy(dst, src, len);
	dst[len] = '\0';
	return AT_OK;
}

void
saf_date_yyddd(int64_t t, char out[8])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
		memcpy(out, "00.000", 7);
		return;
	}
	out[0] = (char)('0' + (tm.tm_year % 100) / 10);
	out[1] = (char)('0' + tm.tm_year % 10);
	out[2] = '.';
	out[3] = (char)('0' + (tm.tm_yday + 1) / 100);
	out[4] = (char)('0' + ((tm.tm_yday + 1) / 10) % 10);
	out[5] = (char)('0' + (tm.tm_yday + 1) % 10);
	out[6] = '\0';
}

int64_t
saf_now(void)
{
	return (int64_t)time(NULL);
}
