import type { CardRecord } from '../domain/record';
import type { MagstripeProfile } from './profile';
import { frameTrack, stripFraming, type TrackNo } from './charset';

// Track layouts (ISO/IEC 7813 for tracks 1 and 2). Functions here build the track DATA, the
// characters between the sentinels, because that is what the MSR206/MSR605 protocol carries
// (the encoder adds sentinels and LRC); `frameTrack` gives the full track for length checks.
//
// Track 3 has no single financial layout (ISO 4909 leaves much to the issuer), so the station
// does not compose it: a product that asks for track 3 needs the record field
// `fields.track3`, the issuer-prepared track 3 data without sentinels (0x30–0x3F, no `;`,
// `?`; at most 104 characters).

/** Track data without sentinels/LRC, by track number minus one; null = track not written. */
export type TrackData = [string | null, string | null, string | null];

export const TRACK3_FIELD = 'track3';
export const NAME_MAX = 26;

/**
 * Fits a cardholder name into the 26 characters of track 1. Rule: the given-name part (after
 * `/`) is shortened first, down to nothing (`SURNAME/`); only then is the surname cut. A name
 * without `/` is cut at the end. Trailing spaces left by a cut are dropped.
 */
export function truncateName(name: string, max = NAME_MAX): string {
  if (name.length <= max) return name;
  const slash = name.indexOf('/');
  if (slash < 0) return name.slice(0, max).trimEnd();
  const surname = name.slice(0, slash);
  const given = name.slice(slash + 1);
  const room = max - surname.length - 1;
  if (room >= 0) return `${surname}/${given.slice(0, room).trimEnd()}`;
  return `${surname.slice(0, max - 1).trimEnd()}/`;
}

export function serviceCodeOf(profile: MagstripeProfile, record: CardRecord): string {
  return record.serviceCode ?? profile.defaultServiceCode;
}

/** Track 1 format B data: `B` PAN `^` NAME `^` YYMM SC discretionary. */
export function track1Data(profile: MagstripeProfile, record: CardRecord): string {
  return `B${record.pan}^${truncateName(record.name)}^${record.expiry}${serviceCodeOf(profile, record)}${record.track1Discretionary ?? ''}`;
}

/** Track 2 data: PAN `=` YYMM SC discretionary. */
export function track2Data(profile: MagstripeProfile, record: CardRecord): string {
  return `${record.pan}=${record.expiry}${serviceCodeOf(profile, record)}${record.track2Discretionary ?? ''}`;
}

export function track3Data(record: CardRecord): string | null {
  return record.fields?.[TRACK3_FIELD] ?? null;
}

/**
 * The tracks the product asks for, as data without sentinels. Assumes the record passed
 * `validateMagstripeRecord`; it does not check character sets or lengths itself.
 */
export function formatTracks(profile: MagstripeProfile, record: CardRecord): TrackData {
  const out: TrackData = [null, null, null];
  if (profile.tracks.includes(1)) out[0] = track1Data(profile, record);
  if (profile.tracks.includes(2)) out[1] = track2Data(profile, record);
  if (profile.tracks.includes(3)) out[2] = track3Data(record) ?? '';
  return out;
}

/** Length of the track on the stripe, sentinels and LRC included. */
export function framedLength(data: string): number {
  return data.length + 3;
}

export function framedTracks(data: TrackData): TrackData {
  return data.map((d, i) => (d == null ? null : frameTrack((i + 1) as TrackNo, d))) as TrackData;
}

export interface ParsedTrack {
  pan: string;
  expiry: string;
  serviceCode: string;
}

/** Reads PAN, expiry and service code from track 1 format B data (sentinels optional). */
export function parseTrack1(text: string): ParsedTrack | null {
  const m = /^B(\d{1,19})\^[^^]*\^(\d{4})(\d{3})/.exec(stripFraming(1, text));
  return m ? { pan: m[1], expiry: m[2], serviceCode: m[3] } : null;
}

/** Reads PAN, expiry and service code from track 2 data (sentinels optional). */
export function parseTrack2(text: string): ParsedTrack | null {
  const m = /^(\d{1,19})=(\d{4})(\d{3})/.exec(stripFraming(2, text));
  return m ? { pan: m[1], expiry: m[2], serviceCode: m[3] } : null;
}

/** Track numbers whose read-back data differs from what was written (only the tracks written). */
export function mismatchedTracks(written: TrackData, read: TrackData): TrackNo[] {
  const bad: TrackNo[] = [];
  for (let i = 0; i < 3; i++) {
    const w = written[i];
    if (w == null) continue;
    const r = read[i];
    if (r == null || stripFraming((i + 1) as TrackNo, r) !== w) bad.push((i + 1) as TrackNo);
  }
  return bad;
}

