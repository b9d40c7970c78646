import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REASON_CODES } from '../../../shared/domain/reasons';
import { CARD_STATES } from '../../../shared/domain/card-state';
import { STEP_KINDS } from '../../../shared/domain/product';
import { EngineStatusSchema, DeviceStatusSchema, RoleSchema, CallErrorSchema } from '../../../shared/contract/dto';
import { en } from '../../../renderer/src/i18n/en';
import { t, hasMessage } from '../../../renderer/src/i18n/t';
import { reasonText } from '../../../renderer/src/i18n/reasons';

test('every failure reason code has plain words and an action in the catalogue', () => {
  const missing: string[] = [];
  for (const code of REASON_CODES) {
    for (const key of [`reason.${code}`, `reason.${code}.action`]) if (!hasMessage(key) || !(en as Record<string, string>)[key].trim()) missing.push(key);
  }
  assert.deepEqual(missing, []);
  for (const code of REASON_CODES) {
    const r = reasonText(code)!;
    assert.ok(r.summary.length > 5 && r.action.length > 5, code);
    assert.ok(!r.summary.includes('{'), code);
  }
});

test('every card state, step, engine state, device state and kind, role and error code has a string', () => {
  const keys = [
    ...CARD_STATES.map((s) => `state.${s}`),
    ...[...STEP_KINDS, 'feed', 'eject'].map((s) => `step.${s}`),
    ...EngineStatusSchema.shape.state.options.map((s) => `engine.state.${s}`),
    ...DeviceStatusSchema.shape.state.options.map((s) => `devices.state.${s}`),
    ...DeviceStatusSchema.shape.kind.options.map((s) => `devices.kind.${s}`),
    ...RoleSchema.options.map((s) => `role.${s}`),
    ...CallErrorSchema.shape.code.options.map((s) => `error.action.${s}`),
  ];
  assert.deepEqual(keys.filter((k) => !hasMessage(k)), []);
});

test('t fills placeholders and leaves unknown ones visible', () => {
  assert.equal(t('batch.scanNotFound', { id: 'B-7' }), 'No batch "B-7" on this station. Import its file first, or check the ticket.');
  assert.equal(t('problem.withId', { record: 3 }), 'record 3 ({id}), {field}: {message}');
  assert.equal(t('counters.done'), 'Done');
});

test('an unknown reason code still reads as a failure with an action', () => {
  const r = reasonText('SOMETHING_NEW')!;
  assert.match(r.summary, /SOMETHING_NEW/);
  assert.equal(r.action, en['reason.unknown.action']);
  assert.equal(reasonText(null), null);
});

test('no catalogue string is empty and placeholders are well formed', () => {
  for (const [k, v] of Object.entries(en)) {
    assert.ok(v.trim().length > 0, k);
    assert.equal((v.match(/\{/g) ?? []).length, (v.match(/\}/g) ?? []).length, k);
    for (const m of v.match(/\{[^}]*\}/g) ?? []) assert.match(m, /^\{\w+\}$/, k);
  }
});

test('a failure reason reads the same on screen as in the PDF and CSV exports (issue 13 item 8)', async () => {
  const { reasonText: exportText } = await import('../../../electron/core/reports/format');
  const differ = REASON_CODES.filter((code) => reasonText(code)!.summary !== exportText(code)).map((code) => `${code}: screen "${reasonText(code)!.summary}" / export "${exportText(code)}"`);
  assert.deepEqual(differ, []);
  const { REASONS } = await import('../../../shared/domain/reasons');
  // The CLI and the log use the same words and actions as the screen.
  assert.deepEqual(REASON_CODES.filter((code) => reasonText(code)!.action !== REASONS[code].action), []);
});

test('one number format: a count in any message is grouped, and an import says how many cards ("100,000 card(s)", not "100000 records")', () => {
  assert.equal(t('import.done', { id: 'B-7', records: 100000 }), 'Imported batch B-7: 100,000 card(s).');
  assert.equal(t('queue.total', { count: 100000 }), '100,000 card(s)');
  assert.equal(t('engine.state.finishedWaiting', { count: 1234 }), 'Batch finished — 1,234 failed card(s) wait: call a supervisor');
  // A string stays as given (ids, already formatted figures).
  assert.equal(t('import.done', { id: '100000', records: '1,000' }), 'Imported batch 100000: 1,000 card(s).');
});
