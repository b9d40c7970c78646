import { join } from 'node:path';
import { bootStation } from '../boot';
import { startBridge } from '../bridge/server';

// `perso-station serve`: the station with its UI on a loopback port, for a browser.
export async function serve(configPath: string, port: number, staticDir?: string): Promise<void> {
  const b = await bootStation({ configPath, origin: 'bridge' });
  const root = new URL('../..', import.meta.url).pathname;
  const bridge = await startBridge({ handlers: b.handlers, auth: b.auth, events: b.station.events, staticDir: staticDir ?? join(root, 'dist', 'renderer'), port, onInternal: b.onInternal });
  process.stdout.write(`Perso Station is at ${bridge.url}\n`);
  const stop = async () => {
    await bridge.close();
    await b.station.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
