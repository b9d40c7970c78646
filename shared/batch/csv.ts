import type { Problem } from '../domain/problems';
import { validateBatch, type ParsedBatch } from './format';

// CSV batches for simple products (no chip data): a preamble of "# key: value" lines naming the
// batch, then a header row of record field names (`fields.X` for template fields), then one row
// per card. RFC 4180 quoting.
const COLUMNS = new Set(['recordId', 'pan', 'expiry', 'serviceCode', 'name', 'embossName', 'track1Discretionary', 'track2Discretionary', 'cvv2', 'graphic']);

export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function parseBatchCsv(text: string, defaults: { batchId?: string; productId?: string } = {}): { batch: ParsedBatch | null; problems: Problem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header: Record<string, string> = { format: 'perso-batch/1' };
  let start = 0;
  while (start < lines.length && (lines[start].startsWith('#') || lines[start].trim() === '')) {
    const m = /^#\s*([A-Za-z]+)\s*:\s*(.*)$/.exec(lines[start]);
    if (m) header[m[1]] = m[2].trim();
    start++;
  }
  if (defaults.batchId) header.batchId = defaults.batchId;
  if (defaults.productId) header.productId = defaults.productId;
  const rows = parseCsvRows(lines.slice(start).join('\n')).filter((r) => !(r.length === 1 && r[0] === ''));
  if (rows.length === 0) return { batch: null, problems: [{ record: null, field: '(file)', message: 'has no header row' }] };
  const cols = rows[0].map((c) => c.trim());
  const problems: Problem[] = [];
  cols.forEach((c, i) => {
    if (!COLUMNS.has(c) && !/^fields\.[A-Za-z0-9_]+$/.test(c)) problems.push({ record: null, field: `column ${i + 1} (${c.slice(0, 40)})`, message: 'is not a field of the batch format' });
  });
  if (problems.length) return { batch: null, problems };
  const records = rows.slice(1).map((r, n) => {
    const rec: Record<string, unknown> = {};
    if (r.length !== cols.length) problems.push({ record: n + 1, field: '(row)', message: `has ${r.length} columns, the header has ${cols.length}` });
    cols.forEach((c, i) => {
      const v = r[i];
      if (v === undefined || v === '') return;
      if (c.startsWith('fields.')) ((rec.fields ??= {}) as Record<string, string>)[c.slice(7)] = v;
      else rec[c] = v;
    });
    return rec;
  });
  const res = validateBatch(header, records);
  return problems.length ? { batch: null, problems: [...problems, ...res.problems] } : res;
}
