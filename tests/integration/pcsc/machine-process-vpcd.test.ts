import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPcscd, type Pcscd } from '../../support/pcscd';
import { makePtyPair, type PtyPair } from '../../support/pty';
import { writeDemo } from '../../../electron/cli/demo';
import { bootStation } from '../../../electron/boot';

// Issue 16.7: the machine emulator in its own process (`perso-station sim machine --tty B
// --vpcd 35963 --issuer …`), the station's chip heads on pcscd's vpcd readers and no in-process
// machine. Before, no card ever reached a reader: every card failed CHIP_CARD_REMOVED.
const ROOT = resolve(new URL('../../..', import.meta.url).pathname);
let pcscd: Pcscd;
let pty: PtyPair;
let sim: ChildProcess | null = null;
before(async () => {
  pcscd = await startPcscd({ readers: 2 });
  pty = await makePtyPair('machine-vpcd');
});
after(async () => {
  sim?.kill('SIGTERM');
  await pty?.kill();
  await pcscd?.stop();
});

test('a batch with a chip step, with the machine emulator in its own process inserting its cards into vpcd', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-machine-vpcd-'));
  await writeDemo({ dir, importSample: true, cards: 4, pcsc: true });
  const configPath = join(dir, 'station.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  // The machine is on a real pty now; the station no longer inserts cards into vpcd itself.
  config.devices.machine = { id: 'machine', path: pty.a, baudRate: 115200 };
  config.simulation.vpcd = false;
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  sim = spawn(process.execPath, [join(ROOT, 'bin/perso-station.mjs'), 'sim', 'machine', '--tty', pty.b, '--vpcd', '35963', '--issuer', join(dir, 'sim-issuer.json')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  sim.stdout!.on('data', (d) => (out += d));
  sim.stderr!.on('data', (d) => (out += d));
  for (const t0 = Date.now(); !out.includes('insert their cards into vpcd'); ) {
    if (Date.now() - t0 > 20000 || sim.exitCode !== null) throw new Error(`sim machine did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const b = await bootStation({ configPath, origin: 'cli' });
  try {
    const machine = b.station.deviceSet.devices.find((d) => d.kind === 'machine')!;
    for (const t0 = Date.now(); machine.status().state !== 'online'; ) {
      if (Date.now() - t0 > 10000) throw new Error(`machine not online: ${JSON.stringify(machine.status())}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    b.station.engine.start('DEMO-0001');
    await b.station.engine.idle();
    const rows = b.station.store.page({ batchId: 'DEMO-0001', offset: 0, limit: 10 }).rows;
    assert.deepEqual(rows.map((r) => [r.record_id, r.state, r.reason]), rows.map((r) => [r.record_id, 'passed', null]));
    const chipLog = b.station.audit.query({ type: 'step.chip', limit: 100 }).rows;
    assert.ok(chipLog.length >= 4, 'every card went through the chip step');
    assert.deepEqual(new Set(chipLog.map((e) => e.data!.reader)), new Set(['chip-0', 'chip-1']), 'both vpcd heads were used');
  } finally {
    await b.station.close();
  }
});
