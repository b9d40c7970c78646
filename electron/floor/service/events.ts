import { createHash } from 'node:crypto';
import type pg from 'pg';

// The floor's own events (intake, leases, expiry, decisions). The database chains them (trigger
// floor.chain_event); this module writes one and checks the chain by recomputing every hash
// with the same fields in the same order.
export interface FloorEventInput {
  actor: string;
  kind: string;
  batchId?: string | null;
  stationId?: string | null;
  detail?: Record<string, unknown>;
}

export interface FloorEvent {
  seq: number;
  atMs: number;
  dbUser: string;
  actor: string;
  kind: string;
  batchId: string | null;
  stationId: string | null;
  detail: string;
  prevHash: string;
  hash: string;
}

export async function logFloorEvent(c: pg.ClientBase, e: FloorEventInput): Promise<void> {
  await c.query('INSERT INTO floor.events (actor, kind, batch_id, station_id, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, \'\', \'\')', [e.actor, e.kind, e.batchId ?? null, e.stationId ?? null, JSON.stringify(e.detail ?? {})]);
}

export function eventHash(e: Omit<FloorEvent, 'hash'>): string {
  const text = [e.prevHash, String(e.seq), String(e.atMs), e.dbUser, e.actor, e.kind, e.batchId ?? '', e.stationId ?? '', e.detail].join('|');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export async function readFloorEvents(c: pg.ClientBase, fromSeq = 1, limit = 10_000): Promise<FloorEvent[]> {
  const r = await c.query(
    'SELECT seq::int, at_ms::float8 AS "atMs", db_user AS "dbUser", actor, kind, batch_id AS "batchId", station_id AS "stationId", detail, prev_hash AS "prevHash", hash FROM floor.events WHERE seq >= $1 ORDER BY seq LIMIT $2',
    [fromSeq, limit],
  );
  return r.rows as FloorEvent[];
}

/** The first break in the floor's chain (a changed, missing or reordered event), or null. */
export async function verifyFloorEvents(c: pg.ClientBase): Promise<{ ok: true; count: number } | { ok: false; seq: number; why: string }> {
  let prev = '0'.repeat(64);
  let expect = 1;
  for (;;) {
    const page = await readFloorEvents(c, expect);
    for (const e of page) {
      if (e.seq !== expect) return { ok: false, seq: expect, why: `event ${expect} is missing` };
      if (e.prevHash !== prev) return { ok: false, seq: e.seq, why: `event ${e.seq} does not follow event ${e.seq - 1}` };
      if (eventHash(e) !== e.hash) return { ok: false, seq: e.seq, why: `event ${e.seq} was changed after it was written` };
      prev = e.hash;
      expect++;
    }
    if (page.length < 10_000) return { ok: true, count: expect - 1 };
  }
}
