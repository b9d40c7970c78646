import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium } from './support/chromium';
import { counter, signIn, waitEngine } from './support/operator-page';

// Every panel shows the present: no rate or time to finish while the line is stopped, and a
// batch that finished with a failed card waiting says to call a supervisor, not a calm tick.

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  st = await startFakeStation({ staticDir: buildRenderer(), cards: 6, badCards: [2], stepMs: 30 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

test('emergency stop hides rate and ETA; a finished batch with a failed card says to call a supervisor', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(st.url);
  await signIn(page, 'op', st.users.op.password);
  await page.getByLabel('Choose a batch').selectOption(st.batchId);
  await page.keyboard.press('F2');
  await waitEngine(page, /Running/);
  await page.getByTestId('counter-rate').locator('dd').filter({ hasText: /\d/ }).waitFor();
  await page.keyboard.press('F9');
  await waitEngine(page, /EMERGENCY STOP/);
  await page.getByTestId('counter-rate').locator('dd').filter({ hasText: '—' }).waitFor({ timeout: 5_000 });
  assert.equal(await counter(page, 'eta'), '—');

  await page.keyboard.press('F2');
  await waitEngine(page, /Batch finished/, 30_000);
  const state = page.getByTestId('engine-state');
  assert.match((await state.textContent()) ?? '', /1 failed card\(s\) wait: call a supervisor/);
  assert.equal(await state.evaluate((el) => el.classList.contains('engine-finished')), false, 'not shown as plainly finished');
  await page.close();
});
