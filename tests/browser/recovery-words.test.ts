import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, screenshot, watchPage } from './support/chromium';
import { signIn } from './support/operator-page';

// Recovery in the station's words (issue 13 item 8): where each card was and what was last done
// come from the catalogue (not "laser intent (no result recorded)" nor "slot 0 (laser)"), and a
// card is listed once even when it is both recovered now and waiting for a decision.

const card = (id: number, p: object) => ({ cardId: id, batchId: 'B-FAKE-001', recordId: `R00000${id}`, attempt: 1, maskedPan: `411111******100${id}`, state: 'failed', ...p });
const atLaser = card(3, { step: 'laser', slot: 0, deviceId: 'laser', lastAction: 'laser intent (no result recorded)', last: { step: 'laser', phase: 'intent', ok: null, reason: null } });
const movingToChip = card(4, { step: 'chip', slot: 1, deviceId: 'reader-1', lastAction: 'move:chip result failed (MACHINE_JAM)', last: { step: 'move:chip', phase: 'result', ok: false, reason: 'MACHINE_JAM' } });
const older = card(1, { step: 'magstripe', slot: 0, deviceId: 'encoder', lastAction: 'magstripe result ok', last: { step: 'magstripe', phase: 'result', ok: true, reason: null } });

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  st = await startFakeStation({ staticDir: buildRenderer(), cards: 6, recovery: { recovered: [atLaser, movingToChip], awaitingDecision: [older, atLaser, movingToChip] } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

test('recovery says where each card was and what was last done in words, each card once', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { problems } = watchPage(page);
  await page.goto(st.url);
  await signIn(page, 'sup', st.users.sup.password);
  await page.getByRole('button', { name: 'Recovery' }).click();
  const screen = page.getByTestId('recovery-screen');
  await screen.locator('tr[data-record=R000003]').first().waitFor();
  const cells = async (record: string) => (await screen.locator(`tr[data-record=${record}] td`).allTextContents()).map((x) => x.trim());
  assert.equal(await screen.locator('tr[data-record=R000003]').count(), 1, 'listed once');
  assert.equal(await screen.locator('tr[data-record=R000004]').count(), 1, 'listed once');
  assert.deepEqual((await cells('R000003')).slice(1, 3), ['Laser engraving — Laser', 'Laser engraving had started; no result was recorded']);
  assert.deepEqual((await cells('R000004')).slice(1, 3), ['Chip head 2 — reader-1', 'Moving the card to chip failed: A card is jammed in the machine']);
  assert.deepEqual((await cells('R000001')).slice(1, 3), ['Magnetic stripe — encoder', 'Magnetic stripe done']);
  const text = (await screen.textContent()) ?? '';
  assert.match(text, /3 interrupted card\(s\) wait for a decision/);
  assert.doesNotMatch(text, /slot \d|intent|no result recorded\)/);
  await screenshot(page, 'recovery-words');
  assert.deepEqual(problems, []);
  await page.close();
});
