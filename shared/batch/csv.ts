import { parse, type Parser, type CsvError, type Info } from 'csv-parse';
import { redactText } from '../domain/redact';
import { FIELD_KEY, FORBIDDEN_KEYS, LIMITS } from './limits';
import { BATCH_FORMAT } from './record-schema';
import type { BatchSink } from './json-reader';

// CSV batches for simple products (no chip data): a preamble of "# key: value" lines naming the
// batch, then a header row of record field names (`fields.X` for template fields), then one row
// per card. Read with csv-parse, strict RFC 4180: an unclosed quote, text after a closing quote,
// a quote inside an unquoted field or a row with another number of columns than the header is a
// problem naming its line, never a silent merge. A BOM is dropped. Read as it streams in.
const COLUMNS = new Set(['recordId', 'pan', 'expiry', 'serviceCode', 'name', 'embossName', 'track1Discretionary', 'track2Discretionary', 'cvv2', 'graphic']);
const PREAMBLE_KEYS = new Set(['batchId', 'productId', 'issuer', 'createdAt']);
const MAX_PREAMBLE_CHARS = 64 * 1024;

const QUOTE_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field opens on this line or after it and is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'text follows a closing quote (RFC 4180: a quoted field ends at its closing quote)',
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted field',
  CSV_MAX_RECORD_SIZE: `a row is longer than ${LIMITS.csvLine} characters (an unclosed quote?)`,
};

export class CsvBatchReader {
  private inPreamble = true;
  private pending = '';
  private lineOffset = 0;
  private readonly header: Record<string, unknown> = { format: BATCH_FORMAT };
  private cols: string[] | null = null;
  private parser: Parser | null = null;
  private n = 0;
  private lastLine = 0;
  private broken = false;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly sink: BatchSink, private readonly defaults: { batchId?: string; productId?: string } = {}) {}

  get stopped(): boolean {
    return this.broken;
  }

  push(text: string): void {
    if (this.broken) return;
    if (!this.inPreamble) {
      this.parser!.write(text);
      return;
    }
    this.pending += text;
    if (this.lineOffset === 0 && this.pending.charCodeAt(0) === 0xfeff) this.pending = this.pending.slice(1);
    for (;;) {
      const nl = this.pending.indexOf('\n');
      if (nl < 0) break;
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      if (!(line.startsWith('#') || line.trim() === '')) return this.startRows();
      this.preambleLine(line);
      this.pending = this.pending.slice(nl + 1);
    }
    if (this.pending.length > MAX_PREAMBLE_CHARS) this.startRows();
  }

  async end(): Promise<void> {
    if (this.broken) return;
    if (this.inPreamble) {
      if (this.pending.startsWith('#') || this.pending.trim() === '') {
        this.sink.problem({ record: null, field: '(file)', message: 'has no header row' });
        this.broken = true;
        return;
      }
      this.startRows();
    }
    this.parser!.end();
    await this.done;
    if (this.broken) return;
    if (!this.cols) this.sink.problem({ record: null, field: '(file)', message: 'has no header row' });
    else if (this.n === 0) this.sink.problem({ record: null, field: 'records', message: 'the batch has no records' });
  }

  private preambleLine(line: string): void {
    this.lineOffset++;
    const m = /^#\s*([A-Za-z]+)\s*:\s*(.*)$/.exec(line);
    if (!m) return;
    if (!PREAMBLE_KEYS.has(m[1])) this.sink.problem({ record: null, field: redactText(m[1], 40), message: `line ${this.lineOffset}: is not a field of the batch header` });
    else if (Object.prototype.hasOwnProperty.call(this.header, m[1])) this.sink.problem({ record: null, field: m[1], message: `line ${this.lineOffset}: appears twice in the preamble` });
    else this.header[m[1]] = m[2].trim();
  }

  private startRows(): void {
    this.inPreamble = false;
    if (this.defaults.batchId) this.header.batchId = this.defaults.batchId;
    if (this.defaults.productId) this.header.productId = this.defaults.productId;
    const parser = parse({
      bom: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: LIMITS.csvLine,
      on_record: (record: string[], info: Info) => {
        this.row(record, info.lines);
        return undefined;
      },
      on_skip: (err: CsvError | undefined) => {
        if (err) this.skipped(err);
      },
    });
    this.done = new Promise<void>((resolve) => {
      parser.on('error', (e: CsvError) => {
        this.skipped(e);
        resolve();
      });
      parser.on('finish', () => resolve());
    });
    parser.resume();
    this.parser = parser;
    const rest = this.pending;
    this.pending = '';
    if (rest) parser.write(rest);
  }

  private skipped(e: CsvError): void {
    if (this.broken) return;
    const line = this.lineOffset + (typeof e.lines === 'number' ? e.lines : this.lastLine + 1);
    if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && this.cols) {
      this.n++;
      this.lastLine = line - this.lineOffset;
      const got = /got (\d+)/.exec(e.message)?.[1] ?? '?';
      this.sink.problem({ record: this.n, field: '(row)', message: `line ${line}: has ${got} columns, the header has ${this.cols.length}` });
      return;
    }
    // After a quoting error the rest of the file cannot be split reliably: reading stops there.
    this.broken = true;
    const at = e.code === 'CSV_QUOTE_NOT_CLOSED' ? this.lineOffset + this.lastLine + 1 : line;
    this.sink.problem({ record: null, field: '(file)', message: `line ${at}: ${QUOTE_PROBLEMS[e.code] ?? 'is not valid CSV'}; the rest of the file is not read` });
  }

  private row(r: string[], lines: number): void {
    if (this.broken) return;
    this.lastLine = lines;
    if (!this.cols) return this.columns(r);
    this.n++;
    const rec: Record<string, unknown> = {};
    const cols = this.cols;
    for (let i = 0; i < cols.length; i++) {
      const v = r[i];
      if (v === undefined || v === '') continue;
      const c = cols[i];
      if (c.startsWith('fields.')) ((rec.fields ??= {}) as Record<string, string>)[c.slice(7)] = v;
      else rec[c] = v;
    }
    this.sink.record(rec, this.n);
  }

  private columns(r: string[]): void {
    const cols = r.map((c) => c.trim());
    const seen = new Set<string>();
    let bad = false;
    cols.forEach((c, i) => {
      const problem = (message: string) => {
        bad = true;
        this.sink.problem({ record: null, field: `column ${i + 1} (${redactText(c, 40)})`, message });
      };
      const key = c.startsWith('fields.') ? c.slice(7) : null;
      if (key !== null ? !FIELD_KEY.test(key) || FORBIDDEN_KEYS.has(key) : !COLUMNS.has(c)) problem('is not a field of the batch format');
      else if (seen.has(c)) problem('appears twice in the header row');
      seen.add(c);
    });
    if (bad) {
      this.broken = true;
      return;
    }
    this.cols = cols;
    this.sink.header(this.header);
  }
}
