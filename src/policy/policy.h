/*
 * policy.h - the public face of the AT-TLS policy loader: load a policy
 * (from a pagent.conf main configuration, from policy files, or from text),
 * get its diagnostics, walk the resolved rules in search order and format
 * their conditions and actions.
 *
 * Life cycle and ownership:
 *   - policy_set_load*() creates a struct policy_set that the caller frees
 *     with policy_set_free().  A set is immutable after load, so any number
 *     of threads may read it at once.
 *   - Every pointer reachable from a rule (names, ranges, actions, strings,
 *     lists) is owned by the set and lives exactly as long as it.
 *   - Diagnostics are collected in a caller-owned struct policy_diags
 *     (policy_diags_init / policy_diags_free); the library never prints.
 *     A diagnostic owns copies of its file name and message, so it outlives
 *     a refused load.
 *
 * A load that finds any error refuses the whole input: it returns
 * AT_E_INPUT, leaves *out NULL, and the diagnostics say why.  Warnings do
 * not refuse a load.
 */
#ifndef ATTLS_POLICY_POLICY_H
#define ATTLS_POLICY_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"
#include "policy/rule.h"

/* ---------------------------------------------------------------------- */
/* Diagnostics                                                             */

enum policy_diag_severity {
	POLICY_DIAG_ERROR,
	POLICY_DIAG_WARNING
};

#define POLICY_DIAG_MSG_MAX 320

struct policy_diag {
	enum policy_diag_severity severity;
	const char *file;   /* owned by the list; "" when not tied to a file */
	unsigned line;      /* 1-based; 0 when not tied to a line */
	unsigned column;    /* 1-based; 0 when not tied to a column */
	char msg[POLICY_DIAG_MSG_MAX];
};

/*
 * The list is capped (POLICY_DIAGS_MAX entries); when more arrive, the last
 * entry says how many were left out, but nerrors/nwarnings keep counting.
 */
#define POLICY_DIAGS_MAX 1000

struct policy_diags {
	struct policy_diag *v;
	size_t n;
	size_t cap;
	size_t nerrors;
	size_t nwarnings;
	size_t dropped;
};

void policy_diags_init(struct policy_diags *d);
/* Frees every entry (and the file names); d may be NULL.  Leaves d empty. */
void policy_diags_free(struct policy_diags *d);

/*
 * Appends one diagnostic.  Returns AT_E_NOMEM when no memory is left (the
 * counters are still updated).  file may be NULL.
 */
AT_MUST_CHECK enum at_rc policy_diags_add(struct policy_diags *d,
    enum policy_diag_severity sev, const char *file, unsigned line,
    unsigned column, const char *fmt, ...) AT_PRINTF(6, 7);

/*
 * Appends "file:line:column: error: msg" (or "warning:") without a newline
 * to out.  Line and column are left out when zero.
 * Returns AT_OK or AT_E_TOOBIG / AT_E_NOMEM from the buffer.
 */
AT_MUST_CHECK enum at_rc policy_diag_format(const struct policy_diag *dg,
    struct at_buf *out, struct at_err *err);

/* ---------------------------------------------------------------------- */
/* Loading                                                                 */

/*
 * What a load reads, for a process that must load the same policy without
 * opening a file (attlsd's TLS engine).  kind is POLICY_FILE_POLICY for a
 * policy or main-configuration file, POLICY_FILE_ENVFILE for an Envfile.
 *   record   when set, called with every file after it was read; a
 *            failure (AT_E_NOMEM) fails the load
 *   replay   when set, called instead of reading: *text is a malloc'd copy
 *            the loader frees; an error is reported as the read's error
 */
enum policy_file_kind { POLICY_FILE_POLICY = 0, POLICY_FILE_ENVFILE = 1 };

struct policy_file_hook {
	enum at_rc (*record)(void *arg, enum policy_file_kind kind, const char *path,
	    const char *text, size_t len);
	enum at_rc (*replay)(void *arg, enum policy_file_kind kind, const char *path,
	    char **text, size_t *len, struct at_err *err);
	void *arg;
};

struct policy_load_opts {
	/* A pagent.conf main configuration (TcpImage, TTLSConfig, ...), or NULL. */
	const char *config_path;
	/* Otherwise: policy files loaded in this order as one policy. */
	const char *const *policy_paths;
	size_t npolicy;
	/*
	 * The TcpImage (stack) name whose policy to load from config_path; NULL
	 * picks the first TcpImage, or the main file itself when it has none.
	 */
	const char *image;
	/*
	 * Also warn where a rule relies on a default attls chooses differently
	 * from z/OS (the protocol versions): `attls policy check` sets it.
	 */
	bool warn_zos_defaults;
	/* Records or replays the files read (NULL: read them, record nothing). */
	const struct policy_file_hook *files;
};

struct policy_set;

/*
 * Loads, validates and resolves a policy.  On success *out is a new set the
 * caller frees with policy_set_free().  Errors and warnings found in the
 * input go to diags (which must have been initialised); err gets a one-line
 * summary.
 *
 * Returns AT_OK; AT_E_INPUT (the input has errors: see diags); AT_E_IO (a
 * file could not be read); AT_E_NOMEM; AT_E_TOOBIG (a file over 64 MiB).
 */
AT_MUST_CHECK enum at_rc policy_set_load(const struct policy_load_opts *opts,
    struct policy_set **out, struct policy_diags *diags, struct at_err *err);

/*
 * Like policy_set_load() for one policy text held in memory (tests, fuzzing).
 * name is used in diagnostics.  text need not be NUL-terminated.  The text
 * is policy statements only; a main-configuration statement in it is an
 * error.  The set keeps no pointer into text.
 */
AT_MUST_CHECK enum at_rc policy_set_load_text(const char *name, const char *text,
    size_t len, struct policy_set **out, struct policy_diags *diags,
    struct at_err *err);

/* Frees a set and everything it owns.  NULL is a no-op. */
void policy_set_free(struct policy_set *set);

/* Number of resolved rules. */
size_t policy_set_rule_count(const struct policy_set *set);

/* Rule i in search order (0 is tried first); NULL when i is out of range. */
const struct policy_rule *policy_set_rule(const struct policy_set *set, size_t i);

/* The LogLevel from the main configuration (31 when not given). */
unsigned policy_set_log_level(const struct policy_set *set);

/* ---------------------------------------------------------------------- */
/* Resolved actions                                                        */

enum policy_role {
	POLICY_ROLE_NONE = 0,          /* only when the group is TTLSEnabled Off */
	POLICY_ROLE_CLIENT,
	POLICY_ROLE_SERVER,
	POLICY_ROLE_SERVER_CLIENT_AUTH /* ServerWithClientAuth */
};

enum policy_client_auth {
	POLICY_CLIENT_AUTH_REQUIRED = 0, /* default */
	POLICY_CLIENT_AUTH_PASSTHRU,
	POLICY_CLIENT_AUTH_FULL,
	POLICY_CLIENT_AUTH_SAFCHECK
};

enum policy_fips {
	POLICY_FIPS_OFF = 0,
	POLICY_FIPS_ON,
	POLICY_FIPS_LEVEL1,
	POLICY_FIPS_LEVEL2,
	POLICY_FIPS_LEVEL3
};

enum policy_suiteb {
	POLICY_SUITEB_OFF = 0,
	POLICY_SUITEB_128,
	POLICY_SUITEB_128MIN,
	POLICY_SUITEB_192,
	POLICY_SUITEB_192MIN,
	POLICY_SUITEB_ALL
};

/* Off/Optional/Required settings (SNI, TruncatedHMAC, MaxSSLFragment). */
enum policy_tri {
	POLICY_TRI_OFF = 0,
	POLICY_TRI_OPTIONAL,
	POLICY_TRI_REQUIRED
};

enum policy_reneg {
	POLICY_RENEG_DEFAULT = 0,
	POLICY_RENEG_DISABLED,
	POLICY_RENEG_ALL,
	POLICY_RENEG_ABBREVIATED
};

enum policy_cert_validation {
	POLICY_CERTVAL_ANY = 0,
	POLICY_CERTVAL_RFC2459,
	POLICY_CERTVAL_RFC3280,
	POLICY_CERTVAL_RFC5280
};

enum policy_syslog_facility {
	POLICY_SYSLOG_DAEMON = 0,
	POLICY_SYSLOG_AUTH
};

/* Protocol bits of policy_actions.protocols. */
#define POLICY_PROTO_SSLV2  (1u << 0)
#define POLICY_PROTO_SSLV3  (1u << 1)
#define POLICY_PROTO_TLSV1  (1u << 2)
#define POLICY_PROTO_TLSV11 (1u << 3)
#define POLICY_PROTO_TLSV12 (1u << 4)
#define POLICY_PROTO_TLSV13 (1u << 5)

struct policy_u16_list {
	size_t n;
	const uint16_t *v;
};

struct policy_str_list {
	size_t n;
	const char *const *v;
};

/*
 * A parameter that has no typed field below (mostly System SSL tuning such
 * as GSK_V3_SESSION_TIMEOUT or the OCSP settings): its keyword as the
 * reference spells it and its value as written (validated).
 */
struct policy_setting {
	const char *keyword;
	const char *value;
};

/*
 * The effective actions of a rule: group, then environment, then
 * connection values, each later one overriding the earlier, with every
 * default filled in (docs/policy-language.md lists them).  Strings are
 * NULL when not set and have no default.
 */
struct policy_actions {
	const char *group_name;      /* TTLSGroupAction; never NULL */
	const char *env_name;        /* TTLSEnvironmentAction; NULL when none */
	const char *conn_name;       /* TTLSConnectionAction; NULL when none */

	/* TTLSGroupAction */
	bool enabled;                /* TTLSEnabled */
	enum policy_fips fips140;    /* FIPS140, Off */
	uint32_t group_user_instance;/* GroupUserInstance, 0 */
	const char *envfile;         /* TTLSGroupAdvancedParms Envfile */
	enum policy_syslog_facility syslog_facility; /* SyslogFacility, Daemon */

	/* Group < environment < connection */
	uint32_t trace;              /* Trace 0..255, 2 */
	bool ctrace_clear_text;      /* CtraceClearText, Off */
	enum policy_role role;       /* HandshakeRole */

	/* TTLSEnvironmentAction */
	uint32_t env_user_instance;  /* EnvironmentUserInstance, 0 */
	uint32_t conn_user_instance; /* ConnectionUserInstance, 0 */
	enum policy_suiteb suiteb;   /* SuiteBProfile, Off */

	/* TTLSKeyringParms */
	const char *keyring;         /* Keyring: owner/ring, ring, or a file path */
	const char *keyring_pw;      /* KeyringPw */
	const char *keyring_stash;   /* KeyringStashFile */

	/* Environment/connection advanced parameters */
	uint32_t protocols;          /* POLICY_PROTO_* bits; TLSv1.2 by default */
	uint32_t protocols_given;    /* the bits the policy wrote, On or Off */
	bool middlebox_compat;       /* MiddleBoxCompatMode, Off */
	bool application_controlled; /* ApplicationControlled, Off */
	uint32_t handshake_timeout;  /* HandshakeTimeout seconds 0..600, 10 */
	uint32_t reset_cipher_timer; /* ResetCipherTimer minutes 0..1440, 0 */
	const char *certificate_label;        /* CertificateLabel; NULL = ring default,
	                                         "" = no certificate at all */
	struct policy_str_list server_certificate_labels; /* ServerCertificateLabel */
	enum policy_client_auth client_auth_type; /* ClientAuthType, Required */
	enum policy_cert_validation cert_validation_mode; /* CertValidationMode, Any */
	bool secondary_map;          /* SecondaryMap, Off */
	const char *host_reference_id_dns;    /* HostReferenceIdDNS */
	const char *host_reference_id_cn;     /* HostReferenceIdCN */
	enum policy_tri client_sni;  /* ClientHandshakeSNI, Off */
	const char *client_sni_list; /* ClientHandshakeSNIList (host names) */
	enum policy_tri server_sni;  /* ServerHandshakeSNI, Off */
	enum policy_reneg renegotiation; /* Renegotiation, Default */

	/* TTLSCipherParms: IANA cipher suite ids in preference order, no duplicates */
	struct policy_u16_list ciphers;     /* V3CipherSuites + V3CipherSuites4Char */
	struct policy_u16_list v2_ciphers;  /* V2CipherSuites codes (1..7) */

	/* TTLSSignatureParms: IANA group / signature scheme ids in order */
	struct policy_u16_list client_ecurves;
	struct policy_u16_list client_key_share_groups;
	struct policy_u16_list server_kex_ecurves;
	struct policy_u16_list server_key_share_groups;
	struct policy_u16_list signature_pairs;
	struct policy_u16_list signature_pairs_cert;

	/* Every other parameter given, in the order it takes effect. */
	size_t nextra;
	const struct policy_setting *extra;
};

/*
 * The value of a parameter kept in a->extra (one without a field of its
 * own: most TTLSGskAdvancedParms and TTLSEnvironmentAdvancedParms
 * settings) as written, or dflt when the policy does not give it.
 */
const char *policy_actions_setting(const struct policy_actions *a, const char *keyword,
    const char *dflt);

/*
 * Appends the resolved actions of rule (names and every effective setting,
 * defaults filled) to out: "Keyword: value" lines, or one JSON object when
 * json is true.  Returns AT_OK, AT_E_TOOBIG / AT_E_NOMEM from the buffer.
 */
AT_MUST_CHECK enum at_rc policy_actions_format(const struct policy_rule *rule,
    struct at_buf *out, bool json, struct at_err *err);

/*
 * Appends the resolved conditions of rule (direction, addresses, ports,
 * jobname, userid, time, priority) to out, as lines or one JSON object.
 * Returns as policy_actions_format().
 */
AT_MUST_CHECK enum at_rc policy_rule_format_conditions(const struct policy_rule *rule,
    struct at_buf *out, bool json, struct at_err *err);

/* Cipher suite name for an IANA id ("TLS_AES_128_GCM_SHA256"), or NULL. */
const char *policy_cipher_name(uint16_t iana_id);

#endif
