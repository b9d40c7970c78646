import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, screenshot } from './support/chromium';
import { signIn, waitEngine } from './support/operator-page';

// The emergency stop and the line's state from every view: F9 on Reports stops the line, the
// strip there shows the state and counters, and a dialog open when F9 is pressed closes.

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  const dir = buildRenderer();
  st = await startFakeStation({ staticDir: dir, cards: 200, stepMs: 40 });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

async function running(user: 'op' | 'sup'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(st.url);
  await signIn(page, user, st.users[user].password);
  await page.getByTestId('operator-screen').waitFor();
  await page.getByLabel('Choose a batch').selectOption(st.batchId);
  await page.keyboard.press('F2');
  await waitEngine(page, /Running/);
  return page;
}

const estops = () => st.calls.filter((c) => c.name === 'engine.estop').length;

test('on Reports the strip shows the running line and F9 stops it', { timeout: 60_000 }, async () => {
  const page = await running('op');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Reports' }).click();
  await page.getByTestId('reports-screen').waitFor();
  const strip = page.getByTestId('line-strip');
  await strip.getByTestId('strip-state').filter({ hasText: 'Running' }).waitFor();
  assert.match((await strip.getByTestId('strip-counts').textContent()) ?? '', /of 200/);
  const before = estops();
  // Focus in a field, as on a report form: the key still stops the line.
  await page.locator('input, select').first().focus();
  await page.keyboard.press('F9');
  await strip.getByTestId('strip-state').filter({ hasText: 'EMERGENCY STOP' }).waitFor({ timeout: 10_000 });
  assert.equal(estops(), before + 1, 'exactly one emergency stop sent');
  await screenshot(page, 'reports-estop-strip');
  await page.close();
});

test('a dialog open when F9 is pressed closes, and the line stops', { timeout: 60_000 }, async () => {
  const page = await running('sup');
  await page.keyboard.press('F4');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const before = estops();
  await page.keyboard.press('F9');
  await waitEngine(page, /EMERGENCY STOP/, 10_000);
  await dialog.waitFor({ state: 'detached', timeout: 5_000 });
  assert.equal(await page.locator('dialog[open]').count(), 0);
  assert.equal(estops(), before + 1, 'exactly one emergency stop sent');
  assert.equal(st.calls.filter((c) => c.name === 'engine.stop').length, 0, 'the stop being confirmed was not sent');
  await page.close();
});
