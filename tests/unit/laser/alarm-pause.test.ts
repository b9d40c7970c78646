import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../../electron/core/engine/engine';
import type { EngineStatus } from '../../../shared/contract/dto';
import type { Product } from '../../../shared/domain/product';
import { createLaserModule } from '../../../electron/devices/laser/laser-module';
import { makeStore, record, DirectTransport } from '../../support/core-fixture';
import { laserRig, strokeJob, waitFor } from './support';

// Issue 16.4: after a laser ALARM the next card used to wait, silently, for a laser that stays
// locked until a person unlocks it. The alarm is a state that pauses the line for a person
// (`run` turns a pause into exit code 4).
test('a laser ALARM fails that card and pauses the line; the other cards stay queued', async () => {
  const { emulator, laser } = await laserRig({ laserMode: true });
  const product = { id: 'P', name: 'P', test: true, steps: ['laser'], retries: {}, secureFields: [], layout: { front: [], back: [] } } as unknown as Product;
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: [1, 2, 3, 4].map((i) => record(i)) }, 'f.json', null);
  const statuses: EngineStatus[] = [];
  const module = { ...createLaserModule(laser, { jobsFor: () => [{ side: 'front', gcode: strokeJob(60) }] }), deviceIds: [laser.id] };
  const engine = new Engine({
    store, modules: { laser: module }, transport: new DirectTransport(), product: () => product,
    deviceReady: (id) => id !== laser.id || ['online', 'busy'].includes(laser.status().state),
    log: () => {}, onCard: () => {}, onStatus: (s) => statuses.push(s), waitPollMs: 10,
  });
  try {
    let jobs = 0;
    const off = laser.onStatus((s) => {
      if (s.message === 'Engraving' && ++jobs === 2) emulator.injectAlarm(1, { afterBlocks: 10 });
    });
    engine.start('B');
    await waitFor(() => engine.status().state === 'paused', 5000, 'the line paused');
    off();
    assert.match(engine.status().message ?? '', /ALARM:1/);
    const c = store.counts('B');
    assert.equal(c.passed, 1);
    assert.equal(c.failed, 1);
    assert.equal(c.queued, 2, 'no other card was touched');
    assert.equal(store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 1 }).rows[0].reason, 'LASER_ALARM');
    engine.stop();
    await engine.idle();
  } finally {
    await laser.close();
  }
});
