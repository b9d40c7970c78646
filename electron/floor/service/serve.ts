import pg from 'pg';
import { floorSsl, type FloorConfig } from '../config';
import { migrateFloor, floorSchemaVersion } from '../db/migrate';
import { FLOOR_MIGRATIONS } from '../db/migrations';
import { expireLeases, type ExpiredLease } from './leases';
import { verifyFloorAudit, type FloorAuditReport } from './audit-verify';

// The floor service's process: for now it keeps the leases honest (expiry every sweepSeconds).
// Intake, the console and the stations' chains join it in later items of issue 15.
export async function migrateFloorDatabase(cfg: FloorConfig): Promise<{ applied: number[]; version: number }> {
  if (!cfg.database.ownerUrl) throw new Error(`floor config ${cfg.path}: database.ownerUrl (the database's owner) is needed to migrate`);
  const c = new pg.Client({ connectionString: cfg.database.ownerUrl, ssl: floorSsl(cfg) });
  await c.connect();
  try {
    const applied = await migrateFloor(c);
    return { applied, version: await floorSchemaVersion(c) };
  } finally {
    await c.end();
  }
}

/** `floor audit verify`: the stations' shipped logs and the floor's events, as the service reads them. */
export async function verifyFloorDatabase(cfg: FloorConfig): Promise<FloorAuditReport> {
  const c = new pg.Client({ connectionString: cfg.database.url, ssl: floorSsl(cfg) });
  await c.connect();
  try {
    return await verifyFloorAudit(c);
  } finally {
    await c.end();
  }
}

export interface FloorService {
  /** One expiry round now (also what the timer runs). */
  sweep(): Promise<ExpiredLease[]>;
  close(): Promise<void>;
}

export async function startFloorService(cfg: FloorConfig, onExpired: (l: ExpiredLease) => void): Promise<FloorService> {
  const pool = new pg.Pool({ connectionString: cfg.database.url, ssl: floorSsl(cfg), max: 2, application_name: 'perso-floor' });
  pool.on('error', () => {});
  const c = await pool.connect();
  try {
    const v = await floorSchemaVersion(c);
    if (v !== FLOOR_MIGRATIONS.length) throw new Error(`the floor database is at schema version ${v}, this program needs ${FLOOR_MIGRATIONS.length}: run perso-station floor migrate --config ${cfg.path}`);
  } finally {
    c.release();
  }
  const sweep = async () => {
    const c = await pool.connect();
    try {
      const gone = await expireLeases(c, 'floor');
      for (const l of gone) onExpired(l);
      return gone;
    } finally {
      c.release();
    }
  };
  let closed = false;
  let round: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    // A round that fails (the database restarting) is tried again at the next tick.
    round = round.then(() => (closed ? [] : sweep())).catch(() => []);
  }, cfg.sweepSeconds * 1000);
  return {
    sweep,
    async close() {
      closed = true;
      clearInterval(timer);
      await round;
      await pool.end();
    },
  };
}
