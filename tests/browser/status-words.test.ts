import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium } from './support/chromium';
import { signIn, waitEngine } from './support/operator-page';

// Words (issue 13 item 8): the device panel and the production panel say what a device or the
// line is doing in the catalogue's words. The driver's and the engine's own lines ("moving card
// 12 to ENCODER 0", "write ISO failed ... (status 31)") are the log's: never on screen, also for
// a status whose code the screen does not know.

const RAW_ENCODER = 'encoder: write ISO failed: read/write error (status 31)';
const now = Date.now();
let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  st = await startFakeStation({
    staticDir: buildRenderer(),
    cards: 4,
    devices: [
      { id: 'encoder', kind: 'encoder', name: 'Stripe encoder', state: 'error', message: 'no answer to write ISO', action: 'Check the encoder', note: { code: 'reason', params: { reason: 'MSR_TIMEOUT' } }, since: now },
      { id: 'machine', kind: 'machine', name: 'Card machine', state: 'busy', message: 'moving card 12 to ENCODER 0', note: { code: 'machine.move.ENCODER', params: { card: 12 } }, since: now },
      { id: 'reader-0', kind: 'reader', name: 'Chip head 1', state: 'error', message: RAW_ENCODER, action: 'raw driver action', since: now },
      { id: 'laser', kind: 'laser', name: 'Laser', state: 'online', message: 'Ready (Grbl 1.1h)', note: { code: 'laser.teleported', params: { x: 1 } }, since: now },
    ],
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

const deviceText = async (page: import('playwright-core').Page, id: string) =>
  ((await page.locator(`[data-testid="device"][data-device="${id}"]`).textContent()) ?? '').replace(/\s+/g, ' ');

test('the device panel words each device from the catalogue, never with the driver\'s text', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(st.url);
  await signIn(page, 'op', st.users.op.password);
  await page.getByTestId('device').first().waitFor();

  const encoder = await deviceText(page, 'encoder');
  assert.match(encoder, /The stripe encoder did not answer in time/);
  assert.match(encoder, /What to do: Check the encoder/);
  assert.doesNotMatch(encoder, /no answer to write ISO/);

  const machine = await deviceText(page, 'machine');
  assert.match(machine, /Moving card 12 to the stripe encoder/);
  assert.doesNotMatch(machine, /ENCODER 0/);

  // No note (a core that does not send one) or a code the catalogue does not know: a generic sentence.
  const reader = await deviceText(page, 'reader-0');
  assert.match(reader, /The device reports a problem/);
  assert.match(reader, /What to do: Check the device; the station log has the details/);
  assert.doesNotMatch(reader, /status 31|write ISO|raw driver action/);
  const laser = await deviceText(page, 'laser');
  assert.match(laser, /Working normally/);
  assert.doesNotMatch(laser, /Grbl|teleported/);

  // A change pushed by the driver reads the same way.
  st.pushDevice({ id: 'machine', kind: 'machine', name: 'Card machine', state: 'busy', message: 'ejecting card 12 to REJECT', note: { code: 'machine.eject.REJECT', params: { card: 12 } }, since: Date.now() });
  await page.getByTestId('device').filter({ hasText: 'Sending card 12 to the reject bin' }).waitFor({ timeout: 5_000 });
  await page.close();
});

test('the production panel says why the line paused in the catalogue\'s words, never the engine\'s line', { timeout: 60_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(st.url);
  await signIn(page, 'op', st.users.op.password);
  st.setEngine({
    state: 'paused', batchId: st.batchId,
    message: `3 cards in a row failed with MSR_WRITE_ERROR (last: ${RAW_ENCODER}); the line is paused: check the device, then resume`,
    note: { code: 'pausedRun', params: { count: 3, reason: 'MSR_WRITE_ERROR' } },
  });
  await waitEngine(page, /Paused/);
  const words = page.getByTestId('engine-message');
  await words.filter({ hasText: 'The line is paused: 3 cards in a row failed: The stripe encoder could not write the stripe' }).waitFor({ timeout: 5_000 });
  assert.match((await words.textContent()) ?? '', /What to do: Check the device, then resume/);

  // Waiting for a device names it as the device panel does.
  st.setEngine({ state: 'running', message: 'waiting for encoder to come back: card R000002 waits at magstripe', note: { code: 'waitStep', params: { device: 'encoder', record: 'R000002' } } });
  await words.filter({ hasText: 'Waiting for Stripe encoder to come back: card R000002 waits' }).waitFor({ timeout: 5_000 });

  // An engine line without a note the screen knows: a generic sentence, not the line.
  st.setEngine({ state: 'paused', message: `card R000003: the station could not record its outcome (${RAW_ENCODER})`, note: { code: 'somethingNew' } });
  await words.filter({ hasText: 'The line needs attention' }).waitFor({ timeout: 5_000 });
  const all = (await page.locator('main').textContent()) ?? '';
  assert.doesNotMatch(all, /status 31|write ISO|could not record its outcome/);
  await page.close();
});

test('a decision waiting for a supervisor says why in the reason\'s words, not with the driver\'s text', { timeout: 60_000 }, async () => {
  st.failCard(2, { step: 'magstripe', slot: 0, reason: 'MSR_WRITE_ERROR', message: RAW_ENCODER });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(st.url);
  await signIn(page, 'sup', st.users.sup.password);
  await page.getByRole('button', { name: 'Supervision' }).click();
  const decision = page.locator('[data-testid=decision][data-record=R000002]');
  await decision.waitFor();
  const text = (await decision.textContent()) ?? '';
  assert.match(text, /The stripe encoder could not write the stripe/);
  assert.doesNotMatch(text, /status 31|write ISO/);
  await page.close();
});
