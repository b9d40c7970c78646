import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createQueueStore, pagesFor, PAGE_SIZE } from '../../../renderer/src/stores/queue';
import { fakeApi, tick } from './fake-api';
import { row } from './rows';

const TOTAL = 100_000;

function bigQueue(states: Record<number, string> = {}) {
  return fakeApi({
    'queue.page': ({ offset, limit, states: want }) => {
      const all = want ? Object.keys(states).map(Number).filter((id) => want.includes(states[id])) : null;
      if (all) return { total: all.length, rows: all.slice(offset, offset + limit).map((id) => row(id, { state: states[id] as any })) };
      const rows = [];
      for (let i = offset; i < Math.min(TOTAL, offset + limit); i++) rows.push(row(i + 1, { state: (states[i + 1] as any) ?? 'queued' }));
      return { total: TOTAL, rows };
    },
  });
}

test('pagesFor lists the pages covering a row range', () => {
  assert.deepEqual(pagesFor(0, 99), [0]);
  assert.deepEqual(pagesFor(95, 205), [0, 1, 2]);
  assert.deepEqual(pagesFor(10, 5), []);
});

test('only the pages on screen are fetched, once each, out of a 100,000-card queue', async () => {
  const f = bigQueue();
  const q = createQueueStore(f.api);
  q.getState().setScope({ batchId: 'B1', states: null });
  await tick();
  assert.equal(q.getState().total, TOTAL);
  q.getState().ensureRange(50_000, 50_030);
  q.getState().ensureRange(50_000, 50_030); // scrolling in place must not refetch
  await tick();
  const offsets = f.calls.filter((c) => c.name === 'queue.page').map((c) => c.input.offset);
  assert.deepEqual(offsets, [0, 50_000]);
  assert.equal(q.getState().rowAt(50_010)?.id, 50_011);
  assert.equal(q.getState().rowAt(70_000), undefined);
  assert.ok(f.calls.every((c) => c.input.limit === PAGE_SIZE));
});

test('a live update patches the cached row in place', async () => {
  const f = bigQueue();
  const q = createQueueStore(f.api);
  q.getState().setScope({ batchId: 'B1', states: null });
  await tick();
  const v = q.getState().version;
  q.getState().applyUpdates([row(5, { state: 'in_progress', step: 'chip', progress: 0.5 })]);
  assert.equal(q.getState().rowAt(4)?.state, 'in_progress');
  assert.ok(q.getState().version > v);
  assert.equal(f.calls.length, 1, 'no refetch for an in-place update');
});

test('a card that newly matches the filter makes the filtered view refetch', async () => {
  const states: Record<number, string> = { 3: 'failed' };
  const f = bigQueue(states);
  const q = createQueueStore(f.api);
  q.getState().setScope({ batchId: 'B1', states: ['failed'] });
  await tick();
  assert.equal(q.getState().total, 1);
  states[7] = 'failed';
  q.getState().applyUpdates([row(7, { state: 'failed', reason: 'CHIP_STATUS' })]);
  await tick();
  assert.equal(q.getState().total, 2);
  assert.deepEqual([q.getState().rowAt(0)?.id, q.getState().rowAt(1)?.id], [3, 7]);
});

test('changing the batch drops the cache and ignores answers for the old scope', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const f = fakeApi({
    'queue.page': async ({ batchId }) => {
      if (batchId === 'OLD') await gate;
      return { total: 1, rows: [row(1, { batchId })] };
    },
  });
  const q = createQueueStore(f.api);
  q.getState().setScope({ batchId: 'OLD', states: null });
  q.getState().setScope({ batchId: 'NEW', states: null });
  await tick();
  release();
  await tick();
  assert.equal(q.getState().rowAt(0)?.batchId, 'NEW');
});

test('updates for another batch are ignored', async () => {
  const f = bigQueue();
  const q = createQueueStore(f.api);
  q.getState().setScope({ batchId: 'B1', states: null });
  await tick();
  const v = q.getState().version;
  q.getState().applyUpdates([row(5, { batchId: 'B2', state: 'failed' })]);
  assert.equal(q.getState().version, v);
  assert.equal(q.getState().rowAt(4)?.state, 'queued');
});

test('scrolling fetches the next page ahead of the rows on screen, in the direction of scrolling', async () => {
  const f = bigQueue();
  const q = createQueueStore(f.api);
  q.getState().setScope({ batchId: 'B1', states: null });
  await tick();
  const offsets = () => f.calls.filter((c) => c.name === 'queue.page').map((c) => c.input.offset);
  q.getState().ensureRange(0, 20);
  q.getState().ensureRange(20, 40);
  await tick();
  assert.deepEqual(offsets(), [0], 'more than half a page from its end: nothing yet');
  q.getState().ensureRange(60, 80);
  await tick();
  assert.deepEqual(offsets(), [0, 100], 'rows 60–80 on screen: page 1 is asked for before row 100 shows');
  q.getState().ensureRange(50_000, 50_020);
  q.getState().ensureRange(49_960, 49_980);
  await tick();
  assert.deepEqual(offsets().slice(2), [50_000, 49_900], 'scrolling up asks for the page above');
});
