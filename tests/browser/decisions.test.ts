import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { signIn } from './support/operator-page';

// Supervision: each failed card says where it stopped; several are decided together; a card can
// be set good after inspection; a batch is held and released with a reason; the job list counts.

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  st = await startFakeStation({ staticDir: buildRenderer(), cards: 10 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

test('decisions show where the card stopped, several are decided at once, one is set good; a batch is held and released', { timeout: 90_000 }, async () => {
  for (const id of [2, 3]) st.failCard(id);
  // Stopped by an emergency stop at the embosser (chip and stripe done): the log says "failed at emboss".
  st.failCard(5, { step: 'emboss', slot: 0, reason: 'EMERGENCY_STOP', message: 'emergency stop' });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { problems } = watchPage(page);
  await page.goto(st.url);
  await signIn(page, 'sup', st.users.sup.password);
  await page.getByRole('button', { name: 'Supervision' }).click();
  const decisions = page.getByTestId('decision');
  await decisions.nth(2).waitFor();
  // The step, the unit of it and the record's place in the batch (counted from 1, the store counts from 0).
  assert.equal(await decisions.first().getByTestId('stopped-at').textContent(), 'Stopped at: Chip head 1 · record 2 of the batch');
  const estopped = page.locator('[data-testid=decision][data-record=R000005]');
  assert.equal(await estopped.getByTestId('stopped-at').textContent(), 'Stopped at: Embossing · record 5 of the batch');
  assert.match((await estopped.textContent()) ?? '', /Emergency stop/);
  const attention = page.getByTestId('attention');
  assert.match((await attention.textContent()) ?? '', /3 failed card\(s\) wait for your decision/);
  assert.match((await attention.textContent()) ?? '', /Laser \(Offline\)/);
  const job = page.locator('[data-testid=job][data-batch="B-FAKE-001"]');
  assert.equal(((await job.locator('[data-col=spoiled]').textContent()) ?? '').trim(), '3');

  // Two together: one reason, one confirmation.
  await page.getByLabel('Select card R000002').check();
  await page.getByLabel('Select card R000003').check();
  await page.getByTestId('decision-bulk').getByRole('button', { name: 'Rework…' }).click();
  const dialog = page.getByRole('dialog');
  assert.match((await dialog.textContent()) ?? '', /Rework 2 cards\?/);
  await dialog.getByLabel('Reason (required)').fill('stripe head cleaned, both cards destroyed');
  await dialog.getByRole('button', { name: 'Rework the card' }).click();
  await page.getByText('2 cards sent for rework.').waitFor();
  const decided = st.calls.filter((c) => c.name === 'cards.decide').map((c) => [c.input.cardId, c.input.decision, c.input.reason]);
  assert.deepEqual(decided, [[2, 'rework', 'stripe head cleaned, both cards destroyed'], [3, 'rework', 'stripe head cleaned, both cards destroyed']]);

  // Set good after inspection.
  await decisions.first().getByRole('button', { name: 'Set good…' }).click();
  await page.getByRole('dialog').getByLabel('What you inspected (required)').fill('inspected: chip answers, embossing complete');
  await page.getByRole('dialog').getByRole('button', { name: 'Set the card good' }).click();
  await page.getByText('Card R000005 set good.').waitFor();
  assert.deepEqual(st.calls.filter((c) => c.name === 'cards.decide').at(-1)!.input, { cardId: 5, decision: 'good', reason: 'inspected: chip answers, embossing complete' });

  // Hold and release the batch.
  await job.getByRole('button', { name: 'Hold…' }).click();
  await page.getByRole('dialog').getByLabel('Reason (required)').fill('issuer asked to wait');
  await page.getByRole('dialog').getByRole('button', { name: 'Hold the batch' }).click();
  await job.getByRole('button', { name: 'Release…' }).waitFor();
  assert.match((await attention.textContent()) ?? '', /Batch on hold: B-FAKE-001/);
  await screenshot(page, 'supervision-held');
  await job.getByRole('button', { name: 'Release…' }).click();
  await page.getByRole('dialog').getByLabel('Reason (required)').fill('issuer confirmed');
  await page.getByRole('dialog').getByRole('button', { name: 'Release the batch' }).click();
  await job.getByRole('button', { name: 'Hold…' }).waitFor();
  assert.deepEqual(st.calls.filter((c) => c.name === 'batches.hold').map((c) => [c.input.hold, c.input.reason]), [[true, 'issuer asked to wait'], [false, 'issuer confirmed']]);
  assert.deepEqual(problems, []);
  await page.close();
});
