import type { CardRecord } from '../domain/record';
import type { Problem } from '../domain/problems';
import { luhnValid } from '../domain/pan';
import type { MagstripeProfile } from './profile';
import { TRACK_SPECS, firstInvalidChar, type TrackNo } from './charset';
import { TRACK3_FIELD, serviceCodeOf, truncateName } from './tracks';

// Checks a record against what the product's tracks can hold, at import time, so a bad record
// is refused with its number and field before any card is spent. Messages name the field and
// the rule, never the value (positions are 1-based character positions within the field).

const NAME_FORMAT = /^[^/]+\/[^/]*$/;

// Runs for every record of a batch (100k at a time), so it avoids per-call closures and
// intermediate strings: the track lengths are summed from the field lengths.
class Findings {
  readonly problems: Problem[] = [];
  /** Track lengths are only meaningful once every field that goes into the track is well formed. */
  fieldsOk = true;
  constructor(private readonly recordNo: number, private readonly recordId: string) {}
  bad(field: string, message: string): void {
    this.problems.push({ record: this.recordNo, recordId: this.recordId, field, message });
    this.fieldsOk = false;
  }
}

const PAN = /^\d{12,19}$/;
const EXPIRY = /^\d{2}(0[1-9]|1[0-2])$/;
const SERVICE_CODE = /^\d{3}$/;

function hasLowerCase(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

// Track 3 data is the issuer's whole track, so its field separators are legitimate there.
function checkChars(f: Findings, t: TrackNo, field: string, text: string, wholeTrack = false): void {
  if (t === 1 && hasLowerCase(text)) return f.bad(field, 'must be upper case: track 1 has no lower-case letters');
  const at = firstInvalidChar(t, wholeTrack ? text.replaceAll(TRACK_SPECS[t].separator, '0') : text, true);
  if (at >= 0) f.bad(field, `character ${at + 1} is not allowed on track ${t} (${describeSet(t, wholeTrack)})`);
}

function checkLength(f: Findings, t: TrackNo, dataLength: number, field: string): void {
  const n = dataLength + 3; // framedLength: start and end sentinels and the LRC
  const max = TRACK_SPECS[t].maxChars;
  if (n > max) f.bad(field, `makes track ${t} ${n} characters long including sentinels and LRC; the maximum is ${max}`);
}

export function validateMagstripeRecord(profile: MagstripeProfile, record: CardRecord, recordNo: number): Problem[] {
  const f = new Findings(recordNo, record.recordId);
  const tracks = profile.tracks;
  const t1 = tracks.includes(1);
  const t2 = tracks.includes(2);
  const serviceCode = serviceCodeOf(profile, record);

  if (t1 || t2) {
    if (!PAN.test(record.pan)) f.bad('pan', 'must be 12 to 19 digits');
    else if (!luhnValid(record.pan)) f.bad('pan', 'fails the Luhn check digit');
    if (!EXPIRY.test(record.expiry)) f.bad('expiry', 'must be YYMM with a month from 01 to 12');
    if (!SERVICE_CODE.test(serviceCode)) f.bad(record.serviceCode != null ? 'serviceCode' : 'magstripe.defaultServiceCode', 'must be 3 digits');
  }

  if (t1) {
    const name = record.name ?? '';
    let nameLength = 0;
    if (!NAME_FORMAT.test(name)) f.bad('name', 'must be SURNAME/GIVEN for track 1 (one "/" after a non-empty surname)');
    else {
      checkChars(f, 1, 'name', name);
      nameLength = truncateName(name).length;
      if (nameLength < 2) f.bad('name', 'is shorter than 2 characters');
    }
    const d1 = record.track1Discretionary ?? '';
    checkChars(f, 1, 'track1Discretionary', d1);
    // track1Data: B PAN ^ NAME ^ YYMM SC discretionary
    if (f.fieldsOk) checkLength(f, 1, 3 + record.pan.length + nameLength + record.expiry.length + serviceCode.length + d1.length, record.track1Discretionary ? 'track1Discretionary' : 'name');
  }

  if (t2) {
    const d2 = record.track2Discretionary ?? '';
    checkChars(f, 2, 'track2Discretionary', d2);
    // track2Data: PAN = YYMM SC discretionary
    if (f.fieldsOk) checkLength(f, 2, record.pan.length + 1 + record.expiry.length + serviceCode.length + d2.length, record.track2Discretionary ? 'track2Discretionary' : 'pan');
  }

  if (tracks.includes(3)) {
    const field = `fields.${TRACK3_FIELD}`;
    const d3 = record.fields?.[TRACK3_FIELD];
    if (d3 == null || d3 === '') f.bad(field, 'is required because the product writes track 3 (issuer-prepared track 3 data without sentinels)');
    else {
      const before = f.problems.length;
      checkChars(f, 3, field, d3, true);
      if (f.problems.length === before) checkLength(f, 3, d3.length, field);
    }
  }
  return f.problems;
}

function describeSet(t: TrackNo, wholeTrack = false): string {
  if (t === 1) return 'space to "_" without %, ^ and ?';
  return wholeTrack ? 'digits and : < = > without ; and ?' : 'digits and : < > without ; = and ?';
}
