// Throughput of the production line: a 200-card batch through the real Engine and a real SQLite
// store, on fake step modules that take the emulated module times (chip 6 s, stripe 1.5 s,
// emboss 4 s, laser 5 s) and a fake transport taking 0.4 s a move (feed, each move to a station,
// eject), all scaled ×0.01 so a run takes seconds; with 1, 2, 4 and 8 chip heads. Each run is
// set beside the bound the slowest station allows, computed from the durations the fakes really
// took in that same run (timers fire late by a fraction of a millisecond; that is not the
// engine's doing).
//
// The bound. In the engine a card takes a station's slot before it is moved in, and frees it
// only once it has physically moved on (issue 11: freeing it before the move out let the next
// card be moved into an occupied station); the first station's slot is taken before the feed,
// the last one's is freed after the eject. So each slot of a station is busy, per card:
//   chip head:        feed + move + chip + move out      (C = that / heads)
//   stripe, emboss:   move + work + move out
//   laser (the last): move + work + eject
//   input (the feed mutex: one card from the hopper until it is at its first station): feed + move The slowest of these, C, sets the steady
// rate, 3600 s / C cards an hour. A batch of n cards also pays for filling and draining the
// line: station s cannot start its first card before U_s (the time a card needs to reach it)
// and its last card still needs D_s after it, so the batch takes at least
//   max over stations of  U_s + ceil(n / slots_s) · occupancy_s + D_s
// and the batch bound is n over that. Durability 'normal': at ×0.01 an fsync per commit (27 per
// card) would weigh 100× more than on the real line (see engine.bench.ts for 'full').
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Engine } from '../electron/core/engine/engine';
import type { CardTransport, StepModule } from '../electron/core/engine/step';
import { openDatabase } from '../electron/core/store/db';
import { migrate } from '../electron/core/store/migrate';
import { CORE_MIGRATIONS } from '../electron/core/store/core-migrations';
import { CardStore } from '../electron/core/store/card-store';
import { RecordVault } from '../electron/core/store/record-vault';
import type { Product, StepKind } from '../shared/domain/product';
import { record } from '../tests/support/core-fixture';
import { report } from './report';

const SCALE = Number(process.env.LINE_BENCH_SCALE ?? 0.01);
const CARDS = Number(process.env.LINE_BENCH_CARDS ?? 200);
const TARGET = 0.95;
const STEPS: StepKind[] = ['chip', 'magstripe', 'emboss', 'laser'];
/** Emulated times in ms, as on the real line. */
const WORK_MS: Record<StepKind, number> = { chip: 6000, magstripe: 1500, emboss: 4000, laser: 5000 };
const MOVE_MS = 400;
const product = { id: 'P', name: 'P', test: true, steps: STEPS, retries: {}, secureFields: [], layout: { front: [], back: [] } } as unknown as Product;

const dir = mkdtempSync(join(tmpdir(), 'line-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Durations the fakes really took, in real ms. */
class Took {
  readonly ms = new Map<string, number[]>();
  async time<T>(what: string, f: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const r = await f();
    const list = this.ms.get(what) ?? [];
    list.push(performance.now() - t0);
    this.ms.set(what, list);
    return r;
  }
  mean(what: string): number {
    const l = this.ms.get(what) ?? [];
    return l.reduce((a, b) => a + b, 0) / Math.max(1, l.length);
  }
}

function fakeModule(kind: StepKind, slots: number, took: Took): StepModule {
  return {
    kind, slots, deviceIds: Array.from({ length: slots }, (_, i) => `${kind}-${i}`),
    run: (ctx) => took.time(kind, async () => {
      await sleep(WORK_MS[kind] * SCALE, undefined, { signal: ctx.signal });
      return { ok: true as const };
    }),
  };
}

function fakeTransport(took: Took): CardTransport {
  let h = 0;
  const move = (what: string, signal: AbortSignal) => took.time(what, () => sleep(MOVE_MS * SCALE, undefined, { signal }));
  return {
    id: 'fake-transport',
    feed: async ({ signal }) => {
      await move('feed', signal);
      return ++h;
    },
    moveTo: (_h, _m, _s, signal) => move('move', signal),
    eject: (_h, _b, signal) => move('eject', signal),
  };
}

/** Per-station occupancy, slots, and the time before/after it, from per-phase durations. */
function boundMs(t: { feed: number; move: number; eject: number; work: Record<StepKind, number> }, heads: number, n: number): { cycle: number; batch: number; latency: number } {
  const latency = t.feed + STEPS.reduce((a, k) => a + t.move + t.work[k], 0) + t.eject;
  const stations: { before: number; occupancy: number; slots: number }[] = [
    { before: 0, occupancy: t.feed + t.move, slots: 1 }, // the input
    { before: 0, occupancy: t.feed + t.move + t.work.chip + t.move, slots: heads },
  ];
  let before = t.feed + t.move + t.work.chip;
  STEPS.slice(1).forEach((k, i, rest) => {
    const out = i === rest.length - 1 ? t.eject : t.move;
    stations.push({ before, occupancy: t.move + t.work[k] + out, slots: 1 });
    before += t.move + t.work[k];
  });
  let cycle = 0;
  let batch = 0;
  for (const s of stations) {
    cycle = Math.max(cycle, s.occupancy / s.slots);
    const after = latency - s.before - s.occupancy;
    batch = Math.max(batch, s.before + Math.ceil(n / s.slots) * s.occupancy + after);
  }
  return { cycle, batch, latency };
}

const perHour = (cards: number, realMs: number) => (cards / (realMs / SCALE)) * 3_600_000;

async function run(heads: number): Promise<void> {
  const runDir = mkdtempSync(join(dir, `h${heads}-`));
  const db = openDatabase(join(runDir, 'station.db'), 'normal');
  migrate(db, 'core', CORE_MIGRATIONS);
  const store = new CardStore(db, RecordVault.open(join(runDir, 'record.key')));
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'L', productId: 'P' }, records: Array.from({ length: CARDS }, (_, i) => record(i + 1)) }, 'bench.json', null);
  const took = new Took();
  const modules = Object.fromEntries(STEPS.map((k) => [k, fakeModule(k, k === 'chip' ? heads : 1, took)]));
  const done: number[] = [];
  const engine = new Engine({
    store, modules, transport: fakeTransport(took), product: () => product, deviceReady: () => true, log: () => {},
    onCard: (c) => {
      if (c.state === 'passed' || c.state === 'failed') done.push(performance.now());
    },
    onStatus: () => {},
  });
  const t0 = performance.now();
  engine.start('L');
  await engine.idle();
  const makespan = performance.now() - t0;
  const passed = store.counts('L').passed;
  db.close();
  if (passed !== CARDS || done.length !== CARDS) throw new Error(`heads ${heads}: ${passed} of ${CARDS} cards passed`);

  const measured = { feed: took.mean('feed'), move: took.mean('move'), eject: took.mean('eject'), work: Object.fromEntries(STEPS.map((k) => [k, took.mean(k)])) as Record<StepKind, number> };
  const nominal = { feed: MOVE_MS * SCALE, move: MOVE_MS * SCALE, eject: MOVE_MS * SCALE, work: Object.fromEntries(STEPS.map((k) => [k, WORK_MS[k] * SCALE])) as Record<StepKind, number> };
  const b = boundMs(measured, heads, CARDS);
  const nb = boundMs(nominal, heads, CARDS);
  const value = perHour(CARDS, makespan);
  const floor = perHour(CARDS, b.batch);
  // Steady state: between the 10th completion and the last, fill and drain left out.
  const k1 = Math.min(10, CARDS - 2);
  const steady = perHour(CARDS - 1 - k1, done[CARDS - 1] - done[k1]);
  const steadyBound = perHour(1, b.cycle);
  console.log(
    `${heads} chip head(s): ${CARDS} cards in ${(makespan / 1000).toFixed(2)} s real (${((makespan / SCALE) / 3_600_000).toFixed(3)} h emulated); ` +
      `slowest station cycle ${(b.cycle / SCALE / 1000).toFixed(3)} s emulated (nominal ${(nb.cycle / SCALE / 1000).toFixed(2)} s); ` +
      `measured phase means (emulated s): feed ${(measured.feed / SCALE / 1000).toFixed(3)}, move ${(measured.move / SCALE / 1000).toFixed(3)}, ` +
      STEPS.map((k) => `${k} ${(measured.work[k] / SCALE / 1000).toFixed(3)}`).join(', ') +
      `; batch bound ${floor.toFixed(0)}/h (nominal ${perHour(CARDS, nb.batch).toFixed(0)}/h); steady ${steady.toFixed(0)}/h vs ${steadyBound.toFixed(0)}/h (${(steady / steadyBound).toFixed(3)})`,
  );
  // report()'s ratio for a rate is floor/value; the target is value ≥ 0.95 of the bound.
  report({ name: `line ${CARDS} cards, ${heads} chip head(s)`, value, unit: 'cards/h', floor, ratio: floor / value, target: `≥ ${TARGET} of the bound (ratio ≤ ${(1 / TARGET).toFixed(3)})`, met: value / floor >= TARGET });
  // The same against the nominal times: timer lateness (a loaded machine) counts against it.
  const nfloor = perHour(CARDS, nb.batch);
  report({ name: `line ${CARDS} cards, ${heads} head(s), vs nominal bound`, value, unit: 'cards/h', floor: nfloor, ratio: nfloor / value });
}

for (const heads of [1, 2, 4, 8]) await run(heads);
