// The device thread's longest event-loop stall while a 300,000-record import runs through the
// station's API beside a batch on the simulators: a 5 ms timer probe on the thread that serves
// the devices, its worst lateness. Floor: the same probe, the same batch running, no import, in
// the same run. Size: `node --import tsx bench/import-stall.bench.ts 300000`.
import { dispatch } from '../electron/core/api/dispatch';
import type { CallEnvelope } from '../shared/contract/api';
import { startStationFixture } from '../tests/support/station-fixture';
import { demoRecords, DEMO_BATCH_ID, DEMO_PRODUCT_ID } from '../electron/cli/demo';
import { report } from './report';

const N = Number(process.argv[2] ?? 300_000);
const TARGET_MS = 20;

/** Worst lateness of a 5 ms timer until `until` resolves. */
async function probe<T>(until: Promise<T>): Promise<{ worst: number; value: T }> {
  let worst = 0;
  let stop = false;
  const tick = () => {
    const at = performance.now();
    setTimeout(() => {
      worst = Math.max(worst, performance.now() - at - 5);
      if (!stop) tick();
    }, 5);
  };
  tick();
  const value = await until;
  stop = true;
  return { worst, value };
}

const fx = await startStationFixture({ importSample: true, cards: 4000, timeScale: 0.02 });
try {
  const conn = { id: 'bench', origin: 'ui:bench', sessionId: null as string | null };
  await dispatch(fx.core.handlers, 'session.login', fx.credentials.operator, conn);
  const engine = fx.core.station.engine;
  engine.start(DEMO_BATCH_ID);
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // The chip product needs DGIs: 500 prepared sets reused (sizes are what matter to the import).
  const dgiSets = demoRecords(500, Buffer.alloc(16, 3)).map((r) => r.dgis);
  const text = JSON.stringify({ format: 'perso-batch/1', batchId: 'STALL-1', productId: DEMO_PRODUCT_ID, records: demoRecords(N, null, 10_000_000).map((r, i) => ({ ...r, dgis: dgiSets[i % dgiSets.length] })) });
  // The probe alone comes after the file is made, so the collection of its records is not charged to the import.
  const alone = await probe(wait(8000));
  const t0 = performance.now();
  const during = await probe(dispatch(fx.core.handlers, 'batches.import', { fileName: 'stall.json', content: text }, conn) as Promise<CallEnvelope<{ records: number }>>);
  const ms = performance.now() - t0;
  if (!during.value.ok) throw new Error(`the import failed: ${JSON.stringify(during.value).slice(0, 300)}`);
  const running = engine.status().state;
  console.log(`import of ${N} records beside the batch (${running}): ${ms.toFixed(0)} ms; worst timer lateness ${during.worst.toFixed(1)} ms (batch alone ${alone.worst.toFixed(1)} ms)`);
  report({ name: `device thread's longest stall, ${N / 1000}k-record import beside a batch`, value: during.worst, unit: 'ms', floor: alone.worst, ratio: during.worst / Math.max(alone.worst, 0.001), target: `≤ ${TARGET_MS} ms`, met: during.worst <= TARGET_MS });
  engine.stop();
} finally {
  await fx.close();
}
