import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startStationFixture } from '../support/station-fixture';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { counter, engineState, signIn, waitCounter, waitEngine } from './support/operator-page';
import { REASON_CODES } from '../../shared/domain/reasons';
import { en } from '../../renderer/src/i18n/en';

// A shift at the station through the real renderer, the real bridge and the real core on
// in-process simulators: the operator runs the sample batch (one seeded bad card), then a
// supervisor reviews the log and decides on the failed card.

let fx: Awaited<ReturnType<typeof startStationFixture>>;
let browser: Browser;
let batchId = '';
let records = 0;
let failedRecord = '';

before(async () => {
  buildRenderer();
  // Simulated devices at 1/20 of real time: a 20-card batch runs for several seconds, so the
  // pause below lands while cards remain however fast the machine is (at time scale 0 the whole
  // batch can end between the first result and the click).
  fx = await startStationFixture({ timeScale: 0.05, cards: 20 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await fx?.close();
});

// The bridge's CSP header lists ws://[::1]:*, which Chromium rejects as a source (and ignores);
// that is reported to the lead, not the renderer's doing, so it is not counted here.
const KNOWN = /contains an invalid source: 'ws:\/\/\[::1\]:\*'/;

async function open(): Promise<{ page: Page; problems: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await ctx.newPage();
  const watched = watchPage(page);
  await page.goto(fx.url);
  return { page, get problems() { return watched.problems.filter((p) => !KNOWN.test(p)); } } as { page: Page; problems: string[] };
}

test("an operator's shift: import, scan, start, a card fails with its reason, pause, resume, finish", { timeout: 240_000 }, async () => {
  const { page, problems } = await open();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await screenshot(page, 'login');
  await signIn(page, fx.credentials.operator.username, fx.credentials.operator.password);
  await page.getByTestId('operator-screen').waitFor();

  // Import the sample batch from a file.
  await page.locator('#import-file').setInputFiles(fx.sampleBatchPath);
  const done = page.getByText(/Imported batch .+: [\d,]+ card\(s\)\./);
  await done.waitFor({ timeout: 60_000 });
  const m = /Imported batch (.+): ([\d,]+) card\(s\)\./.exec((await done.textContent()) ?? '')!;
  batchId = m[1];
  records = Number(m[2].replace(/,/g, ''));
  assert.ok(records >= 2, `the sample batch has ${records} records`);

  // Scan its ticket: the scanner types the id (any case, trailing spaces) then Enter.
  const scan = page.getByLabel('Scan batch ticket');
  await scan.focus();
  await page.keyboard.type(`${batchId.toLowerCase()}  `);
  await page.keyboard.press('Enter');
  await page.getByText(`Batch ${batchId} loaded.`).waitFor();
  assert.equal(await page.getByLabel('Choose a batch').inputValue(), batchId);
  await page.getByTestId('queue-total').filter({ hasText: `${records} card(s)` }).waitFor();
  assert.equal(await counter(page, 'remaining'), String(records));

  // Start from the keyboard.
  await page.keyboard.press('F2');
  await waitEngine(page, /Running/);
  await screenshot(page, 'operator-running');

  // Pause once the first card is through; nothing new starts while paused.
  await page.getByTestId('result').first().waitFor({ timeout: 90_000 });
  assert.notEqual(await counter(page, 'remaining'), '0', 'cards remain when the operator pauses');
  await page.getByRole('button', { name: /^Pause/ }).click();
  await waitEngine(page, /^Paused/, 60_000);
  const doneAtPause = await counter(page, 'done');
  await page.waitForTimeout(1500);
  assert.equal(await counter(page, 'done'), doneAtPause, 'no card finishes while paused');
  assert.equal(await page.getByTestId('inflight-item').count(), 0);
  await screenshot(page, 'operator-paused');

  // Resume from the keyboard (F3 toggles pause/resume).
  await page.keyboard.press('F3');
  await waitEngine(page, /Running|Batch finished/);

  // The seeded bad card fails, with its reason in plain words and what to do: never colour alone.
  const failed = page.locator('[data-testid=result][data-state=failed]').first();
  await failed.waitFor({ timeout: 180_000 });
  failedRecord = (await failed.getAttribute('data-record')) ?? '';
  const text = (await failed.textContent()) ?? '';
  assert.match(text, /Failed/);
  const summaries = REASON_CODES.map((c) => en[`reason.${c}` as keyof typeof en]);
  assert.ok(summaries.some((s) => text.includes(s)), `reason in plain words: ${text}`);
  assert.match(text, /What to do: /);

  await waitEngine(page, /Batch finished/, 180_000);
  await waitCounter(page, 'passed', String(records - 1));
  await waitCounter(page, 'failed', '1');
  assert.equal(await counter(page, 'remaining'), '0');
  assert.equal(await counter(page, 'done'), `${records} / ${records}`);
  assert.match(await engineState(page), new RegExp(`Batch ${batchId}`));

  // The failed card is in the queue filtered by state, with its reason.
  await page.getByLabel('Show').selectOption('failed');
  await page.getByTestId('queue-total').filter({ hasText: /(^|\D)1 card\(s\)/ }).waitFor();
  await page.locator('.queue-row', { hasText: failedRecord }).waitFor();
  await screenshot(page, 'operator-finished');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("a supervisor's review: filter the log, decide on the failed card, export the log", { timeout: 120_000 }, async () => {
  assert.ok(failedRecord, 'the shift left a failed card');
  const { page, problems } = await open();
  await signIn(page, fx.credentials.supervisor.username, fx.credentials.supervisor.password);
  await page.getByRole('button', { name: 'Supervision' }).click();
  await page.getByTestId('supervisor-screen').waitFor();

  // The log, filtered to failed cards of this batch.
  await page.getByLabel('Batch', { exact: true }).fill(batchId);
  await page.getByLabel('Event type').fill('card.failed');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  const rows = page.locator('[data-testid=log-row]');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.match((await rows.first().textContent()) ?? '', new RegExp(failedRecord));
  // Full-text search finds it too, and a filter that matches nothing says so.
  await page.getByLabel('Search the log').fill('nothing-like-this-in-the-log');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await page.getByText('No log entry matches this filter.').waitFor();
  await page.getByLabel('Search the log').fill('');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await rows.first().waitFor();
  await screenshot(page, 'supervisor-log');

  // Decide: reject, with a mandatory reason, confirmed because it cannot be undone.
  const card = page.locator(`[data-testid=decision][data-record="${failedRecord}"]`);
  await card.waitFor();
  assert.match((await card.textContent()) ?? '', /What to do: /);
  await card.getByRole('button', { name: 'Reject…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', /cannot be undone/);
  await screenshot(page, 'supervisor-decide');
  await dialog.getByRole('button', { name: 'Reject the card' }).click();
  await dialog.getByText('Give a reason of at least 3 characters.').waitFor();
  await dialog.getByLabel('Reason (required)').fill('chip refused a command; card destroyed');
  await dialog.getByRole('button', { name: 'Reject the card' }).click();
  await page.getByText(`Card ${failedRecord} rejected.`).waitFor();
  await page.getByText('No failed card is waiting for a decision.').waitFor();

  // The decision is in the log, and the log exports as CSV.
  await page.getByLabel('Event type').fill('card.reject');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await rows.filter({ hasText: failedRecord }).first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export CSV/ }).click()]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  assert.match(csv, /card\.reject/);
  assert.match(csv, new RegExp(failedRecord));
  await page.getByText(/Exported \d+ entries to .+\.csv\./).waitFor();
  await screenshot(page, 'supervisor-exported');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test("a supervisor's product design: the preview follows each edit, problems name their field, saving needs a reason", { timeout: 120_000 }, async () => {
  const { page, problems } = await open();
  await signIn(page, fx.credentials.supervisor.username, fx.credentials.supervisor.password);
  await page.getByRole('button', { name: 'Product designer' }).click();
  await page.locator('select[name=product]').selectOption('DEMO-DEBIT');
  const front = page.getByTestId('designer-front');
  await front.waitFor();
  await page.getByText('No problems found.').waitFor();
  const before = await front.getAttribute('src');

  // Move the card number: the picture changes with the keystroke.
  const x = page.locator('input[name=front-0-x]');
  await x.fill('14.6');
  await page.waitForFunction((b) => document.querySelector('[data-testid=designer-front]')?.getAttribute('src') !== b, before, { timeout: 2000 });
  await page.getByText('Unsaved changes').waitFor();

  // A bad format: every problem with its field path, and the element is marked.
  await page.locator('input[name=front-0-format]').fill('4-4-x');
  await page.getByTestId('designer-problems').filter({ hasText: /layout\.front\.0\.format: must be a grouping/ }).waitFor();
  assert.equal(await page.getByTestId('element-front-0').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'designer-problem');
  await page.locator('input[name=front-0-format]').fill('4-4-4-4');
  await page.getByText('No problems found.').waitFor();

  // The raw JSON editor is the same product.
  await page.getByRole('tab', { name: 'Raw JSON' }).click();
  const json = JSON.parse(await page.locator('textarea[name=product-json]').inputValue());
  assert.equal(json.layout.front[0].x, 14.6);
  await page.getByRole('tab', { name: 'Elements' }).click();

  await page.getByRole('button', { name: 'Save…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Save the product' }).click();
  await dialog.getByText('Give a reason of at least 3 characters.').waitFor();
  await dialog.getByLabel('Reason (required)').fill('card number moved 3 mm right for the new plastic');
  await dialog.getByRole('button', { name: 'Save the product' }).click();
  await page.getByText('Product DEMO-DEBIT saved.').waitFor();
  assert.equal(fx.core.station.products.get('DEMO-DEBIT').layout?.front[0].x, 14.6);
  await screenshot(page, 'designer-saved');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a key ceremony under dual control: the administrator starts it, two custodians each enter one component and see only KCVs', { timeout: 120_000 }, async () => {
  const { page, problems } = await open();
  const admin = fx.credentials.administrator;
  const sup = fx.credentials.supervisor;
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };
  await signIn(page, admin.username, admin.password);
  assert.deepEqual(await page.getByRole('navigation', { name: 'Views' }).getByRole('button').allTextContents(), ['Supervision', 'Reports', 'Keys']);
  await page.getByRole('button', { name: 'Keys' }).click();
  await page.getByLabel('Key id').fill('ZMK-UI-1');
  await page.getByLabel('Label').fill('Zone master key');
  await page.getByRole('button', { name: 'Start the ceremony' }).click();
  const ceremony = page.locator('[data-testid=ceremony][data-key="ZMK-UI-1"]');
  await ceremony.waitFor();
  const one = '0123456789ABCDEFFEDCBA9876543210';
  const two = '00112233445566778899AABBCCDDEEFF';
  const field = ceremony.getByLabel('Your component (hex)');
  assert.equal(await field.getAttribute('type'), 'password');
  await field.fill(one);
  await ceremony.getByRole('button', { name: 'Enter my component' }).click();
  await ceremony.getByText(/Component 1 accepted, KCV [0-9A-F]{6}/).waitFor();
  assert.equal(await ceremony.getByLabel('Your component (hex)').count(), 0, 'a custodian enters one component only');
  assert.doesNotMatch((await page.content()).toUpperCase(), new RegExp(one));
  await screenshot(page, 'keys-ceremony-admin');
  await signOut();

  await signIn(page, sup.username, sup.password);
  await page.getByRole('button', { name: 'Keys' }).click();
  const again = page.locator('[data-testid=ceremony][data-key="ZMK-UI-1"]');
  await again.getByText(new RegExp(`Component 1 by ${admin.username}, KCV`)).waitFor();
  await again.getByLabel('Your component (hex)').fill(two);
  await again.getByRole('button', { name: 'Enter my component' }).click();
  const done = page.getByText(/Key ZMK-UI-1 is complete, KCV [0-9A-F]{6}\./);
  await done.waitFor();
  const kcv = /KCV ([0-9A-F]{6})/.exec((await done.textContent()) ?? '')![1];
  assert.doesNotMatch((await page.content()).toUpperCase(), new RegExp(two));
  await screenshot(page, 'keys-ceremony-complete');
  await signOut();

  await signIn(page, admin.username, admin.password);
  await page.getByRole('button', { name: 'Keys' }).click();
  const row = page.locator('[data-testid=key-table] tr[data-key="ZMK-UI-1"]');
  await row.waitFor();
  const text = (await row.textContent()) ?? '';
  assert.match(text, new RegExp(kcv));
  assert.match(text, new RegExp(`${admin.username}, ${sup.username}`));
  await screenshot(page, 'keys-list');
  assert.deepEqual(problems, []);
  await page.context().close();
});
