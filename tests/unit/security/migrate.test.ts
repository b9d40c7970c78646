import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { migrate, schemaVersion, MigrationError } from '../../../electron/core/store/migrate';

const v1 = { version: 1, name: 'items', up: 'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)' };
const v2 = { version: 2, name: 'item price', up: (db: Database.Database) => db.exec('ALTER TABLE items ADD COLUMN price INTEGER') };

test('applies migrations in order, records them, and is idempotent', () => {
  const db = new Database(':memory:');
  migrate(db, 'store', [v2, v1]);
  assert.equal(schemaVersion(db, 'store'), 2);
  db.prepare('INSERT INTO items (name, price) VALUES (?, ?)').run('a', 3);
  migrate(db, 'store', [v1, v2]);
  const rows = db.prepare('SELECT domain, version, name FROM schema_migrations ORDER BY version').all();
  assert.deepEqual(rows, [{ domain: 'store', version: 1, name: 'items' }, { domain: 'store', version: 2, name: 'item price' }]);
  assert.equal((db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n, 1);
});

test('domains are independent', () => {
  const db = new Database(':memory:');
  migrate(db, 'store', [v1]);
  migrate(db, 'other', [{ version: 1, name: 'things', up: 'CREATE TABLE things (x)' }]);
  assert.equal(schemaVersion(db, 'store'), 1);
  assert.equal(schemaVersion(db, 'other'), 1);
  assert.equal(schemaVersion(db, 'none'), 0);
});

test('refuses a database written by newer code', () => {
  const db = new Database(':memory:');
  migrate(db, 'store', [v1, v2]);
  assert.throws(() => migrate(db, 'store', [v1]), (e: unknown) => e instanceof MigrationError && e.code === 'NEWER_SCHEMA' && /version 2.*only up to version 1/.test(e.message));
});

test('a failing migration rolls back alone and leaves the earlier ones applied', () => {
  const db = new Database(':memory:');
  const bad = { version: 2, name: 'broken', up: 'CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);' };
  assert.throws(() => migrate(db, 'store', [v1, bad]), (e: unknown) => e instanceof MigrationError && e.code === 'FAILED' && /migration 2 "broken"/.test(e.message));
  assert.equal(schemaVersion(db, 'store'), 1);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get(), undefined);
});

test('refuses gaps, duplicates and renamed history', () => {
  const db = new Database(':memory:');
  assert.throws(() => migrate(db, 'store', [v1, { ...v2, version: 3 }]), /without gaps/);
  assert.throws(() => migrate(db, 'store', [v1, { ...v2, version: 1 }]), /without gaps or duplicates/);
  migrate(db, 'store', [v1]);
  assert.throws(() => migrate(db, 'store', [{ ...v1, name: 'renamed' }]), (e: unknown) => e instanceof MigrationError && e.code === 'NAME_MISMATCH');
});
