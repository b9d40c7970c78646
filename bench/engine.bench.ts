// The engine's own cost per card: a 4-step product (chip, magstripe, emboss, laser) on
// zero-latency fake modules and a transport that answers at once, with every store write on a
// real SQLite file (durability 'normal' and 'full'), beside its floor: a bare better-sqlite3 loop
// making the same writes, with the same statements and values, one commit each, as the engine
// does. Counted from electron/core/engine/engine.ts for a card that passes with no retry:
//   cards UPDATE   1 (claim at feed) + 1 per step + 1 (passed)          = steps + 2
//   records UPDATE 1 (purge of the sealed record)                         = 1
//   card_steps     2 (feed) + 4 per step (move + step, intent + result)
//                  + 2 (eject)                                          = 4·steps + 4
// i.e. 27 commits a card for 4 steps. The floor leaves out the engine's reads (next queued card,
// the card row before each transition, opening the sealed record), which are engine cost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../electron/core/engine/engine';
import type { CardTransport, StepModule } from '../electron/core/engine/step';
import { openDatabase, type Db, type Durability } from '../electron/core/store/db';
import { migrate } from '../electron/core/store/migrate';
import { CORE_MIGRATIONS } from '../electron/core/store/core-migrations';
import { CardStore, type CardDbRow } from '../electron/core/store/card-store';
import { RecordVault } from '../electron/core/store/record-vault';
import type { Product, StepKind } from '../shared/domain/product';
import { record } from '../tests/support/core-fixture';
import { median, report } from './report';

const STEPS: StepKind[] = ['chip', 'magstripe', 'emboss', 'laser'];
const ROUNDS = 5;
const TARGET_MS = 1;
const product = { id: 'P', name: 'P', test: true, steps: STEPS, retries: {}, secureFields: [], layout: { front: [], back: [] } } as unknown as Product;

const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const transport: CardTransport = {
  id: 'instant',
  feed: (() => {
    let h = 0;
    return async () => ++h;
  })(),
  async moveTo() {},
  async eject() {},
};

function instantModule(kind: StepKind): StepModule {
  const readsBack = kind === 'chip' || kind === 'magstripe';
  return { kind, slots: 1, deviceIds: [kind], run: async (ctx) => ({ ok: true, readBack: readsBack ? { pan: ctx.record.pan, expiry: ctx.record.expiry } : undefined }) };
}
const modules = Object.fromEntries(STEPS.map((k) => [k, instantModule(k)]));

function importCards(store: CardStore, batchId: string, n: number): void {
  store.importBatch({ header: { format: 'perso-batch/1', batchId, productId: 'P' }, records: Array.from({ length: n }, (_, i) => record(i + 1)) }, 'bench.json', null);
}

async function engineRound(store: CardStore, batchId: string, n: number): Promise<number> {
  const engine = new Engine({ store, modules, transport, product: () => product, deviceReady: () => true, log: () => {}, onCard: () => {}, onStatus: () => {} });
  const t0 = performance.now();
  engine.start(batchId);
  await engine.idle();
  const ms = performance.now() - t0;
  const c = store.counts(batchId);
  if (c.passed !== n) throw new Error(`engine round: ${c.passed}/${n} cards passed (${engine.status().message ?? 'no message'})`);
  return ms / n;
}

/** The engine's writes for one passing card, same SQL and values, each its own commit. */
function floorRound(db: Db, batchId: string, n: number): number {
  const update = db.prepare('UPDATE cards SET state = @state, step = @step, slot = @slot, reason = @reason, message = @message, updated_at = @now WHERE id = @id');
  const journal = db.prepare('INSERT INTO card_steps (card_id, step, slot, attempt, phase, ok, reason, facts, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const purge = db.prepare('UPDATE records SET sealed = NULL WHERE batch_id = ? AND record_index = ?');
  const cards = db.prepare("SELECT id, record_index FROM cards WHERE batch_id = ? AND state = 'queued' ORDER BY id").all(batchId) as Pick<CardDbRow, 'id' | 'record_index'>[];
  if (cards.length !== n) throw new Error('floor round: wrong card count');
  const t0 = performance.now();
  for (const c of cards) {
    update.run({ id: c.id, state: 'in_progress', now: Date.now(), step: 'feed', slot: null, reason: null, message: null });
    journal.run(c.id, 'feed', null, 1, 'intent', null, null, null, Date.now());
    journal.run(c.id, 'feed', null, 1, 'result', 1, null, null, Date.now());
    for (const kind of STEPS) {
      update.run({ id: c.id, state: 'in_progress', now: Date.now(), step: kind, slot: 0, reason: null, message: null });
      journal.run(c.id, `move:${kind}`, 0, 1, 'intent', null, null, null, Date.now());
      journal.run(c.id, `move:${kind}`, 0, 1, 'result', 1, null, null, Date.now());
      journal.run(c.id, kind, 0, 1, 'intent', null, null, null, Date.now());
      journal.run(c.id, kind, 0, 1, 'result', 1, null, '{}', Date.now());
    }
    journal.run(c.id, 'eject', null, 1, 'intent', null, 'good', null, Date.now());
    journal.run(c.id, 'eject', null, 1, 'result', 1, 'good', null, Date.now());
    update.run({ id: c.id, state: 'passed', now: Date.now(), step: null, slot: null, reason: null, message: null });
    purge.run(batchId, c.record_index);
  }
  return (performance.now() - t0) / n;
}

async function bench(durability: Durability, n: number): Promise<void> {
  const db = openDatabase(join(dir, `${durability}.db`), durability);
  migrate(db, 'core', CORE_MIGRATIONS);
  const store = new CardStore(db, RecordVault.open(join(dir, `${durability}.key`)));
  for (let k = 0; k < ROUNDS; k++) {
    importCards(store, `E${k}`, n);
    importCards(store, `F${k}`, n);
  }
  // Warm-up (JIT, page cache) on a small batch, not counted.
  importCards(store, 'W', 100);
  await engineRound(store, 'W', 100);
  const values: number[] = [];
  const floors: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    floors.push(floorRound(db, `F${k}`, n));
    values.push(await engineRound(store, `E${k}`, n));
  }
  db.close();
  const value = median(values);
  const floor = median(floors);
  // Rounds alternate, so each engine round is set against the floor round just before it.
  const overhead = median(values.map((v, k) => v - floors[k]));
  console.log(`durability ${durability}: ${n} cards × ${ROUNDS} rounds; engine ${values.map((v) => v.toFixed(3)).join('/')} ms/card, floor ${floors.map((v) => v.toFixed(3)).join('/')} ms/card`);
  report({ name: `engine per card, 4 steps, durability ${durability}`, value, unit: 'ms/card', floor, ratio: value / floor });
  report({ name: `engine overhead per card (engine − floor), ${durability}`, value: overhead, unit: 'ms/card', target: `≤ ${TARGET_MS} ms/card`, met: overhead <= TARGET_MS });
}

await bench('normal', Number(process.env.ENGINE_BENCH_CARDS ?? 1000));
await bench('full', Number(process.env.ENGINE_BENCH_CARDS_FULL ?? 100));
