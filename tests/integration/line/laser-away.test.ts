import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePtyPair, makePtyPairAt } from '../../support/pty';
import { openSerialPort } from '../../../electron/devices/serial/link';
import { MachineDriver } from '../../../electron/devices/machine/driver';
import { MachineTransport } from '../../../electron/devices/machine/transport';
import { createEmbossModule } from '../../../electron/devices/machine/emboss-module';
import { GrblLaser } from '../../../electron/devices/laser/driver';
import { createLaserModule } from '../../../electron/devices/laser/laser-module';
import { runMachineEmulatorOnTty } from '../../../electron/sim/machine/tty';
import { runLaserEmulatorOnTty } from '../../../electron/sim/laser/tty';
import { Engine, type EngineEvent } from '../../../electron/core/engine/engine';
import type { Product } from '../../../shared/domain/product';
import type { EmbossJob } from '../../../shared/layout/jobs';
import { makeStore, record } from '../../support/core-fixture';
import { strokeJob, waitFor } from '../../unit/laser/support';

// The whole line over real ptys: the machine emulator (feed, moves, embosser, bins) behind one
// socat pair, the GRBL emulator behind another, the real drivers and the real engine. The laser's
// port disappears (socat killed) while cards are in flight; the machine emulator is the oracle
// of where every physical card went.

const product = { id: 'P', name: 'P', test: true, steps: ['emboss', 'laser'], retries: {}, secureFields: [] } as unknown as Product;
const jobs = (pan: string): EmbossJob[] => [{ kind: 'emboss', side: 'front', font: '7B', x: 10.5, y: 21.42, pitch: 3.63, text: pan }];

test('the laser port disappears mid-batch: only the card at the laser fails, the feed pauses, the rest pass when it is back', async () => {
  const N = 10;
  const mPty = await makePtyPair('line-machine');
  const mEmu = await runMachineEmulatorOnTty(mPty.b, { chipStations: 1, hopper: 50 });
  let lPty = await makePtyPair('line-laser');
  // Engraving takes time (a twentieth of real time), so the port can go away in the middle of a job.
  let lEmu = await runLaserEmulatorOnTty(lPty.b, { laserMode: true, timeScale: 0.05 });
  const laserEmu = lEmu.emulator;
  const machine = new MachineDriver(() => openSerialPort({ path: mPty.a, baudRate: 115200 }), { id: 'machine', backoff: { initialMs: 50, maxMs: 300 } });
  const laser = new GrblLaser(() => openSerialPort({ path: lPty.a, baudRate: 115200 }), { id: 'laser', backoff: { initialMs: 50, maxMs: 300 }, pollMs: 50, idlePollMs: 100 });
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: Array.from({ length: N }, (_, i) => record(i + 1)) }, 'f.json', null);
  let engraving: number | null = null;
  let jobStart = 0;
  const modules = {
    emboss: createEmbossModule(machine, { jobsFor: (ctx) => jobs(ctx.record.pan) }),
    laser: createLaserModule(laser, {
      jobsFor: (ctx) => {
        engraving = ctx.cardId;
        jobStart = laserEmu.toolpath.length;
        return [{ side: 'front', gcode: strokeJob(40, ctx.cardId) }];
      },
    }),
  };
  const devices = [machine, laser];
  const events: EngineEvent[] = [];
  const fedWhileDown: number[] = [];
  const transport = new MachineTransport(machine);
  const feed = transport.feed.bind(transport);
  transport.feed = async (ctx) => {
    if (laser.status().state === 'offline') fedWhileDown.push(ctx.cardId);
    return feed(ctx);
  };
  const engine = new Engine({
    store, modules, transport, product: () => product, log: (e) => events.push(e), onCard: () => undefined, onStatus: () => undefined, waitPollMs: 20,
    deviceReady: (id) => ['online', 'busy'].includes(devices.find((d) => d.id === id)?.status().state ?? 'online'),
  });
  try {
    await machine.start();
    await laser.start();
    engine.start('B');
    // Pull the laser's plug while it engraves the third card, with cards behind it in the line.
    await waitFor(() => store.counts('B').passed >= 2 && engraving !== null && laserEmu.toolpath.length > jobStart + 5, 20_000, 'the third card at the laser');
    await lPty.kill();
    await waitFor(() => laser.status().state === 'offline', 5000, 'laser offline');
    // The victim is the card whose job was out when the port went: on a loaded machine the job
    // seen above may still finish before socat is gone, and the next card's job is the one cut.
    // No job starts while the laser is away, so the last one handed out is that card.
    const victim = engraving!;
    await waitFor(() => store.counts('B').failed >= 1, 5000, 'the card at the laser failed');
    await waitFor(() => /waiting for laser/.test(engine.status().message ?? ''), 5000, 'the engine waits for the laser');
    // The line has every chance to do harm while the laser is away: a second of machine time.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(store.counts('B').failed, 1, 'only the card at the laser failed while it was away');
    assert.deepEqual(fedWhileDown, [], 'no blank left the hopper while the laser was away');

    lPty = await makePtyPairAt(lPty.a, lPty.b);
    lEmu = await runLaserEmulatorOnTty(lPty.b, { emulator: laserEmu });
    await waitFor(() => laser.status().state === 'online', 10_000, 'laser back');
    await waitFor(() => !engine.running, 30_000, 'the batch to end');

    const c = store.counts('B');
    const failed = store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 20 }).rows;
    assert.deepEqual(failed.map((r) => [r.id, r.reason, r.step]), [[victim, 'LASER_OFFLINE', 'laser']], 'exactly one card failed, the one at the laser');
    assert.equal(c.passed, N - 1);
    assert.ok(!events.some((e) => /BUSY/.test(e.message)), 'no move into an occupied station');
    // The world agrees: N-1 cards in the good tray, one in the reject bin, none left in the path.
    assert.equal(mEmu.emulator.bins.good.length, N - 1);
    assert.equal(mEmu.emulator.bins.reject.length, 1);
    for (const pos of ['chip:0', 'emboss', 'laser', 'encoder'] as const) assert.equal(mEmu.emulator.cardAt(pos), null, `no card left at ${pos}`);
    assert.equal(engine.status().state, 'finished');
  } finally {
    if (engine.running) engine.emergencyStop();
    await engine.idle();
    await laser.close();
    await machine.close();
    await lEmu.close();
    await mEmu.close();
    await lPty.kill();
    await mPty.kill();
  }
});
