import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { signIn, waitEngine } from './support/operator-page';

// The renderer on its own, in Chromium, against an in-memory station speaking the bridge's wire
// protocol: what the journeys cannot set up cheaply (a 100,000-card queue, a dropped socket, a
// locked session) and what must hold everywhere (strict CSP, no console errors, keyboard use).

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  const dir = buildRenderer();
  st = await startFakeStation({ staticDir: dir, cards: 100_000, badCards: [2], stepMs: 40 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

async function operatorPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const { problems } = watchPage(page);
  await page.goto(st.url);
  await signIn(page, 'op', st.users.op.password);
  await page.getByTestId('operator-screen').waitFor();
  return { page, problems };
}

test('the page carries a strict CSP with no remote origin and runs without violating it', async () => {
  const { page, problems } = await operatorPage();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp!, /default-src 'self'/);
  assert.match(csp!, /script-src 'self'/);
  assert.doesNotMatch(csp!, /https?:|unsafe-eval|unsafe-inline/);
  await page.getByTestId('queue-total').filter({ hasText: '100,000 card(s)' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a 100,000-card queue keeps few rows in the page and fetches pages as it scrolls', async () => {
  const { page, problems } = await operatorPage();
  await page.getByTestId('queue-total').filter({ hasText: '100,000 card(s)' }).waitFor();
  const scroller = page.getByTestId('queue-scroll');
  assert.ok((await page.locator('.queue-row').count()) < 60);
  const before = st.calls.filter((c) => c.name === 'queue.page').length;
  await scroller.evaluate((el: any) => (el.scrollTop = el.scrollHeight));
  await page.locator('.queue-row', { hasText: 'R100000' }).waitFor();
  await scroller.evaluate((el: any) => (el.scrollTop = el.scrollHeight / 2));
  await page.locator('.queue-row', { hasText: /R0500\d\d/ }).first().waitFor();
  assert.ok((await page.locator('.queue-row').count()) < 60);
  const fetched = st.calls.filter((c) => c.name === 'queue.page').slice(before);
  assert.ok(fetched.length <= 8, `${fetched.length} page fetches`);
  assert.ok(fetched.every((c) => c.input.limit <= 500));
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard: scan field focused on arrival, F2 starts, F3 pauses and resumes, F9 is the emergency stop', async () => {
  const { page, problems } = await operatorPage();
  assert.equal(await page.evaluate('document.activeElement?.id'), 'scan-input');
  await page.keyboard.type('B-FAKE-001');
  await page.keyboard.press('Enter');
  await page.getByText('Batch B-FAKE-001 loaded.').waitFor();
  await page.keyboard.press('F2');
  await waitEngine(page, /Running/);
  await page.keyboard.press('F3');
  await waitEngine(page, /Paused/);
  assert.ok(await page.getByRole('button', { name: /Resume/ }).isEnabled());
  await page.keyboard.press('F3');
  await waitEngine(page, /Running/);
  await page.locator('[data-testid=result][data-state=failed]').first().waitFor();
  await page.keyboard.press('F9');
  await waitEngine(page, /EMERGENCY STOP/);
  await screenshot(page, 'operator-estop');
  assert.deepEqual(problems, []);
  await page.close();
});

test('dark theme is one click away and is remembered', async () => {
  const { page } = await operatorPage();
  await page.getByRole('button', { name: 'Dark theme' }).click();
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  await screenshot(page, 'operator-dark');
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.evaluate('document.documentElement.dataset.theme'), 'dark');
  await screenshot(page, 'login-dark');
  await signIn(page, 'op', st.users.op.password);
  await page.getByRole('button', { name: 'Light theme' }).click();
  await page.close();
});

test('a dropped connection shows "reconnecting", recovers by itself, and asks to sign in again', async () => {
  const { page, problems } = await operatorPage();
  st.drop();
  await page.getByText(/Connection to the station lost/).waitFor();
  await page.getByText(/Connection to the station lost/).waitFor({ state: 'detached', timeout: 10_000 });
  // The bridge ties a session to its socket: a new socket starts signed out.
  await page.getByText('Your session ended. Sign in again to continue.').waitFor();
  await signIn(page, 'op', st.users.op.password);
  await page.getByTestId('operator-screen').waitFor();
  assert.deepEqual(problems.filter((p) => !/WebSocket/.test(p)), []);
  await page.close();
});

test('a locked session returns to the sign-in screen and says why', async () => {
  const { page } = await operatorPage();
  st.expire();
  await page.getByText('Your session ended. Sign in again to continue.').waitFor();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.close();
});

test('supervisor: the decision needs a reason and a confirmation; the log exports as a CSV download', async () => {
  st.failCard(2);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const { problems } = watchPage(page);
  await page.goto(st.url);
  await signIn(page, 'sup', st.users.sup.password);
  await page.getByRole('button', { name: 'Supervision' }).click();
  const card = page.locator('[data-testid=decision][data-record="R000002"]');
  await card.waitFor();
  assert.match((await card.textContent()) ?? '', /The chip refused a command.*What to do: Reject or rework the card/);
  await card.getByRole('button', { name: 'Rework…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Rework the card' }).click();
  await dialog.getByText('Give a reason of at least 3 characters.').waitFor();
  // Escape cancels without deciding.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(st.calls.filter((c) => c.name === 'cards.decide').length, 0);
  await card.getByRole('button', { name: 'Rework…' }).click();
  await dialog.getByLabel('Reason (required)').fill('stripe head cleaned');
  await screenshot(page, 'supervisor-decide-fake');
  await dialog.getByRole('button', { name: 'Rework the card' }).click();
  await page.getByText('Card R000002 sent for rework.').waitFor();
  assert.deepEqual(st.calls.find((c) => c.name === 'cards.decide')?.input, { cardId: 2, decision: 'rework', reason: 'stripe head cleaned' });
  await page.locator('[data-testid=log-row]').first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Export CSV/ }).click()]);
  assert.equal(download.suggestedFilename(), 'station-log.csv');
  await screenshot(page, 'supervisor-fake');
  assert.deepEqual(problems, []);
  await page.close();
});

test('views by role; a done card says its data is gone; only a supervisor can reveal, after a logged confirmation', async () => {
  const { page, problems } = await operatorPage();
  const tabs = page.getByRole('navigation', { name: 'Views' }).getByRole('button');
  assert.deepEqual(await tabs.allTextContents(), ['Production', 'Reports']);
  st.passCard(4000);
  await page.getByTestId('preview-done').filter({ hasText: 'Card done — its data is no longer held' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Reveal card number…' }).count(), 0);
  await screenshot(page, 'operator-preview-done');
  await page.close();

  const sup = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const watched = watchPage(sup);
  await sup.goto(st.url);
  await signIn(sup, 'sup', st.users.sup.password);
  await sup.getByTestId('operator-screen').waitFor();
  assert.deepEqual(await sup.getByRole('navigation', { name: 'Views' }).getByRole('button').allTextContents(), ['Production', 'Supervision', 'Reports', 'Product designer', 'Keys', 'Recovery']);
  st.failCard(5000);
  await sup.getByTestId('preview').waitFor();
  await sup.getByRole('button', { name: 'Reveal card number…' }).click();
  const dialog = sup.getByRole('dialog');
  assert.match((await dialog.textContent()) ?? '', /logged with your name/);
  // Cancelling reveals nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(st.calls.filter((c) => c.name === 'cards.preview' && c.input.reveal).length, 0);
  await sup.getByRole('button', { name: 'Reveal card number…' }).click();
  await sup.getByRole('dialog').getByRole('button', { name: 'Reveal and log it' }).click();
  await sup.getByText('Full card number shown (this reveal was logged)').waitFor();
  assert.deepEqual(st.calls.filter((c) => c.name === 'cards.preview' && c.input.reveal).map((c) => c.input), [{ cardId: 5000, reveal: true }]);
  await screenshot(sup, 'supervisor-preview-revealed');
  await sup.getByRole('button', { name: 'Mask the card number again' }).click();
  await sup.getByText('Card number masked').waitFor();
  assert.deepEqual([...problems, ...watched.problems], []);
  await sup.close();
});
