/*
 * policy_pasearch.c - an installed policy in pasearch's layout (see
 * policy_pasearch.h).  The rule block follows pasearch -t line for line
 * where attls has the same facts; the actions follow as attls resolved
 * them (the group, environment and connection actions merged, each
 * setting once, defaults filled, and a setting that has no effect here
 * marked so), because that is what a connection gets.
 */
#include "policy/policy_pasearch.h"

#include <string.h>

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
		rc = at_buf_printf(out, "  TTLS Condition Summary:\n");
	at_buf_reset(tmp);
	if (rc == AT_OK)
		rc = policy_rule_format_conditions(r, tmp, false, err);
	if (rc == AT_OK)
		rc = indented(out, "   ", at_buf_cstr(tmp));
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
