import type pg from 'pg';
import { CHAIN_TAG, GENESIS_HASH, sha256HexBytes } from '../../core/audit/chain';
import { entriesIntact } from '../../core/audit/chunk-check';
import { verifyFloorEvents } from './events';

// `perso-station floor audit verify` (issue 15 item 3): every station's chain as shipped to the
// floor, checked entry by entry with the station's own rules (framing, seq, link to the entry
// before, hash of the bytes), each break named by station and entry; the copies against the
// heads the floor's events anchored at each shipment (a copy cut short, or rows removed behind
// the triggers' back, is named with the anchor that proves it); and the floor's own event chain.
export type AuditProblemKind = 'missing' | 'changed' | 'inserted';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface StationAudit {
  stationId: string;
  entries: number;
  firstSeq: number | null;
  headSeq: number | null;
  /** The first MAX_PROBLEMS problems in seq order; problemCount counts them all. */
  problems: AuditProblem[];
  problemCount: number;
}

export interface FloorAuditReport {
  ok: boolean;
  events: Awaited<ReturnType<typeof verifyFloorEvents>>;
  stations: StationAudit[];
}

const PAGE = 5000;
const MAX_PROBLEMS = 20;
const TAG_BYTES = Buffer.byteLength(CHAIN_TAG);

interface Anchor {
  event: number;
  atMs: number;
  from: number;
  to: number;
  hash: string;
}

/** The link an entry's bytes end with (`,"<64 hex>"]`); entriesIntact checks the framing. */
function linkOf(canon: Buffer): string {
  return canon.length >= 68 ? canon.toString('latin1', canon.length - 66, canon.length - 2) : '';
}

function range(a: number, b: number): string {
  return a === b ? `entry ${a} is` : `entries ${a}–${b} are`;
}

async function checkStation(c: pg.ClientBase, stationId: string, anchors: Anchor[]): Promise<StationAudit> {
  const out: StationAudit = { stationId, entries: 0, firstSeq: null, headSeq: null, problems: [], problemCount: 0 };
  const add = (seq: number, kind: AuditProblemKind, message: string) => {
    out.problemCount++;
    if (out.problems.length < MAX_PROBLEMS) out.problems.push({ seq, kind, message: `station ${stationId}: ${message}` });
  };
  const hashAt = new Map<number, string>();
  const anchored = new Set(anchors.map((a) => a.to));
  let prev: string | null = null;
  let expect: number | null = null;
  let after = 0;
  for (;;) {
    const r = await c.query<{ seq: string; canon: Buffer; hash: string }>(
      'SELECT seq, canon, hash FROM floor.station_audit WHERE station_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [stationId, after, PAGE]);
    for (const row of r.rows) {
      const seq = Number(row.seq);
      out.entries++;
      out.firstSeq ??= seq;
      if (expect !== null && seq !== expect) {
        add(expect, 'missing', `${range(expect, seq - 1)} missing from the floor's copy`);
        prev = null;
      }
      // The station's own check of one entry (framing, its seq, hash of its bytes), linked to the
      // link it names; whether that link is the entry before is asked apart, to name the break.
      const link = linkOf(row.canon);
      if (!entriesIntact(row.canon, String(row.canon.length), row.hash, seq, link, TAG_BYTES, sha256HexBytes)) {
        add(seq, 'changed', `entry ${seq} was changed: its bytes are not entry ${seq} with its recorded hash`);
      } else if (prev !== null && link !== prev) add(seq, 'inserted', `entry ${seq} does not follow entry ${seq - 1}: an entry was put in or replaced there`);
      else if (seq === 1 && link !== GENESIS_HASH) add(seq, 'inserted', 'entry 1 does not start a log');
      if (anchored.has(seq)) hashAt.set(seq, row.hash);
      prev = row.hash;
      expect = seq + 1;
      out.headSeq = seq;
    }
    if (r.rows.length < PAGE) break;
    after = Number(r.rows[r.rows.length - 1].seq);
  }
  // What the floor's events say was shipped: it must all be here, as it was received.
  const newest = anchors.reduce<Anchor | null>((m, a) => (!m || a.to > m.to ? a : m), null);
  const first = anchors.reduce<number | null>((m, a) => (m === null || a.from < m ? a.from : m), null);
  const when = (a: Anchor) => `${new Date(a.atMs).toISOString().replace('T', ' ').slice(0, 19)} UTC (floor event ${a.event})`;
  if (newest && (out.headSeq ?? 0) < newest.to) {
    add((out.headSeq ?? 0) + 1, 'missing', `${range((out.headSeq ?? 0) + 1, newest.to)} missing: the floor received up to entry ${newest.to} on ${when(newest)}`);
  }
  if (first !== null && out.firstSeq !== null && out.firstSeq > first) {
    add(first, 'missing', `${range(first, out.firstSeq - 1)} missing: shipping started at entry ${first}`);
  }
  for (const a of anchors) {
    const have = hashAt.get(a.to);
    if (have !== undefined && have !== a.hash) add(a.to, 'changed', `entry ${a.to} is not the entry the floor received on ${when(a)}`);
  }
  out.problems.sort((x, y) => x.seq - y.seq);
  return out;
}

export async function verifyFloorAudit(c: pg.ClientBase): Promise<FloorAuditReport> {
  const events = await verifyFloorEvents(c);
  const ev = await c.query<{ seq: string; at_ms: string; station_id: string; detail: string }>(
    "SELECT seq, at_ms, station_id, detail FROM floor.events WHERE kind = 'audit.shipped' ORDER BY seq");
  const anchors = new Map<string, Anchor[]>();
  for (const e of ev.rows) {
    let d: { from?: unknown; to?: unknown; hash?: unknown };
    try {
      d = JSON.parse(e.detail);
    } catch {
      continue;
    }
    if (typeof d.from !== 'number' || typeof d.to !== 'number' || typeof d.hash !== 'string') continue;
    const list = anchors.get(e.station_id) ?? [];
    list.push({ event: Number(e.seq), atMs: Number(e.at_ms), from: d.from, to: d.to, hash: d.hash });
    anchors.set(e.station_id, list);
  }
  const ids = (await c.query<{ station_id: string }>('SELECT station_id FROM floor.stations ORDER BY station_id')).rows.map((r) => r.station_id);
  const stations: StationAudit[] = [];
  for (const id of ids) stations.push(await checkStation(c, id, anchors.get(id) ?? []));
  return { ok: events.ok && stations.every((s) => s.problemCount === 0), events, stations };
}
