import type { BatchReport, Signoff, ShiftReport } from '../../../shared/contract/areas/reports';
import { equationRows, isoTime, percent, reasonText, safeText, shiftVerdictText } from './format';

// CSV exports of the reports: one file, sections separated by a blank line, each section a small
// table with its own header row. Text cells that a spreadsheet would run as a formula are
// prefixed with an apostrophe.
type Cell = string | number | null;

export function csvCell(v: Cell): string {
  if (v == null) return '';
  if (typeof v === 'number') return String(v);
  let s = safeText(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function lines(rows: Cell[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function signoffRows(ss: readonly Signoff[]): Cell[][] {
  const rows: Cell[][] = [['Sign-off', 'Name', 'User', 'User role', 'Signed at', 'Re-authenticated', 'Log seq', 'Log hash']];
  for (const role of ['operator', 'reviewer'] as const) {
    const s = ss.find((x) => x.role === role);
    rows.push(s ? [role, s.displayName, s.username, s.userRole, isoTime(s.signedAt), s.reauthenticated ? 'yes' : 'no', s.logSeq, s.logHash] : [role, 'NOT SIGNED', null, null, null, null, null, null]);
  }
  return rows;
}

function openIssues(r: BatchReport): Cell[][] {
  const issues = r.blockers.filter((b) => b.code !== 'CLOSED');
  const none = r.state === 'closed' ? 'none: the batch is closed' : 'none: the batch can be signed and closed';
  return [['Open issue'], ...(issues.length ? issues.map((b) => [b.message]) : [[none]])];
}

export function batchCsv(r: BatchReport): string {
  const sections: Cell[][][] = [
    [
      ['Batch reconciliation report'],
      ['Station', r.stationName],
      ['Batch', r.batchId],
      ['Product', `${r.productId} — ${r.productName}`],
      ['Issuer', r.issuer],
      ['Batch state', r.state],
      ['Records', r.recordCount],
      ['Closed at', r.closedAt == null ? 'not closed' : isoTime(r.closedAt)],
      ['Generated at', isoTime(r.generatedAt)],
      ['Yield', percent(r.yield)],
    ],
    [['Equation', 'Figure'], ...equationRows(r.reconciliation)],
    [['Reject reason', 'Description', 'Cards'], ...r.reconciliation.spoiledByReason.map((x) => [x.reason, reasonText(x.reason), x.count])],
    [['Spoiled card', 'Record', 'Masked PAN', 'Attempt', 'State', 'Reason', 'Decided by'], ...r.spoiledCards.map((c) => [c.cardId, c.recordId, c.maskedPan, c.attempt, c.state, c.reason, c.decidedBy])],
    openIssues(r),
    signoffRows(r.signoffs),
    [['Log head seq', 'Log head hash'], [r.logHead.seq, r.logHead.hash]],
  ];
  return sections.map(lines).join('\r\n');
}

export function shiftCsv(r: ShiftReport): string {
  const sections: Cell[][][] = [
    [
      ['Shift report'],
      ['Station', r.stationName],
      ['From', isoTime(r.from)],
      ['To', isoTime(r.to)],
      ['Generated at', isoTime(r.generatedAt)],
      ['Yield', percent(r.yield)],
    ],
    [['Equation', 'Figure'], ...equationRows(r.reconciliation, shiftVerdictText(r))],
    [['Reject reason', 'Description', 'Cards'], ...r.reconciliation.spoiledByReason.map((x) => [x.reason, reasonText(x.reason), x.count])],
    [
      ['Batch', 'Product', 'State', 'Issued', 'Good', 'Spoiled', 'Samples', 'Returned', 'Difference', 'Balanced'],
      ...r.batches.map((b) => {
        const x = b.reconciliation;
        return [b.batchId, b.productId, b.state, x.issuedFromVault, x.good, x.spoiled, x.samples, x.returnedToVault, x.difference, x.balanced ? 'yes' : 'no'];
      }),
    ],
    [['Operator', 'Passed', 'Spoiled', 'Decisions', 'Vault entries', 'Sign-offs'], ...r.operators.map((o) => [o.username, o.passed, o.spoiled, o.decisions, o.vaultEntries, o.signoffs])],
    [
      ['Batch', 'Sign-off', 'Name', 'User', 'User role', 'Signed at'],
      ...r.batches.flatMap((b) =>
        (['operator', 'reviewer'] as const).map((role): Cell[] => {
          const s = b.signoffs.find((x) => x.role === role);
          return s ? [b.batchId, role, s.displayName, s.username, s.userRole, isoTime(s.signedAt)] : [b.batchId, role, 'NOT SIGNED', null, null, null];
        }),
      ),
    ],
    [['Log head seq', 'Log head hash'], [r.logHead.seq, r.logHead.hash]],
  ];
  return sections.map(lines).join('\r\n');
}
