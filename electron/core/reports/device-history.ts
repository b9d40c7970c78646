import type { DeviceHistory } from '../../../shared/contract/areas/reports';

// Device errors and downtime from the station log: the station writes 'device.fault' when a
// device goes offline or into error and 'device.online' when it is back, both with resource
// 'device:<id>'. A downtime interval runs from the first fault to the next online; further
// faults while down count as faults but do not start a new interval.
export const DEVICE_EVENT_TYPES = ['device.fault', 'device.online'] as const;

export interface DeviceEvent {
  ts: number;
  type: (typeof DEVICE_EVENT_TYPES)[number];
  deviceId: string;
  message: string;
}

export function deviceIdOf(resource: string | null): string | null {
  return resource?.startsWith('device:') ? resource.slice(7) || null : null;
}

/**
 * @param before the last device event of each device before `from` (tells whether it was down
 *   when the window opened)
 * @param events the device events in [from, to], in time order
 * @param now open intervals end at min(to, now)
 */
export function deviceHistory(o: {
  from: number;
  to: number;
  now: number;
  devices: readonly { id: string; name: string }[];
  before: readonly DeviceEvent[];
  events: readonly DeviceEvent[];
}): DeviceHistory {
  const end = Math.max(o.from, Math.min(o.to, o.now));
  const names = new Map(o.devices.map((d) => [d.id, d.name]));
  const ids = [...new Set([...o.devices.map((d) => d.id), ...o.before.map((e) => e.deviceId), ...o.events.map((e) => e.deviceId)])];
  const devices = ids.map((id) => {
    const prior = [...o.before].reverse().find((e) => e.deviceId === id);
    let down: { start: number; message: string } | null = prior?.type === 'device.fault' ? { start: o.from, message: prior.message } : null;
    let faults = 0;
    const intervals: DeviceHistory['devices'][number]['intervals'] = [];
    for (const e of o.events) {
      if (e.deviceId !== id || e.ts < o.from || e.ts > o.to) continue;
      if (e.type === 'device.fault') {
        faults++;
        if (!down) down = { start: e.ts, message: e.message };
      } else if (down) {
        intervals.push({ from: down.start, to: e.ts, ongoing: false, message: down.message });
        down = null;
      }
    }
    if (down) intervals.push({ from: down.start, to: Math.max(down.start, end), ongoing: true, message: down.message });
    const downtimeMs = intervals.reduce((s, i) => s + (i.to - i.from), 0);
    return { deviceId: id, name: names.get(id) ?? id, faults, downtimeMs, intervals };
  });
  return { from: o.from, to: o.to, devices };
}
