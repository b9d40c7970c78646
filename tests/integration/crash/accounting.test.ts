import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judge, type Card, type Journal, type Audit } from '../../support/crash-accounting';

// The crash test's accounting checks must catch what they claim to catch: each case below
// breaks one rule on an otherwise clean history.
const STEPS = ['chip', 'magstripe'];

function history() {
  const cards: Card[] = [
    { id: 1, record_index: 0, record_id: 'R1', attempt: 1, state: 'reworked', step: 'magstripe', reason: 'INTERRUPTED', decided_by: 'sup', decision_reason: 'remake' },
    { id: 2, record_index: 0, record_id: 'R1', attempt: 2, state: 'passed', step: null, reason: null, decided_by: null, decision_reason: null },
  ];
  let id = 0;
  const j = (card_id: number, step: string, phase: 'intent' | 'result', ts: number, ok: number | null = phase === 'result' ? 1 : null, reason: string | null = null): Journal => ({ id: ++id, card_id, step, attempt: 1, phase, ok, reason, ts });
  const journal: Journal[] = [
    j(1, 'feed', 'intent', 10), j(1, 'feed', 'result', 11), j(1, 'move:chip', 'intent', 12), j(1, 'move:chip', 'result', 13), j(1, 'chip', 'intent', 14), j(1, 'chip', 'result', 15),
    j(1, 'move:magstripe', 'intent', 16), j(1, 'move:magstripe', 'result', 17), j(1, 'magstripe', 'intent', 18),
    // After the restart the operator cleared the path: the card went to the reject bin.
    j(1, 'clear', 'result', 120, 1, 'reject'),
  ];
  for (const [k, s] of ['feed', 'move:chip', 'chip', 'move:magstripe', 'magstripe'].entries()) journal.push(j(2, s, 'intent', 200 + 2 * k), j(2, s, 'result', 201 + 2 * k));
  journal.push(j(2, 'eject', 'intent', 220, null, 'good'), j(2, 'eject', 'result', 221, 1, 'good'));
  const audit: Audit[] = [
    { seq: 1, ts: 5, type: 'station.start', card_id: null },
    { seq: 2, ts: 100, type: 'station.start', card_id: null },
    { seq: 3, ts: 101, type: 'card.interrupted', card_id: 1 },
    { seq: 4, ts: 150, type: 'card.rework', card_id: 1 },
    { seq: 5, ts: 222, type: 'card.passed', card_id: 2 },
  ];
  return { cards, journal, audit };
}

test('a clean history with one interrupted and reworked card passes every check', () => {
  const h = history();
  const a = judge(1, h.cards, h.journal, h.audit, STEPS);
  assert.deepEqual(a.problems, []);
  assert.deepEqual([a.physical, a.passed, a.spoiled, a.interrupted, a.passedWithoutLog], [2, 1, 1, 1, 0]);
});

test('each broken rule is named', () => {
  const cases: [string, (h: ReturnType<typeof history>) => void, RegExp][] = [
    ['a step done twice on one card', (h) => h.journal.push({ ...h.journal.find((x) => x.card_id === 2 && x.step === 'chip' && x.phase === 'result')!, id: 999, attempt: 2 }), /chip succeeded 2 times/],
    ['a remake before the decision', (h) => (h.audit.find((x) => x.type === 'card.rework')!.ts = 205), /worked on before the decision/],
    ['a card resumed after a restart', (h) => h.audit.splice(1, 0, { seq: 9, ts: 12, type: 'station.start', card_id: null }), /spans a restart/],
    ['a card left failed', (h) => Object.assign(h.cards[1], { state: 'failed', reason: 'MSR_WRITE_ERROR' }), /last card 2 ended failed/],
    ['a spoiled card without a decision', (h) => Object.assign(h.cards[0], { decided_by: null }), /without a recorded decision/],
    ['a second passed card for one record', (h) => Object.assign(h.cards[0], { state: 'passed' }), /2 passed cards/],
    ['an interrupted card never cleared from the path', (h) => h.journal.splice(h.journal.findIndex((x) => x.step === 'clear'), 1), /never reached a bin nor was cleared from the path/],
    ['a passed card that skipped a step', (h) => h.journal.splice(h.journal.findIndex((x) => x.card_id === 2 && x.step === 'magstripe' && x.phase === 'result'), 1), /passed with 0 successful magstripe/],
  ];
  for (const [what, breakIt, expected] of cases) {
    const h = history();
    breakIt(h);
    const a = judge(1, h.cards, h.journal, h.audit, STEPS);
    assert.ok(a.problems.some((p) => expected.test(p)), `${what}: ${JSON.stringify(a.problems)}`);
  }
});
