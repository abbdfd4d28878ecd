/*
 * schema_v2.h - schema version 2: the RACLIST snapshot and the key store.
 *
 * raclist_profiles/raclist_acl hold each RACLISTed class as it was at its
 * last SETROPTS RACLIST(class) [REFRESH]: every process decides those
 * classes from here (through its in-storage copy, raclist.c), so a
 * change waits for the REFRESH in every process alike, a freshly started
 * one included.  The migration takes the snapshot of the classes already
 * RACLISTed, so an upgraded database decides as it did.
 *
 * ckds_keys stands in for ICSF's key data set: the HMAC keys that
 * SSIGNON(EPTKEYLABEL(label)) names, created by the CKDSKEY command.
 * Key bytes are never read back by a LIST command; the database file's
 * owner-only permissions protect them.
 */
#ifndef ATTLS_SAF_SCHEMA_V2_H
#define ATTLS_SAF_SCHEMA_V2_H

#define SAF_SCHEMA_V2 \
	"CREATE TABLE raclist_profiles (" \
	"  class TEXT NOT NULL," \
	"  pid INTEGER NOT NULL," \
	"  name TEXT NOT NULL," \
	"  generic INTEGER NOT NULL," \
	"  uacc INTEGER NOT NULL," \
	"  warning INTEGER NOT NULL," \
	"  PRIMARY KEY (class, pid)" \
	");" \
	"CREATE TABLE raclist_acl (" \
	"  class TEXT NOT NULL," \
	"  pid INTEGER NOT NULL," \
	"  id TEXT NOT NULL," \
	"  access INTEGER NOT NULL," \
	"  PRIMARY KEY (class, pid, id)" \
	");" \
	"INSERT INTO raclist_profiles SELECT p.class, p.id, p.name, " \
	"  p.generic, p.uacc, p.warning FROM profiles p JOIN classes c " \
	"  ON c.name = p.class WHERE c.raclist = 1;" \
	"INSERT INTO raclist_acl SELECT p.class, a.profile_id, a.id, " \
	"  a.access FROM acl a JOIN profiles p ON p.id = a.profile_id " \
	"  JOIN classes c ON c.name = p.class WHERE c.raclist = 1;" \
	"CREATE TABLE ckds_keys (" \
	"  label TEXT PRIMARY KEY," \
	"  kind TEXT NOT NULL,"          /* 'HMAC' */ \
	"  key BLOB NOT NULL," \
	"  created INTEGER NOT NULL" \
	");" \
	"ALTER TABLE profiles ADD COLUMN ptkt_ekey_label TEXT;"

#endif
