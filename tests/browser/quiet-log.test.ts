import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startStationFixture } from '../support/station-fixture';
import { launchChromium, watchPage } from './support/chromium';
import { signIn } from './support/operator-page';

// The station log stays worth reading: loading the sign-in page (fresh or reloaded) sends
// nothing the station refuses, so no "refused …: not logged in" warnings pile up.

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

const refusals = () => fx.core.station.audit.query({ type: ['auth.refused'], limit: 100 }).rows;

test('loading and reloading the sign-in page writes no refusal to the station log', { timeout: 90_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  watchPage(page);
  const { operator } = fx.credentials;
  await page.goto(fx.url);
  await signIn(page, operator.username, operator.password);
  await page.getByTestId('operator-screen').waitFor();
  await page.locator('.queue-row').first().waitFor();
  // The batch is remembered now: a reload is the case where the page used to ask for it early.
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await page.getByLabel('User name').waitFor();
    // Signing in again puts a call behind anything the signed-out page sent on this socket.
    await signIn(page, operator.username, operator.password);
    await page.locator('.queue-row').first().waitFor();
  }
  const r = refusals();
  assert.equal(r.length, 0, r.map((e) => e.message).join('; '));
  await page.close();
});
