import { loadFloorConfig } from '../floor/config';
import { migrateFloorDatabase, startFloorService, verifyFloorDatabase } from '../floor/service/serve';

// `perso-station floor migrate|serve|audit verify`: the floor service's commands. serve runs until
// SIGINT or SIGTERM, then closes its database connections. audit verify exits 3 on any break, as
// the station's `audit verify` does.
export async function runFloor(sub: 'migrate' | 'serve' | 'audit', configPath: string): Promise<number> {
  const cfg = loadFloorConfig(configPath);
  if (sub === 'audit') {
    const r = await verifyFloorDatabase(cfg);
    const ev = r.events;
    process.stdout.write(ev.ok ? `floor events intact: ${ev.count} events\n` : `FLOOR EVENTS TAMPERED: ${ev.why}\n`);
    for (const s of r.stations) {
      if (!s.problemCount) {
        process.stdout.write(s.entries ? `station ${s.stationId}: log intact on the floor, entries ${s.firstSeq}–${s.headSeq}\n` : `station ${s.stationId}: no log shipped yet\n`);
        continue;
      }
      for (const p of s.problems) process.stdout.write(`LOG TAMPERED: ${p.message}\n`);
      if (s.problemCount > s.problems.length) process.stdout.write(`station ${s.stationId}: ${s.problemCount - s.problems.length} more problem(s)\n`);
    }
    return r.ok ? 0 : 3;
  }
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
