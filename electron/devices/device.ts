import type { DeviceCommand, DeviceKind, DeviceState, DeviceStatus } from '../../shared/domain/device';
import type { StatusNote } from '../../shared/domain/status-notes';

// What every device driver shows the station: a status that the device panel displays and
// that changes by events. Drivers never know the UI; the core forwards these events.
export interface Device {
  readonly id: string;
  readonly kind: DeviceKind;
  status(): DeviceStatus;
  onStatus(cb: (s: DeviceStatus) => void): () => void;
  /** Opens the device; resolves even if it is offline (the status says so and it keeps trying). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Runs a command the status offers (`status().commands`), e.g. a laser's unlock or homing. */
  perform?(command: DeviceCommand): Promise<void>;
}

/** A small helper for drivers: holds the status and notifies listeners on change. */
export class StatusHolder {
  private current: DeviceStatus;
  private listeners = new Set<(s: DeviceStatus) => void>();
  constructor(id: string, kind: DeviceKind, name: string) {
    this.current = { id, kind, name, state: 'offline', message: 'not started', note: { code: 'notStarted' }, since: Date.now() };
  }
  get(): DeviceStatus {
    return this.current;
  }
  /**
   * `message` and `action` are the log's and the CLI's technical words; `note` is the same as a
   * code the screens word (status-notes.ts). A status without a note reads as a generic sentence
   * on screen, never as the message.
   */
  set(state: DeviceState, message?: string, action?: string, commands?: DeviceCommand[], note?: StatusNote): void {
    const c = this.current;
    if (c.state === state && c.message === message && c.action === action && (c.commands ?? []).join() === (commands ?? []).join() && sameNote(c.note, note)) return;
    this.current = { ...c, state, message, action, commands, note, since: Date.now() };
    if (!commands) delete this.current.commands;
    if (!note) delete this.current.note;
    for (const l of this.listeners) l(this.current);
  }
  /** set() with the note first: what the screen says, then the log's words. */
  say(state: DeviceState, note: StatusNote, message?: string, action?: string, commands?: DeviceCommand[]): void {
    this.set(state, message, action, commands, note);
  }
  on(cb: (s: DeviceStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

function sameNote(a: StatusNote | undefined, b: StatusNote | undefined): boolean {
  return a?.code === b?.code && JSON.stringify(a?.params ?? null) === JSON.stringify(b?.params ?? null);
}
