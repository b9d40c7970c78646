import type { DeviceStatus } from '../../shared/domain/device';
import type { AuditEntryInput } from './audit/types';

// Which device state changes go into the station log. A device goes busy → online around every
// card; logging each of those buried the log (77 % of its entries after a thousand cards). A
// supervisor cares about a device going offline or into error (and which error), and about it
// coming back after that — the pairs reports/device-history.ts turns into downtime. Connecting at
// start-up and closing at shutdown are not faults; a device still not up after the start-up
// grace is (see `startupOverdue`).
export class DeviceLogPolicy {
  /** Per device, the fault last logged ("offline|message"), or null when it was last logged up. */
  private readonly down = new Map<string, string | null>();
  /** Devices seen online or busy at least once since the station started. */
  private readonly seenUp = new Set<string>();
  /** The latest status of devices not yet up, logged only if they stay down past the grace. */
  private readonly starting = new Map<string, DeviceStatus>();
  private closing = false;

  /** The entry to log for this status, or null when the change is not worth a line. */
  entryFor(s: DeviceStatus): AuditEntryInput | null {
    if (this.closing) return null;
    if (s.state === 'offline' || s.state === 'error') {
      if (s.state === 'offline' && !this.seenUp.has(s.id) && !this.down.has(s.id)) {
        this.starting.set(s.id, s);
        return null;
      }
      return this.fault(s);
    }
    // online or busy: news only when it was logged down.
    this.seenUp.add(s.id);
    this.starting.delete(s.id);
    if (!this.down.get(s.id)) return null;
    this.down.set(s.id, null);
    return { type: 'device.online', severity: 'info', outcome: 'success', ...where(s), message: `${s.name}: back online` };
  }

  /** Faults of the devices that have not come up since start-up (called once, after the grace). */
  startupOverdue(): AuditEntryInput[] {
    const out = [...this.starting.values()].map((s) => this.fault(s)).filter((e): e is AuditEntryInput => !!e);
    this.starting.clear();
    return out;
  }

  /** From now on nothing is logged: devices closing with the station are not faults. */
  close(): void {
    this.closing = true;
  }

  private fault(s: DeviceStatus): AuditEntryInput | null {
    const fault = `${s.state}|${s.message ?? ''}`;
    // The same fault reported again (a retry that fails the same way) is not news.
    if (this.down.get(s.id) === fault) return null;
    this.down.set(s.id, fault);
    return { type: 'device.fault', severity: 'warn', outcome: 'failure', ...where(s), message: `${s.name}: ${s.state}${s.message ? ` — ${s.message}` : ''}` };
  }
}

const where = (s: DeviceStatus) => ({ origin: `device:${s.id}`, resource: `device:${s.id}` });

/** How long a device may take to come up at start-up before it is logged as down. */
export const DEVICE_STARTUP_GRACE_MS = 15_000;
