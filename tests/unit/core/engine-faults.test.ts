import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, type EngineEvent } from '../../../electron/core/engine/engine';
import type { Product } from '../../../shared/domain/product';
import type { StepModule } from '../../../electron/core/engine/step';
import { makeStore, record, fakeModule } from '../../support/core-fixture';
import { PhysicalTransport } from '../../support/physical-transport';

// Faults while other cards are in flight, on a transport with a machine's physics (one card per
// position, BUSY into an occupied one): only the card at the faulted device may fail.

function product(steps: Product['steps'], extra: Partial<Product> = {}): Product {
  return { id: 'P', name: 'P', test: true, steps, retries: {}, secureFields: [], layout: { front: [], back: [] }, ...extra } as unknown as Product;
}

function setup(n: number, modules: Partial<Record<string, StepModule>>, p: Product, ready: (id: string) => boolean, transport = new PhysicalTransport()) {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: Array.from({ length: n }, (_, i) => record(i + 1)) }, 'f.json', null);
  const events: EngineEvent[] = [];
  const engine = new Engine({ store, modules, transport, product: () => p, deviceReady: ready, log: (e) => events.push(e), onCard: () => undefined, onStatus: () => undefined, waitPollMs: 5 });
  return { store, engine, events, transport };
}

let detail = () => '';
async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what} (${detail()})`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const tick = (ms = 3) => new Promise((r) => setTimeout(r, ms));

test('the laser goes away with cards in flight: only the card at the laser fails, no card is fed meanwhile, the rest pass when it is back', async () => {
  let laserUp = true;
  let lasered = 0;
  const fedWhileDown: number[] = [];
  const emboss = fakeModule('emboss', async () => (await tick(), { ok: true }));
  const msr = fakeModule('magstripe', async () => (await tick(), { ok: true }));
  const laser = fakeModule('laser', async () => {
    await tick();
    if (++lasered === 4) {
      // The port disappears while this card is being engraved.
      laserUp = false;
      return { ok: false, reason: 'LASER_OFFLINE', message: 'laser: the port is gone' };
    }
    return { ok: true };
  });
  const { store, engine, transport } = setup(12, { emboss, magstripe: msr, laser }, product(['emboss', 'magstripe', 'laser']), (id) => id !== 'laser-0' || laserUp);
  transport.onFeed = () => {
    if (!laserUp) fedWhileDown.push(transport.at.size);
  };
  detail = () => JSON.stringify({ counts: store.counts('B'), state: engine.status().state, message: engine.status().message, busy: transport.busy, lasered });
  engine.start('B');
  try {
    await faultedRun();
  } finally {
    // A failed assertion must not leave the engine waiting for a laser that never comes back.
    laserUp = true;
    if (engine.running) engine.emergencyStop();
  }
  async function faultedRun() {
  await until('the laser fault', () => !laserUp || !engine.running);
  assert.deepEqual(transport.busy, [], 'no card was moved into an occupied station');
  await until('the engine to say it waits for the laser', () => /waiting for laser-0/.test(engine.status().message ?? ''));
  // Give the line every chance to do harm while the laser is away.
  for (let i = 0; i < 20; i++) await tick();
  assert.deepEqual(fedWhileDown, [], 'no blank leaves the hopper while the laser is away');
  assert.deepEqual(transport.busy, [], 'no card was moved into an occupied station');
  assert.equal(store.counts('B').failed, 1);
  laserUp = true;
  await engine.idle();
  const c = store.counts('B');
  assert.equal(c.failed, 1, 'exactly one card failed');
  assert.equal(c.passed, 11);
  const failed = store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 5 }).rows;
  assert.deepEqual(failed.map((r) => [r.reason, r.step]), [['LASER_OFFLINE', 'laser']]);
  assert.deepEqual(transport.busy, []);
  assert.equal(transport.bins.good.length, 11);
  assert.equal(transport.bins.reject.length, 1);
  assert.equal(transport.at.size, 0, 'no card left in the path');
  assert.equal(engine.status().state, 'finished');
  }
});

test('a failed card keeps its station until it has left for the reject bin', async () => {
  // The encoder fails one card; the card behind it must not be moved onto the encoder before the
  // failed card is out.
  let n = 0;
  const emboss = fakeModule('emboss', async () => (await tick(1), { ok: true }));
  const msr = fakeModule('magstripe', async () => (await tick(), ++n === 2 ? { ok: false, reason: 'MSR_WRITE_ERROR', message: 'write error' } : { ok: true }));
  const { store, engine, transport } = setup(6, { emboss, magstripe: msr }, product(['emboss', 'magstripe']), () => true);
  const slowEject = transport.eject.bind(transport);
  transport.eject = async (h, bin) => {
    if (bin === 'reject') await tick(10);
    return slowEject(h, bin);
  };
  engine.start('B');
  await until('the batch to end or pause', () => !engine.running || engine.status().state === 'paused');
  assert.deepEqual(transport.busy, []);
  assert.equal(engine.status().state, 'finished');
  assert.equal(store.counts('B').failed, 1);
  assert.equal(store.counts('B').passed, 5);
});

test('three cards in a row failing for the same reason pause the line; a product may set its own count', async () => {
  // A garbled encoder that says "ready" fails every card the same way: after 3 the line pauses.
  const msr = fakeModule('magstripe', async () => (await tick(1), { ok: false, reason: 'MSR_WRITE_ERROR', message: 'write error' }));
  const a = setup(10, { magstripe: msr }, product(['magstripe']), () => true);
  a.engine.start('B');
  await until('the line to pause', () => a.engine.status().state === 'paused' || !a.engine.running);
  assert.equal(a.engine.status().state, 'paused');
  assert.match(a.engine.status().message!, /3 cards in a row failed with MSR_WRITE_ERROR/);
  assert.equal(a.store.counts('B').failed, 3);
  assert.equal(a.store.counts('B').queued, 7);
  a.engine.stop();
  await a.engine.idle();

  // Failures with different reasons, or a pass in between, do not count as a run.
  let i = 0;
  const mixed = fakeModule('magstripe', async () => {
    await tick(1);
    const k = i++ % 3;
    return k === 0 ? { ok: true } : { ok: false, reason: k === 1 ? 'MSR_WRITE_ERROR' : 'MSR_VERIFY_MISMATCH', message: 'x' };
  });
  const b = setup(9, { magstripe: mixed }, product(['magstripe'], { pauseAfterFailures: 2 }), () => true);
  b.engine.start('B');
  await until('the batch to end or pause', () => !b.engine.running || b.engine.status().state === 'paused');
  assert.equal(b.engine.status().state, 'finished');
  assert.equal(b.store.counts('B').failed, 6);

  const c = setup(5, { magstripe: msr }, product(['magstripe'], { pauseAfterFailures: 0 }), () => true);
  c.engine.start('B');
  await until('the batch to end or pause', () => !c.engine.running || c.engine.status().state === 'paused');
  assert.equal(c.engine.status().state, 'finished', 'pauseAfterFailures 0: never pause');
});
