import { loadFloorConfig } from '../floor/config';
import { migrateFloorDatabase, startFloorService } from '../floor/service/serve';

// `perso-station floor migrate|serve`: the floor service's commands. serve runs until SIGINT or
// SIGTERM, then closes its database connections.
export async function runFloor(sub: 'migrate' | 'serve', configPath: string): Promise<number> {
  const cfg = loadFloorConfig(configPath);
  if (sub === 'migrate') {
    const r = await migrateFloorDatabase(cfg);
    process.stdout.write(r.applied.length ? `floor schema migrated to version ${r.version} (applied ${r.applied.join(', ')})\n` : `floor schema already at version ${r.version}\n`);
    return 0;
  }
  const svc = await startFloorService(cfg, (l) => {
    process.stdout.write(`lease of station ${l.stationId} on batch ${l.batchId} expired: ${l.interrupted} card(s) interrupted, awaiting a supervisor\n`);
  });
  process.stdout.write(`floor service running (lease expiry every ${cfg.sweepSeconds} s)\n`);
  return new Promise<number>((resolve) => {
    const end = () => void svc.close().then(() => resolve(0));
    process.once('SIGINT', end);
    process.once('SIGTERM', end);
  });
}
