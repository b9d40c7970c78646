import pg from 'pg';
import { startPostgres, type TestPostgres } from './postgres';
import { migrateFloor } from '../../electron/floor/db/migrate';
import { addServiceLogin, addStation } from '../../electron/floor/db/accounts';
import { intakeBatch } from '../../electron/floor/service/intake';
import { FloorClient } from '../../electron/floor/link/client';
import { RecordVault } from '../../electron/core/store/record-vault';
import { ProductRegistry } from '../../electron/core/products';
import { demoRecords } from '../../electron/wiring/demo';

// A floor for a test file: a real PostgreSQL, the floor's schema migrated by the owner, a
// service login and station logins (each with its own password), and the floor's record key.
export interface TestFloor {
  pg: TestPostgres;
  db: string;
  vault: RecordVault;
  /** The service's connection (a member of floor_service, not the owner). */
  service: pg.Client;
  /** A new service connection (after the server was halted and resumed). */
  reconnectService(): Promise<pg.Client>;
  /** The owner's connection (set-up, and what a test must do behind the service's back). */
  owner: pg.Client;
  station(id: string): FloorClient;
  /** A raw connection as a station's role (for what the client would never send). */
  stationSql(id: string): Promise<pg.Client>;
  /** Takes a batch of n records on the floor for the given stations. */
  intake(batchId: string, n: number, stations: string[]): Promise<void>;
  close(): Promise<void>;
}

export const PRODUCT = { id: 'P1', name: 'Plain', test: true, steps: ['emboss'] as const, layout: { front: [], back: [] }, retries: {}, secureFields: [] };

export function plainProducts(): ProductRegistry {
  const r = new ProductRegistry({ product: () => [], record: () => [] });
  r.add(PRODUCT as never);
  return r;
}

export function batchFile(batchId: string, n: number, start = 1): string {
  return JSON.stringify({ format: 'perso-batch/1', batchId, productId: PRODUCT.id, records: demoRecords(n, null, start) });
}

const password = (id: string) => `st-${id}-secret`;

export async function startFloor(stations: string[], name = 'floor'): Promise<TestFloor> {
  const server = await startPostgres(name);
  const db = 'floor';
  try {
    await server.createDatabase(db);
    const owner = new pg.Client({ connectionString: server.url(db) });
    await owner.connect();
    await migrateFloor(owner);
    await addServiceLogin(owner, 'floor_svc', 'svc-secret');
    for (const s of stations) await addStation(owner, { stationId: s, password: password(s) });
    let service = new pg.Client({ connectionString: server.url(db, 'floor_svc', 'svc-secret') });
    await service.connect();
    // A server halted under a test ends its connections: that is expected, not a crash.
    service.on('error', () => {});
    owner.on('error', () => {});
    const vault = RecordVault.open(':memory:');
    const clients: FloorClient[] = [];
    const raws: pg.Client[] = [];
    const products = plainProducts();
    const floor: TestFloor = {
      pg: server,
      db,
      vault,
      service,
      owner,
      async reconnectService() {
        await service.end().catch(() => {});
        service = new pg.Client({ connectionString: server.url(db, 'floor_svc', 'svc-secret') });
        service.on('error', () => {});
        await service.connect();
        floor.service = service;
        return service;
      },
      station(id) {
        const c = new FloorClient({ connectionString: server.url(db, `floor_st_${id.toLowerCase()}`, password(id)) });
        clients.push(c);
        return c;
      },
      async stationSql(id) {
        const c = new pg.Client({ connectionString: server.url(db, `floor_st_${id.toLowerCase()}`, password(id)) });
        await c.connect();
        raws.push(c);
        return c;
      },
      async intake(batchId, n, st) {
        await intakeBatch({ client: floor.service, vault, products, fileName: `${batchId}.json`, by: 'test:intake', stations: st }, [batchFile(batchId, n)]);
      },
      async close() {
        for (const c of clients) await c.close().catch(() => {});
        for (const c of raws) await c.end().catch(() => {});
        await floor.service.end().catch(() => {});
        await owner.end().catch(() => {});
        await server.stop();
      },
    };
    return floor;
  } catch (e) {
    await server.stop();
    throw e;
  }
}
