import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemo } from '../../electron/cli/demo';
import { bootStation, type Booted } from '../../electron/boot';
import { startBridge } from '../../electron/bridge/server';

// A whole station for browser and API tests: an isolated data directory with the demo config
// on in-process simulators, the core, and the bridge on a free loopback port serving
// dist/renderer (build it first). Each test gets its own.
export interface StationFixture {
  url: string;
  dataDir: string;
  core: Booted;
  credentials: Awaited<ReturnType<typeof writeDemo>>['credentials'];
  sampleBatchPath: string;
  close(): Promise<void>;
}

export async function startStationFixture(opts: { importSample?: boolean; cards?: number; timeScale?: number } = {}): Promise<StationFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'perso-station-'));
  const demo = await writeDemo({ dir: dataDir, importSample: opts.importSample ?? false, cards: opts.cards, timeScale: opts.timeScale ?? 0 });
  const core = await bootStation({ configPath: demo.configPath, origin: 'bridge' });
  const root = new URL('../..', import.meta.url).pathname;
  const bridge = await startBridge({ handlers: core.handlers, auth: core.auth, events: core.station.events, staticDir: join(root, 'dist', 'renderer'), onInternal: core.onInternal });
  return {
    url: bridge.url,
    dataDir,
    core,
    credentials: JSON.parse(readFileSync(join(dataDir, 'demo-users.json'), 'utf8')),
    sampleBatchPath: demo.batchPath,
    async close() {
      await bridge.close();
      await core.station.close();
    },
  };
}
