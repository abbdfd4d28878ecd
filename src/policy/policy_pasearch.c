/*
 * policy_pasearch.c - an installed policy in pasearch's layout (see
 * policy_pasearch.h).  The rule block follows pasearch -t line for line
 * where attls has the same facts; the actions follow as attls resolved
 * them (the group, environment and connection actions merged, each
 * setting once, defaults filled, and a setting that has no effect here
 * marked so), because that is what a connection gets.
 */
#include "policy/policy_pasearch.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "policy/explain.h"

/* Appends text with every line prefixed by indent. */
static enum at_rc
indented(struct at_buf *out, const char *indent, const char *text)
{
	enum at_rc rc = AT_OK;
	const char *p = text, *nl;

	while (rc == AT_OK && *p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		rc = at_buf_printf(out, "%s%.*s\n", indent, (int)(nl - p), p);
		p = *nl == '\n' ? nl + 1 : nl;
	}
	return rc;
}

enum stamp_kind { STAMP_LONG, STAMP_HEADER, STAMP_ISO };

static enum at_rc
stamp(struct at_buf *out, enum stamp_kind kind, time_t t)
{
	char s[64];
	struct tm tm;
	size_t n = 0;

	if (localtime_r(&t, &tm) != NULL) {
		if (kind == STAMP_LONG)
			n = strftime(s, sizeof(s), "%a %b %e %H:%M:%S %Y", &tm);
		else if (kind == STAMP_HEADER)
			n = strftime(s, sizeof(s), "%m/%d/%Y        Time:  %H:%M:%S", &tm);
		else
			n = strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S%z", &tm);
	}
	return at_buf_printf(out, "%s", n > 0 ? s : "?");
}

static enum at_rc
addr_block(struct at_buf *out, const char *title, const struct policy_addr_cond *c)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	enum at_rc rc = at_buf_printf(out, "   %s:\n", title);
	size_t i;

	if (rc == AT_OK && (c->any || c->n == 0))
		return at_buf_printf(out, "    FromAddr:           All\n"
		    "    ToAddr:             All\n");
	for (i = 0; i < c->n && rc == AT_OK; i++) {
		const struct policy_addr_range *r = &c->ranges[i];
		int af = r->family == AF_INET ? AF_INET : AF_INET6;

		if (inet_ntop(af, af == AF_INET ? r->lo + 12 : r->lo, lo, sizeof(lo)) == NULL ||
		    inet_ntop(af, af == AF_INET ? r->hi + 12 : r->hi, hi, sizeof(hi)) == NULL) {
			(void)snprintf(lo, sizeof(lo), "?");
			(void)snprintf(hi, sizeof(hi), "?");
		}
		rc = at_buf_printf(out, "    FromAddr:           %s\n"
		    "    ToAddr:             %s\n", lo, hi);
	}
	return rc;
}

/* pasearch shows 0 for "any port"; a list gets one line per range. */
static enum at_rc
port_lines(struct at_buf *out, const char *side, const struct policy_port_cond *c)
{
	enum at_rc rc = AT_OK;
	size_t i;

	if (c->any || c->n == 0)
		return at_buf_printf(out, "   %sPortFrom:%*s0                 %sPortTo:%*s0\n",
		    side, (int)(12 - strlen(side)), "", side, (int)(12 - strlen(side)), "");
	for (i = 0; i < c->n && rc == AT_OK; i++)
		rc = at_buf_printf(out, "   %sPortFrom:%*s%-17u %sPortTo:%*s%u\n", side,
		    (int)(12 - strlen(side)), "", c->ranges[i].lo, side,
		    (int)(12 - strlen(side)), "", c->ranges[i].hi);
	return rc;
}

static void
mask_bits(char *out, uint64_t mask, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		out[i] = (mask >> i) & 1u ? '1' : '0';
	out[n] = '\0';
}

static enum at_rc
time_block(struct at_buf *out, const struct policy_time_cond *t)
{
	char first[32], last[32], months[16], days[8], from[32], to[32];
	unsigned tod_from = 0, tod_to = 1440;
	enum at_rc rc;
	struct tm tm;

	mask_bits(first, t != NULL ? t->day_of_month_mask : 0x7fffffffull, 31);
	mask_bits(last, t != NULL ? t->day_of_month_mask >> 31 : 0x7fffffffull, 31);
	mask_bits(months, t != NULL ? t->month_mask : 0xfffu, 12);
	mask_bits(days, t != NULL ? t->day_of_week_mask : 0x7fu, 7);
	(void)snprintf(from, sizeof(from), "None");
	(void)snprintf(to, sizeof(to), "None");
	if (t != NULL && t->has_period) {
		if ((t->utc ? gmtime_r(&t->period_from, &tm) : localtime_r(&t->period_from,
		    &tm)) != NULL)
			(void)strftime(from, sizeof(from), "%Y/%m/%d %H:%M:%S", &tm);
		if ((t->utc ? gmtime_r(&t->period_to, &tm) : localtime_r(&t->period_to,
		    &tm)) != NULL)
			(void)strftime(to, sizeof(to), "%Y/%m/%d %H:%M:%S", &tm);
	}
	if (t != NULL) {
		tod_from = t->tod_from;
		tod_to = t->tod_to + 1u; /* inclusive minute: 23:59 shows as 24:00 */
	}
	rc = at_buf_printf(out, "  Time Periods:\n"
	    "   Day of Month Mask:\n"
	    "   First to Last:       %s\n"
	    "   Last to First:       %s\n"
	    "   Month of Yr Mask:    %s\n"
	    "   Day of Week Mask:    %s  (Sunday - Saturday)\n"
	    "   Start Date Time:     %s\n"
	    "   End Date Time:       %s\n"
	    "   Fr TimeOfDay:        %02u:%02u             To TimeOfDay:      %02u:%02u\n"
	    "   TimeZone:            %s\n", first, last, months, days, from, to,
	    tod_from / 60, tod_from % 60, tod_to / 60, tod_to % 60,
	    t != NULL && t->utc ? "UTC" : "Local");
	return rc;
}

static const char *
name_cond(const struct policy_name_cond *c)
{
	return c->any ? "" : c->pattern;
}

/* The condition summary, line for line as pasearch prints it. */
static enum at_rc
conditions(struct at_buf *out, const struct policy_rule *r)
{
	enum at_rc rc = time_block(out, r->time);

	if (rc == AT_OK)
		rc = at_buf_printf(out, "  TTLS Condition Summary:                 "
		    "NegativeIndicator: Off\n");
	if (rc == AT_OK)
		rc = addr_block(out, "Local Address", &r->laddr);
	if (rc == AT_OK)
		rc = addr_block(out, "Remote Address", &r->raddr);
	if (rc == AT_OK)
		rc = port_lines(out, "Local", &r->lport);
	if (rc == AT_OK)
		rc = port_lines(out, "Remote", &r->rport);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "   JobName:             %-17s UserId:%s%s\n"
		    "   ServiceDirection:    %s\n", name_cond(&r->jobname),
		    r->userid.any ? "" : "            ", name_cond(&r->userid),
		    r->dir == POLICY_DIR_INBOUND ? "Inbound" :
		    r->dir == POLICY_DIR_OUTBOUND ? "Outbound" : "Both");
	if (rc == AT_OK)
		rc = at_buf_printf(out, "  Defined at:           %s:%u\n",
		    r->file != NULL ? r->file : "-", r->line);
	return rc;
}

static enum at_rc
action_line(struct at_buf *out, const char *name, const char *type)
{
	if (name == NULL)
		return AT_OK;
	return at_buf_printf(out, "  policyAction:         %s\n"
	    "   ActionType:          TTLS %s\n"
	    "   Action Sequence:     0\n", name, type);
}

static enum at_rc
rule_text(const struct policy_rule *r, const struct policy_pasearch_info *info,
    struct at_buf *out, struct at_buf *tmp, struct at_err *err)
{
	const struct policy_actions *a = r->actions;
	enum at_rc rc;

	rc = at_buf_printf(out, "\npolicyRule:             %s\n"
	    "  Rule Type:            TTLS\n"
	    "  Version:              3                 Status:            Active\n"
	    "  Priority:             %-17u Sequence Actions:  Don't Care\n"
	    "  No. Policy Action:    %u\n", r->name, (unsigned)r->priority,
	    1u + (a->env_name != NULL) + (a->conn_name != NULL));
	if (rc == AT_OK)
		rc = action_line(out, a->env_name, "Environment");
	if (rc == AT_OK)
		rc = action_line(out, a->group_name, "Group");
	if (rc == AT_OK)
		rc = action_line(out, a->conn_name, "Connection");
	if (rc == AT_OK)
		rc = conditions(out, r);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "  Policy created: ");
	if (rc == AT_OK)
		rc = stamp(out, STAMP_LONG, info->installed);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\n  Policy updated: ");
	if (rc == AT_OK)
		rc = stamp(out, STAMP_LONG, info->installed);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\n\n  TTLS Action:                  %s%s%s%s%s\n"
		    "    Version:                    3\n"
		    "    Status:                     Active\n"
		    "    Scope:                      Group, Environment and Connection, as resolved\n",
		    a->group_name, a->env_name != NULL ? " + " : "",
		    a->env_name != NULL ? a->env_name : "", a->conn_name != NULL ? " + " : "",
		    a->conn_name != NULL ? a->conn_name : "");
	at_buf_reset(tmp);
	if (rc == AT_OK)
		rc = policy_actions_format(r, tmp, false, err);
	if (rc == AT_OK)
		rc = indented(out, "    ", at_buf_cstr(tmp));
	return rc;
}

static enum at_rc
json_report(const struct policy_set *set, const struct policy_pasearch_info *info,
    struct at_buf *out, struct at_err *err)
{
	size_t i, n = policy_set_rule_count(set);
	enum at_rc rc;

	rc = at_buf_printf(out, "{\"image\":");
	if (rc == AT_OK)
		rc = policy_explain_json_str(out, info->image);
	if (rc == AT_OK)
		rc = at_buf_printf(out, ",\"generation\":%llu,\"instance_id\":%lld,"
		    "\"installed\":\"", (unsigned long long)info->generation,
		    (long long)info->installed);
	if (rc == AT_OK)
		rc = stamp(out, STAMP_ISO, info->installed);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\",\"status\":\"Active\",\"rules\":[");
	for (i = 0; i < n && rc == AT_OK; i++) {
		const struct policy_rule *r = policy_set_rule(set, i);

		rc = at_buf_printf(out, "%s{\"name\":", i > 0 ? "," : "");
		if (rc == AT_OK)
			rc = policy_explain_json_str(out, r->name);
		if (rc == AT_OK)
			rc = at_buf_printf(out, ",\"conditions\":");
		if (rc == AT_OK)
			rc = policy_rule_format_conditions(r, out, true, err);
		if (rc == AT_OK)
			rc = at_buf_printf(out, ",\"actions\":");
		if (rc == AT_OK)
			rc = policy_actions_format(r, out, true, err);
		if (rc == AT_OK)
			rc = at_buf_printf(out, "}");
	}
	if (rc == AT_OK)
		rc = at_buf_printf(out, "]}\n");
	return rc;
}

enum at_rc
policy_pasearch_format(const struct policy_set *set, const struct policy_pasearch_info *info,
    bool json, struct at_buf *out, struct at_err *err)
{
	struct at_buf tmp;
	size_t i, n = policy_set_rule_count(set);
	enum at_rc rc;

	if (json)
		return json_report(set, info, out, err);
	rc = at_buf_printf(out, "TCP/IP pasearch attls                     Image Name: %s\n"
	    "  Date:                 ", info->image);
	if (rc == AT_OK)
		rc = stamp(out, STAMP_HEADER, info->now);
	if (rc == AT_OK)
		rc = at_buf_printf(out, "\n  TTLS Instance Id:     %lld\n"
		    "  Generation:           %llu\n"
		    "  Rules:                %zu\n", (long long)info->installed,
		    (unsigned long long)info->generation, n);
	at_buf_init(&tmp, (size_t)1 << 20);
	for (i = 0; i < n && rc == AT_OK; i++)
		rc = rule_text(policy_set_rule(set, i), info, out, &tmp, err);
	at_buf_free(&tmp);
	return rc;
}
