import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const root = new URL('../../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root, encoding: 'utf8' });

test('audit verify on a real station: the newest entries deleted, then the whole log emptied, are named, never "intact"', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-trunc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'D/station.json');
  assert.equal(cli('demo', '--dir', join(dir, 'D')).status, 0);
  const run = cli('run', '--config', config);
  assert.equal(run.status, 0, run.stderr);
  const ok = cli('audit', 'verify', '--config', config);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  const db = new Database(join(dir, 'D/data/station.db'));
  const head = db.prepare('SELECT max(seq) FROM audit_chain').pluck(true).get() as number;
  assert.match(ok.stdout, new RegExp(`log intact: ${head} entries; the head was anchored at ${head} on \\d{4}-`));

  // Someone with the file drops the guards and deletes the newest 20 entries.
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.prepare('DELETE FROM audit_chain WHERE seq > ?').run(head - 20);
  const cut = cli('audit', 'verify', '--config', config);
  assert.equal(cut.status, 3, cut.stdout + cut.stderr);
  assert.match(cut.stdout, new RegExp(`LOG TAMPERED: entry ${head - 19} removed: entries ${head - 19}–${head} are missing: the head was anchored at ${head} on 20\\d\\d-`));

  db.exec('DELETE FROM audit_chain');
  db.close();
  const empty = cli('audit', 'verify', '--config', config);
  assert.equal(empty.status, 3, empty.stdout + empty.stderr);
  assert.match(empty.stdout, new RegExp(`entries 1–${head} are missing`));
  assert.doesNotMatch(empty.stdout, /intact/);
});
