/*
 * ezd.c - formatting the EZD128xI messages (see ezd.h).
 */
#include "daemon/ezd.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "daemon/conntab.h"
#include "daemon/gen.h"
#include "daemon/log.h"
#include "policy/policy.h"

#define NA "**N/A**"

static bool
auth_facility(const struct attlsd_conn *c)
{
	return c->rule->actions->syslog_facility == POLICY_SYSLOG_AUTH;
}

void
ezd_map(const struct attlsd_conn *c)
{
	const struct policy_actions *a = c->rule->actions;
	char l[80], r[80];

	if ((c->trace & 4) == 0)
		return;
	attlsd_addr_text(&c->addrs, true, l, sizeof(l));
	attlsd_addr_text(&c->addrs, false, r, sizeof(r));
	attlsd_log(LOG_INFO, auth_facility(c),
	    "EZD1281I TTLS Map CONNID: %08X LOCAL: %s REMOTE: %s JOBNAME: %s USERID: %s "
	    "TYPE: %s STATUS: %s RULE: %s ACTIONS: %s %s %s",
	    c->id, l, r, c->jobname[0] ? c->jobname : NA, c->userid,
	    c->dir == CTL_DIR_INBOUND ? "InBound" : "OutBound",
	    !a->enabled ? "Not Enabled" : a->application_controlled ? "Appl Control" : "Enabled",
	    c->rule->name, a->group_name, a->env_name != NULL ? a->env_name : NA,
	    a->conn_name != NULL ? a->conn_name : NA);
}

static void
upper_protocol(const char *in, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < outsz; i++)
		out[i] = (char)toupper((unsigned char)in[i]);
	out[i] = '\0';
}

void
ezd_handshake_done(const struct attlsd_conn *c, const char *protocol, uint16_t cipher)
{
	char proto[16];

	upper_protocol(protocol, proto, sizeof(proto));
	if (c->trace & 16) {
		char cs[8];

		(void)snprintf(cs, sizeof(cs), "%04X", cipher);
		ezd_flow(c, 0, "Call", "SSL_do_handshake", NULL);
		ezd_flow(c, 0, "Get", "protocol", proto);
		ezd_flow(c, 0, "Get", "cipher", cs);
		ezd_flow(c, 0, "Get", "peer certificate", c->peer_subject != NULL ?
		    c->peer_subject : "none");
	}
	if ((c->trace & (4 | 8)) == 0)
		return;
	attlsd_log(LOG_INFO, auth_facility(c),
	    "EZD1283I TTLS Event GRPID: %08X ENVID: %08X CONNID: %08X RC: 0 "
	    "Initial Handshake %016X %016X %s %04X",
	    c->env->grpid, c->env->envid, c->id, c->env->envid, c->id, proto, cipher);
}

void
ezd_conn_error(const struct attlsd_conn *c, int rc, const char *event, const char *why)
{
	uint32_t grpid = c->env != NULL ? c->env->grpid : attlsd_gen_grpid(c->gen, c->rule);
	uint32_t envid = c->env != NULL ? c->env->envid : 0;
	char l[80], r[80];

	attlsd_addr_text(&c->addrs, true, l, sizeof(l));
	attlsd_addr_text(&c->addrs, false, r, sizeof(r));
	if (c->trace & (4 | 8))
		attlsd_log(LOG_INFO, auth_facility(c),
		    "EZD1283I TTLS Event GRPID: %08X ENVID: %08X CONNID: %08X RC: %d %s",
		    grpid, envid, c->id, rc, event);
	if (c->trace & 2)
		attlsd_log(LOG_ERR, auth_facility(c),
		    "EZD1286I TTLS Error GRPID: %08X ENVID: %08X CONNID: %08X LOCAL: %s "
		    "REMOTE: %s JOBNAME: %s USERID: %s RULE: %s RC: %d %s (%s)",
		    grpid, envid, c->id, l, r, c->jobname[0] ? c->jobname : NA, c->userid,
		    c->rule->name, rc, event, why);
	if (c->trace & 1)
		attlsd_log(LOG_ERR, auth_facility(c),
		    "EZD1287I TTLS Error RC: %d %s CONNID: %08X JOBNAME: %s RULE: %s (%s)",
		    rc, event, c->id, c->jobname[0] ? c->jobname : NA, c->rule->name, why);
}

/* EZD1282I: an event begins, with the actions that govern it. */
static void
start(const struct attlsd_conn *c, const char *event)
{
	const struct policy_actions *a = c->rule->actions;

	if ((c->trace & (8 | 16)) == 0)
		return;
	attlsd_log(LOG_DEBUG, auth_facility(c),
	    "EZD1282I TTLS Start GRPID: %08X ENVID: %08X CONNID: %08X %s ACTIONS: %s %s %s",
	    c->env != NULL ? c->env->grpid : attlsd_gen_grpid(c->gen, c->rule),
	    c->env != NULL ? c->env->envid : 0, c->id, event, a->group_name,
	    a->env_name != NULL ? a->env_name : NA, a->conn_name != NULL ? a->conn_name : NA);
}

void
ezd_handshake_start(const struct attlsd_conn *c)
{
	start(c, "Initial Handshake");
}

void
ezd_flow(const struct attlsd_conn *c, int rc, const char *what, const char *func,
    const char *data)
{
	if ((c->trace & 16) == 0)
		return;
	attlsd_log(LOG_DEBUG, auth_facility(c),
	    "EZD1284I TTLS Flow GRPID: %08X ENVID: %08X CONNID: %08X RC: %d %s %s- %s",
	    c->env != NULL ? c->env->grpid : attlsd_gen_grpid(c->gen, c->rule),
	    c->env != NULL ? c->env->envid : 0, c->id, rc, what, func,
	    data != NULL ? data : "");
}

void
ezd_data(const struct attlsd_conn *c, uint64_t out, uint64_t in)
{
	if ((c->trace & 32) == 0 || (out == 0 && in == 0))
		return;
	attlsd_log(LOG_DEBUG, auth_facility(c),
	    "EZD1285I TTLS Data GRPID: %08X ENVID: %08X CONNID: %08X BYTES OUT: %llu IN: %llu",
	    c->env->grpid, c->env->envid, c->id, (unsigned long long)out,
	    (unsigned long long)in);
}

void
ezd_conn_close(const struct attlsd_conn *c)
{
	start(c, "Connection Close");
	ezd_flow(c, 0, "Call", "SSL_shutdown", NULL);
	if ((c->trace & 8) == 0)
		return;
	attlsd_log(LOG_INFO, auth_facility(c),
	    "EZD1283I TTLS Event GRPID: %08X ENVID: %08X CONNID: %08X RC: 0 "
	    "Connection Close BYTES OUT: %llu IN: %llu",
	    c->env->grpid, c->env->envid, c->id, (unsigned long long)c->to_peer,
	    (unsigned long long)c->from_peer);
}

void
ezd_conn_stop(const struct attlsd_conn *c)
{
	start(c, "Connection Stop");
	if ((c->trace & (4 | 8)) == 0)
		return;
	attlsd_log(LOG_INFO, auth_facility(c),
	    "EZD1283I TTLS Event GRPID: %08X ENVID: %08X CONNID: %08X RC: 0 "
	    "Connection Stop BYTES OUT: %llu IN: %llu",
	    c->env->grpid, c->env->envid, c->id, (unsigned long long)c->to_peer,
	    (unsigned long long)c->from_peer);
}

void
ezd_env_error(uint32_t trace, uint32_t grpid, uint32_t envid, const char *userid, int rc,
    const char *event, const char *why)
{
	if (trace & 2)
		attlsd_log(LOG_ERR, false,
		    "EZD1286I TTLS Error GRPID: %08X ENVID: %08X CONNID: 00000000 LOCAL: " NA
		    " REMOTE: " NA " JOBNAME: " NA " USERID: %s RULE: " NA " RC: %d %s (%s)",
		    grpid, envid, userid, rc, event, why);
	if (trace & 1)
		attlsd_log(LOG_ERR, false, "EZD1287I TTLS Error RC: %d %s USERID: %s (%s)",
		    rc, event, userid, why);
}
