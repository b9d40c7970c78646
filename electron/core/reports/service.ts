import type { Database } from 'better-sqlite3';
import type { BatchReport, Charts, DeviceHistory, ShiftReport, Signoff, SignoffRole } from '../../../shared/contract/areas/reports';
import type { Counts } from '../../../shared/contract/dto';
import type { Role } from '../auth/permissions';
import type { AuditEntryInput, AuditFilter, AuditPage } from '../audit/types';
import { ConflictError } from '../store/card-store';
import { ReportStore } from './report-store';
import { closingBlockers, equationText, NO_VAULT, reconcile, yieldOf, type VaultFigures } from './reconcile';
import { mergeReasons, throughputBuckets, yieldFigures } from './charts';
import { DEVICE_EVENT_TYPES, deviceHistory, deviceIdOf, type DeviceEvent } from './device-history';
import { shiftReport } from './shift';

// Batch reconciliation, sign-off and closing, shift reports and chart data. It reads the core's
// batches and cards, keeps its own figures in its own tables, and writes every change to the
// station log. Refusals are ConflictError (the API answers CONFLICT) and are logged too.
export interface BatchInfo {
  batch_id: string;
  product_id: string;
  issuer: string | null;
  imported_at: number;
  state: 'open' | 'held' | 'closed';
  record_count: number;
}

export interface ReportDeps {
  db: Database;
  stationName: string;
  productName(productId: string): string;
  /** Throws NotFoundError for an unknown batch. */
  batch(batchId: string): BatchInfo;
  counts(batchId: string): Counts;
  setBatchState(batchId: string, state: 'closed'): void;
  audit: { head(): { seq: number; hash: string }; query(f: AuditFilter): AuditPage; anchor?(): boolean };
  log(e: AuditEntryInput): void;
  devices(): { id: string; name: string }[];
  now?: () => number;
}

export interface Signer {
  username: string;
  displayName: string;
  role: Role;
}

const MAX_LOG_SCAN = 200_000;

export class ReportService {
  readonly store: ReportStore;
  private readonly now: () => number;

  constructor(private readonly d: ReportDeps) {
    this.store = new ReportStore(d.db);
    this.now = d.now ?? Date.now;
  }

  batchReport(batchId: string): BatchReport {
    const b = this.d.batch(batchId);
    const counts = this.d.counts(batchId);
    const tally = this.store.batchTally(batchId);
    const vault = this.store.vault(batchId);
    const rec = reconcile(tally.good, tally.spoiledByReason, vault?.figures ?? NO_VAULT);
    return {
      stationName: this.d.stationName, generatedAt: this.now(),
      batchId: b.batch_id, productId: b.product_id, productName: this.d.productName(b.product_id), issuer: b.issuer, state: b.state,
      importedAt: b.imported_at, recordCount: b.record_count, counts, reconciliation: rec,
      blockers: closingBlockers(b.state, counts, rec, b.batch_id),
      vault: vault ? { recordedBy: vault.recordedBy, recordedAt: vault.recordedAt } : null,
      signoffs: this.store.signoffs(batchId), closedAt: this.store.closing(batchId)?.closedAt ?? null,
      yield: yieldOf(rec.good, rec.spoiled), spoiledCards: this.store.spoiledCards(batchId), logHead: this.d.audit.head(),
    };
  }

  /** Records the operator's vault counts (absolute figures; those not given stay as they were). */
  recordVault(batchId: string, given: Partial<VaultFigures>, by: { username: string; origin: string }, reason: string): BatchReport {
    const b = this.d.batch(batchId);
    const base = { user: by.username, origin: by.origin, resource: `batch:${batchId}`, batchId };
    if (b.state === 'closed') {
      this.d.log({ ...base, type: 'report.vault', severity: 'warn', outcome: 'failure', message: `refused vault figures for batch ${batchId}: the batch is closed` });
      throw new ConflictError(`batch ${batchId} is closed; its vault figures can no longer change`);
    }
    const cur = this.store.vault(batchId)?.figures ?? NO_VAULT;
    const next: VaultFigures = { issued: given.issued ?? cur.issued, samples: given.samples ?? cur.samples, returned: given.returned ?? cur.returned };
    const changed = (Object.keys(next) as (keyof VaultFigures)[]).filter((k) => next[k] !== cur[k]);
    const show = (k: keyof VaultFigures, label: string) => `${label} ${next[k] ?? '?'}${changed.includes(k) && cur[k] != null ? ` (was ${cur[k]})` : ''}`;
    this.store.transaction(() => {
      this.store.recordVault(batchId, next, by.username, this.now(), reason);
      this.d.log({
        ...base, type: 'report.vault', severity: 'info', outcome: 'success',
        message: `${by.username} recorded vault figures for batch ${batchId}: ${show('issued', 'issued from vault')}, ${show('samples', 'samples/test')}, ${show('returned', 'returned to vault')}: ${reason}`,
        data: { issued: next.issued, samples: next.samples, returned: next.returned },
      });
      if (changed.length && this.store.signoffs(batchId).length) {
        const voided = this.store.voidSignoffs(batchId);
        this.d.log({
          ...base, type: 'report.signoff.void', severity: 'warn', outcome: 'success',
          message: `sign-offs of batch ${batchId} voided (${voided.map((s) => `${s.role} ${s.username}`).join(', ')}): the vault figures they signed changed`,
        });
      }
    });
    // The signed head and the head file agree from here on: a log cut back behind either is named.
    this.d.audit.anchor?.();
    return this.batchReport(batchId);
  }

  /**
   * Signs the batch's reconciliation as operator or reviewer, bound to the log head. When both
   * have signed, the batch is closed. The signer's permission and any re-authentication are the
   * caller's business.
   */
  signoff(batchId: string, role: SignoffRole, signer: Signer, origin: string, reauthenticated: boolean): BatchReport {
    const rep = this.batchReport(batchId);
    const base = { user: signer.username, origin, resource: `batch:${batchId}`, batchId };
    const refuse = (why: string): never => {
      this.d.log({ ...base, type: 'report.signoff', severity: 'warn', outcome: 'failure', message: `refused ${role} sign-off of batch ${batchId} by ${signer.username}: ${why}` });
      throw new ConflictError(`cannot sign batch ${batchId} as ${role}: ${why}`);
    };
    if (rep.blockers.length) refuse(rep.blockers.map((x) => x.message).join('; '));
    const same = rep.signoffs.find((s) => s.role === role);
    if (same) refuse(`it is already signed as ${role} by ${same.username}`);
    const other = rep.signoffs.find((s) => s.role !== role);
    if (other && other.username === signer.username) refuse(`${signer.username} already signed it as ${other.role}; operator and reviewer must be two different people`);

    const head = this.d.audit.head();
    const s: Signoff = { role, username: signer.username, displayName: signer.displayName, userRole: signer.role, signedAt: this.now(), logSeq: head.seq, logHash: head.hash, reauthenticated };
    const r = rep.reconciliation;
    this.store.transaction(() => {
      this.store.addSignoff(batchId, s);
      this.d.log({
        ...base, type: 'report.signoff', severity: 'info', outcome: 'success',
        message: `${signer.username} (${signer.role}) signed batch ${batchId} as ${role}${reauthenticated ? ' after re-entering the password' : ''}: ${equationText(r)}; log head ${head.seq} ${head.hash}`,
        data: { role, logSeq: head.seq, logHash: head.hash, issued: r.issuedFromVault, good: r.good, spoiled: r.spoiled, samples: r.samples, returned: r.returnedToVault, reauthenticated },
      });
      if (other) {
        const at = this.now();
        const closeHead = this.d.audit.head();
        this.d.setBatchState(batchId, 'closed');
        this.store.addClosing(batchId, at, closeHead);
        this.d.log({
          ...base, type: 'batch.close', severity: 'info', outcome: 'success',
          message: `batch ${batchId} closed: signed by ${other.username} as ${other.role} and ${signer.username} as ${role}; ${equationText(r)}`,
          data: { logSeq: closeHead.seq, logHash: closeHead.hash },
        });
      }
    });
    // The signed head and the head file agree from here on: a log cut back behind either is named.
    this.d.audit.anchor?.();
    return this.batchReport(batchId);
  }

  shiftReport(from: number, to: number): ShiftReport {
    return shiftReport({
      from, to, now: this.now(), stationName: this.d.stationName, store: this.store, logHead: this.d.audit.head(),
      batch: (id) => {
        const b = this.d.batch(id);
        return { productId: b.product_id, productName: this.d.productName(b.product_id), state: b.state };
      },
      starts: this.runStarts(to),
    });
  }

  charts(from: number, to: number, bucketMinutes: number, batchId?: string): Charts {
    const tallies = [...this.store.windowTally(from, to, batchId).values()];
    const passed = tallies.reduce((s, t) => s + t.good, 0);
    const reasons = mergeReasons(tallies.map((t) => t.spoiledByReason));
    const spoiled = reasons.reduce((s, r) => s + r.count, 0);
    return { from, to, yield: yieldFigures(passed, spoiled), rejectReasons: reasons, throughput: throughputBuckets(from, to, bucketMinutes * 60_000, this.store.finishedCards(from, to, batchId)) };
  }

  deviceHistory(from: number, to: number): DeviceHistory {
    const toEvent = (e: { ts: number; type: string; resource: string | null; message: string }): DeviceEvent[] => {
      const id = deviceIdOf(e.resource);
      return id && (DEVICE_EVENT_TYPES as readonly string[]).includes(e.type) ? [{ ts: e.ts, type: e.type as DeviceEvent['type'], deviceId: id, message: e.message }] : [];
    };
    // The state each device was in when the window opened: its last event before `from`.
    const before = from > 0 ? this.d.audit.query({ type: [...DEVICE_EVENT_TYPES], to: from - 1, order: 'desc', limit: 1000 }).rows.reverse().flatMap(toEvent) : [];
    const events = this.scanLog({ type: [...DEVICE_EVENT_TYPES], from, to }).flatMap(toEvent);
    return deviceHistory({ from, to, now: this.now(), devices: this.d.devices(), before, events });
  }

  /** Who started each batch run, from the log ('engine.command' entries), in time order. */
  private runStarts(to: number): Map<string, { ts: number; user: string }[]> {
    const m = new Map<string, { ts: number; user: string }[]>();
    for (const e of this.scanLog({ type: 'engine.command', to })) {
      if (!e.batchId || !e.user || !e.message.startsWith('start')) continue;
      let l = m.get(e.batchId);
      if (!l) m.set(e.batchId, (l = []));
      l.push({ ts: e.ts, user: e.user });
    }
    return m;
  }

  private scanLog(f: AuditFilter): AuditPage['rows'] {
    const out: AuditPage['rows'] = [];
    let after: number | undefined;
    for (;;) {
      const page = this.d.audit.query({ ...f, order: 'asc', limit: 1000, afterSeq: after });
      out.push(...page.rows);
      if (page.nextCursor == null || out.length >= MAX_LOG_SCAN) return out;
      after = page.nextCursor;
    }
  }
}
