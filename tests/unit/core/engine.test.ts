import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, type EngineEvent } from '../../../electron/core/engine/engine';
import { recoverInterrupted } from '../../../electron/core/recovery';
import type { CardRow, EngineStatus } from '../../../shared/contract/dto';
import type { Product, StepKind } from '../../../shared/domain/product';
import { DeviceError } from '../../../electron/devices/errors';
import { makeStore, record, fakeModule, DirectTransport } from '../../support/core-fixture';

function product(steps: Product['steps'], retries: Product['retries'] = {}): Product {
  return { id: 'P', name: 'P', test: true, steps, retries, secureFields: [], layout: { front: [], back: [] } } as unknown as Product;
}

function setup(n: number, modules: ConstructorParameters<typeof Engine>[0]['modules'], p: Product, transport = new DirectTransport()) {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: Array.from({ length: n }, (_, i) => record(i + 1)) }, 'f.json', null);
  const events: EngineEvent[] = [];
  const cards: CardRow[] = [];
  const statuses: EngineStatus[] = [];
  const engine = new Engine({ store, modules, transport, product: () => p, deviceReady: () => true, log: (e) => events.push(e), onCard: (c) => cards.push(c), onStatus: (s) => statuses.push(s) });
  return { store, engine, events, cards, statuses, transport };
}

test('a batch runs to the end: passes and fails with reasons, records of passed cards purged', async () => {
  const chip = fakeModule('chip', (ctx) => (ctx.record.recordId === 'R000003' ? { ok: false, reason: 'CHIP_STATUS', message: 'STORE DATA 6A80' } : { ok: true, readBack: { pan: ctx.record.pan } }));
  const emb = fakeModule('emboss', () => ({ ok: true }));
  const { store, engine, transport, statuses } = setup(5, { chip, emboss: emb }, product(['chip', 'emboss']));
  engine.start('B');
  await engine.idle();
  const c = store.counts('B');
  assert.equal(c.passed, 4);
  assert.equal(c.failed, 1);
  assert.equal(statuses.at(-1)!.state, 'finished');
  // Every published status is newer than the one before, and an answer carries the latest rev.
  assert.ok(statuses.every((s, i) => i === 0 || (s.rev > statuses[i - 1].rev && s.epoch === statuses[0].epoch)));
  assert.equal(engine.status().rev, statuses.at(-1)!.rev);
  const failed = store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 5 }).rows[0];
  assert.equal(failed.record_id, 'R000003');
  assert.equal(failed.reason, 'CHIP_STATUS');
  assert.equal(failed.step, 'chip');
  assert.equal(emb.calls.length, 4, 'a failed card skips the remaining modules');
  assert.deepEqual(transport.ejected.filter((e) => e.bin === 'reject').length, 1);
  const passed = store.page({ batchId: 'B', states: ['passed'], offset: 0, limit: 1 }).rows[0];
  assert.throws(() => store.openRecord(passed), /no longer held/);
  assert.equal(store.openRecord(failed).recordId, 'R000003', 'a failed card keeps its record for rework');
});

test('retry policy per step: retried once, then failed; non-retryable failures are not retried', async () => {
  let n = 0;
  const msr = fakeModule('magstripe', () => (++n === 1 ? { ok: false, reason: 'MSR_VERIFY_MISMATCH', message: 'mismatch' } : { ok: true }));
  const chip = fakeModule('chip', () => ({ ok: false, reason: 'CHIP_AUTH_FAILED', message: 'cryptogram', retryable: false }));
  const a = setup(1, { magstripe: msr }, product(['magstripe'], { magstripe: 1 }));
  a.engine.start('B');
  await a.engine.idle();
  assert.equal(a.store.counts('B').passed, 1);
  assert.equal(msr.calls.length, 2);
  const b = setup(1, { chip }, product(['chip'], { chip: 3 }));
  b.engine.start('B');
  await b.engine.idle();
  assert.equal(chip.calls.length, 1);
  assert.equal(b.store.counts('B').failed, 1);
});

test('modules work on different cards at once (pipelining) and N chip heads run in parallel', async () => {
  let active = 0;
  let maxActive = 0;
  const slow = (ms: number) => async () => {
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((r) => setTimeout(r, ms));
    active--;
    return { ok: true as const };
  };
  const chip = fakeModule('chip', slow(40), 4);
  const emb = fakeModule('emboss', slow(10));
  const { store, engine } = setup(12, { chip, emboss: emb }, product(['chip', 'emboss']));
  const t0 = Date.now();
  engine.start('B');
  await engine.idle();
  const took = Date.now() - t0;
  assert.equal(store.counts('B').passed, 12);
  assert.ok(maxActive >= 4, `expected ≥4 cards worked on at once, saw ${maxActive}`);
  assert.ok(new Set(chip.calls.map((c) => c.slot)).size === 4, 'all four heads used');
  assert.ok(took < 12 * 50, `pipelined run took ${took} ms`);
});

test('pause feeds no more cards and finishes those in flight; resume goes on', async () => {
  const chip = fakeModule('chip', async () => {
    await new Promise((r) => setTimeout(r, 20));
    return { ok: true };
  });
  const { store, engine } = setup(6, { chip }, product(['chip']));
  engine.start('B');
  await new Promise((r) => setTimeout(r, 30));
  engine.pause();
  await new Promise((r) => setTimeout(r, 80));
  const during = store.counts('B');
  assert.equal(during.inProgress, 0);
  assert.ok(during.queued > 0 && during.passed > 0);
  assert.equal(engine.status().state, 'paused');
  engine.resume();
  await engine.idle();
  assert.equal(store.counts('B').passed, 6);
});

test('a pause after the last card was fed holds the line until resume, then the batch finishes', async () => {
  // Two heads and two cards: both are in flight before the pause, so the queue is already empty.
  const chip = fakeModule('chip', async () => {
    await new Promise((r) => setTimeout(r, 40));
    return { ok: true };
  }, 2);
  const { store, engine } = setup(2, { chip }, product(['chip']));
  engine.start('B');
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(store.counts('B').queued, 0, 'both cards are in flight');
  engine.pause();
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(store.counts('B').passed, 2);
  assert.equal(engine.status().state, 'paused', 'a pause asked for is kept, even with nothing left to feed');
  engine.resume();
  await engine.idle();
  assert.equal(engine.status().state, 'finished');
});

test('emergency stop fails the cards in flight and feeds nothing more', async () => {
  const chip = fakeModule('chip', (ctx) => new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve({ ok: true }), 5000);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(ctx.signal.reason);
    });
  }));
  const { store, engine } = setup(3, { chip }, product(['chip']));
  engine.start('B');
  await new Promise((r) => setTimeout(r, 20));
  engine.emergencyStop();
  await engine.idle();
  const c = store.counts('B');
  assert.equal(c.failed, 1);
  assert.equal(c.queued, 2);
  assert.equal(store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 1 }).rows[0].reason, 'EMERGENCY_STOP');
  assert.equal(engine.status().state, 'estopped');
});

test('a jam fails the card and pauses the line; an empty hopper returns the record to the queue', async () => {
  class JamOnce extends DirectTransport {
    n = 0;
    override async moveTo() {
      if (++this.n === 2) throw new DeviceError('machine', 'JAM', 'card jam at the embosser');
    }
  }
  const ok = fakeModule('emboss', () => ({ ok: true }));
  const a = setup(3, { emboss: ok }, product(['emboss']), new JamOnce());
  a.engine.start('B');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(a.engine.status().state, 'paused');
  assert.match(a.engine.status().message!, /jam/);
  assert.equal(a.store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 1 }).rows[0].reason, 'MACHINE_JAM');
  a.engine.resume();
  await a.engine.idle();
  assert.equal(a.store.counts('B').passed, 2);

  class Empty extends DirectTransport {
    override async feed(): Promise<number> {
      throw new DeviceError('machine', 'HOPPER_EMPTY', 'the hopper is empty');
    }
  }
  const b = setup(2, { emboss: ok }, product(['emboss']), new Empty());
  b.engine.start('B');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(b.store.counts('B').queued, 2);
  assert.equal(b.store.counts('B').failed, 0);
  assert.equal(b.engine.status().state, 'paused');
  b.engine.stop();
  await b.engine.idle();
  assert.equal(b.engine.status().state, 'stopped');
  assert.equal(b.store.counts('B').queued, 2, 'stopping a paused line touches no card');
});

test('a crash mid-card: recovery fails the interrupted card for a decision, never re-runs it', () => {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: [record(1), record(2)] }, 'f', null);
  const c = store.nextQueued('B')!;
  store.transition(c.id, 'in_progress', { step: 'chip', slot: 0 });
  store.journal(c.id, 'chip', 0, 1, 'intent', null, null);
  const logged: string[] = [];
  const rec = recoverInterrupted(store, (e) => logged.push(e.type));
  assert.equal(rec.length, 1);
  assert.match(rec[0].lastAction!, /chip intent/);
  const after = store.card(c.id);
  assert.equal(after.state, 'failed');
  assert.equal(after.reason, 'INTERRUPTED');
  assert.equal(store.nextQueued('B')!.record_id, 'R000002');
  assert.deepEqual(logged, ['card.interrupted']);
  const { newCard } = store.decide(c.id, 'rework', 'sup', 'inspected, spoiled');
  assert.equal(newCard!.attempt, 2);
  assert.equal(newCard!.state, 'queued');
});

test('recovery: a card that reached the good tray before the crash counts as passed, not as a question', () => {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: [record(1)] }, 'f', null);
  const c = store.nextQueued('B')!;
  store.transition(c.id, 'in_progress', { step: 'chip', slot: 0 });
  store.journal(c.id, 'chip', 0, 1, 'result', true, null);
  store.journal(c.id, 'eject', null, 1, 'intent', null, 'good');
  store.journal(c.id, 'eject', null, 1, 'result', true, 'good');
  const logged: string[] = [];
  assert.deepEqual(recoverInterrupted(store, (e) => logged.push(e.type)), []);
  assert.equal(store.card(c.id).state, 'passed');
  assert.deepEqual(logged, ['card.passed']);
  assert.throws(() => store.openRecord(c), /no longer held/);
});

test('an emergency stop during a card move fails the card as EMERGENCY_STOP, not as a machine error', async () => {
  class SlowMove extends DirectTransport {
    override moveTo(_h: number, _m: StepKind, _s: number, signal?: AbortSignal) {
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 5000);
        signal!.addEventListener("abort", () => {
          clearTimeout(t);
          reject(new Error('move cancelled'));
        });
      });
    }
  }
  const chip = fakeModule('chip', () => ({ ok: true }));
  const { store, engine } = setup(2, { chip }, product(['chip']), new SlowMove());
  engine.start('B');
  await new Promise((r) => setTimeout(r, 30));
  engine.emergencyStop();
  await engine.idle();
  const failed = store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 5 }).rows;
  assert.deepEqual(failed.map((r) => r.reason), ['EMERGENCY_STOP']);
});

test('stop ends a move that waits (e.g. for the operator in manual mode): the card fails OPERATOR_STOP and the line stops', async () => {
  class WaitingMove extends DirectTransport {
    override moveTo(_h: number, _m: StepKind, _s: number, signal?: AbortSignal) {
      return new Promise<void>((_resolve, reject) => signal!.addEventListener("abort", () => reject(new Error("prompt cancelled"))));
    }
  }
  const chip = fakeModule('chip', () => ({ ok: true }));
  const { store, engine } = setup(2, { chip }, product(['chip']), new WaitingMove());
  engine.start('B');
  await new Promise((r) => setTimeout(r, 30));
  engine.stop();
  await engine.idle();
  assert.equal(engine.status().state, 'stopped');
  assert.deepEqual(store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 5 }).rows.map((r) => r.reason), ['OPERATOR_STOP']);
  assert.equal(store.counts('B').queued, 1);
});

test('the reason a line paused is not shown once it is stopped: a machine BUSY pause, then Stop, leaves no message (issue 13 item 9)', async () => {
  class BusyOnce extends DirectTransport {
    n = 0;
    override async moveTo() {
      // Three cards in a row refused BUSY: the line pauses with that reason.
      if (++this.n <= 3) throw new DeviceError('machine', 'BUSY', 'BUSY: a card is still at the input');
    }
  }
  const ok = fakeModule('emboss', () => ({ ok: true }));
  const a = setup(6, { emboss: ok }, product(['emboss']), new BusyOnce());
  a.engine.start('B');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(a.engine.status().state, 'paused');
  assert.match(a.engine.status().message ?? '', /BUSY/);
  a.engine.stop();
  await a.engine.idle();
  assert.equal(a.engine.status().state, 'stopped');
  assert.equal(a.engine.status().message, null, 'the pause reason went with the pause');
  assert.equal(a.statuses.at(-1)!.message, null, 'and the screen was told');
});
