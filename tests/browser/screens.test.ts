import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startStationFixture } from '../support/station-fixture';
import { launchChromium } from './support/chromium';
import { signIn } from './support/operator-page';

// Every screen at 1280×800 and 1920×1080, light and dark, on the real station: no text is cut
// off or spills out of its box, the type grows with the window, and a screenshot of each is kept
// in test-artifacts/screens/.

let fx: Awaited<ReturnType<typeof startStationFixture>>;
let browser: Browser;
const OUT = join(new URL('../..', import.meta.url).pathname, 'test-artifacts', 'screens');

before(async () => {
  buildRenderer();
  fx = await startStationFixture({ importSample: true });
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
});
after(async () => {
  await browser?.close();
  await fx?.close();
});

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];
const VIEWS: [string, string | null, string][] = [
  // [name, tab to click (null: stay), what shows it is there]
  ['production', null, 'operator-screen'],
  ['supervision', 'Supervision', 'supervisor-screen'],
  ['reports', 'Reports', 'reports-screen'],
  ['products', 'Product designer', 'designer-screen'],
  ['keys', 'Keys', 'keys-screen'],
  ['recovery', 'Recovery', 'recovery-screen'],
];

/** Elements whose own text is wider than their box: cut off, or spilling out. An ellipsis with the
 * full text in a tooltip (title) is a choice, not a defect; scroll areas and fields are skipped. */
const CLIPPED = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!(el instanceof HTMLElement) || el.closest('svg, input, select, textarea, option, .sr-only, .skip')) continue;
    if (!el.textContent.trim() || (!el.offsetParent && getComputedStyle(el).position !== 'fixed')) continue;
    const cs = getComputedStyle(el);
    if (cs.clip !== 'auto' && cs.clip !== '') continue; // visually hidden on purpose (read by screen readers)
    if (/(auto|scroll)/.test(cs.overflowX) || cs.display === 'inline' || cs.display === 'contents') continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (cs.textOverflow === 'ellipsis' && el.title) continue;
    out.push(el);
  }
  // The header holds on one line (it wrapped at 1280 px).
  const head = [...document.querySelectorAll('.header > *')].map((e) => e.getBoundingClientRect());
  if (head.some((r) => r.top >= head[0].bottom)) out.push(Object.assign(document.createElement('b'), { className: 'header-wraps', textContent: 'header' }));
  // "EMERGENCY STOP" in whole words: no word of a button label is broken.
  for (const b of document.querySelectorAll('.big-label, .strip-estop span')) {
    const text = b.firstChild;
    if (!text || text.nodeType !== 3) continue;
    for (const m of text.textContent.matchAll(/\\S+/g)) {
      const r = document.createRange();
      r.setStart(text, m.index);
      r.setEnd(text, m.index + m[0].length);
      if (r.getClientRects().length > 1) out.push(b); // the word runs over two lines
    }
  }
  // The innermost box that is too narrow names the defect; its ancestors only inherit it.
  return out.filter((el) => !out.some((o) => o !== el && el.contains(o))).map((el) =>
    (el.className ? '.' + String(el.className).split(' ')[0] + ' ' : el.tagName.toLowerCase() + ' ') + JSON.stringify(el.textContent.trim().slice(0, 40)) + ' ' + el.scrollWidth + '>' + el.clientWidth);
})()`;

async function visit(page: Page, size: { width: number }, theme: string, found: string[]) {
  for (const [name, tab, testId] of VIEWS) {
    if (tab) await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: tab, exact: true }).click();
    else await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Production', exact: true }).click();
    await page.getByTestId(testId).waitFor();
    await page.waitForTimeout(400); // lazy parts and their data settle
    for (const c of (await page.evaluate(CLIPPED)) as string[]) found.push(`${name} ${size.width} ${theme}: ${c}`);
    await page.screenshot({ path: join(OUT, `${name}-${size.width}-${theme}.png`), fullPage: true });
  }
}

test('no text is clipped on any screen at 1280×800 or 1920×1080, light or dark; screenshots kept', { timeout: 300_000 }, async () => {
  const found: string[] = [];
  const rootPx: number[] = [];
  for (const size of SIZES) {
    for (const theme of ['light', 'dark']) {
      const ctx = await browser.newContext({ viewport: size, colorScheme: theme as 'light' | 'dark' });
      const page = await ctx.newPage();
      await page.goto(fx.url);
      await page.getByLabel('User name').waitFor();
      await page.screenshot({ path: join(OUT, `login-${size.width}-${theme}.png`) });
      for (const c of (await page.evaluate(CLIPPED)) as string[]) found.push(`login ${size.width} ${theme}: ${c}`);
      await signIn(page, fx.credentials.supervisor.username, fx.credentials.supervisor.password);
      await page.getByTestId('operator-screen').waitFor();
      await page.locator('.queue-row').first().waitFor();
      await visit(page, size, theme, found);
      await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Production', exact: true }).click();
      rootPx.push(await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('[data-testid=engine-state]')!).fontSize)));
      await ctx.close();
    }
  }
  assert.deepEqual(found, []);
  assert.ok(rootPx[2] > rootPx[0], `the engine state grows with the window: ${rootPx[0]} px at 1280, ${rootPx[2]} px at 1920`);
});
