import type { DeviceCommand, DeviceKind, DeviceState, DeviceStatus } from '../../shared/domain/device';

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
    this.current = { id, kind, name, state: 'offline', message: 'not started', since: Date.now() };
  }
  get(): DeviceStatus {
    return this.current;
  }
  set(state: DeviceState, message?: string, action?: string, commands?: DeviceCommand[]): void {
    const c = this.current;
    if (c.state === state && c.message === message && c.action === action && (c.commands ?? []).join() === (commands ?? []).join()) return;
    this.current = { ...c, state, message, action, commands, since: Date.now() };
    if (!commands) delete this.current.commands;
    for (const l of this.listeners) l(this.current);
  }
  on(cb: (s: DeviceStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}
