import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { importBatch } from '../../../electron/core/batch/import';
import { toCallError } from '../../../electron/core/api/dispatch';
import { ValidationError } from '../../../shared/domain/problems';
import { ConflictError } from '../../../electron/core/store/card-store';
import { luhnCheckDigit } from '../../../shared/domain/pan';
import { makeStore } from '../../support/core-fixture';
import { plainRegistry } from './support';

// Hostile batches, JSON and CSV, generated and shrunk by fast-check: the import never crashes
// (a refusal is a ValidationError), no problem that leaves the core holds a generated card
// number (middle digits, separators ignored), CVV2 or track data, and a refused file stores
// nothing.
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const panArb = digits(11, 18).map((b) => b + luhnCheckDigit(b));
const noise = fc.string({ unit: fc.oneof(fc.constantFrom('"', ',', '\n', '\r', '\u0000', '\u200B', '\\', '{', '}', '[', ']', ':', ' ', '=', '^', '%', ';', '?'), fc.string({ minLength: 1, maxLength: 1 })), maxLength: 12 });

interface Card {
  pan: string;
  cvv2: string;
  t2: string;
}

const recordArb = fc.record({
  pan: panArb,
  cvv2: digits(3, 4).map((s) => s.padEnd(3, '7')),
  t2: digits(12, 20).map((s) => '9' + s),
  idMode: fc.constantFrom('plain', 'pan', 'spaced', 'long', 'noise'),
  expiry: fc.oneof(fc.constant('2911'), digits(4, 4), noise),
  name: fc.oneof(fc.constant('DOE/JOHN'), noise),
  extraKey: fc.oneof(fc.constant(null), fc.constant('__proto__'), fc.constant('constructor'), panArb, noise),
  fieldValue: fc.oneof(fc.constant('ACME'), noise, panArb),
  breakPan: fc.boolean(),
});
type Gen = typeof recordArb extends fc.Arbitrary<infer T> ? T : never;

function build(g: Gen, i: number): { rec: Record<string, unknown>; card: Card } {
  const id = { plain: `R${i}`, pan: `R${g.pan}`, spaced: g.pan.replace(/(\d{4})/g, '$1 ').trim(), long: `R${g.pan}`.repeat(500), noise: `R${i}${g.t2}` }[g.idMode as 'plain'];
  const rec: Record<string, unknown> = { recordId: id, pan: g.breakPan ? g.pan.slice(0, -1) + ((Number(g.pan.slice(-1)) + 1) % 10) : g.pan, expiry: g.expiry, name: g.name, cvv2: g.cvv2, track2Discretionary: g.t2, fields: { company: g.fieldValue } };
  if (g.extraKey) rec[g.extraKey] = g.cvv2;
  return { rec, card: { pan: g.pan, cvv2: g.cvv2, t2: g.t2 } };
}

function csvQuote(v: unknown): string {
  const s = String(v ?? '');
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function assertNoCardData(out: string, cards: Card[]): void {
  const flat = out.replace(/[ \-._]/g, '');
  for (const c of cards) {
    assert.ok(!flat.includes(c.pan), `a whole PAN in ${out.slice(0, 300)}`);
    // The hidden middle of a 16–19 digit PAN (shorter ones have middles too short to tell apart).
    if (c.pan.length >= 16) assert.ok(!flat.includes(c.pan.slice(6, -4)), `PAN middle digits of ${c.pan.slice(0, 6)}… in ${out.slice(0, 300)}`);
    assert.ok(!out.includes(c.t2), 'track data in a problem');
    assert.ok(!out.includes(`"${c.cvv2}"`) && !out.includes(` ${c.cvv2} `), 'CVV2 in a problem');
  }
}

async function check(fileName: string, content: string, cards: Card[]): Promise<void> {
  const store = makeStore();
  try {
    await importBatch({ store, products: plainRegistry() }, fileName, content, 'fuzz');
    return;
  } catch (e) {
    assert.ok(e instanceof ValidationError || e instanceof ConflictError, `crashed: ${(e as Error)?.name} ${String((e as Error)?.stack).slice(0, 400)}`);
    assertNoCardData(JSON.stringify(toCallError(e, 'batches.import')), cards);
    assert.equal(store.counts().total, 0, 'a refused file left cards');
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n, 0, 'a refused file left records');
    assert.equal(store.hasBatch('F1'), false);
  } finally {
    store.db.close();
  }
}

test('fuzzed JSON batches: no crash, no card data in any problem, nothing stored on refusal', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 6 }), fc.nat(400), fc.constantFrom('none', 'cut', 'junk'), async (gens, cutAt, damage) => {
      const built = gens.map((g, i) => build(g, i + 1));
      let text = JSON.stringify({ format: 'perso-batch/1', batchId: 'F1', productId: 'P1', records: built.map((b) => b.rec) });
      if (damage === 'cut') text = text.slice(0, Math.min(cutAt, text.length));
      if (damage === 'junk') text = text.slice(0, cutAt) + '"}\u0000' + text.slice(cutAt);
      await check('f.json', text, built.map((b) => b.card));
    }),
    { numRuns: 80, seed: 12 },
  );
});

test('fuzzed CSV batches: no crash, no card data in any problem, nothing stored on refusal', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 6 }), fc.nat(300), fc.constantFrom('none', 'quote', 'cut'), async (gens, at, damage) => {
      const built = gens.map((g, i) => build(g, i + 1));
      const cols = ['recordId', 'pan', 'expiry', 'name', 'cvv2', 'track2Discretionary', 'fields.company'];
      const rows = built.map((b) => [b.rec.recordId, b.rec.pan, b.rec.expiry, b.rec.name, b.rec.cvv2, b.rec.track2Discretionary, (b.rec.fields as { company: string }).company].map(csvQuote).join(','));
      let text = `# batchId: F1\n# productId: P1\n${cols.join(',')}\n${rows.join('\n')}\n`;
      if (damage === 'quote') text = text.slice(0, at) + '"' + text.slice(at);
      if (damage === 'cut') text = text.slice(0, Math.min(text.length, at));
      await check('f.csv', text, built.map((b) => b.card));
    }),
    { numRuns: 80, seed: 21 },
  );
});
