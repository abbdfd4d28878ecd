/*
 * attls_saf.h - ask the attls security manager from any program
 * (libattls-saf, link with -lattls-saf).
 *
 * The security manager's database belongs to its owner; other programs
 * ask the SAF service, attls-safd, over a local socket.  The service
 * knows who is asking from the kernel (the caller's effective uid, mapped
 * to the RACF user whose OMVS UID it is), and applies RACF's rules to
 * each request: a program may always ask about its own user; asking about
 * another user, checking another user's password or PassTicket, or
 * mapping a certificate or a distributed identity needs READ to FACILITY
 * BPX.SERVER; generating a PassTicket needs UPDATE to PTKTDATA
 * IRRPTAUTH.<appl>.<user>.
 *
 * Return values.  Every query returns the SAF return code of its answer:
 *   ATTLS_SAF_RC_OK (0)             allowed, verified, found;
 *   ATTLS_SAF_RC_NO_DECISION (4)    RACF made no decision: the resource
 *                                   is not protected, nothing maps;
 *   ATTLS_SAF_RC_REFUSED (8)        refused: res->messages holds what
 *                                   RACF wrote (ICH408I, IRR013I, ...);
 *   ATTLS_SAF_RC_ERROR (-1)         no answer at all (the service is not
 *                                   there, a bad argument, ...): err says
 *                                   why, and res holds nothing.
 * res->racf_rc and res->racf_reason carry RACF's own return and reason
 * codes where RACF has them (REQUEST=VERIFY: 4 user not defined, 8 wrong
 * password, 12 expired, 16 new password not valid, 28 revoked, 52 not
 * authorised to the application; REQUEST=AUTH: 0, 4, 8).
 *
 * Threads.  A handle serialises its own calls with a lock, so threads may
 * share one; a thread that needs answers in parallel opens its own.  A
 * handle must not be used in the child of a fork: the child opens its own.
 *
 * Which service.  attls_saf_open(NULL, ...) uses $ATTLS_SAF_SOCKET when it
 * is set and not empty, else ATTLS_SAF_SOCKET_DEFAULT; in a set-user-ID or
 * file-capability program (secure execution) the variable is ignored.
 * Before sending a password or PassTicket the library checks who listens
 * (SO_PEERCRED): root, the user the library runs as, or the service user
 * (ATTLS_SAF_SERVICE_USER, "attls"); anything else is refused.
 *
 * Strings are NUL-terminated ASCII; user ids, groups, classes and
 * applications are folded to upper case by the service.  Secrets passed
 * in are not kept; the library wipes its own copies.
 */
#ifndef ATTLS_SAF_H
#define ATTLS_SAF_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ATTLS_SAF_SOCKET_DEFAULT "/run/attls/saf.sock"
#define ATTLS_SAF_SOCKET_ENV "ATTLS_SAF_SOCKET"
#define ATTLS_SAF_SERVICE_USER "attls"

/* Return values (SAF return codes, and -1 for "not answered"). */
#define ATTLS_SAF_RC_OK 0
#define ATTLS_SAF_RC_NO_DECISION 4
#define ATTLS_SAF_RC_REFUSED 8
#define ATTLS_SAF_RC_ERROR (-1)

/* struct attls_saf_error.code: why there was no answer. */
enum attls_saf_errcode {
	ATTLS_SAF_E_NONE = 0,
	ATTLS_SAF_E_INPUT,     /* a bad argument (too long, missing, ...) */
	ATTLS_SAF_E_CONNECT,   /* the service is not there or not answering */
	ATTLS_SAF_E_PEER,      /* the socket's owner is not a trusted service */
	ATTLS_SAF_E_PROTOCOL,  /* an answer that does not decode */
	ATTLS_SAF_E_IO,        /* a system call failed */
	ATTLS_SAF_E_NOMEM,
	ATTLS_SAF_E_SERVICE,   /* the service could not answer (database) */
	ATTLS_SAF_E_BUSY       /* rate limit: too many failed verifications
	                        * lately; nothing was checked, try later */
};

#define ATTLS_SAF_MSG_MAX 1024
#define ATTLS_SAF_NAME_MAX 8      /* user, group, class, application */
#define ATTLS_SAF_TEXT_MAX 4096   /* res->messages */
#define ATTLS_SAF_PATH_MAX 1023   /* OMVS HOME and PROGRAM */
#define ATTLS_SAF_TICKET_LEN 8
#define ATTLS_SAF_GROUPS_MAX 128

struct attls_saf_error {
	enum attls_saf_errcode code;
	char message[ATTLS_SAF_MSG_MAX];
};

/* What came back with an answer (not filled when the call returns -1). */
struct attls_saf_result {
	int saf_rc;
	int racf_rc;
	int racf_reason;
	/* The user the answer is about: the caller's own user when the
	 * request named none, the user a certificate or identity maps to. */
	char user[ATTLS_SAF_NAME_MAX + 1];
	/* RACF's message lines, each ending in '\n'; "" when none. */
	char messages[ATTLS_SAF_TEXT_MAX];
};

/* A user's OMVS segment. */
struct attls_saf_omvs {
	char user[ATTLS_SAF_NAME_MAX + 1];
	int has_uid;
	unsigned long uid;
	int has_gid;              /* the OMVS GID of the default group */
	unsigned long gid;
	char group[ATTLS_SAF_NAME_MAX + 1];  /* the default group */
	char home[ATTLS_SAF_PATH_MAX + 1];
	char program[ATTLS_SAF_PATH_MAX + 1];
};

/* The groups a user is connected to (revoked connections left out). */
struct attls_saf_groups {
	size_t count;
	char name[ATTLS_SAF_GROUPS_MAX][ATTLS_SAF_NAME_MAX + 1];
};

struct attls_saf;

/*
 * Connects to the service at socket_path (NULL: see "Which service").
 * On success *h is the caller's, released with attls_saf_close.  Returns
 * 0, or -1 with err filled.
 */
int attls_saf_open(const char *socket_path, struct attls_saf **h,
    struct attls_saf_error *err);

/* Closes the connection and frees h.  NULL is a no-op. */
void attls_saf_close(struct attls_saf *h);

/*
 * RACROUTE REQUEST=VERIFY: is secret user's password (or, when appl is
 * given, a PassTicket for application appl, or the password)?  appl NULL:
 * no application.  newpass not NULL changes the password when secret is
 * right, under the RACF password rules.  Failures count towards
 * revocation (SETROPTS PASSWORD(REVOKE(n))).  After too many failures
 * from one caller or for one user in a short time the service refuses
 * to check at all for a while: -1 with ATTLS_SAF_E_BUSY.
 */
int attls_saf_verify(struct attls_saf *h, const char *user,
    const char *secret, const char *appl, const char *newpass,
    struct attls_saf_result *res, struct attls_saf_error *err);

/*
 * RACROUTE REQUEST=AUTH: may user (NULL: the caller) have access
 * ("READ", "UPDATE", "CONTROL", "ALTER", "EXECUTE", "NONE") to resource
 * in class?  0 allowed, 4 not protected, 8 refused with the ICH408I text.
 */
int attls_saf_auth(struct attls_saf *h, const char *user, const char *cls,
    const char *resource, const char *access, struct attls_saf_result *res,
    struct attls_saf_error *err);

/* The groups of user (NULL: the caller). */
int attls_saf_groups(struct attls_saf *h, const char *user,
    struct attls_saf_groups *out, struct attls_saf_result *res,
    struct attls_saf_error *err);

/*
 * Generates the PassTicket that user may present to application appl
 * now; the caller needs UPDATE to PTKTDATA IRRPTAUTH.<appl>.<user>.
 */
int attls_saf_passticket(struct attls_saf *h, const char *user,
    const char *appl, char ticket[ATTLS_SAF_TICKET_LEN + 1],
    struct attls_saf_result *res, struct attls_saf_error *err);

/*
 * The user a client certificate (DER, len bytes) maps to (RACDCERT ID or
 * MAP rules): 0 with res->user; 4 when nothing maps it (res->messages
 * says why: no user, or not trusted).
 */
int attls_saf_map_cert(struct attls_saf *h, const unsigned char *der,
    size_t len, struct attls_saf_result *res, struct attls_saf_error *err);

/*
 * The user a distributed identity (a DN or any name) in registry maps to
 * (RACMAP filters): 0 with res->user, 4 when nothing maps it.
 */
int attls_saf_map_idid(struct attls_saf *h, const char *name,
    const char *registry, struct attls_saf_result *res,
    struct attls_saf_error *err);

/* The OMVS segment of user (NULL: the caller). */
int attls_saf_omvs(struct attls_saf *h, const char *user,
    struct attls_saf_omvs *out, struct attls_saf_result *res,
    struct attls_saf_error *err);

/* The user whose OMVS UID is uid, and its segment; 4 when none. */
int attls_saf_omvs_uid(struct attls_saf *h, unsigned long uid,
    struct attls_saf_omvs *out, struct attls_saf_result *res,
    struct attls_saf_error *err);

/* The socket attls_saf_open(NULL, ...) would use (static storage). */
const char *attls_saf_socket_path(void);

#ifdef __cplusplus
}
#endif

#endif
