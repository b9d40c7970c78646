import PDFDocument from 'pdfkit';
import type { BatchReport, Reconciliation, ShiftReport, Signoff } from '../../../shared/contract/areas/reports';
import { equationRows, isoTime, percent, reasonText, safeText, shiftVerdictText, verdictText } from './format';

// PDF exports of the reports (A4, the PDF standard fonts, so no font file is needed). The
// standard fonts only cover Latin-1, so text is reduced to it before drawing.
type Doc = PDFKit.PDFDocument;
const LEFT = 50;
const WIDTH = 495;
const BOTTOM = 790;
const MAX_CARD_ROWS = 300;

export function pdfText(s: string): string {
  return safeText(s)
    .replace(/≠/g, '<>')
    .replace(/[−–]/g, '-')
    .replace(/—/g, '-')
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

function render(title: string, draw: (doc: Doc) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margins: { top: 50, bottom: 40, left: LEFT, right: 50 }, info: { Title: title, Author: 'Perso Station', Creator: 'Perso Station' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      draw(doc);
      doc.end();
    } catch (e) {
      reject(e);
    }
  });
}

function ensure(doc: Doc, h: number): void {
  if (doc.y + h > BOTTOM) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensure(doc, 40);
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).fillColor('black').text(pdfText(text), LEFT, doc.y, { width: WIDTH });
  doc.moveTo(LEFT, doc.y + 2).lineTo(LEFT + WIDTH, doc.y + 2).lineWidth(0.5).strokeColor('#888888').stroke();
  doc.moveDown(0.4);
}

/** A simple table: columns as fractions of the width; header row bold. */
function table(doc: Doc, cols: number[], header: string[], rows: (string | number | null)[][], opts: { mono?: number[]; color?: (row: number, col: number) => string | null } = {}): void {
  const widths = cols.map((c) => c * WIDTH);
  const line = (cells: (string | number | null)[], bold: boolean, rowIdx: number) => {
    doc.fontSize(9);
    const texts = cells.map((c) => pdfText(c == null ? '' : String(c)));
    const h = Math.max(12, ...texts.map((t, i) => doc.font(bold ? 'Helvetica-Bold' : opts.mono?.includes(i) ? 'Courier' : 'Helvetica').heightOfString(t, { width: widths[i] - 4 }))) + 3;
    ensure(doc, h);
    const y = doc.y;
    let x = LEFT;
    texts.forEach((t, i) => {
      const color = (!bold && opts.color?.(rowIdx, i)) || 'black';
      doc.font(bold ? 'Helvetica-Bold' : opts.mono?.includes(i) ? 'Courier' : 'Helvetica').fillColor(color).text(t, x + 2, y, { width: widths[i] - 4 });
      x += widths[i];
    });
    doc.fillColor('black');
    doc.y = y + h;
    if (bold) doc.moveTo(LEFT, doc.y - 1).lineTo(LEFT + WIDTH, doc.y - 1).lineWidth(0.3).strokeColor('#bbbbbb').stroke();
  };
  line(header, true, -1);
  if (!rows.length) line(['(none)'], false, 0);
  rows.forEach((r, i) => line(r, false, i));
  doc.x = LEFT;
}

function meta(doc: Doc, title: string, pairs: [string, string][]): void {
  doc.font('Helvetica-Bold').fontSize(18).fillColor('black').text(pdfText(title), LEFT, 50, { width: WIDTH });
  doc.moveDown(0.5);
  for (const [k, v] of pairs) {
    const y = doc.y;
    doc.font('Helvetica-Bold').fontSize(10).text(pdfText(k), LEFT, y, { width: 120 });
    doc.font('Helvetica').fontSize(10).text(pdfText(v), LEFT + 125, y, { width: WIDTH - 125 });
    doc.x = LEFT;
  }
}

function equationBox(doc: Doc, r: Reconciliation, verdict = verdictText(r)): void {
  ensure(doc, 70);
  const f = (x: number | null) => (x == null ? '?' : String(x));
  const eq = `Issued from vault ${f(r.issuedFromVault)}  ${r.difference === 0 ? '=' : '<>'}  Good ${r.good} + Spoiled ${r.spoiled} + Samples/test ${f(r.samples)} + Returned to vault ${f(r.returnedToVault)}`;
  const y = doc.y + 6;
  doc.rect(LEFT, y, WIDTH, 50).lineWidth(1).strokeColor(r.balanced ? '#2e7d32' : '#c62828').stroke();
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(pdfText(eq), LEFT + 8, y + 8, { width: WIDTH - 16 });
  doc.font('Helvetica-Bold').fontSize(11).fillColor(r.balanced ? '#2e7d32' : '#c62828').text(pdfText(verdict), LEFT + 8, y + 30, { width: WIDTH - 16 });
  doc.fillColor('black');
  doc.x = LEFT;
  doc.y = y + 58;
}

function reasonsTable(doc: Doc, r: Reconciliation): void {
  heading(doc, 'Reject reasons');
  table(doc, [0.3, 0.58, 0.12], ['Reason', 'Description', 'Cards'], r.spoiledByReason.map((x) => [x.reason, reasonText(x.reason), x.count]));
}

function signoffTable(doc: Doc, rows: { label: string; s: Signoff | undefined }[]): void {
  table(
    doc,
    [0.2, 0.28, 0.16, 0.26, 0.1],
    ['Sign-off', 'Name (user)', 'Role', 'Signed at', 'Re-auth'],
    rows.map(({ label, s }) => (s ? [label, `${s.displayName} (${s.username})`, s.userRole, isoTime(s.signedAt), s.reauthenticated ? 'yes' : 'no'] : [label, 'NOT SIGNED', '', '', ''])),
    { color: (i, c) => (c === 1 && !rows[i].s ? '#c62828' : null) },
  );
}

function footer(doc: Doc, head: { seq: number; hash: string }, signoffs: readonly Signoff[]): void {
  heading(doc, 'Station log');
  doc.font('Helvetica').fontSize(9).text(`Log head at generation: entry ${head.seq}`, LEFT, doc.y, { width: WIDTH });
  doc.font('Courier').fontSize(8).text(head.hash, LEFT, doc.y, { width: WIDTH });
  for (const s of signoffs) {
    doc.font('Helvetica').fontSize(9).text(pdfText(`Signed by ${s.username} as ${s.role} at log entry ${s.logSeq}:`), LEFT, doc.y + 4, { width: WIDTH });
    doc.font('Courier').fontSize(8).text(s.logHash, LEFT, doc.y, { width: WIDTH });
  }
  doc.font('Helvetica').fontSize(8).fillColor('#555555').text('Verify with "perso-station audit verify": the hash is the SHA-256 chain head of the station log at that entry.', LEFT, doc.y + 6, { width: WIDTH });
  doc.fillColor('black');
}

export function batchPdf(r: BatchReport): Promise<Buffer> {
  return render(`Batch reconciliation ${r.batchId}`, (doc) => {
    meta(doc, 'Batch reconciliation report', [
      ['Station', r.stationName],
      ['Batch', r.batchId],
      ['Product', `${r.productId} - ${r.productName}`],
      ['Issuer', r.issuer ?? '-'],
      ['Records', String(r.recordCount)],
      ['Batch state', r.state.toUpperCase() + (r.closedAt != null ? ` (closed ${isoTime(r.closedAt)})` : '')],
      ['Yield', percent(r.yield)],
      ['Generated', isoTime(r.generatedAt)],
    ]);
    heading(doc, 'Reconciliation');
    equationBox(doc, r.reconciliation);
    table(doc, [0.75, 0.25], ['', 'Cards'], equationRows(r.reconciliation));
    reasonsTable(doc, r.reconciliation);
    if (r.spoiledCards.length) {
      heading(doc, 'Spoiled cards');
      const shown = r.spoiledCards.slice(0, MAX_CARD_ROWS);
      table(doc, [0.08, 0.12, 0.22, 0.08, 0.11, 0.24, 0.15], ['Card', 'Record', 'PAN (masked)', 'Attempt', 'State', 'Reason', 'Decided by'], shown.map((c) => [c.cardId, c.recordId, c.maskedPan, c.attempt, c.state, c.reason, c.decidedBy]), { mono: [2] });
      if (r.spoiledCards.length > shown.length) doc.font('Helvetica').fontSize(9).text(`... and ${r.spoiledCards.length - shown.length} more (see the CSV export)`, LEFT);
    }
    const issues = r.blockers.filter((b) => b.code !== 'CLOSED');
    if (issues.length) {
      heading(doc, 'Open issues (the batch cannot be closed)');
      table(doc, [1], ['Issue'], issues.map((b) => [b.message]), { color: () => '#c62828' });
    }
    heading(doc, 'Sign-offs');
    signoffTable(doc, (['operator', 'reviewer'] as const).map((role) => ({ label: role === 'operator' ? 'Operator' : 'Reviewer', s: r.signoffs.find((s) => s.role === role) })));
    footer(doc, r.logHead, r.signoffs);
  });
}

export function shiftPdf(r: ShiftReport): Promise<Buffer> {
  return render(`Shift report ${isoTime(r.from)}`, (doc) => {
    meta(doc, 'Shift report', [
      ['Station', r.stationName],
      ['From', isoTime(r.from)],
      ['To', isoTime(r.to)],
      ['Batches', r.batches.map((b) => b.batchId).join(', ') || '-'],
      ['Yield', percent(r.yield)],
      ['Generated', isoTime(r.generatedAt)],
    ]);
    heading(doc, 'Reconciliation (all batches, this shift)');
    equationBox(doc, r.reconciliation, shiftVerdictText(r));
    table(doc, [0.75, 0.25], ['', 'Cards'], equationRows(r.reconciliation, shiftVerdictText(r)));
    reasonsTable(doc, r.reconciliation);
    heading(doc, 'Batches');
    const num = (x: number | null) => (x == null ? '?' : x);
    table(
      doc,
      [0.2, 0.18, 0.1, 0.09, 0.09, 0.09, 0.09, 0.08, 0.08],
      ['Batch', 'Product', 'Issued', 'Good', 'Spoiled', 'Samples', 'Returned', 'Diff.', 'OK'],
      r.batches.map((b) => {
        const x = b.reconciliation;
        return [b.batchId, b.productId, num(x.issuedFromVault), x.good, x.spoiled, num(x.samples), num(x.returnedToVault), x.difference == null ? '?' : x.difference, x.balanced ? 'yes' : 'NO'];
      }),
      { color: (i, c) => (c === 8 && !r.batches[i].reconciliation.balanced ? '#c62828' : null) },
    );
    heading(doc, 'Operators');
    table(doc, [0.3, 0.14, 0.14, 0.14, 0.14, 0.14], ['User', 'Passed', 'Spoiled', 'Decisions', 'Vault entries', 'Sign-offs'], r.operators.map((o) => [o.username, o.passed, o.spoiled, o.decisions, o.vaultEntries, o.signoffs]));
    heading(doc, 'Batch sign-offs');
    for (const b of r.batches) {
      ensure(doc, 60);
      doc.font('Helvetica-Bold').fontSize(10).text(pdfText(`Batch ${b.batchId}`), LEFT, doc.y + 4, { width: WIDTH });
      signoffTable(doc, (['operator', 'reviewer'] as const).map((role) => ({ label: role === 'operator' ? 'Operator' : 'Reviewer', s: b.signoffs.find((s) => s.role === role) })));
    }
    if (!r.batches.length) doc.font('Helvetica').fontSize(9).text('(no batch in this shift)', LEFT);
    footer(doc, r.logHead, []);
  });
}
