import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStation } from '../../support/model/model-station';
import type { SequencePlan } from '../../support/model/plan';

// Found by the shift model (seeds 303/305, and 77 of 200 sequences of `npm run soak -- --only
// machineUnplugged`): the machine's cable pulled while the machine works a command. The answer
// was lost, so the driver failed that command OFFLINE, and every command queued behind it too:
// a FEED left a blank at the input that the station never recorded (every later FEED then BUSY),
// an EJECT to the good bin left the card in the good tray counted as failed (after rework its
// record was on two good cards), and cards whose moves were queued failed though nothing hit
// them. Now only a strike whose answer was lost can fail; the rest is settled from STATUS.
const plan = (seed: number, atCommand: number): SequencePlan => ({
  seed, cards: 3, retries: { chip: 0, magstripe: 0 }, cardFaults: [], events: [{ atCommand, what: 'machineUnplugged' }],
  rejectOdds: 0, holdCard: false, holdBatch: false, vault: { samples: 0, returned: 0, miscount: 0 },
});

test('the machine cable pulled during a FEED, a MOVE, a strike or an EJECT with cards in flight: only the card being struck can fail', { timeout: 180_000 }, async () => {
  const ms = await ModelStation.open();
  const seen = new Set<string>();
  try {
    // On this 3-card product: 1, 3, 6 land on a FEED, 4 and 10 on a MOVE with a card behind, 9 on an EMBOSS, 23 on an EJECT to the good bin.
    for (const at of [1, 3, 4, 6, 9, 10, 23]) {
      const r = await ms.run(plan(at, at));
      assert.deepEqual(r.problems, [], r.trace.join('\n'));
      const hit = r.trace.find((l) => l.endsWith('] machineUnplugged'));
      assert.ok(hit, `the cable was pulled (command ${at})`);
      seen.add(/command \d+ (\w+)/.exec(hit)![1]);
    }
  } finally {
    await ms.close();
  }
  assert.deepEqual([...seen].sort(), ['EJECT', 'EMBOSS', 'FEED', 'MOVE']);
  assert.deepEqual(ms.verifyProblems, []);
});
