import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/store/db';

// The station's store is written by two connections at once: the device thread's and the import
// worker's. A transaction that reads before it writes (a card's outcome: read the card, update it,
// purge its record, append the log entry) began DEFERRED: its first read took a snapshot, and when
// it came to write after the other connection had committed, SQLite refused the upgrade at once
// with SQLITE_BUSY_SNAPSHOT — no busy handler, no retry — so the card's outcome was not recorded
// and the line paused ('the station could not record its outcome (SqliteError)', seen in
// bench/import-stall.bench.ts). Every transaction on the store begins IMMEDIATE: it takes the
// write lock first (waiting for it in the busy handler), and its reads see the latest commit.
test('a transaction that reads and then writes is not refused because another connection committed in between', () => {
  const dir = mkdtempSync(join(tmpdir(), 'write-lock-'));
  const station = openDatabase(join(dir, 's.db'), 'normal');
  const importer = openDatabase(join(dir, 's.db'), 'normal');
  try {
    station.exec('CREATE TABLE cards (id INTEGER PRIMARY KEY, state TEXT NOT NULL); CREATE TABLE rows (n INTEGER)');
    station.prepare("INSERT INTO cards (id, state) VALUES (1, 'in_progress')").run();
    // The importer does not wait here: while the station holds the lock, its write is refused.
    importer.pragma('busy_timeout = 0');
    let importerWrote: boolean | null = null;
    const settle = station.transaction(() => {
      const c = station.prepare('SELECT state FROM cards WHERE id = 1').get() as { state: string };
      try {
        importer.prepare('INSERT INTO rows (n) VALUES (1)').run();
        importerWrote = true;
      } catch (e) {
        assert.equal((e as { code?: string }).code, 'SQLITE_BUSY');
        importerWrote = false;
      }
      station.prepare("UPDATE cards SET state = 'passed' WHERE id = 1 AND state = ?").run(c.state);
    });
    settle();
    assert.equal((station.prepare('SELECT state FROM cards WHERE id = 1').get() as { state: string }).state, 'passed');
    // The importer's write waited for the station's transaction instead (it retries, paced).
    assert.equal(importerWrote, false);
    // Nested calls still run as savepoints of the outer transaction.
    const inner = station.transaction(() => station.prepare('INSERT INTO rows (n) VALUES (2)').run());
    station.transaction(() => {
      inner();
      inner();
    })();
    assert.equal((station.prepare('SELECT COUNT(*) AS n FROM rows WHERE n = 2').get() as { n: number }).n, 2);
  } finally {
    importer.close();
    station.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
