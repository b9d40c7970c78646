import { Station } from './core/station';
import { loadConfig } from './core/config';
import { createHandlers, type AuthPort, type Handlers } from './core/api/handlers';
import { createAuthPort } from './core/api/auth-port';
import { productChecks } from './core/product-checks';
import { createDevices } from './wiring/devices';

// Opens a station from a config file with everything wired: used by the Electron main process,
// the CLI and the bridge alike.
export interface Booted {
  station: Station;
  auth: AuthPort;
  handlers: Handlers;
  onInternal(e: unknown, call: string): void;
}

export async function bootStation(o: { configPath: string; origin: string }): Promise<Booted> {
  const config = loadConfig(o.configPath);
  const station = await Station.open({ config, devices: createDevices, checks: productChecks, origin: o.origin });
  const auth = createAuthPort(station.auth);
  const handlers = createHandlers(station, auth, (taskId, label, done, total) =>
    station.events.emit('task.progress', { taskId, label, done, total, finished: done >= total }),
  );
  const onInternal = (e: unknown, call: string) =>
    station.log({ type: 'station.error', severity: 'error', outcome: 'failure', origin: 'station', resource: `call:${call}`, message: `internal error in ${call}: ${(e as Error)?.name ?? 'error'} at ${whereFrom(e)}` });
  return { station, auth, handlers, onInternal };
}

// The message of an unexpected error may quote data it was handling, so only its type and where
// it was thrown go to the log.
function whereFrom(e: unknown): string {
  const line = String((e as Error)?.stack ?? '').split('\n').find((l) => l.trim().startsWith('at '));
  return line ? line.trim().slice(3, 200) : 'unknown place';
}
