import { DEVICE_NOTES, ENGINE_NOTES } from '../../../shared/domain/status-notes';

// The words of device and engine notes (shared/domain/status-notes.ts): `devnote.CODE` and
// `enginenote.CODE`, with `.action` for what to do. Their English is written once, in the shared
// table; a translation gives every one of these ids like any other (the Catalogue type says so).
// A code this catalogue does not know reads as the generic sentence of its state, never as the
// driver's or the engine's own text.

type Table = Record<string, { readonly text: string; readonly action?: string }>;
type Entries<P extends string, T extends Table> = { [K in keyof T & string as `${P}.${K}`]: string } & {
  [K in keyof T & string as T[K] extends { action: string } ? `${P}.${K}.action` : never]: string;
};

function entries<P extends string, T extends Table>(prefix: P, table: T): Entries<P, T> {
  const out: Record<string, string> = {};
  for (const [code, w] of Object.entries(table)) {
    out[`${prefix}.${code}`] = w.text;
    if (w.action) out[`${prefix}.${code}.action`] = w.action;
  }
  return out as Entries<P, T>;
}

export const enStatus = {
  ...entries('devnote', DEVICE_NOTES),
  ...entries('enginenote', ENGINE_NOTES),
  'devnote.unknown.online': 'Working normally',
  'devnote.unknown.busy': 'Working',
  'devnote.unknown.offline': 'Not connected',
  'devnote.unknown.error': 'The device reports a problem',
  'devnote.unknown.action': 'Check the device; the station log has the details',
  'enginenote.unknown': 'The line needs attention',
  'enginenote.unknown.action': 'Look at the devices and the station log, then resume',
};
