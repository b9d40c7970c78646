import type { CardRecord } from '../domain/record';
import type { Problem } from '../domain/problems';
import { luhnValid } from '../domain/pan';
import type { MagstripeProfile } from './profile';
import { TRACK_SPECS, firstInvalidChar, type TrackNo } from './charset';
import { TRACK3_FIELD, framedLength, serviceCodeOf, track1Data, track2Data, truncateName } from './tracks';

// Checks a record against what the product's tracks can hold, at import time, so a bad record
// is refused with its number and field before any card is spent. Messages name the field and
// the rule, never the value (positions are 1-based character positions within the field).

const NAME_FORMAT = /^[^/]+\/[^/]*$/;

export function validateMagstripeRecord(profile: MagstripeProfile, record: CardRecord, recordNo: number): Problem[] {
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
