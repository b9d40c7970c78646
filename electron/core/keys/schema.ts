import type { Migration } from '../store/migrate';

export const KEYS_DOMAIN = 'keys';

export const KEYS_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'software key store',
    up: `
-- The KEK's scrypt salt and a check block (AES-GCM of a constant) that tells a wrong KEK from
-- a damaged key.
CREATE TABLE key_store_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  kdf_salt BLOB NOT NULL,
  check_iv BLOB NOT NULL,
  check_ct BLOB NOT NULL,
  check_tag BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
-- Key material is AES-256-GCM ciphertext under the KEK, with the key's id, algorithm, length and
-- test flag as associated data, so a ciphertext cannot be moved to another row or flag.
CREATE TABLE key_store_keys (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  algorithm TEXT NOT NULL CHECK (algorithm IN ('AES', 'DES3')),
  length INTEGER NOT NULL,
  kcv TEXT NOT NULL,
  test INTEGER NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('ceremony', 'test-import')),
  components INTEGER NOT NULL,
  custodians TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  iv BLOB NOT NULL,
  ct BLOB NOT NULL,
  tag BLOB NOT NULL
);`,
  },
  {
    version: 2,
    name: 'keys in an HSM',
    up: `
-- 'hsm': the key is a token object in the PKCS#11 key store; iv/ct/tag are empty and the row
-- holds only what the key list shows (label, algorithm, KCV, custodians, who and when).
ALTER TABLE key_store_keys ADD COLUMN location TEXT NOT NULL DEFAULT 'software' CHECK (location IN ('software', 'hsm'));`,
  },
];
