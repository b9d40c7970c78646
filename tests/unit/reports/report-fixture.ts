import { AuditLog } from '../../../electron/core/audit/log';
import { ReportService } from '../../../electron/core/reports/service';
import type { CardStore } from '../../../electron/core/store/card-store';
import { makeStore, record } from '../../support/core-fixture';

// A report service over a real SQLite store and audit log, with a settable clock, and helpers
// that drive cards through their states the way the engine and the supervisor do.
export const T0 = Date.UTC(2025, 0, 6, 6, 0, 0);
export const MIN = 60_000;

export function reportSetup(batches: Record<string, number> = { B1: 6 }) {
  const store = makeStore();
  const clock = { now: T0 };
  const audit = new AuditLog(store.db, { now: () => clock.now });
  // The store stamps updated_at with Date.now; tests that need times set them with `at`.
  for (const [batchId, n] of Object.entries(batches)) {
    store.importBatch({ header: { format: 'perso-batch/1', batchId, productId: 'P' }, records: Array.from({ length: n }, (_, i) => record(i + 1)) } as never, `${batchId}.json`, 'operator');
  }
  const svc = new ReportService({
    db: store.db, stationName: 'Line 1', productName: (id) => (id === 'P' ? 'Product P' : id),
    batch: (id) => store.batch(id), counts: (id) => store.counts(id), setBatchState: (id, s) => store.setBatchState(id, s),
    audit, log: (e) => audit.append(e), devices: () => [{ id: 'encoder', name: 'Stripe encoder' }], now: () => clock.now,
  });
  return { store, audit, svc, clock, ...cardOps(store) };
}

export function cardOps(store: CardStore) {
  const ids = (batchId: string) => store.page({ batchId, offset: 0, limit: 1000 }).rows.filter((c) => c.state === 'queued').map((c) => c.id);
  const at = (id: number, ts: number) => store.db.prepare('UPDATE cards SET updated_at = ? WHERE id = ?').run(ts, id);
  return {
    queuedIds: ids,
    pass(id: number, ts?: number) {
      store.transition(id, 'in_progress', { step: 'chip' });
      store.transition(id, 'passed', { step: null });
      if (ts != null) at(id, ts);
    },
    fail(id: number, reason: string, ts?: number) {
      store.transition(id, 'in_progress', { step: 'magstripe' });
      store.transition(id, 'failed', { reason, message: 'write error' });
      if (ts != null) at(id, ts);
    },
    decide(id: number, decision: 'reject' | 'rework', by = 'supervisor', ts?: number) {
      const r = store.decide(id, decision, by, 'inspected');
      if (ts != null) at(id, ts);
      return r.newCard?.id ?? null;
    },
    at,
  };
}

export const signer = {
  operator: { username: 'olga', displayName: 'Olga Operator', role: 'operator' as const },
  supervisor: { username: 'sam', displayName: 'Sam Supervisor', role: 'supervisor' as const },
  supervisor2: { username: 'sue', displayName: 'Sue Supervisor', role: 'supervisor' as const },
};
