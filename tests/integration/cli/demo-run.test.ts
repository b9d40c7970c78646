import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root, encoding: 'utf8' });

test('demo then run: every card has an outcome in the report and the log, the defective blank card fails with its reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-cli-'));
  const d = cli('demo', '--dir', join(dir, 'D'));
  assert.equal(d.status, 0, d.stderr);
  const r = cli('run', '--config', join(dir, 'D/station.json'), '--report', join(dir, 'r.json'));
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  assert.equal(report.cards.length, 12);
  const failed = report.cards.filter((c: { state: string }) => c.state === 'failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0].recordId, 'R000005');
  assert.equal(failed[0].reason, 'MSR_WRITE_ERROR');
  assert.equal(report.cards.filter((c: { state: string }) => c.state === 'passed').length, 11);
  for (const c of report.cards) assert.match(c.maskedPan, /^\d{6}\*+\d{4}$/);

  const logs = cli('logs', '--config', join(dir, 'D/station.json'), '--format', 'json', '--limit', '5000');
  assert.equal(logs.status, 0, logs.stderr);
  const entries = logs.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const outcomes = entries.filter((e) => e.type === 'card.passed' || e.type === 'card.failed');
  assert.equal(outcomes.length, 12);
  assert.ok(entries.some((e) => e.type === 'station.start'));

  // Nothing the station wrote holds a full PAN or the sample's secrets.
  const batch = JSON.parse(readFileSync(join(dir, 'D/batches/sample-batch.json'), 'utf8'));
  const db = readFileSync(join(dir, 'D/data/station.db'));
  const wal = (() => { try { return readFileSync(join(dir, 'D/data/station.db-wal')); } catch { return Buffer.alloc(0); } })();
  const all = Buffer.concat([db, wal, Buffer.from(logs.stdout), Buffer.from(readFileSync(join(dir, 'r.json')))]).toString('latin1');
  for (const rec of batch.records) {
    assert.ok(!all.includes(rec.pan), `full PAN of ${rec.recordId} found`);
    assert.ok(!all.includes(rec.track2Discretionary), `track 2 data of ${rec.recordId} found`);
    assert.ok(!all.includes(rec.track1Discretionary), `track 1 data of ${rec.recordId} found`);
  }

  const verify = cli('audit', 'verify', '--config', join(dir, 'D/station.json'));
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /log intact/);
});

test('a bad batch file is refused whole with record and field named; exit code says it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-cli-'));
  assert.equal(cli('demo', '--dir', join(dir, 'D'), '--no-import').status, 0);
  const batch = JSON.parse(readFileSync(join(dir, 'D/batches/sample-batch.json'), 'utf8'));
  batch.records[2].pan = '4921810000000010';
  batch.records[4].expiry = '2913';
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(batch));
  const r = cli('import', join(dir, 'bad.json'), '--config', join(dir, 'D/station.json'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /record 3 \(R000003\), pan: fails the Luhn check digit/);
  assert.match(r.stderr, /record 5 \(R000005\), expiry/);
  assert.ok(!r.stderr.includes('4921810000000010'));
  const ok = cli('import', join(dir, 'D/batches/sample-batch.json'), '--config', join(dir, 'D/station.json'));
  assert.equal(ok.status, 0, ok.stderr);
  const again = cli('import', join(dir, 'D/batches/sample-batch.json'), '--config', join(dir, 'D/station.json'));
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already imported/);
});
