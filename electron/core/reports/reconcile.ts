import type { Blocker, Reconciliation } from '../../../shared/contract/areas/reports';
import type { Counts } from '../../../shared/contract/dto';

// The reconciliation equation and the rules that block closing a batch, as pure functions:
//   issued from the vault = good + spoiled (by reason) + samples/test + returned to the vault
// Good and spoiled come from the station; the other three are counted by the operator.

export interface VaultFigures {
  issued: number | null;
  samples: number | null;
  returned: number | null;
}

export interface ReasonCount {
  reason: string;
  count: number;
}

export const NO_VAULT: VaultFigures = { issued: null, samples: null, returned: null };

export function sortReasons(m: Map<string, number>): ReasonCount[] {
  return [...m].filter(([, n]) => n > 0).map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export function reconcile(good: number, spoiledByReason: readonly ReasonCount[], v: VaultFigures): Reconciliation {
  const spoiled = spoiledByReason.reduce((s, r) => s + r.count, 0);
  const accounted = good + spoiled + (v.samples ?? 0) + (v.returned ?? 0);
  const difference = v.issued == null ? null : v.issued - accounted;
  const complete = v.issued != null && v.samples != null && v.returned != null;
  return {
    issuedFromVault: v.issued, samples: v.samples, returnedToVault: v.returned,
    good, spoiled, spoiledByReason: spoiledByReason.map((r) => ({ ...r })), accounted, difference,
    balanced: complete && difference === 0,
  };
}

const n = (x: number | null) => (x == null ? '?' : String(x));
const plural = (k: number, one: string, many = one + 's') => `${k} ${k === 1 ? one : many}`;

/** "issued 12 = good 11 + spoiled 1 + samples 0 + returned 0 (= 12)". */
export function equationText(r: Reconciliation): string {
  const rhs = `good ${r.good} + spoiled ${r.spoiled} + samples/test ${n(r.samples)} + returned to vault ${n(r.returnedToVault)}`;
  const eq = r.difference === 0 ? '=' : r.difference == null ? '=?' : '≠';
  return `issued from vault ${n(r.issuedFromVault)} ${eq} ${rhs} (= ${r.accounted})`;
}

/** What the difference means, in words: "2 cards missing", "1 card more accounted than issued". */
export function differenceText(d: number | null): string {
  if (d == null) return 'issued from vault not recorded';
  if (d === 0) return 'balanced';
  return d > 0 ? `${plural(d, 'card')} missing (issued but not accounted for)` : `${plural(-d, 'card')} more accounted for than issued`;
}

/** Why a batch cannot be signed off and closed now; empty when it can. */
export function closingBlockers(state: 'open' | 'held' | 'closed', counts: Counts, r: Reconciliation, batchId?: string): Blocker[] {
  const out: Blocker[] = [];
  if (state === 'closed') out.push({ code: 'CLOSED', message: 'the batch is already closed' });
  const pending = counts.queued + counts.held + counts.inProgress;
  if (pending > 0) {
    const parts = [counts.queued && `${counts.queued} queued`, counts.held && `${counts.held} held`, counts.inProgress && `${counts.inProgress} in progress`].filter(Boolean);
    out.push({ code: 'CARDS_PENDING', message: `${plural(pending, 'card')} not finished (${parts.join(', ')}): finish the batch first` });
  }
  if (counts.failed > 0) out.push({ code: 'CARDS_UNDECIDED', message: `${plural(counts.failed, 'failed card')} ${counts.failed === 1 ? 'waits' : 'wait'} for a supervisor's decision (reject or rework)` });
  const missing = [r.issuedFromVault == null && 'issued from vault', r.samples == null && 'samples/test', r.returnedToVault == null && 'returned to vault'].filter(Boolean);
  if (missing.length) out.push({ code: 'VAULT_NOT_RECORDED', message: `${batchId ? `batch ${batchId}: ` : ''}vault figures not recorded: ${missing.join(', ')}` });
  else if (r.difference !== 0) out.push({ code: 'MISMATCH', message: `the cards do not reconcile, difference ${r.difference! > 0 ? '+' : ''}${r.difference}: ${differenceText(r.difference)}; ${equationText(r)}` });
  return out;
}

/** passed / processed, where processed counts every physical card that finished (good or spoiled). */
export function yieldOf(passed: number, spoiled: number): number | null {
  const processed = passed + spoiled;
  return processed ? passed / processed : null;
}
