import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { makePtyPair } from '../../support/pty';
import { runEncoderEmulatorOnTty } from '../../../electron/sim/msr/tty';
import { demoProduct, demoRecords } from '../../../electron/cli/demo';

// `run` on a manual workstation (no transport machine, no simulators; a real encoder port with
// the emulator on the far end of a socat pty): nobody is there to carry the cards or confirm the
// good tray, so the CLI must end with 4 and say what it would wait for — not wait forever.
const root = new URL('../../..', import.meta.url).pathname;

function runCli(args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stderr, stdout });
    });
  });
}

test('run on a manual workstation exits 4 saying it would wait for a person, and takes no card', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-manual-run-'));
  const pty = await makePtyPair('manual-run');
  const emu = await runEncoderEmulatorOnTty(pty.b, {});
  try {
    const product = { ...demoProduct(), id: 'stripe-only', name: 'Stripe only', steps: ['magstripe'] };
    delete (product as Record<string, unknown>).chip;
    delete (product as Record<string, unknown>).layout;
    writeFileSync(join(dir, 'product.json'), JSON.stringify(product));
    writeFileSync(
      join(dir, 'station.json'),
      JSON.stringify({ stationName: 'Manual desk', dataDir: 'data', products: ['product.json'], devices: { pcsc: 'sim', readers: [], encoder: { id: 'encoder', path: pty.a, baudRate: 9600 } } }),
    );
    const batch = { format: 'perso-batch/1', batchId: 'MANUAL-1', productId: 'stripe-only', records: demoRecords(3, randomBytes(16)) };
    writeFileSync(join(dir, 'batch.json'), JSON.stringify(batch));
    const reportPath = join(dir, 'report.json');
    const r = await runCli(['run', '--config', join(dir, 'station.json'), '--file', join(dir, 'batch.json'), '--report', reportPath], 60_000);
    assert.equal(r.code, 4, `exit code (null = killed after waiting 60 s): ${r.stderr}`);
    assert.match(r.stderr, /manual workstation mode: the line would wait for a person .*good or reject tray/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { batches: { counts: { queued: number; inProgress: number; failed: number } }[] };
    assert.deepEqual([report.batches[0].counts.queued, report.batches[0].counts.inProgress, report.batches[0].counts.failed], [3, 0, 0], 'no card was taken');
  } finally {
    await emu.stop();
    await pty.kill();
  }
});
