import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, record, pan } from '../../support/core-fixture';
import { toCallError } from '../../../electron/core/api/dispatch';
import { NotFoundError, ConflictError } from '../../../electron/core/store/card-store';
import { ValidationError } from '../../../shared/domain/problems';
import { plainRegistry, refusal, jsonFile } from './support';
import { redactText, redactProblem } from '../../../shared/domain/redact';

// Issue 12 item 2: nothing the core returns echoes card data. A problem names the record, the
// field and the rule; a quoted value is cut and masked (a PAN at most 6 + 4). Enforced where
// errors leave the core (dispatch), tested with data shaped to slip through.

/** Fails when `text` holds any of the card numbers (separators ignored) or secret values. */
function assertClean(text: string, pans: string[], secrets: string[]): void {
  const digits = text.replace(/[ \-._]/g, '');
  for (const p of pans) assert.ok(!digits.includes(p.slice(6, p.length - 4)), `card number ${p.slice(0, 6)}… leaks in ${text.slice(0, 300)}`);
  for (const s of secrets) assert.ok(!text.includes(s), `secret ${s} leaks`);
}

test('problems of a hostile file carry no card data and stay short, through dispatch too', async () => {
  const store = makeStore();
  const p = [pan(101), pan(102), pan(103), pan(104), pan(105), pan(106)];
  const spaced = p[1].replace(/(\d{4})/g, '$1 ').trim();
  const dashed = p[2].replace(/(\d{4})/g, '$1-').replace(/-$/, '');
  const recs = [
    record(1, { recordId: `R${p[0]}X`, pan: '123', cvv2: '98765' }),
    record(2, { recordId: spaced, expiry: '9999' }),
    record(3, { recordId: dashed, track2Discretionary: 'D'.repeat(100) }),
    { ...record(4), [p[3]]: 'x', [`k${p[4]}`.repeat(1000)]: 'y' },
    record(5, { recordId: `R${p[5]}`.repeat(60_000), name: 'X' }),
    record(6, { dgis: [{ dgi: 'XYZ', data: 'CAFEBABE0011223344556677', encrypted: false }], cvv2: '4444x' }),
  ];
  const { e } = await refusal(store, plainRegistry(), 'b.json', jsonFile(recs));
  const out = JSON.stringify(toCallError(e, 'batches.import'));
  assertClean(out, [...p, pan(1), pan(2), pan(3), pan(4), pan(5), pan(6)], ['98765', 'D'.repeat(20), 'CAFEBABE0011223344', '4444x']);
  assert.ok(out.length < 20_000, `the refusal is ${out.length} characters`);
  for (const pr of toCallError(e, 'batches.import').problems!) {
    assert.ok((pr.recordId ?? '').length <= 41 && pr.field.length <= 81 && pr.message.length <= 301, JSON.stringify(pr).slice(0, 200));
  }
});

test('every error the core returns is redacted at dispatch, whatever made it', () => {
  const p = pan(7);
  const cases = [
    new NotFoundError(`no card R${p}X`),
    new ConflictError(`batch ${p.replace(/(\d{4})/g, '$1-')} exists`),
    new ValidationError('product', [{ record: 1, recordId: `id${p}`, field: `fields.${p}`, message: `value ${p} is wrong` }]),
    Object.assign(new Error(`key name ${'K'.repeat(10) + p} is ${'x'.repeat(1_000_000)}`), { code: 'FORBIDDEN' }),
  ];
  for (const c of cases) {
    const out = JSON.stringify(toCallError(c, 'x.call'));
    assertClean(out, [p], []);
    assert.ok(out.length < 5000, `${c.name}: ${out.length} characters`);
  }
});

test('a card number split by invisible, control or unusual separators, and a key in hex, are masked', () => {
  const p = pan(9);
  const g = (sep: string) => p.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
  const seps = ['\t', '\u0000', '\u200b', '\u2028', '  ', '/', ',', ' - ', '\u00a0'];
  for (const sep of seps) {
    for (const out of [redactText(`id ${g(sep)} bad`), JSON.stringify(redactProblem({ record: 1, recordId: g(sep), field: 'recordId', message: `is ${g(sep)}` }))]) {
      const digits = out.replace(/\D/g, '');
      assert.ok(!digits.includes(p.slice(6, p.length - 4)), `card number split by ${JSON.stringify(sep)} leaks in ${out}`);
    }
  }
  const key = '404142434445464748494A4B4C4D4E4F';
  for (const text of [`component ${key} wrong`, `component ${key.replace(/(..)(?=.)/g, '$1 ')} wrong`, `component ${key.replace(/(..)(?=.)/g, '$1:')} wrong`]) {
    const out = redactText(text);
    assert.ok(!/4A|4B|4C|4D|4E|4F|A4B|4C4D/.test(out), `key material leaks: ${out}`);
  }
  // What is not card data stays readable: a date and time, a short number, a masked PAN.
  assert.equal(redactText('anchored at 720 on 2026-12-04 04:33:24 UTC'), 'anchored at 720 on 2026-12-04 04:33:24 UTC');
  assert.equal(redactText(`card ${p}`), `card ${p.slice(0, 6)}${'*'.repeat(p.length - 10)}${p.slice(-4)}`);
});
