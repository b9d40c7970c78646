import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipcCallChannel } from '../../../shared/contract/channels';
import { installElectronStub } from '../../support/electron-stub';
import Database from 'better-sqlite3';
import { AuditLog } from '../../../electron/core/audit';

// What ships is the bundle, not the sources the other tests run: this builds with the project's
// own build and runs the bundled main process (dist/electron/main.cjs) under Node, with a stub
// `electron`, through its real paths — first run writes the demo station on the simulators, the
// page logs in over IPC, runs the sample batch, and exports the batch and shift reports as PDF
// and CSV and the log as CSV.
const root = new URL('../../..', import.meta.url).pathname;
const out = join(root, 'test-artifacts', 'bundle');

before(() => {
  rmSync(out, { recursive: true, force: true });
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', out], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
});

test('the bundled CLI writes a demo station and runs its batch without the sources', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-bundle-cli-'));
  // PERSO_CLI_BUNDLE makes bin/perso-station.mjs load the bundle, as an install without tsx does.
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, PERSO_CLI_BUNDLE: join(out, 'electron', 'cli.cjs') } });
  const d = cli('demo', '--dir', join(dir, 'D'));
  assert.equal(d.status, 0, d.stderr);
  const r = cli('run', '--config', join(dir, 'D/station.json'), '--report', join(dir, 'r.json'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /batch DEMO-0001: 11 passed, 1 failed, 0 queued/);
  const v = cli('audit', 'verify', '--config', join(dir, 'D/station.json'));
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.equal(cli('demo', '--help').status, 0);
});

test('the bundled CLI verifies a big log in its worker modules and names a planted tamper', () => {
  // Verify checks a log of 30,000 entries or more in worker threads: range-verify.worker.cjs, and
  // chunk-hash.worker.cjs when a range is not intact. They are files beside the bundle, started as
  // such (a spy preloaded into the CLI lists every worker it starts), never source text.
  for (const w of ['range-verify', 'chunk-hash', 'import', 'seal']) assert.ok(existsSync(join(out, 'electron', `${w}.worker.cjs`)), `${w}.worker.cjs is built`);
  const dir = mkdtempSync(join(tmpdir(), 'perso-bundle-verify-'));
  const spy = join(dir, 'workers.jsonl');
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--require', join(root, 'tests/support/worker-spy.cjs'), join(root, 'bin/perso-station.mjs'), ...args], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, PERSO_CLI_BUNDLE: join(out, 'electron', 'cli.cjs'), PERSO_WORKER_SPY: spy },
  });
  const workers = () => {
    const lines = existsSync(spy) ? readFileSync(spy, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; file: string | null; eval: boolean; message?: string }) : [];
    rmSync(spy, { force: true });
    return lines;
  };
  assert.equal(cli('demo', '--dir', join(dir, 'D')).status, 0);
  // The log grows past the parallel threshold, written by the log itself (the head file follows).
  const db = new Database(join(dir, 'D/data/station.db'));
  const log = new AuditLog(db);
  for (let k = 0; k < 40; k++) log.appendMany(Array.from({ length: 1000 }, (_, i) => ({ type: 'test.entry', severity: 'info' as const, outcome: 'success' as const, origin: 'test', message: `entry ${k * 1000 + i}` })));
  log.flushIndex();
  const planted = log.head().seq - 7000;
  log.close();
  db.close();
  workers();

  const ok = cli('audit', 'verify', '--config', join(dir, 'D/station.json'));
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /log intact: \d{5} entries/);
  let seen = workers();
  assert.ok(seen.filter((w) => w.event === 'start' && w.file?.endsWith('/range-verify.worker.cjs')).length >= 2, JSON.stringify(seen));
  assert.deepEqual(seen.filter((w) => w.eval || w.event === 'error'), [], 'no worker from source text, none failed');

  const raw = new Database(join(dir, 'D/data/station.db'));
  // The search index edited apart from the chain (issue 17 item 2): found by the range workers.
  const retype = raw.prepare(`UPDATE audit_search SET head = CAST(replace(CAST(head AS TEXT), ?, ?) AS BLOB) WHERE seq = ?`);
  retype.run('"test.entry"', '"test.other"', planted + 100);
  const idx = cli('audit', 'verify', '--config', join(dir, 'D/station.json'));
  assert.equal(idx.status, 3, idx.stdout + idx.stderr);
  assert.match(idx.stdout, new RegExp(`LOG TAMPERED: entry ${planted + 100} index: the search index differs from entry ${planted + 100}: type`));
  seen = workers();
  assert.ok(seen.filter((w) => w.event === 'start' && w.file?.endsWith('/range-verify.worker.cjs')).length >= 2, JSON.stringify(seen));
  retype.run('"test.other"', '"test.entry"', planted + 100);
  raw.exec('DROP TRIGGER audit_log_no_update');
  raw.prepare("UPDATE audit_chain SET canon = CAST(replace(CAST(canon AS TEXT), 'entry', 'entrY') AS BLOB) WHERE seq = ?").run(planted);
  raw.close();
  const bad = cli('audit', 'verify', '--config', join(dir, 'D/station.json'));
  assert.equal(bad.status, 3, bad.stdout + bad.stderr);
  assert.match(bad.stdout, new RegExp(`LOG TAMPERED: entry ${planted} changed`));
  seen = workers();
  assert.ok(seen.some((w) => w.event === 'start' && w.file?.endsWith('/chunk-hash.worker.cjs')), `the walk after a failed range hashes in its worker: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen.filter((w) => w.eval || w.event === 'error'), []);
});

test('the bundled main process runs a batch on the simulators and exports PDF and CSV', async () => {

  const userData = mkdtempSync(join(tmpdir(), 'perso-bundle-'));
  const stub = installElectronStub(userData);
  const errors: unknown[] = [];
  const consoleError = console.error;
  console.error = (...a: unknown[]) => errors.push(a);
  try {
    createRequire(import.meta.url)(join(out, 'electron', 'main.cjs'));
    const win = await Promise.race([stub.window, new Promise<never>((_r, rej) => setTimeout(() => rej(new Error(`main.cjs opened no window: ${JSON.stringify(errors)} ${stub.exits}`)), 60_000).unref())]);
    const ours = { sender: win.webContents, senderFrame: { url: win.url } };
    const call = async <T = unknown>(name: string, input: unknown = {}): Promise<T> => {
      const h = stub.handlers.get(ipcCallChannel(name));
      assert.ok(h, `no IPC handler for ${name}`);
      const env = (await h(ours, input)) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
      assert.ok(env.ok, `${name}: ${env.ok ? '' : `${env.error.code} ${env.error.message}`}`);
      return env.value;
    };

    const creds = JSON.parse(readFileSync(join(userData, 'demo-users.json'), 'utf8'));
    const me = await call<{ user: { role: string } }>('session.login', creds.supervisor);
    assert.equal(me.user.role, 'supervisor');
    const startedAt = Date.now() - 60_000;
    await call('engine.start', { batchId: 'DEMO-0001' });
    let state = '';
    while (state !== 'finished') {
      state = (await call<{ state: string }>('engine.status')).state;
      assert.ok(['running', 'starting', 'finished', 'idle'].includes(state), `engine ${state}`);
      if (state !== 'finished') await new Promise((r) => setTimeout(r, 50));
    }
    const counts = await call<{ passed: number; failed: number }>('queue.counts', { batchId: 'DEMO-0001' });
    assert.deepEqual([counts.passed, counts.failed], [11, 1]);
    assert.ok(win.webContents.sent.some((m) => m.name === 'card.updated'), 'the window was sent card events');

    // An import through the API runs in its worker: the bundled one (import.worker.cjs beside main.cjs).
    const sample = JSON.parse(readFileSync(join(userData, 'batches', 'sample-batch.json'), 'utf8'));
    const imported = await call<{ batchId: string; records: number }>('batches.import', { fileName: 'second.json', content: JSON.stringify({ ...sample, batchId: 'DEMO-0002' }) });
    assert.deepEqual(imported, { batchId: 'DEMO-0002', records: 12 });

    type Exported = { fileName: string; mime: string; base64: string; text: string | null };
    const batchPdf = await call<Exported>('reports.export', { batchId: 'DEMO-0001', format: 'pdf' });
    const pdf = Buffer.from(batchPdf.base64, 'base64');
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 1000, `batch PDF of ${pdf.length} bytes`);
    const shift = { from: startedAt, to: Date.now() + 60_000 };
    const shiftPdf = await call<Exported>('reports.export', { shift, format: 'pdf' });
    assert.equal(Buffer.from(shiftPdf.base64, 'base64').subarray(0, 5).toString('latin1'), '%PDF-');
    const batchCsv = await call<Exported>('reports.export', { batchId: 'DEMO-0001', format: 'csv' });
    assert.match(batchCsv.text ?? '', /DEMO-0001/);
    const logCsv = await call<{ csv: string; rows: number }>('log.export', { filter: { batchId: 'DEMO-0001' } });
    assert.ok(logCsv.rows >= 12, `${logCsv.rows} log rows exported`);
    assert.match(logCsv.csv, /card\.passed/);

    stub.app.emit('window-all-closed');
    for (const end = Date.now() + 30_000; !stub.exits.includes('quit'); ) {
      if (Date.now() > end) throw new Error('the bundled app did not quit after its last window closed');
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(errors, [], 'main.cjs reported no error');
  } finally {
    console.error = consoleError;
  }
});
