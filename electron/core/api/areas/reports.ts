import { REPORTS_CALLS } from '../../../../shared/contract/areas/reports';
import type { AreaDeps, HandlersFor } from '../area';
import type { Connection } from '../types';
import { CallRefused } from '../dispatch';
import type { Station } from '../../station';
import { ReportService } from '../../reports/service';
import { ChartRangeError } from '../../reports/charts';
import { exportBatch, exportShift } from '../../reports/export';

// Handlers of the reports calls: reading needs report.read; the operator's vault figures and
// operator sign-off need batch.run; the reviewer's sign-off needs report.signoff. A sign-off may
// carry the signer's password: it is then checked again (a wrong one counts towards lock-out)
// and the sign-off is marked re-authenticated.
export function reportService(station: Station): ReportService {
  return new ReportService({
    db: station.db,
    stationName: station.config.stationName,
    productName: (id) => (station.products.has(id) ? station.products.get(id).name : id),
    batch: (id) => station.store.batch(id),
    counts: (id) => station.store.counts(id),
    setBatchState: (id, s) => station.store.setBatchState(id, s),
    audit: station.audit,
    log: (e) => station.log(e),
    devices: () => station.deviceSet.devices.map((d) => ({ id: d.id, name: d.status().name })),
  });
}

export function reportsHandlers(d: AreaDeps): HandlersFor<typeof REPORTS_CALLS> {
  let svc: ReportService | null = null;
  const reports = () => (svc ??= reportService(d.station));
  const changed = (r: { batchId: string; state: 'open' | 'held' | 'closed'; signoffs: unknown[] }) =>
    d.station.events.emit('reports.changed', { batchId: r.batchId, state: r.state, signoffs: r.signoffs.length });
  const reauthenticate = (username: string, password: string, conn: Connection): void => {
    // A throw-away session: login checks the password with the lock-out rules and logs the attempt.
    const s = d.station.auth.login(username, password, conn.origin);
    d.station.auth.logout(s.id);
  };

  return {
    'reports.batch': (i, conn) => {
      d.need(conn, 'report.read');
      return reports().batchReport(i.batchId);
    },
    'reports.shift': (i, conn) => {
      d.need(conn, 'report.read');
      return reports().shiftReport(i.from, i.to);
    },
    'reports.charts': (i, conn) => {
      d.need(conn, 'report.read');
      try {
        return reports().charts(i.from, i.to, i.bucketMinutes, i.batchId);
      } catch (e) {
        if (e instanceof ChartRangeError) throw new CallRefused('BAD_REQUEST', e.message);
        throw e;
      }
    },
    'reports.deviceHistory': (i, conn) => {
      d.need(conn, 'report.read');
      return reports().deviceHistory(i.from, i.to);
    },
    'reports.vault': (i, conn) => {
      const user = d.need(conn, 'batch.run');
      const r = reports().recordVault(i.batchId, { issued: i.issuedFromVault, samples: i.samples, returned: i.returnedToVault }, { username: user.username, origin: conn.origin }, i.reason);
      changed(r);
      return r;
    },
    'reports.signoff': (i, conn) => {
      const user = d.need(conn, i.role === 'reviewer' ? 'report.signoff' : 'batch.run');
      if (i.password != null) reauthenticate(user.username, i.password, conn);
      const r = reports().signoff(i.batchId, i.role, user, conn.origin, i.password != null);
      changed(r);
      return r;
    },
    'reports.export': async (i, conn) => {
      const user = d.need(conn, 'report.read');
      const f = i.batchId != null ? await exportBatch(reports().batchReport(i.batchId), i.format) : await exportShift(reports().shiftReport(i.shift!.from, i.shift!.to), i.format);
      d.station.log({
        type: 'report.export', severity: 'info', outcome: 'success', user: user.username, origin: conn.origin,
        resource: i.batchId != null ? `batch:${i.batchId}` : 'shift', batchId: i.batchId ?? null,
        message: `${user.username} exported ${f.fileName} (${i.format.toUpperCase()}, ${Math.round((f.base64.length * 3) / 4)} bytes)`,
      });
      return f;
    },
  };
}
