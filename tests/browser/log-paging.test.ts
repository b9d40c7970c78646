import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, watchPage } from './support/chromium';
import { signIn } from './support/operator-page';

// The station log is a windowed table: however many pages are loaded, only the rows on screen
// are in the page; scrolling to the end fetches the next older page by its seq cursor.

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;
const N = 5_000;

before(async () => {
  const dir = buildRenderer();
  st = await startFakeStation({ staticDir: dir, cards: 20, logEntries: N });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

test('after loading 30 pages of the log the page still holds only a screenful of rows', { timeout: 120_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { problems } = watchPage(page);
  await page.goto(st.url);
  await signIn(page, 'sup', st.users.sup.password);
  await page.getByRole('button', { name: 'Supervision' }).click();
  const table = page.getByTestId('log-table');
  await page.locator('[data-testid=log-row]').first().waitFor();
  const loaded = async () => Number(await table.getAttribute('aria-rowcount')) - 1;
  const from = st.calls.length;
  while ((await loaded()) < 3_000) {
    const had = await loaded();
    await page.getByTestId('log-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=log-table]')!.getAttribute('aria-rowcount')) - 1 > n, had, { timeout: 10_000 });
  }
  const domRows = await page.locator('[data-testid=log-row]').count();
  assert.ok(domRows > 0 && domRows < 60, `${domRows} rows in the page with ${await loaded()} loaded`);
  // The oldest loaded entry is on screen, and every page was asked for by its cursor.
  const oldest = N - (await loaded()) + 1;
  await page.getByTestId('log-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await page.locator(`[data-testid=log-row][data-seq="${oldest}"]`).waitFor();
  const pages = st.calls.slice(from).filter((c) => c.name === 'log.query');
  assert.ok(pages.length >= 29 && pages.every((c) => typeof c.input.beforeSeq === 'number' && c.input.limit <= 100), JSON.stringify(pages.slice(0, 3).map((c) => c.input)));
  assert.deepEqual(problems, []);
  await page.close();
});
