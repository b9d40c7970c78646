import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/store/db';
import { writeDemo } from '../../../electron/cli/demo';
import { bootStation } from '../../../electron/boot';

const mode = (p: string) => statSync(p).mode & 0o777;

/** Every directory and file under dir with its mode, e.g. { 'data': 0o700, 'data/station.db': 0o600 }. */
function modes(dir: string, rel = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const r = join(rel, d.name);
    out[r] = mode(join(dir, r));
    if (d.isDirectory()) Object.assign(out, modes(dir, r));
  }
  return out;
}

test('perms: a new store is 0700 with db, -wal and -shm 0600 whatever the umask', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'perso-perms-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const old = process.umask(0);
  try {
    const db = openDatabase(join(root, 'data', 'station.db'));
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    assert.ok(existsSync(join(root, 'data', 'station.db-wal')) && existsSync(join(root, 'data', 'station.db-shm')));
    assert.deepEqual(modes(join(root, 'data')), { 'station.db': 0o600, 'station.db-wal': 0o600, 'station.db-shm': 0o600 });
    assert.equal(mode(join(root, 'data')), 0o700);
    db.close();
  } finally {
    process.umask(old);
  }
});

test('perms: at start a data directory open to others is narrowed to 0700/0600, each repair in the log', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'perso-perms-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const demo = await writeDemo({ dir: root, importSample: true, cards: 2, timeScale: 0 });
  const first = await bootStation({ configPath: demo.configPath, origin: 'cli' });
  const dataDir = first.station.config.dataDirAbs;
  first.station.retention();
  await first.station.close();
  // What a 0022 umask and an older version left behind.
  chmodSync(dataDir, 0o755);
  const files = Object.keys(modes(dataDir));
  assert.ok(files.includes('station.db') && files.includes('record.key') && files.includes('audit-head.json'), files.join(', '));
  for (const f of files) chmodSync(join(dataDir, f), statSync(join(dataDir, f)).isDirectory() ? 0o755 : 0o644);

  const again = await bootStation({ configPath: demo.configPath, origin: 'cli' });
  try {
    const after = modes(dataDir);
    for (const [f, m] of Object.entries(after)) assert.equal(m, statSync(join(dataDir, f)).isDirectory() ? 0o700 : 0o600, `${f} is ${m.toString(8)}`);
    assert.equal(mode(dataDir), 0o700);
    const logged = again.station.audit.query({ type: 'store.permissions', limit: 1000 }).rows;
    assert.ok(logged.some((e) => e.message === `${dataDir} was open to other users (mode 755); set to 700`), JSON.stringify(logged.map((e) => e.message)));
    for (const f of ['station.db', 'record.key', 'audit-head.json']) {
      assert.ok(logged.some((e) => e.message === `${join(dataDir, f)} was open to other users (mode 644); set to 600`), `no repair entry for ${f}`);
    }
  } finally {
    await again.station.close();
  }
});
