/*
 * schema_cert.h - the tables that hold digital certificates, key rings and
 * certificate-to-user mappings.  The database layer (db.c) applies this SQL
 * as part of the schema; the certificate code (cert.c, ring.c, usermap.c)
 * is the only code that reads or writes these tables.
 *
 * Private keys are stored as PKCS#8 DER in key_der; the database file is
 * created readable by its owner only (see db.c).
 */
#ifndef ATTLS_SAF_SCHEMA_CERT_H
#define ATTLS_SAF_SCHEMA_CERT_H

#define SAF_SCHEMA_CERT_V1 \
	"CREATE TABLE certificates (" \
	"  id INTEGER PRIMARY KEY," \
	"  owner TEXT NOT NULL,"          /* user id, or irrcerta (CERTAUTH) / irrsitec (SITE) */ \
	"  label TEXT NOT NULL,"          /* case-sensitive, 1..32 chars */ \
	"  der BLOB NOT NULL," \
	"  key_der BLOB,"                 /* PKCS#8 private key, NULL if none */ \
	"  trust TEXT NOT NULL DEFAULT 'TRUST'," /* TRUST, NOTRUST, HIGHTRUST */ \
	"  serial TEXT NOT NULL," \
	"  subject TEXT NOT NULL," \
	"  issuer TEXT NOT NULL," \
	"  not_before INTEGER NOT NULL," \
	"  not_after INTEGER NOT NULL," \
	"  sha256 BLOB NOT NULL UNIQUE," \
	"  next_serial INTEGER NOT NULL DEFAULT 1," /* serial for the next cert it signs */ \
	"  UNIQUE (owner, label)" \
	");" \
	"CREATE TABLE rings (" \
	"  id INTEGER PRIMARY KEY," \
	"  owner TEXT NOT NULL," \
	"  name TEXT NOT NULL,"           /* case-sensitive */ \
	"  UNIQUE (owner, name)" \
	");" \
	"CREATE TABLE ring_certs (" \
	"  ring_id INTEGER NOT NULL REFERENCES rings(id) ON DELETE CASCADE," \
	"  cert_id INTEGER NOT NULL REFERENCES certificates(id) ON DELETE CASCADE," \
	"  usage TEXT NOT NULL,"          /* PERSONAL, CERTAUTH, SITE */ \
	"  is_default INTEGER NOT NULL DEFAULT 0," \
	"  PRIMARY KEY (ring_id, cert_id)" \
	");" \
	"CREATE TABLE cert_maps (" \
	"  id INTEGER PRIMARY KEY," \
	"  userid TEXT NOT NULL,"         /* the user the filter maps to */ \
	"  label TEXT NOT NULL," \
	"  subject_filter TEXT,"          /* RACDCERT MAP SDNFILTER */ \
	"  issuer_filter TEXT,"           /* IDNFILTER */ \
	"  trust TEXT NOT NULL DEFAULT 'TRUST'," \
	"  UNIQUE (userid, label)" \
	");" \
	"CREATE TABLE idid_maps (" \
	"  id INTEGER PRIMARY KEY," \
	"  userid TEXT NOT NULL,"         /* RACMAP ID(...) */ \
	"  label TEXT NOT NULL," \
	"  user_did_filter TEXT NOT NULL," \
	"  registry TEXT NOT NULL," \
	"  UNIQUE (userid, label)," \
	"  UNIQUE (user_did_filter, registry)" \
	");"

#endif
