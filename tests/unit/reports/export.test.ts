import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBatch, exportShift } from '../../../electron/core/reports/export';
import { csvCell } from '../../../electron/core/reports/csv';
import { pdfText } from '../../../electron/core/reports/pdf';
import { tempDir, pan } from '../../support/core-fixture';
import { maskPan } from '../../../shared/domain/pan';
import { reportSetup, signer, T0, MIN } from './report-fixture';

function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** 5 cards: 4 passed, 1 rejected for a stripe write error; vault balanced. */
function batch(sign: 'none' | 'operator' | 'both') {
  const s = reportSetup({ 'B-7': 5 });
  const ids = s.queuedIds('B-7');
  for (const id of ids.slice(0, 4)) s.pass(id);
  s.fail(ids[4], 'MSR_WRITE_ERROR');
  s.decide(ids[4], 'reject');
  s.svc.recordVault('B-7', { issued: 7, samples: 1, returned: 1 }, { username: 'olga', origin: 'ui:t' }, 'vault count');
  if (sign !== 'none') s.svc.signoff('B-7', 'operator', signer.operator, 'ui:t', true);
  if (sign === 'both') s.svc.signoff('B-7', 'reviewer', signer.supervisor, 'ui:t', false);
  return s;
}

test('batch CSV: header, equation, reasons, masked spoiled cards, sign-offs or NOT SIGNED, log head', async () => {
  const s = batch('operator');
  const r = s.svc.batchReport('B-7');
  const f = await exportBatch(r, 'csv');
  assert.match(f.fileName, /^reconciliation-B-7-\d{8}-\d{4}\.csv$/);
  assert.equal(f.mime, 'text/csv; charset=utf-8');
  const text = f.text!;
  assert.equal(Buffer.from(f.base64, 'base64').toString('utf8'), text);
  assert.match(text, /^\ufeffBatch reconciliation report\r\n/);
  assert.match(text, /\r\nStation,Line 1\r\n/);
  assert.match(text, /\r\nBatch,B-7\r\n/);
  assert.match(text, /\r\nIssued from vault,7\r\nGood \(passed\),4\r\nSpoiled \(failed, rejected, reworked\)|"Spoiled \(failed, rejected, reworked\)",1/);
  assert.match(text, /\r\nResult,BALANCED\r\n/);
  assert.match(text, /\r\nMSR_WRITE_ERROR,The stripe encoder could not write the stripe,1\r\n/);
  assert.match(text, /\r\noperator,Olga Operator,olga,operator,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC,yes,\d+,[0-9a-f]{64}\r\n/);
  assert.match(text, /\r\nreviewer,NOT SIGNED,/);
  assert.ok(text.includes(r.logHead.hash));
  assert.ok(text.includes(`,${maskPan(pan(5))},`), 'the spoiled card is listed with its masked PAN');
  for (let i = 1; i <= 5; i++) assert.ok(!text.includes(pan(i)), 'no full PAN in the export');
});

test('CSV cells: quoting, formula injection guarded, negative numbers kept', () => {
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('-2'), '-2');
  assert.equal(csvCell(-2), '-2');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell('card 4111111111111111 failed'), 'card 411111******1111 failed');
});

test('PDF text is reduced to what the standard fonts can draw', () => {
  assert.equal(pdfText('a ≠ b − c — d…'), 'a <> b - c - d...');
  assert.equal(pdfText('日本'), '??');
});

test('batch PDF: a real PDF that renders, with the figures, sign-offs and the log head', async () => {
  const dir = tempDir('report-pdf');
  for (const sign of ['operator', 'both'] as const) {
    const s = batch(sign);
    const r = s.svc.batchReport('B-7');
    const f = await exportBatch(r, 'pdf');
    assert.equal(f.mime, 'application/pdf');
    assert.equal(f.text, null);
    assert.match(f.fileName, /^reconciliation-B-7-.*\.pdf$/);
    const bytes = Buffer.from(f.base64, 'base64');
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.match(bytes.subarray(-8).toString('latin1'), /%%EOF\s*$/);
    const path = join(dir, `batch-${sign}.pdf`);
    writeFileSync(path, bytes);
    if (hasTool('pdftotext')) {
      const text = execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8');
      assert.match(text, /Batch reconciliation report/);
      assert.match(text, /Issued from vault 7 += +Good 4 \+ Spoiled 1 \+ Samples\/test 1 \+ Returned to vault 1/);
      assert.match(text, /BALANCED/);
      assert.match(text, /MSR_WRITE_ERROR/);
      assert.ok(text.includes(maskPan(pan(5))));
      assert.match(text, /Olga Operator \(olga\)/);
      assert.equal(/NOT SIGNED/.test(text), sign === 'operator', 'NOT SIGNED appears only while the reviewer has not signed');
      assert.ok(text.includes(r.logHead.hash), 'the log head hash is printed');
      assert.equal(/CLOSED/.test(text), sign === 'both');
      assert.equal(/Open issues/.test(text), false, 'a closed or closable batch lists no open issue');
    }
    if (hasTool('pdftoppm')) {
      execFileSync('pdftoppm', ['-png', '-r', '50', path, join(dir, `batch-${sign}`)]);
      const png = [`batch-${sign}-1.png`, `batch-${sign}-01.png`].map((n) => join(dir, n)).find(existsSync);
      assert.ok(png, 'pdftoppm rendered the first page');
      assert.deepEqual([...readFileSync(png).subarray(1, 4)], [...Buffer.from('PNG')]);
      assert.ok(statSync(png).size > 2000, 'the page is not blank');
    }
  }
  if (process.env.KEEP_REPORT_PDF) console.log(`PDFs in ${dir}`);
});

test('shift PDF and CSV: totals, batches, operators, batch sign-offs', async () => {
  const s = batch('both');
  const r = s.svc.shiftReport(T0 - 60 * MIN, Date.now() + 60 * MIN);
  const csv = (await exportShift(r, 'csv')).text!;
  assert.match(csv, /^\ufeffShift report\r\n/);
  assert.match(csv, /\r\nB-7,P,closed,7,4,1,1,1,0,yes\r\n/);
  assert.match(csv, /\r\nB-7,reviewer,Sam Supervisor,sam,supervisor,/);
  assert.match(csv, /\r\nolga,0,0,0,1,1\r\n/);
  const f = await exportShift(r, 'pdf');
  assert.match(f.fileName, /^shift-report-\d{8}-\d{4}-to-\d{8}-\d{4}\.pdf$/);
  const bytes = Buffer.from(f.base64, 'base64');
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  if (hasTool('pdftotext')) {
    const path = join(tempDir('shift-pdf'), 'shift.pdf');
    writeFileSync(path, bytes);
    const text = execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8');
    assert.match(text, /Shift report/);
    assert.match(text, /B-7/);
    assert.match(text, /Sam Supervisor \(sam\)/);
    assert.ok(text.includes(r.logHead.hash));
  }
});

test('an unbalanced batch: the verdict names missing figures, then the difference, and lists the open issues', async () => {
  const s = reportSetup({ U: 3 });
  const ids = s.queuedIds('U');
  s.pass(ids[0]);
  s.fail(ids[1], 'CHIP_STATUS');
  s.svc.recordVault('U', { issued: 6, samples: 0 }, { username: 'olga', origin: 'ui:t' }, 'vault count');
  let text = (await exportBatch(s.svc.batchReport('U'), 'csv')).text!;
  assert.match(text, /\r\nResult,NOT BALANCED — not recorded: returned to vault\r\n/);
  assert.match(text, /\r\n1 card not finished \(1 queued\): finish the batch first\r\n/);
  assert.match(text, /\r\noperator,NOT SIGNED,/);
  s.svc.recordVault('U', { returned: 1 }, { username: 'olga', origin: 'ui:t' }, 'vault count');
  text = (await exportBatch(s.svc.batchReport('U'), 'csv')).text!;
  assert.match(text, /\r\nResult,NOT BALANCED — 3 cards missing \(issued but not accounted for\)\r\n/);
  const pdf = Buffer.from((await exportBatch(s.svc.batchReport('U'), 'pdf')).base64, 'base64');
  if (hasTool('pdftotext')) {
    const path = join(tempDir('unbalanced-pdf'), 'u.pdf');
    writeFileSync(path, pdf);
    const t = execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8');
    assert.match(t, /Issued from vault 6 +<> +Good 1 \+ Spoiled 1/);
    assert.match(t, /NOT BALANCED - 3 cards missing/);
    assert.match(t, /Open issues/);
    assert.equal((t.match(/NOT SIGNED/g) ?? []).length, 2);
  }
});
