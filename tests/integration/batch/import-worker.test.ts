import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { CallEnvelope } from '../../../shared/contract/api';
import type { EventPayload } from '../../../shared/contract/channels';
import { startStationFixture } from '../../support/station-fixture';
import { demoRecords, DEMO_PRODUCT_ID } from '../../../electron/cli/demo';

// Issue 12 item 4: an import through the station's API runs in a worker thread with its own
// SQLite connection, so the device thread's event loop goes on while it runs (a synchronous
// import let no timer fire until it returned); it reports records checked / total, rate and time
// left; a cancelled import leaves nothing stored. Real station (demo, SQLite files), real worker.
const N = 30_000;

function batchFile(batchId: string): string {
  return JSON.stringify({ format: 'perso-batch/1', batchId, productId: DEMO_PRODUCT_ID, records: demoRecords(N, Buffer.alloc(16, 7)).map((r) => ({ ...r, dgis: r.dgis })) });
}

test('an import runs beside the device thread, reports progress, and a cancelled one stores nothing', { timeout: 300_000 }, async () => {
  const fx = await startStationFixture();
  try {
    const conn = { id: 'c1', origin: 'ui:test', sessionId: null as string | null };
    const login = (await dispatch(fx.core.handlers, 'session.login', fx.credentials.operator, conn)) as CallEnvelope<unknown>;
    assert.ok(login.ok);
    const progress: EventPayload<'task.progress'>[] = [];
    const off = fx.core.station.events.on('task.progress', (p) => progress.push(p));
    const file = batchFile('W1');

    // The device thread's loop during the import: a 1 ms interval must keep firing.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = (await dispatch(fx.core.handlers, 'batches.import', { fileName: 'w1.json', content: file }, conn)) as CallEnvelope<{ batchId: string; records: number }>;
    clearInterval(timer);
    assert.ok(r.ok, JSON.stringify(r).slice(0, 400));
    assert.equal(r.value.records, N);
    assert.ok(ticks > 0, 'no timer fired on the device thread while the import ran');
    const mid = progress.filter((p) => !p.finished);
    assert.ok(mid.length > 0, 'no progress while checking');
    assert.ok(mid.every((p) => p.done <= p.total && typeof p.rate === 'number' && typeof p.etaMs === 'number' && p.cancellable === true), JSON.stringify(mid[0]));
    assert.ok(progress.some((p) => p.finished && p.done === N));
    assert.equal(fx.core.station.store.counts('W1').queued, N);
    const opened = fx.core.station.store.openRecord({ batch_id: 'W1', record_index: N - 1 });
    assert.equal(opened.recordId, demoRecords(N, null)[N - 1].recordId);

    // Cancelled at its first progress report: refused, and nothing of it is anywhere in the store.
    progress.length = 0;
    const off2 = fx.core.station.events.on('task.progress', (p) => {
      if (!p.finished && p.done > 0) void dispatch(fx.core.handlers, 'batches.importCancel', { taskId: p.taskId }, conn);
    });
    const c = (await dispatch(fx.core.handlers, 'batches.import', { fileName: 'w2.json', content: batchFile('W2') }, conn)) as CallEnvelope<unknown>;
    off2();
    off();
    assert.equal(c.ok, false);
    assert.match(JSON.stringify(c), /cancelled/);
    const db = fx.core.station.db;
    assert.equal(fx.core.station.store.hasBatch('W2'), false);
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM records WHERE batch_id = 'W2'").get() as { n: number }).n, 0);
    assert.equal((db.prepare("SELECT COUNT(*) AS n FROM cards WHERE batch_id = 'W2'").get() as { n: number }).n, 0);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM batch_imports').get() as { n: number }).n, 0);
    assert.equal(fx.core.station.store.counts().total, N);
  } finally {
    await fx.close();
  }
});
