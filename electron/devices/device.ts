import type { DeviceKind, DeviceState, DeviceStatus } from '../../shared/domain/device';

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
  set(state: DeviceState, message?: string, action?: string): void {
    const c = this.current;
    if (c.state === state && c.message === message && c.action === action) return;
    this.current = { ...c, state, message, action, since: Date.now() };
    for (const l of this.listeners) l(this.current);
  }
  on(cb: (s: DeviceStatus) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}
