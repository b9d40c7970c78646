import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { buildRenderer } from '../support/build-renderer';
import { startFakeStation } from './support/fake-station';
import { launchChromium, watchPage } from './support/chromium';

// The operator screen's first paint: a tiny boot entry asks the station for the session, the
// batch list and the first queue page while React loads, and the UI then uses those answers
// instead of asking again. Wrong priming would show up here as repeated or missing calls.

let st: Awaited<ReturnType<typeof startFakeStation>>;
let browser: Browser;

before(async () => {
  const dir = buildRenderer();
  st = await startFakeStation({ staticDir: dir, cards: 5_000, autoLogin: 'op' });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await st?.close();
});

const firstPage = (c: { name: string; input: any }) => c.name === 'queue.page' && c.input.offset === 0 && !c.input.states;

test('the first screen asks for the session once, the batch list and first queue page before the screen renders', async () => {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const { problems } = watchPage(page);
  const from = st.calls.length;
  await page.goto(st.url);
  await page.locator('.queue-row', { hasText: 'R000001' }).waitFor();
  await page.getByTestId('counter-remaining').waitFor(); // the rest of the screen followed
  const calls = st.calls.slice(from);
  assert.equal(calls.filter((c) => c.name === 'session.status').length, 1);
  assert.deepEqual(calls.find(firstPage)?.input, { batchId: st.batchId, offset: 0, limit: 100 });
  // The boot entry's calls go first, before anything the rendered screen asks for.
  assert.deepEqual(
    calls.slice(0, 2).map((c) => c.name),
    ['session.status', 'batches.list'],
  );
  const marks = await page.evaluate<string[]>(`performance.getEntriesByType('mark').map((m) => m.name)`);
  for (const m of ['station:boot', 'station:connected', 'station:app', 'station:queue-rows']) assert.ok(marks.includes(m), `mark ${m}`);
  assert.deepEqual(problems, []);

  // A reload remembers the batch: its first page goes out in the very first burst.
  const before = st.calls.at(-1)!.conn;
  await page.reload();
  await page.locator('.queue-row', { hasText: 'R000001' }).waitFor();
  await page.getByTestId('counter-remaining').waitFor();
  const reloaded = st.calls.filter((c) => c.conn > before);
  assert.deepEqual(
    reloaded.slice(0, 3).map((c) => c.name),
    ['session.status', 'queue.page', 'batches.list'],
  );
  assert.equal(reloaded.filter((c) => c.name === 'session.status').length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('after a reload, the signed-out page asks only for the session, and the batches after sign-in', async () => {
  const locked = await startFakeStation({ staticDir: buildRenderer(), cards: 50 });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const { problems } = watchPage(page);
  const signIn = async () => {
    await page.getByLabel('User name').fill('op');
    await page.getByLabel('Password', { exact: true }).fill(locked.users.op.password);
    await page.getByLabel('Password', { exact: true }).press('Enter');
    await page.locator('.queue-row', { hasText: 'R000001' }).waitFor();
  };
  try {
    await page.goto(locked.url);
    await signIn();
    // The batch is remembered now. After a reload nobody is signed in: asking for its queue page
    // or the batch list would only be refused (and logged as a refusal by the station).
    const before = locked.calls.at(-1)!.conn;
    await page.reload();
    await page.getByLabel('User name').waitFor();
    await signIn();
    await page.getByTestId('counter-remaining').waitFor();
    const calls = locked.calls.filter((c) => c.conn > before);
    const login = calls.findIndex((c) => c.name === 'session.login');
    assert.deepEqual(calls.slice(0, login).map((c) => c.name), ['session.status'], 'nothing but the session before sign-in');
    assert.ok(calls.slice(login).some((c) => c.name === 'batches.list'), 'the batch list is asked for after sign-in');
    assert.equal(await page.locator('.error-box').count(), 0);
    assert.equal(await page.locator('.batchbar select').inputValue(), locked.batchId);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await locked.close();
  }
});
