import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startStationFixture } from '../support/station-fixture';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { signIn, waitEngine } from './support/operator-page';

// Closing a batch through the real renderer, bridge and core: the operator runs the sample batch
// (one seeded bad card), a supervisor rejects the failed card, the operator enters the vault
// figures (a wrong count first: the screen says how many cards are missing) and signs with their
// password, the supervisor signs as reviewer, the batch is closed and its PDF downloads.

let fx: Awaited<ReturnType<typeof startStationFixture>>;
let browser: Browser;

before(async () => {
  buildRenderer();
  fx = await startStationFixture({ importSample: true });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await fx?.close();
});

const KNOWN = /contains an invalid source: 'ws:\/\/\[::1\]:\*'/;

async function open(username: string, password: string): Promise<{ page: Page; problems: () => string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const watched = watchPage(page);
  await page.goto(fx.url);
  await signIn(page, username, password);
  return { page, problems: () => watched.problems.filter((p) => !KNOWN.test(p)) };
}

const figure = async (page: Page, name: string) => ((await page.getByTestId(`recon-${name}`).locator('dd').textContent()) ?? '').trim();

test('a batch is reconciled and closed by two sign-offs, and its report downloads as a PDF', { timeout: 240_000 }, async () => {
  const { operator, supervisor } = fx.credentials;
  const op = await open(operator.username, operator.password);
  const page = op.page;
  await page.getByTestId('operator-screen').waitFor();
  const batchId = await page.getByLabel('Choose a batch').inputValue();
  assert.ok(batchId, 'the sample batch is selected');

  await page.getByRole('button', { name: /^Start/ }).click();
  await waitEngine(page, /Batch finished/, 180_000);

  // The operator's way to the report, from the production screen.
  await page.getByRole('button', { name: 'Batch report and sign-off…' }).click();
  await page.getByTestId('reports-screen').waitFor();
  await page.getByTestId('reconciliation').waitFor();
  const records = Number(((await page.getByTestId('batch-report').locator('.report-head .hint').textContent()) ?? '').match(/(\d+) records/)![1]);
  assert.equal(await figure(page, 'good'), String(records - 1));
  assert.equal(await figure(page, 'spoiled'), '1');
  assert.equal(await figure(page, 'issued'), 'not recorded');
  // Why it cannot be signed yet, in plain words; the button is disabled.
  const blockers = page.getByTestId('blockers');
  await blockers.locator('[data-code=CARDS_UNDECIDED]').waitFor();
  assert.match((await blockers.textContent()) ?? '', /Failed cards wait for a supervisor/);
  assert.match((await blockers.textContent()) ?? '', /Vault figures are missing/);
  assert.equal(await page.getByRole('button', { name: 'Sign as operator…' }).isDisabled(), true);
  assert.equal(await page.getByRole('button', { name: 'Sign as reviewer…' }).count(), 0, 'an operator cannot review');
  await screenshot(page, 'reports-operator-blocked');

  // The supervisor rejects the failed card.
  const sup = await open(supervisor.username, supervisor.password);
  await sup.page.getByRole('button', { name: 'Supervision' }).click();
  const decision = sup.page.getByTestId('decision').first();
  await decision.getByRole('button', { name: 'Reject…' }).click();
  await sup.page.getByRole('dialog').getByLabel('Reason (required)').fill('stripe could not be written; card destroyed');
  await sup.page.getByRole('dialog').getByRole('button', { name: 'Reject the card' }).click();
  await sup.page.getByText('No failed card is waiting for a decision.').waitFor();

  // The operator's report follows the decision.
  await page.getByTestId('blockers').locator('[data-code=CARDS_UNDECIDED]').waitFor({ state: 'detached', timeout: 15_000 });
  const rejects = page.getByTestId('reject-table');
  assert.match((await rejects.textContent()) ?? '', /MSR_WRITE_ERROR/);
  assert.match((await rejects.textContent()) ?? '', /The stripe encoder could not write the stripe/);

  // A miscount: issued one card too many for what is accounted.
  const vault = page.getByTestId('vault-form');
  await vault.getByLabel('Issued from vault').fill(String(records + 3));
  await vault.getByLabel('Samples / test').fill('1');
  await vault.getByLabel('Returned to vault').fill('1');
  await vault.getByRole('button', { name: 'Record vault figures' }).click();
  await vault.getByText('Give a reason of at least 3 characters.').waitFor();
  await vault.getByLabel('Reason (required)').fill('end-of-batch count');
  await vault.getByRole('button', { name: 'Record vault figures' }).click();
  await page.getByTestId('recon-verdict').filter({ hasText: 'Not balanced: 1 card(s) missing (issued but not accounted for).' }).waitFor();
  assert.equal(await page.getByTestId('recon-difference').textContent(), '+1');
  assert.match((await page.getByTestId('blockers').textContent()) ?? '', /The count does not balance\..*difference \+1/);
  await screenshot(page, 'reports-operator-mismatch');

  // Recounted: balanced.
  await vault.getByLabel('Issued from vault').fill(String(records + 2));
  await vault.getByLabel('Reason (required)').fill('recount: one card was counted twice');
  await vault.getByRole('button', { name: 'Record vault figures' }).click();
  // The whole sentence: Playwright matches a string case-insensitively, and "Not balanced" contains it.
  await page.getByTestId('recon-verdict').filter({ hasText: 'Balanced: every card issued is accounted for.' }).waitFor();
  assert.equal(await figure(page, 'issued'), String(records + 2));

  // Sign as operator: the password is asked again; a wrong one signs nothing.
  await page.getByRole('button', { name: 'Sign as operator…' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Sign' }).click();
  await dialog.getByText('Type your password to sign.').waitFor();
  await dialog.getByLabel('Your password').fill('not-my-password');
  await dialog.getByRole('button', { name: 'Sign' }).click();
  await page.getByRole('alert').filter({ hasText: 'Failed: signing the batch' }).waitFor();
  assert.equal(await page.getByTestId('signoff-operator').getAttribute('data-signed'), 'no');
  await page.getByRole('button', { name: 'Sign as operator…' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('Your password').fill(operator.password);
  await dialog.getByRole('button', { name: 'Sign' }).click();
  await page.getByText('Signed as Operator.').waitFor();
  assert.match((await page.getByTestId('signoff-operator').textContent()) ?? '', new RegExp(`Signed by .+\\(${operator.username}\\).*password confirmed`));
  assert.equal(await page.getByTestId('report-state').textContent(), 'Open');
  await screenshot(page, 'reports-operator-signed');

  // The supervisor reviews and signs: the batch closes.
  await sup.page.getByRole('button', { name: 'Reports' }).click();
  await sup.page.getByLabel('Report of batch').selectOption(batchId);
  await sup.page.getByTestId('signoff-operator').filter({ hasText: operator.username }).waitFor();
  await sup.page.getByRole('button', { name: 'Sign as reviewer…' }).click();
  await sup.page.getByRole('dialog').getByLabel('Your password').fill(supervisor.password);
  await sup.page.getByRole('dialog').getByRole('button', { name: 'Sign' }).click();
  await sup.page.getByText(`Batch ${batchId} is closed.`).waitFor();
  assert.equal(await sup.page.getByTestId('report-state').textContent(), 'Closed');
  assert.equal(fx.core.station.store.batch(batchId)?.state, 'closed');
  // The charts of the shift: yield and the reject reason, in words and figures.
  await sup.page.getByTestId('chart-yield').waitFor();
  assert.match((await sup.page.getByTestId('charts').textContent()) ?? '', new RegExp(`${records - 1} of ${records} cards`));
  assert.match((await sup.page.getByTestId('chart-rejects').textContent()) ?? '', /MSR_WRITE_ERROR/);
  await screenshot(sup.page, 'reports-supervisor-closed');

  // The operator's screen hears of the closing too.
  await page.getByTestId('report-state').filter({ hasText: 'Closed' }).waitFor({ timeout: 15_000 });

  const [download] = await Promise.all([sup.page.waitForEvent('download'), sup.page.getByRole('button', { name: 'Download PDF' }).first().click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^reconciliation-${batchId}-\\d{8}-\\d{4}\\.pdf$`));
  const pdf = readFileSync((await download.path())!);
  assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF');
  const [csvDl] = await Promise.all([sup.page.waitForEvent('download'), sup.page.getByRole('button', { name: 'Download CSV' }).first().click()]);
  const csv = readFileSync((await csvDl.path())!, 'utf8');
  assert.match(csv, /BALANCED/);
  assert.doesNotMatch(csv, /NOT BALANCED/);
  assert.match(csv, new RegExp(supervisor.username));

  assert.deepEqual(op.problems(), []);
  assert.deepEqual(sup.problems(), []);
  await page.context().close();
  await sup.page.context().close();
});
