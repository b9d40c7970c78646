import type { OperatorCounts, Reconciliation, ShiftReport, VaultFigureName } from '../../../shared/contract/areas/reports';
import type { ReportStore } from './report-store';
import { NO_VAULT, reconcile, yieldOf, type VaultFigures } from './reconcile';
import { mergeReasons } from './charts';

// The reconciliation over a shift: for each batch active in [from, to], the cards that finished
// in the window and the change of its vault figures over the window (figure at `to` minus figure
// just before `from`), then the totals. Per operator: cards finished on runs they started (from
// the log), their decisions, vault entries and sign-offs.
export const UNATTRIBUTED = '(not recorded)';

export interface ShiftInput {
  from: number;
  to: number;
  now: number;
  stationName: string;
  store: ReportStore;
  logHead: { seq: number; hash: string };
  batch(id: string): { productId: string; productName: string; state: 'open' | 'held' | 'closed' };
  /** Per batch, who started a run of it and when, in time order. */
  starts: Map<string, { ts: number; user: string }[]>;
}

/** Change of the vault figures over the window; null when the figure was never recorded by `to`. */
export function vaultDelta(atStart: VaultFigures, atEnd: VaultFigures): VaultFigures {
  const d = (a: number | null, b: number | null) => (b == null ? null : b - (a ?? 0));
  return { issued: d(atStart.issued, atEnd.issued), samples: d(atStart.samples, atEnd.samples), returned: d(atStart.returned, atEnd.returned) };
}

/** Who started the run a card finished in: the last start of its batch at or before the card's time. */
export function attribute(starts: readonly { ts: number; user: string }[] | undefined, at: number): string {
  let who = UNATTRIBUTED;
  for (const s of starts ?? []) {
    if (s.ts > at) break;
    who = s.user;
  }
  return who;
}

export function shiftReport(i: ShiftInput): ShiftReport {
  const { from, to, store } = i;
  const tallies = store.windowTally(from, to);
  const vaultEntries = store.vaultEntriesBetween(from, to);
  const ids = [...new Set([...tallies.keys(), ...vaultEntries.map((v) => v.batchId)])].sort();

  const batches = ids.map((batchId) => {
    const t = tallies.get(batchId) ?? { good: 0, spoiledByReason: [] };
    const v = vaultDelta(from > 0 ? store.vaultAsOf(batchId, from - 1) : NO_VAULT, store.vaultAsOf(batchId, to));
    return { batchId, ...i.batch(batchId), reconciliation: reconcile(t.good, t.spoiledByReason, v), signoffs: store.signoffs(batchId) };
  });
  const total = totalOf(batches.map((b) => b.reconciliation));
  const missingFigures = batches.map((b) => ({ batchId: b.batchId, figures: missingOf(b.reconciliation) })).filter((m) => m.figures.length);

  const ops = new Map<string, OperatorCounts>();
  const op = (u: string) => {
    let o = ops.get(u);
    if (!o) ops.set(u, (o = { username: u, passed: 0, spoiled: 0, decisions: 0, vaultEntries: 0, signoffs: 0 }));
    return o;
  };
  for (const c of store.finishedCards(from, to)) {
    const o = op(attribute(i.starts.get(c.batchId), c.at));
    if (c.good) o.passed++;
    else o.spoiled++;
  }
  for (const [u, n] of store.decisionsBetween(from, to)) op(u).decisions += n;
  for (const v of vaultEntries) op(v.recordedBy).vaultEntries++;
  for (const s of store.signoffsBetween(from, to)) op(s.username).signoffs++;

  return {
    stationName: i.stationName, generatedAt: i.now, from, to, reconciliation: total, batches,
    operators: [...ops.values()].sort((a, b) => a.username.localeCompare(b.username)),
    missingFigures,
    yield: yieldOf(total.good, total.spoiled), logHead: i.logHead,
  };
}

/** The vault figures a reconciliation lacks, in equation order. */
export function missingOf(r: Reconciliation): VaultFigureName[] {
  return (['issued', 'samples', 'returned'] as const).filter((k) => r[FIELD[k]] == null);
}
const FIELD = { issued: 'issuedFromVault', samples: 'samples', returned: 'returnedToVault' } as const;

/**
 * Sums batch reconciliations; balanced only when every batch balances. A figure one batch lacks
 * is missing from the total too: counting it as 0 beside another batch's figure would report a
 * difference that does not exist.
 */
export function totalOf(rs: readonly Reconciliation[]): Reconciliation {
  const sum = (k: 'issuedFromVault' | 'samples' | 'returnedToVault') => (rs.length && rs.every((r) => r[k] != null) ? rs.reduce((s, r) => s + r[k]!, 0) : null);
  const t = reconcile(rs.reduce((s, r) => s + r.good, 0), mergeReasons(rs.map((r) => r.spoiledByReason)), { issued: sum('issuedFromVault'), samples: sum('samples'), returned: sum('returnedToVault') });
  return { ...t, balanced: rs.length > 0 && rs.every((r) => r.balanced) && t.balanced };
}
