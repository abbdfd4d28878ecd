/*
 * views.h - the operator's views attlsd renders (CTL_VIEW): the installed
 * policy in pasearch's layout, explain against it, and every TCP
 * connection of the host with its AT-TLS columns (netstat).  Who may see
 * what is decided by the caller (control.c) and passed in.
 */
#ifndef ATTLS_DAEMON_VIEWS_H
#define ATTLS_DAEMON_VIEWS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/buf.h"
#include "common/err.h"
#include "ctl/proto.h"

struct attlsd;

/* Whose connections a netstat view shows. */
struct attlsd_view_scope {
	bool all;             /* every connection of the host */
	uid_t uid;            /* else only sockets owned by this uid */
	const char *note;     /* else a line saying so, or NULL */
};

/*
 * Renders view v of d's installed generation into out (the whole view, as
 * text or JSON).  *errnum is 0, or an errno value when the request cannot
 * be answered (out then holds why, for people).  Returns AT_OK when out
 * holds an answer; AT_E_TOOBIG / AT_E_NOMEM when it did not fit.
 */
AT_MUST_CHECK enum at_rc attlsd_view_render(struct attlsd *d, const struct ctl_view *v,
    const struct attlsd_view_scope *scope, struct at_buf *out, int *errnum,
    struct at_err *err);

#endif
