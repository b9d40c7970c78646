import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogStore, EMPTY_FORM, matchesFilter, toLogFilter, LOG_PAGE } from '../../../renderer/src/stores/log';
import type { LogEntry } from '../../../shared/contract/dto';
import { fakeApi } from './fake-api';

const entry = (seq: number, extra: Partial<LogEntry> = {}): LogEntry => ({
  seq, ts: 1000 + seq, type: 'card.failed', severity: 'error', outcome: 'failure', user: 'op', origin: 'engine', resource: null,
  batchId: 'B1', cardId: seq, recordId: `R${seq}`, maskedPan: '411111******1111', message: 'm', ...extra,
});

test('the filter form becomes a LogFilter with only what was filled in', () => {
  assert.deepEqual(toLogFilter(EMPTY_FORM), {});
  const f = toLogFilter({ ...EMPTY_FORM, batchId: ' B1 ', cardId: '42', types: 'card.failed, card.passed,', severity: ['error'], from: '2025-01-02T03:04', text: ' jam ' });
  assert.deepEqual(f, { batchId: 'B1', cardId: 42, type: ['card.failed', 'card.passed'], severity: ['error'], from: new Date(2025, 0, 2, 3, 4).getTime(), text: 'jam' });
  assert.equal(toLogFilter({ ...EMPTY_FORM, cardId: 'abc' }).cardId, undefined);
});

test('live entries: shown when they match, counted when the text search decides', () => {
  assert.equal(matchesFilter(entry(1), { batchId: 'B1', severity: ['error'] }), true);
  assert.equal(matchesFilter(entry(1), { batchId: 'B2' }), false);
  assert.equal(matchesFilter(entry(1), { maskedPan: '1111' }), true);
  assert.equal(matchesFilter(entry(1), { to: 500 }), false);
  assert.equal(matchesFilter(entry(1), { text: 'x' }), 'unknown');
});

test('keyset pagination asks for entries before the last seq and stops at null', async () => {
  const all = Array.from({ length: 250 }, (_, i) => entry(250 - i));
  const f = fakeApi({
    'log.query': ({ beforeSeq, limit }) => {
      const rows = all.filter((e) => beforeSeq == null || e.seq < beforeSeq).slice(0, limit);
      const more = rows.length === limit && rows.at(-1)!.seq > 1;
      return { rows, nextBeforeSeq: more ? rows.at(-1)!.seq : null };
    },
  });
  const log = createLogStore(f.api);
  await log.getState().query({ batchId: 'B1' });
  assert.equal(log.getState().rows.length, LOG_PAGE);
  await log.getState().more();
  await log.getState().more();
  assert.equal(log.getState().rows.length, 250);
  assert.equal(log.getState().nextBeforeSeq, null);
  assert.deepEqual(f.calls.map((c) => c.input.beforeSeq), [undefined, 151, 51]);
  assert.ok(f.calls.every((c) => c.input.filter.batchId === 'B1'));
  await log.getState().more();
  assert.equal(f.calls.length, 3, 'no query past the end');
  log.getState().appended(entry(251));
  assert.equal(log.getState().rows[0].seq, 251);
});

test('export sends the current filter and returns the CSV', async () => {
  const f = fakeApi({ 'log.query': () => ({ rows: [], nextBeforeSeq: null }), 'log.export': () => ({ fileName: 'log.csv', csv: 'a,b\n', rows: 0 }) });
  const log = createLogStore(f.api);
  await log.getState().query({ user: 'sup' });
  assert.deepEqual(await log.getState().exportCsv(), { fileName: 'log.csv', csv: 'a,b\n' });
  assert.deepEqual(f.calls[1].input, { filter: { user: 'sup' } });
  assert.deepEqual(log.getState().exported, { fileName: 'log.csv', rows: 0 });
});
