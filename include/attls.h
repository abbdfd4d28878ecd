/*
 * attls.h - the application interface to attls, modelled on the z/OS
 * SIOCTTLSCTL ioctl (ezbztlsc.h): a program that knows it runs under
 * AT-TLS may ask about the security of one of its connections, fetch the
 * partner's certificate and, when its rule says ApplicationControlled On,
 * start or stop TLS itself.
 *
 * The call is attls_ioctl(fd, &req) instead of ioctl(fd, SIOCTTLSCTL, &req);
 * fields keep the meaning of their TTLSi_ counterparts, text is ASCII, and
 * the cipher is given both as its IANA number and as the four hexadecimal
 * characters z/OS returns in TTLSi_Neg_Cipher4.  The function is exported by
 * libattls.so; link with -lattls or find it with dlsym(RTLD_DEFAULT,
 * "attls_ioctl") so that the program still runs without attls.
 *
 * Binary compatibility with z/OS is not a goal: the request bit values are
 * attls's own.
 */
#ifndef ATTLS_H
#define ATTLS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TTLS_VERSION1 1
#define TTLS_VERSION2 2 /* not supported: answered with EINVAL */

/* Request bits (TTLSi_Req_Type).  TTLS_QUERY_ONLY is the absence of all. */
#define TTLS_QUERY_ONLY 0x00u
#define TTLS_INIT_CONNECTION 0x01u
#define TTLS_RETURN_CERTIFICATE 0x02u
#define TTLS_RESET_SESSION 0x04u
#define TTLS_RESET_CIPHER 0x08u
#define TTLS_STOP_CONNECTION 0x10u
#define TTLS_ALLOW_HSTIMEOUT 0x20u
#define TTLS_RESET_WRITE_CIPHER 0x40u
#define TTLS_SEND_SESSION_TICKET 0x80u

/* TTLSi_Stat_Policy */
#define TTLS_POL_OFF 1        /* no AT-TLS on this host (no daemon) */
#define TTLS_POL_NO_POLICY 2  /* no rule matched */
#define TTLS_POL_NOT_ENABLED 3
#define TTLS_POL_ENABLED 4
#define TTLS_POL_APPLCNTRL 5  /* enabled, ApplicationControlled On */

/* TTLSi_Stat_Conn */
#define TTLS_CONN_NOTSECURE 1
#define TTLS_CONN_HS_INPROGRESS 2
#define TTLS_CONN_SECURE 3

/* TTLSi_SSL_Prot: major and minor bytes */
#define TTLS_PROT_UNKNOWN 0x0000
#define TTLS_PROT_SSLV2 0x0200
#define TTLS_PROT_SSLV3 0x0300
#define TTLS_PROT_TLSV1 0x0301
#define TTLS_PROT_TLSV1_1 0x0302
#define TTLS_PROT_TLSV1_2 0x0303
#define TTLS_PROT_TLSV1_3 0x0304

/* TTLSi_Sec_Type */
#define TTLS_SEC_UNKNOWN 0
#define TTLS_SEC_CLIENT 1
#define TTLS_SEC_SERVER 2
#define TTLS_SEC_SRV_CA_PASS 3
#define TTLS_SEC_SRV_CA_FULL 4
#define TTLS_SEC_SRV_CA_REQD 5
#define TTLS_SEC_SRV_CA_SAFCHK 6

/* TTLSi_FIPS140 */
#define TTLS_FIPS140_OFF 0
#define TTLS_FIPS140_ON 1
#define TTLS_FIPS140_LEVEL1 2
#define TTLS_FIPS140_LEVEL2 3
#define TTLS_FIPS140_LEVEL3 4

#define ATTLS_NAME_MAX 64

struct attls_ioctl {
	/* in */
	uint16_t ver;              /* TTLSi_Ver: TTLS_VERSION1 */
	uint32_t req_type;         /* TTLSi_Req_Type: TTLS_* request bits */
	void *buffer;              /* TTLSi_BufferPtr: room for the certificate */
	uint32_t buffer_len;       /* TTLSi_BufferLen */
	/* out */
	uint8_t stat_policy;       /* TTLSi_Stat_Policy: TTLS_POL_* */
	uint8_t stat_conn;         /* TTLSi_Stat_Conn: TTLS_CONN_* */
	uint8_t prot_ver;          /* TTLSi_SSL_Prot major: 3 for TLS */
	uint8_t prot_mod;          /* minor: 1..4 for TLS 1.0..1.3 */
	uint16_t neg_cipher;       /* negotiated cipher suite, IANA number */
	char neg_cipher4[5];       /* TTLSi_Neg_Cipher4: "C02F", "1301" */
	uint16_t neg_keyshare;     /* TTLSi_Neg_KeyShare: IANA group, TLS 1.3 */
	uint8_t sec_type;          /* TTLSi_Sec_Type: TTLS_SEC_* */
	uint8_t fips140;           /* TTLSi_FIPS140 */
	char userid[ATTLS_NAME_MAX + 1]; /* TTLSi_UserID: SAF user from the certificate */
	uint16_t userid_len;       /* TTLSi_UserID_Len */
	uint32_t cert_len;         /* TTLSi_Cert_Len: partner certificate (DER) length */
	/* the names the V2 TTLSHeader would return, given directly */
	char rule[ATTLS_NAME_MAX + 1];
	char group_action[ATTLS_NAME_MAX + 1];
	char env_action[ATTLS_NAME_MAX + 1];
	char conn_action[ATTLS_NAME_MAX + 1];
};

/*
 * Queries or controls the connection on fd.  Returns 0, or -1 with errno:
 *   EINVAL      ver is not TTLS_VERSION1; an unknown request bit;
 *               TTLS_RETURN_CERTIFICATE without a buffer; a buffer without
 *               TTLS_RETURN_CERTIFICATE
 *   ENOBUFS     the certificate does not fit (cert_len says how long it is)
 *   ENOTSOCK    fd is not a socket;  EPROTOTYPE  not a TCP connection
 *   ENOTCONN    not connected
 *   EACCES      a control request on a connection whose rule does not say
 *               ApplicationControlled On (or that no rule covers)
 *   EALREADY, EINPROGRESS, EPROTO, ECONNRESET, EWOULDBLOCK  as SIOCTTLSCTL
 *   EIO         attlsd failed to answer for a connection it protects
 */
int attls_ioctl(int fd, struct attls_ioctl *req);

#ifdef __cplusplus
}
#endif

#endif
