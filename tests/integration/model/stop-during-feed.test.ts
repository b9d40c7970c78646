import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStation } from '../../support/model/model-station';
import type { SequencePlan } from '../../support/model/plan';

// Found by the shift model (seed 214 of its first run): an operator stop that lands while the
// machine is feeding cancelled the wait for the FEED answer. The machine had taken the blank;
// the station put the record back in the queue as "stopped before a card was taken", so the blank
// sat at the input unaccounted for, and every later start paused with "FEED failed with BUSY: a
// card is still at the input".
const plan = (seed: number, atCommand: number): SequencePlan => ({
  seed, cards: 3, retries: { chip: 0, magstripe: 0 }, cardFaults: [], events: [{ atCommand, what: 'stop' }],
  rejectOdds: 0, holdCard: false, holdBatch: false, vault: { samples: 0, returned: 0, miscount: 0 },
});

test('a stop while the machine feeds: the blank it took is accounted (spoiled, OPERATOR_STOP, in the reject bin) and the line starts again', { timeout: 120_000 }, async () => {
  const ms = await ModelStation.open();
  try {
    // Command 1 is the batch's first FEED; 10 lands on a later one while other cards are in flight.
    for (const [seed, at] of [[1, 1], [2, 10]]) {
      const r = await ms.run(plan(seed, at));
      assert.deepEqual(r.problems, [], r.trace.join('\n'));
      assert.ok(r.trace.some((l) => /\] stop$/.test(l)), 'the stop landed');
    }
  } finally {
    await ms.close();
  }
  assert.deepEqual(ms.verifyProblems, []);
});
