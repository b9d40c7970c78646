import type { SessionInfo } from '../../../shared/contract/dto';
import type { AuthPort, Connection, Handlers } from './types';
import type { Station } from '../station';
import { toCardRow } from '../store/card-store';
import { toLogEntry } from '../station';
import { importBatch, type ImportProgress } from '../batch/import';
import { ImportService } from '../batch/import-service';
import { redactText } from '../../../shared/domain/redact';
import { join } from 'node:path';
import { CallRefused } from './dispatch';
import { renderPreview } from './preview';
import { setGood } from './set-good';
import type { AreaDeps } from './area';
import { reportsHandlers } from './areas/reports';
import { keysHandlers } from './areas/keys';
import { manualHandlers } from './areas/manual';
import { recoveryHandlers } from './areas/recovery';
import { productsHandlers } from './areas/products';
import { devicesHandlers } from './areas/devices';

// The station's API, one handler per contract call. Each handler first asks the session for
// the permission its action needs: a call the role may not make is refused here, in the core,
// and the refusal is logged — hiding a button is never the only guard.
export type { AuthPort, Connection, Handlers, SessionUser } from './types';


export function createHandlers(station: Station, auth: AuthPort, progress: (taskId: string, label: string, done: number, total: number) => void): Handlers {
  const sessionInfo = (conn: Connection): SessionInfo => ({
    user: auth.current(conn.sessionId),
    needsBootstrap: !auth.hasUsers(),
    testKeys: station.products.list().some((p) => p.test),
    stationName: station.config.stationName,
  });
  // Refusals for want of a session are logged too (invalid access attempts), at most once a
  // minute per connection so a flood cannot swamp the log; the auth service logs role refusals.
  const lastNoSession = new Map<string, number>();
  const need = (conn: Connection, action: string) => {
    try {
      return auth.authorize(conn.sessionId, action, conn.origin);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if ((code === 'NO_SESSION' || code === 'SESSION_EXPIRED') && Date.now() - (lastNoSession.get(conn.id) ?? 0) > 60_000) {
        lastNoSession.set(conn.id, Date.now());
        station.log({ type: 'auth.refused', severity: 'warn', outcome: 'failure', origin: conn.origin, resource: `action:${action}`, message: `refused ${action}: ${code === 'NO_SESSION' ? 'not logged in' : 'session expired'}` });
      }
      throw e;
    }
  };
  const counted = () => station.engine.status();
  // Imports run in a worker thread beside this one; a memory database (tests) imports in-process.
  const importService = station.db.memory || !station.db.name
    ? null
    : new ImportService({ dbPath: station.db.name, keyPath: join(station.config.dataDirAbs, 'record.key'), durability: station.config.durability, products: () => station.products.list(), refusal: (p) => station.productRefusal(p) });
  const imports = (fileName: string, content: string, by: string, taskId: string, onProgress: (p: ImportProgress) => void) =>
    importService ? importService.importText(taskId, fileName, content, by, onProgress) : importBatch({ store: station.store, products: station.products }, fileName, content, by, onProgress);
  const area: AreaDeps = { station, auth, need, progress };

  return {
    ...reportsHandlers(area),
    ...keysHandlers(area),
    ...manualHandlers(area),
    ...devicesHandlers(area),
    ...recoveryHandlers(area),
    ...productsHandlers(area),
    'session.status': (_i, conn) => sessionInfo(conn),
    'session.login': (i, conn) => {
      const s = auth.login(i.username, i.password, conn.origin);
      conn.sessionId = s.sessionId;
      return sessionInfo(conn);
    },
    'session.logout': (_i, conn) => {
      if (conn.sessionId) auth.logout(conn.sessionId, conn.origin);
      conn.sessionId = null;
      return sessionInfo(conn);
    },
    'session.bootstrap': (i, conn) => {
      if (auth.hasUsers()) throw new CallRefused('CONFLICT', 'the station already has users; ask an administrator for an account');
      const s = auth.bootstrap(i, conn.origin);
      conn.sessionId = s.sessionId;
      return sessionInfo(conn);
    },

    'products.list': (_i, conn) => {
      need(conn, 'batch.run');
      return station.products.list().map((p) => ({ id: p.id, name: p.name, test: p.test, steps: p.steps }));
    },

    'batches.list': (_i, conn) => {
      need(conn, 'batch.run');
      return station.store.listBatches((id) => (station.products.has(id) ? station.products.get(id).name : id));
    },
    'batches.import': async (i, conn) => {
      const user = need(conn, 'batch.import');
      const taskId = `import:${Date.now()}`;
      const label = `Importing ${redactText(i.fileName, 80)}`;
      const onProgress = (p: ImportProgress) => station.events.emit('task.progress', { taskId, label, done: p.checked, total: p.total, finished: p.finished, rate: p.rate, etaMs: p.etaMs, cancellable: !p.finished });
      try {
        const r = await imports(i.fileName, i.content, user.username, taskId, onProgress);
        station.log({ type: 'batch.import', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: `batch:${r.batchId}`, batchId: r.batchId, message: `imported batch ${r.batchId} (${r.records} records, product ${r.productId}) from ${redactText(i.fileName, 80)}` });
        return { batchId: r.batchId, records: r.records };
      } catch (e) {
        station.events.emit('task.progress', { taskId, label, done: 0, total: 0, finished: true });
        station.log({ type: 'batch.import', severity: 'warn', outcome: 'failure', user: user.username, origin: conn.origin, resource: `file:${redactText(i.fileName, 80)}`, message: `refused batch file ${redactText(i.fileName, 80)}: ${redactText((e as Error).message.split('\n')[0], 300)}` });
        throw e;
      }
    },
    'batches.importCancel': (i, conn) => {
      need(conn, 'batch.import');
      return { cancelled: importService?.cancel(i.taskId) ?? false };
    },
    'batches.hold': (i, conn) => {
      // Holding is the operator's; lifting a hold is a decision, the supervisor's.
      const user = need(conn, i.hold ? 'card.hold' : 'card.decide');
      if (station.store.batch(i.batchId).state === 'closed') throw new CallRefused('CONFLICT', `batch ${i.batchId} is closed and signed off; it cannot be held or reopened`);
      if (i.hold && station.engine.running && station.engine.status().batchId === i.batchId) throw new CallRefused('CONFLICT', `batch ${i.batchId} is running; pause or stop it first`);
      station.store.setBatchState(i.batchId, i.hold ? 'held' : 'open');
      station.log({ type: i.hold ? 'batch.hold' : 'batch.release', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: `batch:${i.batchId}`, batchId: i.batchId, message: `${i.hold ? 'held' : 'released'} batch ${i.batchId}: ${i.reason}` });
      return { ok: true as const };
    },

    'queue.page': (i, conn) => {
      need(conn, 'batch.run');
      const r = station.store.page(i);
      return { total: r.total, rows: r.rows.map((c) => toCardRow(c)) };
    },
    'queue.counts': (i, conn) => {
      need(conn, 'batch.run');
      return station.store.counts(i.batchId);
    },

    'engine.status': (_i, conn) => {
      need(conn, 'batch.run');
      return counted();
    },
    'engine.start': (i, conn) => {
      const user = need(conn, 'engine.control');
      const entry = { type: 'engine.command', user: user.username, origin: conn.origin, resource: `batch:${i.batchId}`, batchId: i.batchId };
      try {
        const s = station.engine.start(i.batchId);
        station.log({ ...entry, severity: 'info', outcome: 'success', message: `start batch ${i.batchId}` });
        return s;
      } catch (e) {
        station.log({ ...entry, severity: 'warn', outcome: 'failure', message: `start batch ${i.batchId} refused: ${(e as Error).message}` });
        throw new CallRefused('CONFLICT', (e as Error).message);
      }
    },
    'engine.pause': (_i, conn) => (need(conn, 'engine.control'), station.engine.pause()),
    'engine.resume': (_i, conn) => (need(conn, 'engine.control'), station.engine.resume()),
    'engine.stop': (_i, conn) => (need(conn, 'engine.control'), station.engine.stop()),
    'engine.estop': (_i, conn) => (need(conn, 'engine.control'), station.engine.emergencyStop()),

    'cards.decide': (i, conn) => {
      const user = need(conn, 'card.decide');
      if (i.decision === 'good') return setGood(station, i.cardId, i.reason, user.username, conn.origin);
      const r = station.store.decide(i.cardId, i.decision, user.username, i.reason);
      const c = r.card;
      station.log({
        type: `card.${i.decision}`, severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: `card:${c.id}`, batchId: c.batch_id, cardId: c.id, recordId: c.record_id, maskedPan: c.masked_pan,
        message: `${user.username} decided ${i.decision} for card ${c.record_id} (attempt ${c.attempt}): ${i.reason}${r.newCard ? `; queued again as card ${r.newCard.id}` : ''}`,
      });
      station.events.emit('card.updated', toCardRow(c));
      if (r.newCard) station.events.emit('card.updated', toCardRow(r.newCard));
      station.engine.refreshCounts();
      return toCardRow(c);
    },
    'cards.hold': (i, conn) => {
      const user = need(conn, i.hold ? 'card.hold' : 'card.decide');
      const c = station.store.transition(i.cardId, i.hold ? 'held' : 'queued');
      station.log({ type: i.hold ? 'card.hold' : 'card.release', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: `card:${c.id}`, batchId: c.batch_id, cardId: c.id, recordId: c.record_id, maskedPan: c.masked_pan, message: `${i.hold ? 'held' : 'released'} card ${c.record_id}: ${i.reason}` });
      station.events.emit('card.updated', toCardRow(c));
      station.engine.refreshCounts();
      return toCardRow(c);
    },
    'cards.preview': (i, conn) => {
      const user = need(conn, i.reveal ? 'pan.reveal' : 'batch.run');
      const c = station.store.card(i.cardId);
      if (i.reveal)
        station.log({ type: 'pan.reveal', severity: 'warn', outcome: 'success', user: user.username, origin: conn.origin, resource: `card:${c.id}`, batchId: c.batch_id, cardId: c.id, recordId: c.record_id, maskedPan: c.masked_pan, message: `${user.username} revealed the full card number of card ${c.record_id} in the preview` });
      return renderPreview(station, c, i.reveal);
    },

    'devices.list': (_i, conn) => {
      need(conn, 'batch.run');
      return station.deviceSet.devices.map((d) => d.status());
    },

    'log.query': (i, conn) => {
      need(conn, 'log.read');
      const page = station.audit.query({ ...i.filter, beforeSeq: i.beforeSeq, limit: i.limit, order: 'desc' });
      return { rows: page.rows.map(toLogEntry), nextBeforeSeq: page.nextCursor ?? null };
    },
    'log.export': (i, conn) => {
      const user = need(conn, 'log.export');
      let csv = '';
      let rows = 0;
      station.audit.exportCsv(i.filter, (chunk: string) => {
        csv += chunk;
        rows += (chunk.match(/\n/g) ?? []).length;
      });
      station.log({ type: 'log.export', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin, resource: 'log', message: `${user.username} exported ${Math.max(0, rows - 1)} log entries` });
      return { fileName: `station-log-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`, csv, rows: Math.max(0, rows - 1) };
    },

    'users.list': (_i, conn) => (need(conn, 'user.manage'), auth.listUsers()),
    'users.create': (i, conn) => {
      const user = need(conn, 'user.manage');
      auth.createUser(i, user, conn.origin);
      return { ok: true as const };
    },
  };
}
