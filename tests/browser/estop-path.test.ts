import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startStationFixture } from '../support/station-fixture';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { signIn, waitEngine } from './support/operator-page';
import type { SimLine } from '../../electron/sim/line';

// An emergency stop is not a dead end: through the real renderer, bridge and core on the
// simulated line, the operator presses F9 with cards in the machine, sees each card named,
// clears the path (the machine sends them to the reject bin) and starts the batch again.

let fx: Awaited<ReturnType<typeof startStationFixture>>;
let browser: Browser;

before(async () => {
  buildRenderer();
  // A twentieth of real time: the batch runs long enough for cards to be in the machine at F9.
  fx = await startStationFixture({ timeScale: 0.05, cards: 12, importSample: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await fx?.close();
});

const KNOWN = /contains an invalid source: 'ws:\/\/\[::1\]:\*'/;

test('emergency stop → the cards in the path are named → clear the path → start again, from the operator screen', { timeout: 240_000 }, async () => {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await ctx.newPage();
  const watched = watchPage(page);
  await page.goto(fx.url);
  await signIn(page, fx.credentials.operator.username, fx.credentials.operator.password);
  await page.getByTestId('operator-screen').waitFor();
  const { station } = fx.core;
  const batchId = station.store.db.prepare('SELECT batch_id FROM batches LIMIT 1').pluck().get() as string;
  await page.getByLabel('Choose a batch').selectOption(batchId);

  await page.keyboard.press('F2');
  await waitEngine(page, /Running/);
  // Wait for cards to be in the machine, then hit the emergency stop.
  await page.getByTestId('inflight-item').nth(1).waitFor({ timeout: 60_000 });
  await page.keyboard.press('F9');
  await waitEngine(page, /Cards in the machine — clear the path/, 30_000);

  const panel = page.getByTestId('path-panel');
  await panel.waitFor();
  const rows = panel.getByTestId('path-card');
  const n = await rows.count();
  const line = station.deviceSet.extras!.simLine as SimLine;
  const bins = line.machine!.bins;
  const rejectedBefore = bins.reject.length;
  const inMachine = [...line.cards.values()].filter((c) => ![...bins.good, ...bins.reject, ...bins.removed].includes(c)).length;
  assert.ok(n >= 1, 'cards are named in the path');
  assert.equal(n, inMachine, 'the screen names every card the machine still holds');
  for (let i = 0; i < n; i++) {
    const text = (await rows.nth(i).textContent()) ?? '';
    const rec = (await rows.nth(i).getAttribute('data-record')) ?? '';
    const masked = station.store.db.prepare('SELECT masked_pan FROM cards WHERE record_id = ? ORDER BY id DESC LIMIT 1').pluck().get(rec) as string;
    assert.ok(text.includes(rec) && text.includes(masked), `record and masked PAN shown: ${text}`);
    // The reason and the place in words, not the code nor a 0-based slot.
    assert.match(text, /Emergency stop/);
    assert.doesNotMatch(text, /EMERGENCY_STOP|slot \d/);
    assert.ok(!/\d{13,19}/.test(text), 'no full PAN on the screen');
  }
  assert.equal(await page.getByRole('button', { name: /^Start/ }).isDisabled(), true, 'Start is locked while cards are in the path');
  await screenshot(page, 'estop-path');

  await panel.getByRole('button', { name: 'Clear the path' }).click();
  await panel.waitFor({ state: 'detached', timeout: 30_000 });
  await waitEngine(page, /Stopped/);
  assert.equal(bins.reject.length - rejectedBefore, n, 'the machine sent every card in the path to the reject bin');
  const spoiled = station.store.db.prepare("SELECT reason, step FROM cards WHERE state = 'failed' AND reason = 'EMERGENCY_STOP'").all() as { reason: string; step: string }[];
  assert.equal(spoiled.length, n, 'each card of the path is counted as spoiled, with its reason');
  assert.ok(spoiled.every((s) => s.step));

  // The line starts again from the screen and finishes the batch.
  await page.getByRole('button', { name: /^Start/ }).click();
  await waitEngine(page, /Running|Batch finished/);
  await waitEngine(page, /Batch finished/, 180_000);
  const counts = station.store.counts(batchId);
  assert.equal(counts.queued + counts.inProgress, 0);
  assert.equal(counts.passed + counts.failed, counts.total);
  assert.equal(line.machine!.bins.good.length, counts.passed, 'the good tray holds exactly the passed cards');
  assert.deepEqual(watched.problems.filter((p) => !KNOWN.test(p)), []);
  await ctx.close();
});
