import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium } from './support/chromium';

// Supervision's code is loaded while the supervisor looks at Production; opening it then must
// not pass through a "Loading…" fallback. React shows a suspended view's content at the earliest
// 300 ms after its fallback, so a lazy view rendered for the first time cost a fresh page 300 ms
// (bench ui-log: "open Supervision, first time in a fresh page") although its code was there.

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  st = await startFakeStation({ staticDir: buildRenderer(), cards: 20, autoLogin: 'sup' });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

test('opening Supervision the first time, its code preloaded, shows the screen in the next frame, never a Loading fallback', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(st.url + '/');
  await page.locator('.queue-row .mono').first().waitFor();
  // The preload has run once the first rows are painted; wait until the chunk is in.
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => /SupervisorScreen/.test(e.name)));
  await page.waitForTimeout(300);
  const seen = await page.evaluate(
    () =>
      new Promise<{ screen: boolean; fallback: boolean }>((resolve) => {
        const btn = [...document.querySelectorAll('nav button')].find((b) => b.textContent === 'Supervision') as HTMLButtonElement;
        btn.click();
        requestAnimationFrame(() =>
          resolve({ screen: !!document.querySelector('[data-testid=supervisor-screen]'), fallback: !!document.querySelector('main#main > .state-loading') }),
        );
      }),
  );
  assert.deepEqual(seen, { screen: true, fallback: false });
  await page.close();
});
