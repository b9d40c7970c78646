import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../../electron/core/engine/engine';
import { recoverInterrupted } from '../../../electron/core/recovery';
import type { Product } from '../../../shared/domain/product';
import type { StepContext, StepModule } from '../../../electron/core/engine/step';
import { makeStore, record, fakeModule, DirectTransport } from '../../support/core-fixture';
import { PhysicalTransport } from '../../support/physical-transport';

// After an emergency stop (or a crash) cards are left in the machine. The station names each one,
// clears the path (the machine's reset, or the operator confirming each card taken out), counts
// every one as spoiled with its reason and step, and only then feeds again.

const product = { id: 'P', name: 'P', test: true, steps: ['emboss', 'magstripe', 'laser'], retries: {}, secureFields: [], layout: { front: [], back: [] } } as unknown as Product;

function setup(n: number, transport: PhysicalTransport | DirectTransport, store = makeStore(), embossSlots = 1) {
  if (n) store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: Array.from({ length: n }, (_, i) => record(i + 1)) }, 'f.json', null);
  const slow = (ctx: StepContext) =>
    new Promise<{ ok: true }>((resolve, reject) => {
      const t = setTimeout(() => resolve({ ok: true }), 5);
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(ctx.signal.reason)));
    });
  const modules: Record<string, StepModule> = { emboss: fakeModule('emboss', slow, embossSlots), magstripe: fakeModule('magstripe', slow), laser: fakeModule('laser', slow) };
  const logged: string[] = [];
  const engine = new Engine({ store, modules, transport, product: () => product, deviceReady: () => true, log: (e) => logged.push(`${e.type} ${e.message}`), onCard: () => undefined, onStatus: () => undefined });
  return { store, engine, logged };
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('emergency stop with cards in the path: each is named, the machine reset clears them, each is spoiled with its reason, the line starts again', async () => {
  const transport = new PhysicalTransport();
  const { store, engine, logged } = setup(12, transport);
  engine.start('B');
  await until('three cards in the line', () => transport.at.size >= 3);
  engine.emergencyStop();
  await engine.idle();
  const inMachine = [...transport.at.keys()];
  assert.ok(inMachine.length >= 3);
  const path = engine.pathCards();
  assert.equal(path.length, inMachine.length, 'the station names every card the machine still holds');
  assert.ok(path.every((c) => c.state === 'failed' && c.reason === 'EMERGENCY_STOP' && c.step && c.masked_pan.includes('…') === false));
  assert.equal(engine.status().pathCards, inMachine.length);
  assert.match(engine.status().message!, /clear the path/);

  // Start is refused while they are there: no blank meets a card in the path.
  assert.throws(() => engine.start('B'), /card\(s\) may still be in the machine .*clear the path before starting/);
  assert.deepEqual(transport.busy, []);

  const r = await engine.clearPath();
  assert.equal(transport.resets, 1, 'the machine reset was sent');
  assert.equal(r.cleared.length, inMachine.length);
  assert.equal(transport.at.size, 0, 'the path is empty');
  assert.equal(engine.pathCards().length, 0);
  assert.equal(engine.status().pathCards, 0);
  assert.equal(engine.status().state, 'stopped');
  assert.equal(logged.filter((l) => l.startsWith('card.cleared')).length, inMachine.length);
  const spoiled = store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 50 }).rows;
  assert.equal(spoiled.length, inMachine.length, 'each card in the path is counted as spoiled');
  assert.ok(spoiled.every((c) => c.reason === 'EMERGENCY_STOP' && c.step !== null));

  engine.start('B');
  await engine.idle();
  assert.equal(engine.status().state, 'finished');
  const c = store.counts('B');
  assert.equal(c.passed + c.failed, 12);
  assert.equal(c.failed, inMachine.length);
  assert.equal(transport.bins.good.length, c.passed);
  assert.equal(transport.bins.reject.length, inMachine.length);
  assert.deepEqual(transport.busy, []);
});

test('manual mode: no machine to reset, so the operator confirms each card taken out', async () => {
  const transport = new DirectTransport();
  const { engine } = setup(6, transport);
  engine.start('B');
  await until('a card in flight', () => transport.fed >= 2);
  engine.emergencyStop();
  await engine.idle();
  const path = engine.pathCards();
  assert.ok(path.length >= 1);
  await assert.rejects(engine.clearPath(), /take each card out and confirm it/);
  for (const [i, c] of path.entries()) {
    assert.throws(() => engine.start('B'), /clear the path/);
    const r = await engine.clearPath(c.id);
    assert.deepEqual(r.cleared.map((x) => x.cardId), [c.id]);
    assert.equal(engine.status().pathCards, path.length - i - 1);
  }
  await assert.rejects(engine.clearPath(path[0].id), /not in the path/);
  engine.start('B');
  await engine.idle();
  assert.equal(engine.status().state, 'finished');
});

test('after a crash with cards in the machine the engine refuses to feed until the path is cleared', async () => {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: [record(1), record(2), record(3)] }, 'f', null);
  // Card 1 was at the laser, card 2 was being fed (no result recorded) when the power went.
  const a = store.nextQueued('B')!;
  store.transition(a.id, 'in_progress', { step: 'laser', slot: 0 });
  store.journal(a.id, 'feed', null, 1, 'intent', null, null);
  store.journal(a.id, 'feed', null, 1, 'result', true, null);
  store.journal(a.id, 'laser', 0, 1, 'intent', null, null);
  const b = store.nextQueued('B')!;
  store.transition(b.id, 'in_progress', { step: 'feed', slot: null });
  store.journal(b.id, 'feed', null, 1, 'intent', null, null);
  recoverInterrupted(store, () => undefined);
  const transport = new PhysicalTransport();
  const { engine } = setup(0, transport, store);
  engine.refreshPath();
  assert.equal(engine.status().pathCards, 2);
  assert.equal(engine.status().state, 'idle');
  assert.throws(() => engine.start('B'), /2 card\(s\) may still be in the machine \(card R000001 at laser \(slot 0\), …\); clear the path before starting/);
  assert.equal(transport.at.size, 0, 'nothing was fed');
  await engine.clearPath();
  assert.equal(store.card(a.id).reason, 'INTERRUPTED', 'the card stays spoiled with its reason');
  engine.start('B');
  await engine.idle();
  assert.equal(store.counts('B').passed, 1);
});

test('emergency stop before a FEED is sent: that card took no blank, goes back to the queue and is not counted as spoiled', async () => {
  // As the machine transport does: a stop that lands before FEED is sent cancels the command.
  class CancellingTransport extends PhysicalTransport {
    fed = 0;
    override async feed(ctx?: { cardId: number; signal: AbortSignal }): Promise<number> {
      if (ctx?.signal.aborted) throw new Error('FEED cancelled');
      this.fed++;
      const h = await super.feed();
      // The machine answers FEED after a while: the next card waits at the input meanwhile.
      await new Promise((r) => setTimeout(r, 3));
      return h;
    }
  }
  const transport = new CancellingTransport();
  // Three embossers: a second card waits at the input while the first is being fed.
  const { store, engine } = setup(8, transport, makeStore(), 3);
  let feeds = 0;
  transport.onFeed = () => {
    if (++feeds === 2) engine.emergencyStop();
  };
  engine.start('B');
  await engine.idle();
  await engine.clearPath();
  const c = store.counts('B');
  assert.equal(c.failed, transport.bins.reject.length, `spoiled cards are the blanks that left the hopper (${transport.fed} fed)`);
  assert.equal(c.failed, transport.fed);
  assert.ok(store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 50 }).rows.every((r) => r.reason === 'EMERGENCY_STOP' && r.step !== null));
  engine.start('B');
  await engine.idle();
  assert.equal(engine.status().state, 'finished');
  assert.equal(store.counts('B').passed + store.counts('B').failed, 8);
});
