import { DEVICES_CALLS } from '../../../../shared/contract/areas/devices';
import type { AreaDeps, HandlersFor } from '../area';
import { CallRefused } from '../dispatch';

// Handlers of the device panel's commands (a laser's unlock and homing after an alarm). They
// act on production equipment on the line, so they need engine.control; each is logged with
// who asked and how it ended.
export function devicesHandlers(d: AreaDeps): HandlersFor<typeof DEVICES_CALLS> {
  return {
    'devices.perform': async (i, conn) => {
      const user = d.need(conn, 'engine.control');
      const dev = d.station.deviceSet.devices.find((x) => x.id === i.deviceId);
      if (!dev) throw new CallRefused('NOT_FOUND', `no device ${i.deviceId}`);
      if (!dev.perform || !(dev.status().commands ?? []).includes(i.command)) throw new CallRefused('CONFLICT', `${dev.status().name} does not offer ${i.command} now`);
      const entry = { type: 'device.command', origin: conn.origin, user: user.username, resource: `device:${dev.id}` } as const;
      try {
        await dev.perform(i.command);
      } catch (e) {
        d.station.log({ ...entry, severity: 'warn', outcome: 'failure', message: `${user.username} asked ${dev.status().name} to ${i.command}: ${(e as Error).message}` });
        throw new CallRefused('CONFLICT', `${dev.status().name}: ${i.command} failed: ${(e as Error).message}`);
      }
      d.station.log({ ...entry, severity: 'info', outcome: 'success', message: `${user.username} asked ${dev.status().name} to ${i.command}` });
      return dev.status();
    },
  };
}
