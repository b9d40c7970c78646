// The core's tables: batches, their records (secrets sealed, purged when done), the physical
// cards made from them, and the per-step journal (intent before a device action, result after).
export const CORE_MIGRATIONS = [
  {
    version: 1,
    name: 'batches, records, cards, step journal',
    up: `
      CREATE TABLE batches (
        batch_id TEXT PRIMARY KEY,
        product_id TEXT NOT NULL,
        issuer TEXT,
        file_name TEXT NOT NULL,
        record_count INTEGER NOT NULL,
        imported_at INTEGER NOT NULL,
        imported_by TEXT,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','held','closed'))
      );
      CREATE TABLE records (
        batch_id TEXT NOT NULL REFERENCES batches(batch_id),
        record_index INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        masked_pan TEXT NOT NULL,
        sealed BLOB,
        PRIMARY KEY (batch_id, record_index)
      ) WITHOUT ROWID;
      CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        batch_id TEXT NOT NULL,
        record_index INTEGER NOT NULL,
        record_id TEXT NOT NULL,
        masked_pan TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL,
        step TEXT,
        slot INTEGER,
        reason TEXT,
        message TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        decided_by TEXT,
        decision_reason TEXT,
        FOREIGN KEY (batch_id, record_index) REFERENCES records(batch_id, record_index)
      );
      CREATE INDEX cards_batch_state ON cards(batch_id, state, id);
      CREATE INDEX cards_state ON cards(state, id);
      CREATE TABLE card_steps (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL REFERENCES cards(id),
        step TEXT NOT NULL,
        slot INTEGER,
        attempt INTEGER NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('intent','result')),
        ok INTEGER,
        reason TEXT,
        facts TEXT,
        ts INTEGER NOT NULL
      );
      CREATE INDEX card_steps_card ON card_steps(card_id, id);
    `,
  },
  {
    version: 2,
    name: 'index cards by update time (shift reports, charts)',
    up: 'CREATE INDEX cards_updated ON cards(updated_at)',
  },
  {
    version: 3,
    name: 'batches being imported (hidden until the import commits; dropped if it never does)',
    up: 'CREATE TABLE batch_imports (batch_id TEXT PRIMARY KEY, started_at INTEGER NOT NULL)',
  },
];
