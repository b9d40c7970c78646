import { en, type Catalogue } from './en';

export type MessageId = keyof typeof en;
export type Params = Record<string, string | number>;

let catalogue: Catalogue = en;

/** Swap the catalogue (a translation must have every id: the type says so). */
export function setCatalogue(c: Catalogue): void {
  catalogue = c;
}

/** The string for `id` with its {placeholders} filled; a missing parameter stays visible as {name}. */
export function t(id: MessageId, params?: Params): string {
  const s = catalogue[id] ?? id;
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function hasMessage(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(catalogue, id);
}
