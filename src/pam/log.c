/*
 * log.c - what pam_attls writes: RACF's message lines to syslog
 * (pam_syslog: facility LOG_AUTHPRIV, tagged with the module, the PAM
 * service and the phase), and messages to the user through the
 * application's conversation.
 */
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam/pam_attls.h"

void
pam_attls_log_lines(pam_handle_t *pamh, int prio, const char *lines)
{
	char line[ATTLS_SAF_TEXT_MAX];
	char esc[ATTLS_SAF_TEXT_MAX];
	const char *p = lines, *nl;

	while (p != NULL && *p != '\0') {
		size_t n;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		/* The service sends no control characters; escaping keeps
		 * one record one line should that ever change. */
		pam_attls_escape(line, esc, sizeof(esc));
		if (esc[0] != '\0')
			pam_syslog(pamh, prio, "%s", esc);
		p = nl != NULL ? nl + 1 : NULL;
	}
}

void
pam_attls_log_error(pam_handle_t *pamh, const char *what,
    const struct attls_saf_error *err)
{
	char esc[ATTLS_SAF_MSG_MAX];

	pam_attls_escape(err->message, esc, sizeof(esc));
	pam_syslog(pamh, LOG_ERR, "%s: the SAF service gave no answer: %s; "
	    "refused", what, esc[0] != '\0' ? esc : "(no reason given)");
}

void
pam_attls_tell(pam_handle_t *pamh, const struct pam_attls_opts *o,
    bool info, const char *text)
{
	int rc;

	if (o->silent || text == NULL || text[0] == '\0')
		return;
	rc = pam_prompt(pamh, info ? PAM_TEXT_INFO : PAM_ERROR_MSG, NULL,
	    "%s", text);
	if (rc != PAM_SUCCESS)
		pam_syslog(pamh, LOG_DEBUG, "the application's conversation "
		    "could not show a message: %s", pam_strerror(pamh, rc));
}

struct attls_saf *
pam_attls_connect(pam_handle_t *pamh, const struct pam_attls_opts *o,
    enum attls_saf_errcode *code)
{
	struct attls_saf_error err;
	struct attls_saf *h = NULL;

	memset(&err, 0, sizeof(err));
	if (attls_saf_open(o->socket[0] != '\0' ? o->socket : NULL, &h,
	    &err) != 0 || h == NULL) {
		*code = err.code != ATTLS_SAF_E_NONE ? err.code :
		    ATTLS_SAF_E_CONNECT;
		pam_attls_log_error(pamh, "cannot reach the SAF service", &err);
		return NULL;
	}
	*code = ATTLS_SAF_E_NONE;
	return h;
}
