import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CardRecord } from '../../../shared/domain/record';
import type { Problem } from '../../../shared/domain/problems';
import { luhnValid } from '../../../shared/domain/pan';
import { validateMagstripeRecord } from '../../../shared/magstripe/validate';
import type { MagstripeProfile } from '../../../shared/magstripe/profile';
import { TRACK_SPECS, firstInvalidChar, type TrackNo } from '../../../shared/magstripe/charset';
import { TRACK3_FIELD, framedLength, serviceCodeOf, track1Data, track2Data, truncateName } from '../../../shared/magstripe/tracks';
import { profile } from './fixtures';
import { seeded } from '../../support/rng';

// validateMagstripeRecord was rewritten for speed (no per-call closures, track lengths summed
// instead of built). The straightforward version it replaced is kept below as the oracle: over
// generated records, good and bad, both must give the same problems in the same order.

const NAME_FORMAT = /^[^/]+\/[^/]*$/;

function referenceValidate(profile: MagstripeProfile, record: CardRecord, recordNo: number): Problem[] {
  const problems: Problem[] = [];
  // Track lengths are only meaningful once every field that goes into the track is well formed.
  let fieldsOk = true;
  const bad = (field: string, message: string) => {
    problems.push({ record: recordNo, recordId: record.recordId, field, message });
    fieldsOk = false;
  };
  const wants = (t: TrackNo) => profile.tracks.includes(t);
  // Track 3 data is the issuer's whole track, so its field separators are legitimate there.
  const checkChars = (t: TrackNo, field: string, text: string, wholeTrack = false) => {
    if (t === 1 && /[a-z]/.test(text)) return bad(field, 'must be upper case: track 1 has no lower-case letters');
    const at = firstInvalidChar(t, wholeTrack ? text.replaceAll(TRACK_SPECS[t].separator, '0') : text, true);
    if (at >= 0) bad(field, `character ${at + 1} is not allowed on track ${t} (${describeSet(t, wholeTrack)})`);
  };
  const checkLength = (t: TrackNo, data: string, field: string) => {
    const n = framedLength(data);
    const max = TRACK_SPECS[t].maxChars;
    if (n > max) bad(field, `makes track ${t} ${n} characters long including sentinels and LRC; the maximum is ${max}`);
  };

  if (wants(1) || wants(2)) {
    if (!/^\d{12,19}$/.test(record.pan)) bad('pan', 'must be 12 to 19 digits');
    else if (!luhnValid(record.pan)) bad('pan', 'fails the Luhn check digit');
    if (!/^\d{2}(0[1-9]|1[0-2])$/.test(record.expiry)) bad('expiry', 'must be YYMM with a month from 01 to 12');
    if (!/^\d{3}$/.test(serviceCodeOf(profile, record))) bad(record.serviceCode != null ? 'serviceCode' : 'magstripe.defaultServiceCode', 'must be 3 digits');
  }

  if (wants(1)) {
    const name = record.name ?? '';
    if (!NAME_FORMAT.test(name)) bad('name', 'must be SURNAME/GIVEN for track 1 (one "/" after a non-empty surname)');
    else {
      checkChars(1, 'name', name);
      if (truncateName(name).length < 2) bad('name', 'is shorter than 2 characters');
    }
    checkChars(1, 'track1Discretionary', record.track1Discretionary ?? '');
    if (fieldsOk) checkLength(1, track1Data(profile, record), record.track1Discretionary ? 'track1Discretionary' : 'name');
  }

  if (wants(2)) {
    checkChars(2, 'track2Discretionary', record.track2Discretionary ?? '');
    if (fieldsOk) checkLength(2, track2Data(profile, record), record.track2Discretionary ? 'track2Discretionary' : 'pan');
  }

  if (wants(3)) {
    const field = `fields.${TRACK3_FIELD}`;
    const d3 = record.fields?.[TRACK3_FIELD];
    if (d3 == null || d3 === '') bad(field, 'is required because the product writes track 3 (issuer-prepared track 3 data without sentinels)');
    else {
      const before = problems.length;
      checkChars(3, field, d3, true);
      if (problems.length === before) checkLength(3, d3, field);
    }
  }
  return problems;
}

function describeSet(t: TrackNo, wholeTrack = false): string {
  if (t === 1) return 'space to "_" without %, ^ and ?';
  return wholeTrack ? 'digits and : < = > without ; and ?' : 'digits and : < > without ; = and ?';
}

const rng = seeded;

function generate(seed: number, n: number): CardRecord[] {
  const r = rng(seed);
  const pick = (chars: string) => chars[Math.floor(r() * chars.length)];
  const text = (chars: string, min: number, max: number) => {
    let s = '';
    const len = min + Math.floor(r() * (max - min + 1));
    for (let i = 0; i < len; i++) s += pick(chars);
    return s;
  };
  const luhn = (body: string) => {
    for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
    return body;
  };
  return Array.from({ length: n }, (_, i) => {
    const rec: CardRecord = {
      recordId: `R${i}`,
      pan: r() < 0.8 ? luhn(text('0123456789', 11, 18)) : text('0123456789A', 8, 21),
      expiry: r() < 0.85 ? `${10 + Math.floor(r() * 20)}${String(1 + Math.floor(r() * 12)).padStart(2, '0')}` : text('0123x', 1, 6),
      name: r() < 0.85 ? `${text('ABCDEFG .-', 0, 20)}/${text('ABCDEFG .', 0, 20)}` : text('ABCab/^ ', 0, 30),
    };
    if (r() < 0.6) rec.serviceCode = r() < 0.9 ? text('0123456789', 3, 3) : text('12a', 1, 4);
    if (r() < 0.7) rec.track1Discretionary = r() < 0.8 ? text('0123456789ABC _', 10, 60) : text('0123456789ABC %^?_a', 0, 10);
    if (r() < 0.7) rec.track2Discretionary = r() < 0.8 ? text('0123456789:<>', 0, 20) : text('0123456789:<>=;?A', 0, 8);
    if (r() < 0.5) rec.fields = r() < 0.2 ? {} : { [TRACK3_FIELD]: r() < 0.8 ? text('0123456789=', 60, 110) : text('0123456789=:<>;?A', 0, 20) };
    return rec;
  });
}

test('validateMagstripeRecord gives the same problems as its reference, on generated records', () => {
  const profiles: MagstripeProfile[] = [profile(), profile({ tracks: [1] }), profile({ tracks: [2] }), profile({ tracks: [2, 3] }), profile({ tracks: [1, 2, 3] }), { ...profile(), defaultServiceCode: '2x1' }];
  let clean = 0;
  const fields = new Set<string>();
  profiles.forEach((p, k) => {
    generate(77 + k, 2000).forEach((rec, i) => {
      const want: Problem[] = referenceValidate(p, rec, i + 1);
      assert.deepEqual(validateMagstripeRecord(p, rec, i + 1), want, `profile ${k}, record ${JSON.stringify(rec)}`);
      if (!want.length) clean++;
      for (const x of want) fields.add(`${x.field}: ${x.message.slice(0, 14)}`);
    });
  });
  assert.ok(clean > 500, `only ${clean} clean records`);
  // Every rule fires somewhere in the generated set, track lengths included.
  const all = [...fields].join('\n');
  for (const f of [/^pan: must be/m, /^pan: fails/m, /^expiry/m, /^serviceCode/m, /^magstripe.defaultServiceCode/m, /^name: must be SURN/m, /^name: must be uppe/m, /^name: character/m, /^track1Discretionary: character/m, /^track1Discretionary: makes track/m, /^track2Discretionary: character/m, /^track2Discretionary: makes track/m, /^fields.track3: is required/m, /^fields.track3: character/m, /^fields.track3: makes track/m])
    assert.match(all, f);
});
