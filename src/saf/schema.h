/*
 * schema.h - the SQL of the security database, one macro per schema
 * version.  db.c applies them in order; a version once released never
 * changes (a later change is a new SAF_SCHEMA_V<n> migration).
 *
 * Conventions: names are upper-case TEXT; access levels and group
 * authorities are the integers of enum saf_access / enum saf_group_auth;
 * times are seconds since the epoch; booleans are 0/1.
 */
#ifndef ATTLS_SAF_SCHEMA_H
#define ATTLS_SAF_SCHEMA_H

#include "saf/schema_cert.h"

#define SAF_SCHEMA_CORE_V1 \
	"CREATE TABLE saf_schema (version INTEGER NOT NULL);" \
	"CREATE TABLE users (" \
	"  name TEXT PRIMARY KEY," \
	"  owner TEXT NOT NULL," \
	"  dfltgrp TEXT NOT NULL," \
	"  pname TEXT NOT NULL DEFAULT ''," \
	"  data TEXT NOT NULL DEFAULT ''," \
	"  special INTEGER NOT NULL DEFAULT 0," \
	"  operations INTEGER NOT NULL DEFAULT 0," \
	"  auditor INTEGER NOT NULL DEFAULT 0," \
	"  restricted INTEGER NOT NULL DEFAULT 0," \
	"  pw_hash BLOB,"                 /* NULL: PROTECTED */ \
	"  pw_salt BLOB," \
	"  pw_iter INTEGER NOT NULL DEFAULT 0," \
	"  pw_expired INTEGER NOT NULL DEFAULT 1," \
	"  pw_date INTEGER NOT NULL DEFAULT 0," \
	"  revoked INTEGER NOT NULL DEFAULT 0," \
	"  failed INTEGER NOT NULL DEFAULT 0," \
	"  omvs_uid INTEGER UNIQUE," \
	"  omvs_home TEXT," \
	"  omvs_program TEXT," \
	"  created INTEGER NOT NULL," \
	"  last_access INTEGER NOT NULL DEFAULT 0" \
	");" \
	"CREATE TABLE user_clauth (" \
	"  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE," \
	"  class TEXT NOT NULL," \
	"  PRIMARY KEY (user, class)" \
	");" \
	"CREATE TABLE groups (" \
	"  name TEXT PRIMARY KEY," \
	"  supgroup TEXT REFERENCES groups(name)," \
	"  owner TEXT NOT NULL," \
	"  data TEXT NOT NULL DEFAULT ''," \
	"  omvs_gid INTEGER," \
	"  termuacc INTEGER NOT NULL DEFAULT 1," \
	"  created INTEGER NOT NULL" \
	");" \
	"CREATE TABLE connects (" \
	"  user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE," \
	"  grp TEXT NOT NULL REFERENCES groups(name)," \
	"  auth INTEGER NOT NULL DEFAULT 0," \
	"  uacc INTEGER NOT NULL DEFAULT 0," \
	"  owner TEXT NOT NULL," \
	"  special INTEGER NOT NULL DEFAULT 0," \
	"  operations INTEGER NOT NULL DEFAULT 0," \
	"  auditor INTEGER NOT NULL DEFAULT 0," \
	"  revoked INTEGER NOT NULL DEFAULT 0," \
	"  created INTEGER NOT NULL," \
	"  PRIMARY KEY (user, grp)" \
	");" \
	"CREATE INDEX connects_grp ON connects(grp);" \
	"CREATE TABLE classes (" \
	"  name TEXT PRIMARY KEY," \
	"  active INTEGER NOT NULL DEFAULT 0," \
	"  raclist INTEGER NOT NULL DEFAULT 0," \
	"  generic INTEGER NOT NULL DEFAULT 0," \
	"  need_raclist INTEGER NOT NULL DEFAULT 0," \
	"  default_uacc INTEGER NOT NULL DEFAULT 0," \
	"  generation INTEGER NOT NULL DEFAULT 0" \
	");" \
	"INSERT INTO classes (name, need_raclist) VALUES" \
	"  ('APPL', 0), ('DIGTCERT', 0), ('DIGTCRIT', 0), ('DIGTMAP', 0)," \
	"  ('DIGTNMAP', 0), ('DIGTRING', 0), ('DSNR', 0)," \
	"  ('FACILITY', 0), ('IDIDMAP', 1), ('PTKTDATA', 1), ('RDATALIB', 0)," \
	"  ('SERVAUTH', 0), ('SERVER', 0), ('STARTED', 0), ('SURROGAT', 0)," \
	"  ('XFACILIT', 0);" \
	"CREATE TABLE profiles (" \
	"  id INTEGER PRIMARY KEY," \
	"  class TEXT NOT NULL REFERENCES classes(name)," \
	"  name TEXT NOT NULL," \
	"  generic INTEGER NOT NULL DEFAULT 0," \
	"  uacc INTEGER NOT NULL DEFAULT 0," \
	"  owner TEXT NOT NULL," \
	"  data TEXT NOT NULL DEFAULT ''," \
	"  appldata TEXT NOT NULL DEFAULT ''," \
	"  warning INTEGER NOT NULL DEFAULT 0," \
	"  audit TEXT NOT NULL DEFAULT 'FAILURES(READ)'," \
	"  notify TEXT NOT NULL DEFAULT ''," \
	"  level INTEGER NOT NULL DEFAULT 0," \
	"  ptkt_key BLOB,"                /* SSIGNON KEYMASKED, 8 bytes */ \
	"  ptkt_ekey BLOB,"               /* enhanced HMAC key */ \
	"  ptkt_type INTEGER NOT NULL DEFAULT 1,"   /* 0 UPPER, 1 MIXED */ \
	"  ptkt_timeout INTEGER NOT NULL DEFAULT 60," \
	"  ptkt_replay INTEGER NOT NULL DEFAULT 0," \
	"  st_user TEXT NOT NULL DEFAULT ''," \
	"  st_group TEXT NOT NULL DEFAULT ''," \
	"  st_trusted INTEGER NOT NULL DEFAULT 0," \
	"  st_privileged INTEGER NOT NULL DEFAULT 0," \
	"  st_trace INTEGER NOT NULL DEFAULT 0," \
	"  created INTEGER NOT NULL," \
	"  UNIQUE (class, name)" \
	");" \
	"CREATE TABLE acl (" \
	"  profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE," \
	"  id TEXT NOT NULL,"             /* user, group, or '*' */ \
	"  access INTEGER NOT NULL," \
	"  PRIMARY KEY (profile_id, id)" \
	");" \
	"CREATE TABLE ptkt_used (" \
	"  user TEXT NOT NULL," \
	"  appl TEXT NOT NULL," \
	"  ticket TEXT NOT NULL," \
	"  expires INTEGER NOT NULL," \
	"  PRIMARY KEY (user, appl, ticket)" \
	");" \
	"CREATE TABLE options (" \
	"  name TEXT PRIMARY KEY," \
	"  value INTEGER NOT NULL" \
	");" \
	"INSERT INTO options VALUES ('PASSWORD_REVOKE', 3)," \
	"  ('PASSWORD_INTERVAL', 186), ('GRPLIST', 1);"

#define SAF_SCHEMA_V1 SAF_SCHEMA_CORE_V1 SAF_SCHEMA_CERT_V1

#endif
