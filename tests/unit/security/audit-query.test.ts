import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry, AuditEntryInput, AuditFilter } from '../../../electron/core/audit';
import { setup } from './helpers';

const TYPES = ['card.start', 'card.done', 'card.fail', 'engine.state', 'auth.login'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta'];

function make(i: number): AuditEntryInput {
  const card = i % 7 !== 0;
  return {
    type: TYPES[i % 5],
    severity: i % 11 === 0 ? 'error' : i % 5 === 2 ? 'warn' : 'info',
    outcome: i % 13 === 0 ? 'failure' : 'success',
    user: i % 3 === 0 ? 'sup1' : 'op1',
    origin: 'station',
    resource: card ? `card:${i}` : 'device:reader-0',
    batchId: card ? `B${Math.floor(i / 100)}` : null,
    cardId: card ? i : null,
    recordId: card ? `R${i % 50}` : null,
    maskedPan: card ? `411111******${String(1000 + (i % 9))}` : null,
    message: `event ${i} ${WORDS[i % 4]} on head ${i % 3}`,
  };
}

const N = 1200;

/** The reference answer: filter the appended entries in memory. */
function expected(all: AuditEntry[], f: AuditFilter): AuditEntry[] {
  const list = <T>(v: T | T[] | undefined) => (v == null ? null : Array.isArray(v) ? v : [v]);
  const types = list(f.type);
  const sevs = list(f.severity);
  const words = f.text ? f.text.toLowerCase().split(/\s+/).filter(Boolean) : [];
  const hit = (tok: string, w: string) => (w.endsWith('*') ? tok.startsWith(w.slice(0, -1)) : tok === w);
  const rows = all.filter(
    (e) =>
      (f.batchId == null || e.batchId === f.batchId) && (f.cardId == null || e.cardId === f.cardId) &&
      (f.recordId == null || e.recordId === f.recordId) && (f.maskedPan == null || e.maskedPan === f.maskedPan) &&
      (f.user == null || e.user === f.user) && (f.resource == null || e.resource === f.resource) && (f.outcome == null || e.outcome === f.outcome) &&
      (!types || types.includes(e.type)) && (!sevs || sevs.includes(e.severity)) &&
      (f.from == null || e.ts >= f.from) && (f.to == null || e.ts <= f.to) &&
      words.every((w) => e.message.toLowerCase().split(/[^a-z0-9]+/).some((tok) => hit(tok, w))),
  );
  return (f.order ?? 'desc') === 'desc' ? rows.reverse() : rows;
}

function seed() {
  const s = setup();
  const all: AuditEntry[] = [];
  for (let i = 0; i < N; i++) {
    s.clock.t += 1000;
    all.push(s.audit.append(make(i)));
  }
  return { s, all };
}

const FILTERS: AuditFilter[] = [
  {},
  { batchId: 'B3' },
  { cardId: 555 },
  { recordId: 'R7' },
  { maskedPan: '411111******1004' },
  { user: 'sup1' },
  { resource: 'device:reader-0' },
  { outcome: 'failure' },
  { type: 'card.fail' },
  { type: ['card.done', 'auth.login'] },
  { severity: 'error' },
  { severity: ['warn', 'error'] },
  { severity: 'info', type: ['card.start', 'card.done', 'engine.state'] },
  { text: 'bravo' },
  { text: 'cha* head' },
  { text: 'charlie head' },
  { text: 'bravo', batchId: 'B5' },
  { text: 'delta', severity: 'error', user: 'sup1' },
  { batchId: 'B2', type: 'card.done', order: 'asc' },
  { user: 'op1', recordId: 'R8', order: 'asc' },
];

test('every filter returns exactly the matching entries, newest first, across keyset pages', (t) => {
  const { s, all } = seed();
  t.after(s.cleanup);
  const from = all[200].ts;
  const to = all[900].ts;
  for (const base of [...FILTERS, ...FILTERS.map((f) => ({ ...f, from, to }))]) {
    const want = expected(all, base).map((e) => e.seq);
    const got: number[] = [];
    let cursor: number | undefined;
    let pages = 0;
    for (;;) {
      const asc = base.order === 'asc';
      const page = s.audit.query({ ...base, limit: 37, ...(cursor == null ? {} : asc ? { afterSeq: cursor } : { beforeSeq: cursor }) });
      got.push(...page.rows.map((e) => e.seq));
      pages++;
      if (page.nextCursor == null) break;
      assert.equal(page.rows.length, 37);
      cursor = page.nextCursor;
    }
    assert.ok(want.length > 0, `filter ${JSON.stringify(base)} matches something in the fixture`);
    assert.deepEqual(got, want, `filter ${JSON.stringify(base)}`);
    assert.equal(pages, Math.max(1, Math.ceil(want.length / 37)), `pages for ${JSON.stringify(base)}`);
  }
});

test('counts match and are capped', (t) => {
  const { s, all } = seed();
  t.after(s.cleanup);
  for (const f of FILTERS) {
    const page = s.audit.query({ ...f, limit: 5, count: true });
    assert.equal(page.total, expected(all, f).length, JSON.stringify(f));
    assert.equal(page.totalCapped, false);
  }
  assert.deepEqual(s.audit.query({ cardId: 99999, count: true }), { rows: [], total: 0, totalCapped: false });
});

test('rows come back whole, and a new entry is found by the next query at once', (t) => {
  const { s, all } = seed();
  t.after(s.cleanup);
  const [row] = s.audit.query({ cardId: 555 }).rows;
  assert.deepEqual(row, all[555]);
  const e = s.audit.append({ ...make(5), message: 'zulu arrived' });
  assert.deepEqual(s.audit.query({ text: 'zulu' }).rows.map((r) => r.seq), [e.seq]);
});

test('text that has no searchable word does not filter, and quotes cannot break the query', (t) => {
  const { s } = seed();
  t.after(s.cleanup);
  assert.equal(s.audit.query({ text: '"alpha' , limit: 1000}).rows.length, 300);
  assert.equal(s.audit.query({ text: 'NEAR( OR AND', limit: 1000 }).rows.length, 0);
});

test('CSV export holds every matching entry, quoted and safe for spreadsheets', (t) => {
  const s = setup();
  t.after(s.cleanup);
  s.audit.append({ type: 'batch.import', severity: 'info', outcome: 'success', origin: 'cli', message: '=HYPERLINK("x"), imported\nsecond line' });
  for (let i = 0; i < 2500; i++) s.audit.append(make(i));
  let out = '';
  const n = s.audit.exportCsv({ type: 'batch.import' }, (c) => (out += c));
  assert.equal(n, 1);
  const lines = out.split('\r\n');
  assert.equal(lines[0], 'seq,time,type,severity,outcome,user,origin,resource,batch_id,card_id,record_id,masked_pan,message,data,prev_hash,hash');
  assert.ok(lines[1].startsWith('1,2025-01-01T00:00:00.000Z,batch.import,info,success,,cli,,,,,,"\'=HYPERLINK(""x""), imported\nsecond line",'), lines[1]);
  let all = '';
  assert.equal(s.audit.exportCsv({}, (c) => (all += c)), 2501);
  assert.equal(all.trimEnd().split('\r\n').length, 2501 + 1);
});

test('a count beyond the cap is reported as capped', (t) => {
  const s = setup();
  t.after(s.cleanup);
  s.audit.appendMany(Array.from({ length: 10_050 }, (_, i) => make(i * 5 + 1)));
  const p = s.audit.query({ type: 'card.done', count: true, limit: 1 });
  assert.equal(p.total, 10_000);
  assert.equal(p.totalCapped, true);
});
