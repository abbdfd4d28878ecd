/*
 * opts.c - pam_attls's options, and the names it derives from PAM items
 * (the RACF user id, the application).  Every option is applied or the
 * module refuses: a misspelt option must not quietly turn a check off.
 */
#include <ctype.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam/pam_attls.h"

/* Options libpam's pam_get_authtok reads from the same line. */
static const char *const libpam_opts[] = {
	"use_first_pass", "try_first_pass", "use_authtok", NULL
};

static const char *const accesses[] = {
	"READ", "UPDATE", "CONTROL", "ALTER", NULL
};

bool
pam_attls_fold_name(const char *s, char out[PAM_ATTLS_NAME_MAX + 1])
{
	size_t i, n = strlen(s);

	out[0] = '\0';
	if (n == 0 || n > PAM_ATTLS_NAME_MAX || isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)toupper((unsigned char)s[i]);

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '#' || c == '$' || c == '@')) {
			out[0] = '\0';
			return false;
		}
		out[i] = (char)c;
	}
	out[n] = '\0';
	return true;
}

void
pam_attls_escape(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outsz == 0)
		return;
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= outsz)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* Copies v into dst (dstsz bytes); false when it does not fit or is
 * empty. */
static bool
copy_value(char *dst, size_t dstsz, const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n >= dstsz)
		return false;
	memcpy(dst, v, n + 1);
	return true;
}

static bool
printable_nospace(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static int
bad(pam_handle_t *pamh, const char *arg, const char *why)
{
	char esc[300];

	pam_attls_escape(arg, esc, sizeof(esc));
	pam_syslog(pamh, LOG_ERR,
	    "option '%s' %s; refusing every request until the PAM "
	    "configuration is fixed", esc, why);
	return PAM_SERVICE_ERR;
}

int
pam_attls_opts_parse(pam_handle_t *pamh, int flags, int argc,
    const char **argv, struct pam_attls_opts *o)
{
	bool seen_socket = false, seen_appl = false, seen_class = false;
	bool seen_res = false, seen_access = false;
	int i, k;

	memset(o, 0, sizeof(*o));
	memcpy(o->access, "READ", 5);
	o->silent = (flags & PAM_SILENT) != 0;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool known = false;

		if (a == NULL)
			return bad(pamh, "(null)", "is not an option");
		for (k = 0; libpam_opts[k] != NULL; k++)
			if (strcmp(a, libpam_opts[k]) == 0)
				known = true;
		if (known || strncmp(a, "authtok_type=", 13) == 0)
			continue;
		if (strcmp(a, "debug") == 0) {
			o->debug = true;
		} else if (strncmp(a, "socket=", 7) == 0) {
			if (seen_socket)
				return bad(pamh, a, "is given twice");
			seen_socket = true;
			if (a[7] != '/' ||
			    !copy_value(o->socket, sizeof(o->socket), a + 7))
				return bad(pamh, a, "needs an absolute path of "
				    "at most 107 bytes");
		} else if (strncmp(a, "appl=", 5) == 0) {
			if (seen_appl)
				return bad(pamh, a, "is given twice");
			seen_appl = true;
			if (!pam_attls_fold_name(a + 5, o->appl))
				return bad(pamh, a, "needs an application name "
				    "(1-8 of A-Z 0-9 # $ @, not starting with a "
				    "digit)");
		} else if (strncmp(a, "class=", 6) == 0) {
			if (seen_class)
				return bad(pamh, a, "is given twice");
			seen_class = true;
			if (!pam_attls_fold_name(a + 6, o->cls))
				return bad(pamh, a, "needs a class name "
				    "(1-8 characters)");
		} else if (strncmp(a, "resource=", 9) == 0) {
			if (seen_res)
				return bad(pamh, a, "is given twice");
			seen_res = true;
			if (!printable_nospace(a + 9) ||
			    !copy_value(o->resource, sizeof(o->resource), a + 9))
				return bad(pamh, a, "needs a resource name of "
				    "1-246 printable characters without blanks");
		} else if (strncmp(a, "access=", 7) == 0) {
			char up[8];
			size_t n = strlen(a + 7), j;
			bool ok = false;

			if (seen_access)
				return bad(pamh, a, "is given twice");
			seen_access = true;
			if (n > 0 && n < sizeof(up)) {
				for (j = 0; j <= n; j++)
					up[j] = (char)toupper(
					    (unsigned char)a[7 + j]);
				for (k = 0; accesses[k] != NULL; k++)
					if (strcmp(up, accesses[k]) == 0)
						ok = true;
			}
			if (!ok)
				return bad(pamh, a, "needs READ, UPDATE, "
				    "CONTROL or ALTER");
			memcpy(o->access, up, n + 1);
		} else {
			return bad(pamh, a, "is not an option of pam_attls "
			    "(socket= appl= class= resource= access= debug)");
		}
	}
	if (seen_class != seen_res)
		return bad(pamh, seen_class ? "class=" : "resource=",
		    "needs the other of class= and resource=");
	if (seen_access && !seen_class)
		return bad(pamh, "access=", "needs class= and resource=");
	return PAM_SUCCESS;
}

int
pam_attls_user(pam_handle_t *pamh, char out[PAM_ATTLS_NAME_MAX + 1])
{
	const char *user = NULL;
	char esc[80];
	int rc;

	out[0] = '\0';
	rc = pam_get_user(pamh, &user, NULL);
	if (rc != PAM_SUCCESS) {
		pam_syslog(pamh, LOG_ERR, "cannot get the user name: %s",
		    pam_strerror(pamh, rc));
		return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : rc;
	}
	if (user == NULL || !pam_attls_fold_name(user, out)) {
		pam_attls_escape(user != NULL ? user : "", esc, sizeof(esc));
		pam_syslog(pamh, LOG_NOTICE, "IRR012I VERIFICATION FAILED. "
		    "USER PROFILE NOT FOUND: '%s' cannot be a RACF user id "
		    "(1-8 of A-Z 0-9 # $ @, not starting with a digit)", esc);
		return PAM_USER_UNKNOWN;
	}
	return PAM_SUCCESS;
}

int
pam_attls_appl(pam_handle_t *pamh, const struct pam_attls_opts *o,
    char out[PAM_ATTLS_NAME_MAX + 1])
{
	const void *item = NULL;
	char esc[80];
	int rc;

	if (o->appl[0] != '\0') {
		memcpy(out, o->appl, sizeof(o->appl));
		return PAM_SUCCESS;
	}
	rc = pam_get_item(pamh, PAM_SERVICE, &item);
	if (rc != PAM_SUCCESS || item == NULL) {
		pam_syslog(pamh, LOG_ERR, "cannot get the PAM service name "
		    "for the default application; give appl=NAME");
		return PAM_SERVICE_ERR;
	}
	if (!pam_attls_fold_name(item, out)) {
		pam_attls_escape(item, esc, sizeof(esc));
		pam_syslog(pamh, LOG_ERR, "the PAM service name '%s' is not "
		    "an application name (1-8 of A-Z 0-9 # $ @, not starting "
		    "with a digit); give appl=NAME on the module's line",
		    esc);
		return PAM_SERVICE_ERR;
	}
	return PAM_SUCCESS;
}
