import type { Page } from 'playwright-core';
import assert from 'node:assert/strict';

// Small steps the journeys share, written the way a person uses the screen (labels, roles, keys).

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 15_000 });
}

export async function engineState(page: Page): Promise<string> {
  return ((await page.getByTestId('engine-state').textContent()) ?? '').trim();
}

export async function waitEngine(page: Page, re: RegExp, timeout = 60_000): Promise<void> {
  await page.getByTestId('engine-state').filter({ hasText: re }).waitFor({ timeout });
}

export async function counter(page: Page, name: 'done' | 'passed' | 'failed' | 'remaining' | 'rate' | 'eta'): Promise<string> {
  return ((await page.getByTestId(`counter-${name}`).locator('dd').textContent()) ?? '').trim();
}

export async function waitCounter(page: Page, name: 'done' | 'passed' | 'failed' | 'remaining', want: string, timeout = 30_000): Promise<void> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeout) {
    last = await counter(page, name);
    if (last === want) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`counter ${name}: wanted ${want}, still ${last} after ${timeout} ms`);
}
