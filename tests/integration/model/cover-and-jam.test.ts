import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStation } from '../../support/model/model-station';
import type { SequencePlan, TimedEvent } from '../../support/model/plan';

// Found by the shift model (seeds 800-809 with cover or jam drawn): a cover opened, or a card
// jammed, while other cards were in flight. Every machine command refused while the machine was
// stopped (COVER_OPEN, JAM, HALTED) failed the card it was for, so cards behind the one at the
// faulted step were spoiled; after a jam cleared by hand nothing sent RECOVER, so the cards in
// flight waited for the machine for good and the jammed card stayed in_progress without a reason.
const plan = (seed: number, events: TimedEvent[]): SequencePlan => ({
  seed, cards: 5, retries: { chip: 0, magstripe: 0 }, cardFaults: [], events,
  rejectOdds: 0, holdCard: false, holdBatch: false, vault: { samples: 0, returned: 0, miscount: 0 },
});

async function runAll(plans: SequencePlan[], landed: RegExp, decided?: RegExp): Promise<void> {
  const ms = await ModelStation.open();
  try {
    for (const p of plans) {
      const r = await ms.run(p);
      assert.deepEqual(r.problems, [], `seed ${p.seed}:\n${r.trace.join('\n')}`);
      assert.ok(r.trace.some((l) => landed.test(l)), `seed ${p.seed}: the fault landed`);
      if (decided) assert.ok(r.trace.some((l) => decided.test(l)), `seed ${p.seed}: no decision matching ${decided}:\n${r.trace.join('\n')}`);
    }
  } finally {
    await ms.close();
  }
  assert.deepEqual(ms.verifyProblems, []);
}

test('a cover opened while cards are in flight pauses the feed and spoils no card behind the faulted step', { timeout: 180_000 }, async () => {
  // Command 9 lands on a strike, 10 and 14 on moves, 26 later in the batch, each with cards at other stations.
  await runAll([9, 10, 14, 18, 26].map((at, i) => plan(100 + i, [{ atCommand: at, what: 'cover' }])), /\] cover$/);
});

test('a card jammed while others are in flight: the operator takes it out and presses Recover; it is spoiled MACHINE_JAM at its step, the others go on', { timeout: 180_000 }, async () => {
  await runAll([10, 14, 17, 25].map((at, i) => plan(200 + i, [{ atCommand: at, what: 'jam' }])), /\] jam$/, /supervisor: \w+ card \d+ \(R\d+, MACHINE_JAM at (chip|magstripe|emboss|laser)\)/);
});

test('a jam carried over a cover lands on a FEED: the blank jammed at the hopper is the fed card\'s, spoiled MACHINE_JAM at the feed', { timeout: 180_000 }, async () => {
  // Found by the shift model, seed 836 (jam and cover drawn): the cover opens before a FEED, the
  // jam is armed before the next MOVE; both are refused while the cover is open, and once it is
  // closed the FEED goes out first and jams with its blank. That blank left the hopper, yet the
  // station put the record back in the queue and never counted it.
  const p: SequencePlan = {
    ...plan(836, [{ atCommand: 18, what: 'jam' }, { atCommand: 41, what: 'cover' }, { atCommand: 41, what: 'jam' }]),
    cards: 7, retries: { chip: 2, magstripe: 0 }, vault: { samples: 1, returned: 0, miscount: 0 },
  };
  await runAll([p], /FEED failed with JAM: card \d+ jammed at the hopper/, /supervisor: \w+ card \d+ \(R\d+, MACHINE_JAM at feed\)/);
});
