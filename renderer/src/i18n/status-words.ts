import type { DeviceStatus } from '../../../shared/domain/device';
import type { NoteParams, StatusNote } from '../../../shared/domain/status-notes';
import { reasonText } from './reasons';
import { hasMessage, t, type Params } from './t';

// A device's or the engine's note in the catalogue's words. The status's `message` (the driver's
// or the engine's own line, for the log) is never shown: a note this catalogue does not know, or
// a status without one, reads as a generic sentence.

export interface Words {
  text: string;
  action: string | null;
}

/** Fills the parameters a note's words use: a reason code becomes its summary (and its action). */
function wordParams(p: NoteParams | undefined, deviceName: (id: string) => string): Params {
  const out: Params = { ...p };
  if (typeof p?.reason === 'string') {
    const why = reasonText(p.reason)!;
    out.reason = why.summary;
    out.action = why.action;
  }
  if (typeof p?.device === 'string') out.device = deviceName(p.device);
  return out;
}

function worded(prefix: 'devnote' | 'enginenote', note: StatusNote, deviceName: (id: string) => string): Words | null {
  if (note.code === 'reason') {
    const r = typeof note.params?.reason === 'string' ? reasonText(note.params.reason) : null;
    return r ? { text: r.summary, action: r.action } : null;
  }
  const key = `${prefix}.${note.code}`;
  if (!hasMessage(key)) return null;
  const params = wordParams(note.params, deviceName);
  const actionKey = `${key}.action`;
  return { text: t(key, params), action: hasMessage(actionKey) ? t(actionKey, params) : null };
}

/** What the device panel says about a device, and what to do when it is offline or in error. */
export function deviceWords(d: DeviceStatus): Words {
  const w = d.note ? worded('devnote', d.note, (id) => id) : null;
  const trouble = d.state === 'error' || d.state === 'offline';
  if (w) return { text: w.text, action: trouble ? w.action : null };
  return { text: t(`devnote.unknown.${d.state}`), action: trouble ? t('devnote.unknown.action') : null };
}

/** Why the line is as it is, or null when the engine has nothing to say. */
export function engineWords(s: { note?: StatusNote | null; message: string | null } | null, devices: readonly Pick<DeviceStatus, 'id' | 'name'>[]): Words | null {
  if (!s || (!s.note && !s.message)) return null;
  const name = (id: string) => devices.find((d) => d.id === id)?.name ?? id;
  return (s.note && worded('enginenote', s.note, name)) ?? { text: t('enginenote.unknown'), action: t('enginenote.unknown.action') };
}
