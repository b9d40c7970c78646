import { en, type Catalogue } from './en';

export type MessageId = keyof typeof en;
export type Params = Record<string, string | number>;

let catalogue: Catalogue = en;

/** Swap the catalogue (a translation must have every id: the type says so). */
export function setCatalogue(c: Catalogue): void {
  catalogue = c;
}

// One number format on every screen: a number given as a number is grouped ("100,000"), so no
// caller can show "100000" beside another's "100,000". Ids and codes are passed as strings.
const numberFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const shown = (v: string | number): string => (typeof v === 'number' && Number.isFinite(v) ? numberFmt.format(v) : String(v));

/** The string for `id` with its {placeholders} filled; a missing parameter stays visible as {name}. */
export function t(id: MessageId, params?: Params): string {
  const s = catalogue[id] ?? id;
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? shown(params[k]) : m));
}

export function hasMessage(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(catalogue, id);
}
