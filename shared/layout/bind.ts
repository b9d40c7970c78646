import type { CardRecord } from '../domain/record';
import { defaultEmbossName } from '../domain/record';
import { maskPan } from '../domain/pan';
import type { FieldRef, TextElement, Value } from './template';

// Resolves an element's text from a record: read the bound field, format it, add prefix and
// suffix. Display mode masks the PAN's middle digits and every secret field in place, so the
// masked text has the same length and every character keeps its position.

export const MASK_CHAR = '*';

/** Fields whose value is secret or confidential beyond the PAN: shown fully masked on screen. */
export const SECRET_BINDINGS: ReadonlySet<string> = new Set(['cvv2']);

/** The value of a bound field, or undefined when the record lacks it. */
export function readField(record: CardRecord, ref: FieldRef): string | undefined {
  if (ref.startsWith('fields.')) return record.fields?.[ref.slice(7)];
  switch (ref) {
    case 'pan':
      return record.pan;
    case 'expiry':
      return record.expiry;
    case 'name':
      return record.name;
    case 'embossName':
      return defaultEmbossName(record);
    case 'cvv2':
      return record.cvv2;
    case 'serviceCode':
      return record.serviceCode;
    case 'recordId':
      return record.recordId;
  }
  return undefined;
}

export function formatValue(raw: string, format: string | undefined): string {
  if (!format) return raw;
  if (format.startsWith('MM')) {
    if (!/^\d{4}$/.test(raw)) return raw;
    const yy = raw.slice(0, 2);
    const m = raw.slice(2, 4);
    return format === 'MM/YY' ? `${m}/${yy}` : format === 'MM/YYYY' ? `${m}/20${yy}` : m + yy;
  }
  const flat = HAS_SPACE.test(raw) ? raw.replace(/\s+/g, '') : raw;
  let out = '';
  let groups = 0;
  let at = 0;
  for (const n of groupSizes(format)) {
    if (at >= flat.length) break;
    out += (groups++ ? ' ' : '') + flat.slice(at, at + n);
    at += n;
  }
  if (at < flat.length) out += (groups ? ' ' : '') + flat.slice(at);
  return out;
}

const HAS_SPACE = /\s/;
// A batch formats the same few groupings for every record: parse each once.
const GROUPS = new Map<string, number[]>();
function groupSizes(format: string): number[] {
  let g = GROUPS.get(format);
  if (!g) {
    g = format.split('-').map(Number);
    if (GROUPS.size < 256) GROUPS.set(format, g);
  }
  return g;
}

/** Replaces the digits of `formatted` in order with those of the masked PAN. */
function maskFormattedPan(formatted: string, pan: string): string {
  const masked = maskPan(pan, MASK_CHAR);
  let d = 0;
  let out = '';
  for (const ch of formatted) {
    if (ch >= '0' && ch <= '9' && d < masked.length) out += masked[d++];
    else out += ch;
  }
  return out;
}

export function sourceOf(v: Value): string {
  return 'field' in v ? v.field : 'literal';
}

export interface Resolved {
  /** The full line: prefix + formatted value + suffix. */
  text: string;
  /** Where the value starts and ends in `text` (the prefix and suffix are template data). */
  valueStart: number;
  valueEnd: number;
}

export interface DisplayMask {
  maskPan: boolean;
  /** Extra bound fields to hide entirely (a product's secure fields). */
  secureFields?: readonly string[];
}

/** The element's text for this record, or undefined when the bound field is missing or empty. */
export function resolveText(el: TextElement, record: CardRecord, mask?: DisplayMask): Resolved | undefined {
  const v = el.value;
  const raw = 'field' in v ? readField(record, v.field) : v.literal;
  if (raw == null || raw === '') return undefined;
  let value = formatValue(raw, el.format);
  if (el.upper) value = value.toUpperCase();
  if (mask?.maskPan && 'field' in v) {
    const f = v.field;
    if (f === 'pan') value = maskFormattedPan(value, raw);
    else if (SECRET_BINDINGS.has(f) || mask.secureFields?.includes(f) || mask.secureFields?.includes(f.replace(/^fields\./, '')))
      value = value.replace(/\S/g, MASK_CHAR);
  }
  const prefix = el.prefix ?? '';
  return { text: prefix + value + (el.suffix ?? ''), valueStart: prefix.length, valueEnd: prefix.length + value.length };
}
