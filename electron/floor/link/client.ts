import pg from 'pg';

// A station's connection to the floor's PostgreSQL, under the station's own login role: what it
// may do is what the database lets that role do (electron/floor/db/migrations.ts). It claims
// the next records of a batch in a lease (SELECT … FOR UPDATE SKIP LOCKED: stations claiming at
// once never wait for nor take each other's rows), renews its leases, and delivers results,
// each with its own id, so a re-sent result is a no-op (ON CONFLICT DO NOTHING).
export interface ClaimedCard {
  batchId: string;
  recordIndex: number;
  recordId: string;
  maskedPan: string;
  attempt: number;
  /** The record as the floor sealed it (AAD "batch/index"). */
  sealed: Buffer;
}

export interface Lease {
  leaseId: string;
  batchId: string;
  expiresAt: Date;
  cards: ClaimedCard[];
}

export interface FloorResult {
  resultId: string;
  leaseId: string;
  batchId: string;
  recordIndex: number;
  attempt: number;
  outcome: 'passed' | 'failed';
  reason: string | null;
  doneAt: Date;
}

/** What the delivery loop needs of the floor (a fake in unit tests, FloorClient for real). */
export interface FloorPort {
  deliver(results: readonly FloorResult[]): Promise<number>;
  renew(leaseId: string): Promise<Date | null>;
}

export interface FloorClientOptions {
  /** postgres://station-role:password@host:port/db (TLS options ride in `ssl`). */
  connectionString: string;
  ssl?: pg.PoolConfig['ssl'];
  /** Connections this station keeps (a claim and a delivery may run at once). */
  max?: number;
  connectionTimeoutMillis?: number;
}

export class FloorClient implements FloorPort {
  private readonly pool: pg.Pool;

  constructor(o: FloorClientOptions) {
    this.pool = new pg.Pool({ connectionString: o.connectionString, ssl: o.ssl, max: o.max ?? 2, connectionTimeoutMillis: o.connectionTimeoutMillis ?? 5000, application_name: 'perso-station' });
    // An idle connection the server dropped must not crash the station: the next call reconnects.
    this.pool.on('error', () => {});
  }

  private async tx<T>(f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await f(c);
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  /** Up to `n` queued records of the batch in a new lease; null when none is left to claim. */
  claim(batchId: string, n: number): Promise<Lease | null> {
    return this.tx(async (c) => {
      const l = await c.query<{ lease_id: string; expires_at: Date }>('INSERT INTO floor.leases (batch_id) VALUES ($1) RETURNING lease_id, expires_at', [batchId]);
      const { lease_id: leaseId, expires_at: expiresAt } = l.rows[0];
      const cards = await c.query<{ record_index: number; record_id: string; masked_pan: string; attempt: number }>(
        `WITH next AS (
           SELECT batch_id, record_index FROM floor.cards
            WHERE batch_id = $1 AND state = 'queued' AND station_id IS NULL
            ORDER BY record_index LIMIT $2 FOR UPDATE SKIP LOCKED)
         UPDATE floor.cards c SET state = 'leased', station_id = floor.my_station(), lease_id = $3
           FROM next WHERE c.batch_id = next.batch_id AND c.record_index = next.record_index
         RETURNING c.record_index, c.record_id, c.masked_pan, c.attempt`,
        [batchId, n, leaseId],
      );
      if (!cards.rowCount) throw new NothingToClaim();
      const sealed = await c.query<{ record_index: number; sealed: Buffer }>('SELECT record_index, sealed FROM floor.records WHERE batch_id = $1 AND record_index = ANY($2::int[])', [batchId, cards.rows.map((r) => r.record_index)]);
      const byIndex = new Map(sealed.rows.map((r) => [r.record_index, r.sealed]));
      const out = cards.rows
        .map((r) => ({ batchId, recordIndex: r.record_index, recordId: r.record_id, maskedPan: r.masked_pan, attempt: r.attempt, sealed: byIndex.get(r.record_index)! }))
        .sort((a, b) => a.recordIndex - b.recordIndex);
      return { leaseId, batchId, expiresAt, cards: out };
    }).catch((e) => {
      if (e instanceof NothingToClaim) return null;
      throw e;
    });
  }

  /** The lease's new end, or null when it is no longer this station's to renew (it expired). */
  async renew(leaseId: string): Promise<Date | null> {
    const r = await this.pool.query<{ expires_at: Date }>('UPDATE floor.leases SET expires_at = now() WHERE lease_id = $1 RETURNING expires_at', [leaseId]);
    return r.rows[0]?.expires_at ?? null;
  }

  /** Delivers results in one transaction; returns how many were new to the floor. */
  deliver(results: readonly FloorResult[]): Promise<number> {
    if (!results.length) return Promise.resolve(0);
    return this.tx(async (c) => {
      const r = await c.query(
        `INSERT INTO floor.results (result_id, lease_id, batch_id, record_index, attempt, outcome, reason, done_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::timestamptz[])
         ON CONFLICT (result_id) DO NOTHING`,
        [
          results.map((x) => x.resultId),
          results.map((x) => x.leaseId),
          results.map((x) => x.batchId),
          results.map((x) => x.recordIndex),
          results.map((x) => x.attempt),
          results.map((x) => x.outcome),
          results.map((x) => x.reason),
          results.map((x) => x.doneAt),
        ],
      );
      return r.rowCount ?? 0;
    });
  }

  /** The newest entry of this station's chain on the floor (seq, hash), or null when none was shipped. */
  async auditHead(): Promise<ShippedEntry | null> {
    const r = await this.pool.query<{ seq: string; hash: string }>('SELECT seq, hash FROM floor.station_audit WHERE station_id = floor.my_station() ORDER BY seq DESC LIMIT 1');
    return r.rows[0] ? { seq: Number(r.rows[0].seq), hash: r.rows[0].hash } : null;
  }

  /** Ships audit entries of this station in one statement; returns how many were new to the floor. */
  async shipAudit(entries: readonly AuditEntryBytes[]): Promise<number> {
    if (!entries.length) return 0;
    const r = await this.pool.query(
      `INSERT INTO floor.station_audit (seq, canon, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::text[])
       ON CONFLICT (station_id, seq) DO NOTHING`,
      [entries.map((e) => e.seq), entries.map((e) => e.canon), entries.map((e) => e.hash)],
    );
    return r.rowCount ?? 0;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

export interface ShippedEntry {
  seq: number;
  hash: string;
}

/** One entry of a station's chain as its store holds it: the hashed bytes and their hash. */
export interface AuditEntryBytes extends ShippedEntry {
  canon: Buffer;
}

class NothingToClaim extends Error {}
