import type { Migration } from '../store/migrate';
import { CHAIN_COLUMNS, CHAIN_TAG } from './chain';
import { HEAD_ELEMENTS } from './search-head';

// The audit log's tables. The chained record (audit_log in v1, audit_chain since v2) carries
// nothing but its primary key, so an append costs one hash and one plain insert. Searching goes through audit_search (a
// copy of the filterable columns with an index per filter) and audit_fts (full text of the
// messages): both are derived data, filled in bulk by the indexer (indexer.ts) shortly after
// an append commits and always brought up to date before a query runs, and both can be rebuilt
// from audit_log at any time. Hashes are hex text (readable in exports and by hand in SQLite).
// Nullable filter columns get partial indexes; an index on (col) also carries the rowid, so
// "col = ? ORDER BY seq DESC" walks it in seq order and keyset pages stay cheap.

export const AUDIT_DOMAIN = 'audit';

/** The table that holds the chain since schema v2 (audit_log is a view decoding it). */
export const CHAIN_TABLE = 'audit_chain';

// Decodes the JSON array after the tag. A canon that is not a JSON array (edited by hand) shows
// as blanks rather than failing every query and the indexer; verify names it. The NOT NULL
// columns of audit_search get a placeholder for the same reason.
const TAG_LEN = CHAIN_TAG.length;
const J = (i: number) => `j ->> ${i}`;
const VIEW = `CREATE VIEW audit_log AS SELECT seq,
  coalesce(${J(1)}, 0) AS ts, coalesce(${J(2)}, '') AS type, coalesce(${J(3)}, '') AS severity, coalesce(${J(4)}, '') AS outcome,
  ${J(5)} AS user, coalesce(${J(6)}, '') AS origin, ${J(7)} AS resource, ${J(8)} AS batch_id, ${J(9)} AS card_id,
  ${J(10)} AS record_id, ${J(11)} AS masked_pan, coalesce(${J(12)}, '') AS message, ${J(13)} AS data, coalesce(${J(14)}, '') AS prev_hash, hash
FROM (SELECT seq, hash, CASE WHEN json_valid(t) THEN t ELSE '[]' END AS j FROM (SELECT seq, hash, CAST(substr(canon, ${TAG_LEN + 1}) AS TEXT) AS t FROM audit_chain))`;

// v1 kept the 15 chained columns and rebuilt the hashed text on every verify. v2 stores the
// hashed bytes themselves (tag + JSON array, exactly what was hashed) in one BLOB written at
// append time, so verify reads one column; there are no separate visible columns left that could
// disagree with it. Existing rows get json_array() of their columns, the text v1 verify already
// relied on being identical to JSON.stringify: the chain is unchanged, and a row edited before
// the migration still fails its hash after it.
const MIGRATION_2 = `
DROP TRIGGER IF EXISTS audit_log_no_update;
DROP TRIGGER IF EXISTS audit_log_no_delete;
CREATE TABLE audit_chain (
  seq INTEGER PRIMARY KEY,
  canon BLOB NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_chain (seq, canon, hash)
  SELECT seq, CAST(${sqlText(CHAIN_TAG)} || json_array(${CHAIN_COLUMNS.join(', ')}) AS BLOB), hash FROM audit_log ORDER BY seq;
DROP TABLE audit_log;
${VIEW};
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_chain
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_chain
WHEN OLD.seq > coalesce((SELECT max(last_seq) FROM audit_archive), 0)
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: only archived entries can be removed'); END;
`;

// v3: the search index no longer holds copies of the filter columns that could be edited apart
// from the entry (an edited audit_search.type hid a card.failed entry from `--type card.failed`
// while verify said intact). It holds the head of the entry's hashed bytes (search-head.ts: the
// tag and the array's elements up to masked_pan), and every filter column is a generated column
// decoding it exactly as the audit_log view decodes the entry; the indexes are on those columns,
// so SQLite keeps them true to the head. A head that is not a complete array of HEAD_ELEMENTS
// elements decodes as blanks with ts 0. verify compares each head byte for byte with the entry
// (one compare, whatever column was edited), looks for ts 0 through the ts index, and checks this
// very definition in sqlite_schema, so a redefined column is found too.
const D = (i: number) => `sj ->> ${i}`;
const HEAD_JSON = `(CAST(substr(head, ${TAG_LEN + 1}) AS TEXT) || ']')`;
export const SEARCH_TABLE = `CREATE TABLE audit_search (
  seq INTEGER PRIMARY KEY,
  head BLOB NOT NULL,
  sj TEXT AS (CASE WHEN json_valid(${HEAD_JSON}) AND json_array_length(${HEAD_JSON}) = ${HEAD_ELEMENTS} THEN ${HEAD_JSON} ELSE '[]' END) VIRTUAL,
  ts INTEGER AS (coalesce(${D(1)}, 0)) VIRTUAL,
  type TEXT AS (coalesce(${D(2)}, '')) VIRTUAL,
  severity TEXT AS (coalesce(${D(3)}, '')) VIRTUAL,
  outcome TEXT AS (coalesce(${D(4)}, '')) VIRTUAL,
  user TEXT AS (${D(5)}) VIRTUAL,
  resource TEXT AS (${D(7)}) VIRTUAL,
  batch_id TEXT AS (${D(8)}) VIRTUAL,
  card_id INTEGER AS (${D(9)}) VIRTUAL,
  record_id TEXT AS (${D(10)}) VIRTUAL,
  masked_pan TEXT AS (${D(11)}) VIRTUAL
)`;
const SEARCH_INDEXES = `
CREATE INDEX audit_search_ts ON audit_search(ts);
CREATE INDEX audit_search_type ON audit_search(type);
CREATE INDEX audit_search_error ON audit_search(severity) WHERE severity = 'error';
CREATE INDEX audit_search_warn ON audit_search(severity) WHERE severity = 'warn';
CREATE INDEX audit_search_failure ON audit_search(outcome) WHERE outcome = 'failure';
CREATE INDEX audit_search_user ON audit_search(user) WHERE user IS NOT NULL;
CREATE INDEX audit_search_resource ON audit_search(resource) WHERE resource IS NOT NULL;
CREATE INDEX audit_search_batch ON audit_search(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX audit_search_card ON audit_search(card_id) WHERE card_id IS NOT NULL;
CREATE INDEX audit_search_record ON audit_search(record_id) WHERE record_id IS NOT NULL;
CREATE INDEX audit_search_pan ON audit_search(masked_pan) WHERE masked_pan IS NOT NULL;
CREATE INDEX audit_search_user_type ON audit_search(user, type) WHERE user IS NOT NULL;
CREATE INDEX audit_search_batch_type ON audit_search(batch_id, type) WHERE batch_id IS NOT NULL;
CREATE INDEX audit_search_batch_user ON audit_search(batch_id, user) WHERE batch_id IS NOT NULL;
`;
// The heads are cut by the indexer (search-head.ts, in JavaScript: SQL cannot find the twelfth
// element's end), so the migration empties both indexes and the next query rebuilds them from the
// chain, as a rebuild does.
const MIGRATION_3 = `
DROP TABLE audit_search;
${SEARCH_TABLE};
${SEARCH_INDEXES}
INSERT INTO audit_fts(audit_fts) VALUES ('delete-all');
UPDATE audit_index_state SET indexed_through = 0;`;

/** The view the entries are read through; verify checks its definition (a redefined view would show other entries than the chain holds). */
export const LOG_VIEW = VIEW;

function sqlText(s: string): string {
  return s.split('\n').map((p) => `'${p.replace(/'/g, "''")}'`).join(' || char(10) || ');
}

export const AUDIT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'audit log with hash chain, archive checkpoints and full-text index',
    up: `
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  outcome TEXT NOT NULL,
  user TEXT,
  origin TEXT NOT NULL,
  resource TEXT,
  batch_id TEXT,
  card_id INTEGER,
  record_id TEXT,
  masked_pan TEXT,
  message TEXT NOT NULL,
  data TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE audit_search (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  outcome TEXT NOT NULL,
  user TEXT,
  resource TEXT,
  batch_id TEXT,
  card_id INTEGER,
  record_id TEXT,
  masked_pan TEXT
);
CREATE INDEX audit_search_ts ON audit_search(ts);
CREATE INDEX audit_search_type ON audit_search(type);
CREATE INDEX audit_search_error ON audit_search(severity) WHERE severity = 'error';
CREATE INDEX audit_search_warn ON audit_search(severity) WHERE severity = 'warn';
CREATE INDEX audit_search_failure ON audit_search(outcome) WHERE outcome = 'failure';
CREATE INDEX audit_search_user ON audit_search(user) WHERE user IS NOT NULL;
CREATE INDEX audit_search_resource ON audit_search(resource) WHERE resource IS NOT NULL;
CREATE INDEX audit_search_batch ON audit_search(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX audit_search_card ON audit_search(card_id) WHERE card_id IS NOT NULL;
CREATE INDEX audit_search_record ON audit_search(record_id) WHERE record_id IS NOT NULL;
CREATE INDEX audit_search_pan ON audit_search(masked_pan) WHERE masked_pan IS NOT NULL;
-- Pairs of broad filters whose intersection can be rare (one index alone would then scan all of
-- its entries to fill a page).
CREATE INDEX audit_search_user_type ON audit_search(user, type) WHERE user IS NOT NULL;
CREATE INDEX audit_search_batch_type ON audit_search(batch_id, type) WHERE batch_id IS NOT NULL;
CREATE INDEX audit_search_batch_user ON audit_search(batch_id, user) WHERE batch_id IS NOT NULL;

CREATE VIRTUAL TABLE audit_fts USING fts5(message, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');

-- How far audit_search and audit_fts have caught up with audit_log.
CREATE TABLE audit_index_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_through INTEGER NOT NULL);
INSERT INTO audit_index_state VALUES (1, 0);

-- One row per archive file written by retention; the newest row is the checkpoint the online
-- chain continues from (its last_hash is the prev_hash of the first online entry).
CREATE TABLE audit_archive (
  file TEXT PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  last_seq INTEGER NOT NULL,
  first_ts INTEGER NOT NULL,
  last_ts INTEGER NOT NULL,
  first_prev_hash TEXT NOT NULL,
  last_hash TEXT NOT NULL,
  entries INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  purged_at INTEGER
);
CREATE INDEX audit_archive_last_seq ON audit_archive(last_seq);

-- Append-only, as far as SQLite can say it: no update ever, and a delete only of rows that an
-- archive file already holds. (Someone with the database file can drop these; the chain is what
-- makes that evident.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: entries cannot be changed'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN OLD.seq > coalesce((SELECT max(last_seq) FROM audit_archive), 0)
BEGIN SELECT RAISE(ABORT, 'audit log is append-only: only archived entries can be removed'); END;
CREATE TRIGGER audit_archive_no_update BEFORE UPDATE OF file, first_seq, last_seq, first_prev_hash, last_hash, sha256 ON audit_archive
BEGIN SELECT RAISE(ABORT, 'audit archive checkpoints cannot be changed'); END;
CREATE TRIGGER audit_archive_no_delete BEFORE DELETE ON audit_archive
BEGIN SELECT RAISE(ABORT, 'audit archive checkpoints cannot be removed'); END;
`,
  },
  {
    version: 2,
    name: 'chain v2: each entry stored as its hashed bytes, visible columns decoded from them',
    up: MIGRATION_2,
  },
  {
    version: 3,
    name: 'search index: the head of each entry\'s hashed bytes with the filter columns generated from it',
    up: MIGRATION_3,
  },
];
