import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { signIn } from './support/operator-page';

// Supervision's card holds (issue 13 item 5): a supervisor finds a card by batch and record ID,
// holds it with a reason, sees it listed and counted, and releases it with a reason; a card that
// is not queued cannot be held, and a refusal from the station is shown.

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

test('a supervisor holds a card found by its record ID and releases it, each with a reason', { timeout: 90_000 }, async () => {
  st.failCard(2);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { problems } = watchPage(page);
  await page.goto(st.url);
  await signIn(page, 'sup', st.users.sup.password);
  await page.getByRole('button', { name: 'Supervision' }).click();
  const panel = page.getByTestId('held-cards');
  await panel.getByText('No card is on hold.').waitFor();

  // Found by the ID on the paperwork, with the keyboard.
  await panel.getByLabel('Record ID').fill('R000004');
  await panel.getByLabel('Record ID').press('Enter');
  const found = panel.getByTestId('found-card');
  await found.waitFor();
  assert.match((await found.textContent()) ?? '', /Queued.*B-FAKE-001.*R000004.*411111\*{6}1003/);
  await found.getByRole('button', { name: 'Hold…' }).click();
  const dialog = page.getByRole('dialog');
  assert.match((await dialog.textContent()) ?? '', /Hold card R000004\?/);
  await dialog.getByRole('button', { name: 'Hold the card' }).click();
  await dialog.getByText('Give a reason of at least 3 characters.').waitFor();
  assert.equal(st.calls.filter((c) => c.name === 'cards.hold').length, 0, 'no reason, no call');
  await dialog.getByLabel('Reason (required)').fill('customer called: address change');
  await dialog.getByRole('button', { name: 'Hold the card' }).click();
  await panel.getByText('Card R000004 is on hold.').waitFor();
  const held = panel.locator('[data-testid=held-card][data-record=R000004]');
  await held.waitFor();
  assert.match((await held.textContent()) ?? '', /On hold/, 'the state in words, not by colour');
  await page.getByTestId('attention').getByText('1 card(s) on hold').waitFor();
  const job = page.locator('[data-testid=job][data-batch="B-FAKE-001"]');
  assert.equal(((await job.locator('[data-col=held]').textContent()) ?? '').trim(), '1');
  await screenshot(page, 'supervision-card-held');

  // A failed card waits for a decision: no hold offered.
  await panel.getByLabel('Record ID').fill('R000002');
  await panel.getByRole('button', { name: 'Find' }).click();
  await found.getByText('Card R000002 is Failed: only a card still waiting in the queue can be held.').waitFor();
  assert.equal(await found.getByRole('button', { name: 'Hold…' }).count(), 0);
  // No such record.
  await panel.getByLabel('Record ID').fill('R999999');
  await panel.getByRole('button', { name: 'Find' }).click();
  await panel.getByText('No card with record R999999 in batch B-FAKE-001. Check the record ID.').waitFor();

  // The card leaves the queue while the supervisor writes the reason (here it fails): the
  // station refuses the hold and the refusal is shown; nothing is held.
  await panel.getByLabel('Record ID').fill('R000006');
  await panel.getByRole('button', { name: 'Find' }).click();
  await found.getByRole('button', { name: 'Hold…' }).click();
  st.failCard(6);
  await page.getByRole('dialog').getByLabel('Reason (required)').fill('hold before it runs');
  await page.getByRole('dialog').getByRole('button', { name: 'Hold the card' }).click();
  await panel.getByText('Failed: holding card R000006').waitFor();
  assert.equal(await panel.getByTestId('held-card').count(), 1);

  // Released with its own reason: back in the queue, the list empty again.
  await held.getByRole('button', { name: 'Release…' }).click();
  await page.getByRole('dialog').getByLabel('Reason (required)').fill('address confirmed by the issuer');
  await page.getByRole('dialog').getByRole('button', { name: 'Release the card' }).click();
  await panel.getByText('Card R000004 is back in the queue.').waitFor();
  await panel.getByText('No card is on hold.').waitFor();
  assert.deepEqual(
    st.calls.filter((c) => c.name === 'cards.hold').map((c) => [c.input.cardId, c.input.hold, c.input.reason]),
    [[4, true, 'customer called: address change'], [6, true, 'hold before it runs'], [4, false, 'address confirmed by the issuer']],
  );
  assert.deepEqual(problems, []);
  await page.close();
});
