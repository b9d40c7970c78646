import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount, formatDuration, formatRate, formatTimestamp, parseLocalDateTime, percent, tally } from '../../../renderer/src/format/format';
import { formatProblem, describeError } from '../../../renderer/src/station/errors';
import { StationCallError } from '../../../shared/contract/api';

test('durations read as hours/minutes/seconds and unknown as a dash', () => {
  assert.equal(formatDuration(0), '0 s');
  assert.equal(formatDuration(59.4), '59 s');
  assert.equal(formatDuration(249), '4 min 09 s');
  assert.equal(formatDuration(7500), '2 h 05 min');
  assert.equal(formatDuration(null), '—');
  assert.equal(formatDuration(-1), '—');
  assert.equal(formatDuration(Infinity), '—');
});

test('counts and rates are grouped, unknown is a dash', () => {
  assert.equal(formatCount(100000), '100,000');
  assert.equal(formatCount(undefined), '—');
  assert.equal(formatRate(1234.6), '1,235');
  assert.equal(formatRate(null), '—');
});

test('tally: done counts passed and all failed cards; remaining counts what still has to run', () => {
  const c = { total: 100, queued: 50, inProgress: 2, passed: 40, failed: 3, rejected: 2, reworked: 1, held: 2 };
  assert.deepEqual(tally(c), { total: 100, done: 46, passed: 40, failed: 6, awaitingDecision: 3, remaining: 54 });
  assert.equal(tally(null), null);
});

test('percent floors and clamps', () => {
  assert.equal(percent(999, 1000), 99);
  assert.equal(percent(1000, 1000), 100);
  assert.equal(percent(5, 0), 0);
  assert.equal(percent(20, 10), 100);
});

test('datetime-local values parse as local time; timestamps print back the same', () => {
  const ms = parseLocalDateTime('2025-03-04T05:06');
  assert.equal(ms, new Date(2025, 2, 4, 5, 6).getTime());
  assert.equal(formatTimestamp(ms!), '2025-03-04 05:06:00');
  assert.equal(parseLocalDateTime(''), undefined);
  assert.equal(parseLocalDateTime('yesterday'), undefined);
});

test('problems read "record N (id), field: message"', () => {
  assert.equal(formatProblem({ record: 4, recordId: 'R4', field: 'pan', message: 'fails the Luhn check' }), 'record 4 (R4), pan: fails the Luhn check');
  assert.equal(formatProblem({ record: 2, field: 'expiry', message: 'is not YYMM' }), 'record 2, expiry: is not YYMM');
  assert.equal(formatProblem({ record: null, field: 'productId', message: 'unknown product' }), 'productId: unknown product');
});

test('describeError keeps the station message and problems and adds what to do', () => {
  const e = describeError('importing x.json', new StationCallError({ code: 'VALIDATION', message: 'batch: 2 problems', problems: [{ record: 1, field: 'pan', message: 'bad' }] }));
  assert.equal(e.title, 'Failed: importing x.json');
  assert.equal(e.message, 'batch: 2 problems');
  assert.match(e.action, /Correct the problems/);
  assert.equal(e.problems.length, 1);
  const plain = describeError('x', new Error('boom'));
  assert.equal(plain.message, 'boom');
  assert.deepEqual(plain.problems, []);
});

test('date-time fields read and write ISO 24-hour ("YYYY-MM-DD HH:MM"), whatever the browser locale', async () => {
  const { formatDateTimeInput, DATE_TIME_FIELD } = await import('../../../renderer/src/format/format');
  const ms = parseLocalDateTime('2025-03-04 17:06');
  assert.equal(ms, new Date(2025, 2, 4, 17, 6).getTime());
  assert.equal(formatDateTimeInput(ms!), '2025-03-04 17:06');
  assert.equal(DATE_TIME_FIELD.type, 'text', 'not datetime-local, which shows mm/dd/yyyy 12-hour in an en-US browser');
  assert.ok(new RegExp(`^(?:${DATE_TIME_FIELD.pattern})$`).test('2025-03-04 17:06'));
});
