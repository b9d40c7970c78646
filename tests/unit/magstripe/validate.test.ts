import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateMagstripeRecord } from '../../../shared/magstripe/validate';
import type { CardRecord } from '../../../shared/domain/record';
import { profile, record } from './fixtures';

// Builds a record without the schema's checks, as one could arrive before import validation.
const raw = (over: Partial<CardRecord>): CardRecord => ({ ...record(), ...over });

test('a good record has no problems on tracks 1 and 2', () => {
  assert.deepEqual(validateMagstripeRecord(profile(), record({ track1Discretionary: '0000000123', track2Discretionary: '000123' }), 1), []);
});

test('problems name the record and field and never echo the data', () => {
  const r = raw({ recordId: 'R-7', pan: '4111111111111112', name: 'doe/john', track2Discretionary: '12A4' });
  const ps = validateMagstripeRecord(profile(), r, 7);
  assert.deepEqual(ps.map((p) => p.field).sort(), ['name', 'pan', 'track2Discretionary']);
  for (const p of ps) {
    assert.equal(p.record, 7);
    assert.equal(p.recordId, 'R-7');
    assert.ok(!p.message.includes('4111111111111112') && !p.message.includes('doe') && !p.message.includes('12A4'), p.message);
  }
  assert.match(ps.find((p) => p.field === 'pan')!.message, /Luhn/);
  assert.match(ps.find((p) => p.field === 'name')!.message, /upper case/);
  assert.match(ps.find((p) => p.field === 'track2Discretionary')!.message, /character 3 is not allowed on track 2/);
});

test('name must be SURNAME/GIVEN with track 1 characters', () => {
  const fields = (name: string) => validateMagstripeRecord(profile(), raw({ name }), 1).map((p) => p.message);
  assert.match(fields('JOHN DOE')[0], /SURNAME\/GIVEN/);
  assert.match(fields('/JOHN')[0], /SURNAME\/GIVEN/);
  assert.match(fields('DOE/JO^HN')[0], /character 7 is not allowed on track 1/);
  assert.deepEqual(fields('DOE/'), []);
  assert.deepEqual(fields("O'NEIL-SMITH/MARY J.MRS"), []);
  // Track 2 only: the name is not written, so it is not checked.
  assert.deepEqual(validateMagstripeRecord(profile({ tracks: [2] }), raw({ name: 'john doe' }), 1), []);
});

test('sentinels and separators are refused inside discretionary data', () => {
  for (const d of ['12?4', '1%', 'A^B']) {
    const ps = validateMagstripeRecord(profile(), raw({ track1Discretionary: d }), 2);
    assert.equal(ps.length, 1, d);
    assert.equal(ps[0].field, 'track1Discretionary');
  }
  for (const d of ['12=4', ';1', '12?']) assert.equal(validateMagstripeRecord(profile(), raw({ track2Discretionary: d }), 2)[0]?.field, 'track2Discretionary', d);
  assert.deepEqual(validateMagstripeRecord(profile(), raw({ track2Discretionary: '12<>:' }), 2), []);
});

test('track lengths count sentinels and LRC: 40 on track 2, 79 on track 1', () => {
  // Track 2 = ; + 16 PAN + = + 4 expiry + 3 SC + D + ? + LRC = 27 + D: D = 13 fits exactly, 14 does not.
  assert.deepEqual(validateMagstripeRecord(profile({ tracks: [2] }), raw({ track2Discretionary: '1'.repeat(13) }), 3), []);
  const over = validateMagstripeRecord(profile({ tracks: [2] }), raw({ track2Discretionary: '1'.repeat(14) }), 3);
  assert.equal(over.length, 1);
  assert.equal(over[0].field, 'track2Discretionary');
  assert.match(over[0].message, /41 characters long including sentinels and LRC; the maximum is 40/);
  // Track 1 = %B + 16 + ^ + 8 (DOE/JOHN) + ^ + 7 + D + ? + LRC = 37 + D: D = 42 fits, 43 does not.
  assert.deepEqual(validateMagstripeRecord(profile({ tracks: [1] }), raw({ track1Discretionary: '1'.repeat(42) }), 3), []);
  assert.match(validateMagstripeRecord(profile({ tracks: [1] }), raw({ track1Discretionary: '1'.repeat(43) }), 3)[0].message, /80 characters .* maximum is 79/);
});

test('expiry, service code and PAN format', () => {
  const ps = validateMagstripeRecord(profile(), raw({ expiry: '2513', serviceCode: '12', pan: '41111' }), 4);
  assert.deepEqual(ps.map((p) => p.field).sort(), ['expiry', 'pan', 'serviceCode']);
  const sc = validateMagstripeRecord({ ...profile(), defaultServiceCode: '2x1' }, record(), 4);
  assert.equal(sc[0].field, 'magstripe.defaultServiceCode');
});

test('track 3 needs the issuer-prepared fields.track3', () => {
  const p3 = profile({ tracks: [2, 3] });
  assert.equal(validateMagstripeRecord(p3, record(), 5)[0].field, 'fields.track3');
  assert.deepEqual(validateMagstripeRecord(p3, record({ fields: { track3: '011234567890=1234' } }), 5), []);
  assert.match(validateMagstripeRecord(p3, record({ fields: { track3: '01A' } }), 5)[0].message, /character 3 is not allowed on track 3/);
  assert.match(validateMagstripeRecord(p3, record({ fields: { track3: '1'.repeat(105) } }), 5)[0].message, /108 characters .* maximum is 107/);
});
