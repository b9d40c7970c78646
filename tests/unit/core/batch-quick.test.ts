import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from '../../../shared/domain/problems';
import { CardRecordSchema } from '../../../shared/domain/record';
import { StrictRecordSchema, quickRecord, validateBatch } from '../../../shared/batch/format';
import { luhnValid } from '../../../shared/domain/pan';
import { seeded } from '../../support/rng';
import { redactText } from '../../../shared/domain/redact';
import { LIMITS } from '../../../shared/batch/limits';

// quickRecord is the schema's fast path: it may only accept what StrictRecordSchema accepts,
// and must then give what the schema gives. Checked over generated raw records, good and bad.

const rng = seeded;

function generate(seed: number, n: number): unknown[] {
  const r = rng(seed);
  const text = (chars: string, min: number, max: number) => {
    let s = '';
    const len = min + Math.floor(r() * (max - min + 1));
    for (let i = 0; i < len; i++) s += chars[Math.floor(r() * chars.length)];
    return s;
  };
  const luhn = (body: string) => {
    for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
    return body;
  };
  const odd = () => [null, 12, true, [], {}, undefined][Math.floor(r() * 6)];
  return Array.from({ length: n }, (_, i) => {
    const rec: Record<string, unknown> = {
      recordId: r() < 0.95 ? `R${i}` : text('AB', 0, 45),
      pan: r() < 0.85 ? luhn(text('0123456789', 11, 18)) : r() < 0.5 ? text('0123456789 ', 10, 21) : odd(),
      expiry: r() < 0.9 ? `${10 + Math.floor(r() * 20)}${String(Math.floor(r() * 14)).padStart(2, '0')}` : odd(),
      name: r() < 0.95 ? text('ABC/ ', 0, 30) : odd(),
    };
    if (r() < 0.5) rec.serviceCode = r() < 0.9 ? text('0123456789', 2, 4) : odd();
    if (r() < 0.4) rec.embossName = r() < 0.9 ? text('AB ', 0, 30) : odd();
    if (r() < 0.5) rec.cvv2 = r() < 0.9 ? text('0123456789', 2, 5) : odd();
    if (r() < 0.5) rec.track1Discretionary = text('0123', 0, 85);
    if (r() < 0.5) rec.track2Discretionary = r() < 0.9 ? text('0123', 0, 45) : odd();
    if (r() < 0.2) rec.graphic = text('ab', 0, 10);
    if (r() < 0.4) {
      const f: Record<string, unknown> = { company: text('AB', 0, 5) };
      if (r() < 0.2) f.n = odd();
      rec.fields = r() < 0.9 ? f : odd();
    }
    if (r() < 0.5) {
      const dgis = Array.from({ length: Math.floor(r() * 4) }, () => {
        const d: Record<string, unknown> = { dgi: r() < 0.9 ? text('0123456789ABCDEFabcdefG', 4, 4) : text('01', 3, 5), data: r() < 0.9 ? text('0123456789ABCDEFabcdef', 0, 20) : text('0G', 0, 5) };
        if (r() < 0.5) d.encrypted = r() < 0.9 ? r() < 0.5 : odd();
        if (r() < 0.05) d.extra = 'x';
        return d;
      });
      rec.dgis = r() < 0.95 ? dgis : odd();
    }
    if (r() < 0.03) rec.bogus = 'x';
    if (r() < 0.02) return odd();
    return JSON.parse(JSON.stringify(rec)) as unknown;
  });
}

test('quickRecord accepts only what the schema accepts, and gives what it gives', () => {
  let quick = 0;
  let refused = 0;
  for (const raw of generate(5, 20_000)) {
    const z = StrictRecordSchema.safeParse(raw);
    const q = quickRecord(raw);
    if (q) {
      quick++;
      assert.ok(z.success, `quick accepted what the schema refuses: ${JSON.stringify(raw)}`);
      assert.deepEqual(q, z.data);
    } else if (!z.success) refused++;
  }
  assert.ok(quick > 2000 && refused > 2000, `quick ${quick}, refused ${refused}`);
});

test('quickRecord knows every field of the record schema (a new field needs its rule here)', () => {
  const all = {
    recordId: 'R1', pan: '4111111111111111', expiry: '2912', serviceCode: '201', name: 'DOE/JOHN', embossName: 'JOHN DOE', fields: { a: 'b' },
    track1Discretionary: '1', track2Discretionary: '2', cvv2: '123', dgis: [{ dgi: '0101', data: 'AB', encrypted: true }], graphic: 'x',
  };
  assert.deepEqual(Object.keys(all).sort(), Object.keys(CardRecordSchema.shape).sort());
  assert.deepEqual(quickRecord(all), StrictRecordSchema.parse(all));
  assert.equal(quickRecord({ ...all, extra: 1 }), null);
});

test('validateBatch gives the same records and problems as the schema alone', () => {
  const raws = generate(9, 3000);
  const header = { format: 'perso-batch/1', batchId: 'B1', productId: 'P1' };
  // An import date the generated expiry dates (2010–2029) are all valid on.
  const opts = { now: new Date('2010-01-01T00:00:00Z') };
  const got = validateBatch(header, raws, opts);
  // The reference: the schema on every record, as validateBatch did before its fast path.
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  raws.forEach((raw, n) => {
    const r = StrictRecordSchema.safeParse(raw);
    // A problem quotes the record id redacted and cut, as everything that leaves the core.
    const recordId = typeof (raw as { recordId?: unknown })?.recordId === 'string' ? redactText((raw as { recordId: string }).recordId, 40) : undefined;
    if (!r.success) {
      const path = (ps: PropertyKey[]) => ps.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(record)';
      for (const i of r.error.issues) {
        if (i.code === 'unrecognized_keys') for (const k of i.keys) problems.push({ record: n + 1, recordId, field: path([...i.path, k]), message: 'is not a field of the batch format' });
        else problems.push({ record: n + 1, recordId, field: path(i.path), message: i.message });
      }
      return;
    }
    const first = seen.get(r.data.recordId);
    if (first !== undefined) problems.push({ record: n + 1, recordId, field: 'recordId', message: `duplicates record ${first}` });
    else seen.set(r.data.recordId, n + 1);
  });
  assert.ok(problems.length > 100);
  assert.deepEqual(got.problems, problems.slice(0, LIMITS.problemsListed));
  assert.equal(got.total, problems.length);
  const clean = raws.filter((r) => StrictRecordSchema.safeParse(r).success).slice(0, 500).map((r, i) => ({ ...(r as object), recordId: `C${i}` }));
  const ok = validateBatch(header, clean, opts);
  assert.deepEqual(ok.problems, []);
  assert.deepEqual(ok.batch!.records, clean.map((r) => StrictRecordSchema.parse(r)));
});
