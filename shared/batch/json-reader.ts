import type { Problem } from '../domain/problems';
import { FORBIDDEN_KEYS } from './limits';
import { redactText } from '../domain/redact';

// A perso-batch/1 JSON file read as it streams in: the header's fields, then each element of
// "records" handed on as soon as it is complete, so a 185 MB file is never held whole. The
// scanner only finds where each value starts and ends (strings, escapes, nesting); JSON.parse
// then reads each record on its own. The header fields must come before "records".

/** Where a reader hands what it reads (the validator, in import order). */
export interface BatchSink {
  /** Once, before the first record (or at the end when there is no record). */
  header(raw: Record<string, unknown>): void;
  /** Record n, 1-based, as decoded. */
  record(raw: unknown, n: number): void;
  problem(p: Problem): void;
}

/** Characters of one record (a 200,000-character graphic and 64 DGIs fit); a larger one is refused unread. */
export const MAX_RECORD_CHARS = 2_000_000;
const MAX_HEADER_VALUE_CHARS = 64 * 1024;

const enum S { Start, KeyOrEnd, Key, Colon, Value, AfterValue, ElemOrEnd, Elem, AfterElem, Done, Stopped }

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonBatchReader {
  private state = S.Start;
  private offset = 0;
  private afterComma = false;
  private key = '';
  private readonly headerFields: Record<string, unknown> = Object.create(null);
  private headerSent = false;
  private sawRecords = false;
  private n = 0;
  // The value being captured.
  private parts: string[] = [];
  private len = 0;
  private depth = 0;
  private inStr = false;
  private backslashes = 0;
  private prim = false;
  private capturing = false;
  private max = 0;

  constructor(private readonly sink: BatchSink) {}

  get stopped(): boolean {
    return this.state === S.Stopped;
  }

  push(s: string): void {
    let i = 0;
    const n = s.length;
    if (this.offset === 0 && s.charCodeAt(0) === 0xfeff) i = 1;
    while (i < n && this.state !== S.Stopped) {
      if (this.capturing) {
        i = this.capture(s, i);
        continue;
      }
      const c = s.charCodeAt(i);
      if (isWs(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case S.Start:
          if (c !== 0x7b) return this.fail(i, 'must be a JSON object: { "format": "perso-batch/1", …, "records": [ … ] }');
          this.state = S.KeyOrEnd;
          this.afterComma = false;
          i++;
          break;
        case S.KeyOrEnd:
          if (c === 0x7d && !this.afterComma) {
            this.state = S.Done;
            i++;
          } else if (c === 0x22) {
            this.state = S.Key;
            this.begin(256);
          } else return this.fail(i, 'a field name was expected');
          break;
        case S.Colon:
          if (c !== 0x3a) return this.fail(i, 'a ":" was expected');
          this.state = S.Value;
          i++;
          break;
        case S.Value:
          if (this.key === 'records') {
            if (c !== 0x5b) {
              this.sink.problem({ record: null, field: 'records', message: 'must be an array of card records' });
              return this.stop();
            }
            this.sawRecords = true;
            this.sendHeader();
            this.state = S.ElemOrEnd;
            this.afterComma = false;
            i++;
          } else {
            this.begin(MAX_HEADER_VALUE_CHARS);
          }
          break;
        case S.AfterValue:
          if (c === 0x2c) {
            this.state = S.KeyOrEnd;
            this.afterComma = true;
          } else if (c === 0x7d) this.state = S.Done;
          else return this.fail(i, 'a "," or "}" was expected');
          i++;
          break;
        case S.ElemOrEnd:
          if (c === 0x5d && !this.afterComma) {
            this.state = S.AfterValue;
            i++;
          } else {
            this.state = S.Elem;
            this.n++;
            this.begin(MAX_RECORD_CHARS);
          }
          break;
        case S.AfterElem:
          if (c === 0x2c) {
            this.state = S.ElemOrEnd;
            this.afterComma = true;
          } else if (c === 0x5d) this.state = S.AfterValue;
          else return this.fail(i, 'a "," or "]" was expected between records');
          i++;
          break;
        case S.Done:
          return this.fail(i, 'has text after the end of the batch object');
        default:
          return this.fail(i, 'is not valid JSON');
      }
    }
    this.offset += n;
  }

  end(): void {
    if (this.state === S.Stopped) return;
    if (this.capturing && this.prim && this.depth === 0) this.finish('');
    if (this.state !== S.Done) {
      this.sink.problem({ record: null, field: '(file)', message: this.state === S.Start ? 'is empty' : 'ends before the batch object is closed (the file is cut short)' });
      this.state = S.Stopped;
      return;
    }
    if (!this.sawRecords) this.sink.problem({ record: null, field: 'records', message: 'is required: an array of card records' });
    else if (this.n === 0) this.sink.problem({ record: null, field: 'records', message: 'the batch has no records' });
    this.sendHeader();
  }

  private sendHeader(): void {
    if (this.headerSent) return;
    this.headerSent = true;
    this.sink.header({ ...this.headerFields });
  }

  private begin(max: number): void {
    this.capturing = true;
    this.parts = [];
    this.len = 0;
    this.depth = 0;
    this.inStr = false;
    this.backslashes = 0;
    this.prim = false;
    this.max = max;
  }

  /** Scans the value from i; returns where scanning stopped (the chunk's end or just after the value). */
  private capture(s: string, i: number): number {
    const n = s.length;
    const from = i;
    const keep = (to: number) => {
      if (this.len + (to - from) <= this.max) this.parts.push(s.slice(from, to));
      this.len += to - from;
    };
    if (this.len === 0 && this.parts.length === 0 && !this.inStr && this.depth === 0 && !this.prim) {
      const c = s.charCodeAt(i);
      if (this.state === S.Key) {
        // The key's opening quote.
        this.inStr = true;
        i++;
      } else if (c === 0x22) {
        this.inStr = true;
        i++;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth = 1;
        i++;
      } else this.prim = true;
    }
    while (i < n) {
      if (this.inStr) {
        const q = s.indexOf('"', i);
        if (q < 0) {
          // The string goes on in the next chunk; count the backslashes it ends with.
          let k = n;
          while (k > i && s.charCodeAt(k - 1) === 0x5c) k--;
          this.backslashes = k === i ? this.backslashes + (n - i) : n - k;
          keep(n);
          return n;
        }
        let k = q;
        while (k > i && s.charCodeAt(k - 1) === 0x5c) k--;
        const run = k === i ? this.backslashes + (q - i) : q - k;
        this.backslashes = 0;
        i = q + 1;
        if (run % 2 === 1) continue;
        this.inStr = false;
        if (this.depth === 0) {
          keep(i);
          this.finish(s.slice(0, 0));
          return i;
        }
        continue;
      }
      const c = s.charCodeAt(i);
      if (this.prim) {
        if (c === 0x2c || c === 0x7d || c === 0x5d || isWs(c)) {
          keep(i);
          this.finish('');
          return i;
        }
        i++;
        continue;
      }
      if (c === 0x22) this.inStr = true;
      else if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (--this.depth === 0) {
          keep(i + 1);
          this.finish('');
          return i + 1;
        }
      }
      i++;
    }
    keep(n);
    return n;
  }

  private finish(_: string): void {
    this.capturing = false;
    const tooLong = this.len > this.max;
    const text = tooLong ? '' : this.parts.join('');
    this.parts = [];
    if (this.state === S.Key) {
      if (tooLong) return this.fail(0, 'has a field name longer than 256 characters');
      try {
        this.key = JSON.parse(text) as string;
      } catch {
        return this.fail(0, 'has a field name that is not a valid JSON string');
      }
      this.state = S.Colon;
      return;
    }
    if (this.state === S.Value) {
      this.state = S.AfterValue;
      const field = redactText(this.key, 40);
      if (tooLong) return this.sink.problem({ record: null, field, message: `is longer than ${MAX_HEADER_VALUE_CHARS} characters` });
      if (FORBIDDEN_KEYS.has(this.key)) return this.sink.problem({ record: null, field, message: 'is not a field of the batch header' });
      if (this.headerSent) return this.sink.problem({ record: null, field, message: 'must come before "records" (the file is read as a stream)' });
      if (Object.prototype.hasOwnProperty.call(this.headerFields, this.key)) return this.sink.problem({ record: null, field, message: 'appears twice in the header' });
      try {
        this.headerFields[this.key] = JSON.parse(text);
      } catch {
        this.sink.problem({ record: null, field, message: 'is not a valid JSON value' });
      }
      return;
    }
    // A record.
    this.state = S.AfterElem;
    if (tooLong) return this.sink.problem({ record: this.n, field: '(record)', message: `is longer than ${MAX_RECORD_CHARS} characters` });
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.sink.problem({ record: this.n, field: '(record)', message: 'is not valid JSON' });
    }
    this.sink.record(raw, this.n);
  }

  private fail(i: number, message: string): void {
    this.sink.problem({ record: null, field: '(file)', message: `${message} (at character ${this.offset + i + 1})` });
    this.stop();
  }

  private stop(): void {
    this.state = S.Stopped;
    this.capturing = false;
    this.parts = [];
  }
}
