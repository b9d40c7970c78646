import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { windowOptions } from '../../../electron/window';
import { registerIpc } from '../../../electron/ipc/register';
import { StationEvents } from '../../../electron/core/events';
import { CALL_NAMES, ipcCallChannel, IPC_EVENT_CHANNEL } from '../../../shared/contract/channels';
import type { AuthPort, Handlers } from '../../../electron/core/api/handlers';
import { CSP } from '../../../electron/csp';

// The Electron glue, against a mocked `electron`: window options, one handler per contract
// call, sender checks, payload validation, and events only to logged-in windows.
test('the window is isolated, sandboxed and has no Node', () => {
  const o = windowOptions('/app/preload.cjs');
  assert.equal(o.webPreferences!.contextIsolation, true);
  assert.equal(o.webPreferences!.sandbox, true);
  assert.equal(o.webPreferences!.nodeIntegration, false);
  assert.equal(o.webPreferences!.webviewTag, false);
  assert.ok(!/https?:\/\/(?!127|localhost)/.test(CSP), 'no remote origin in the CSP');
  assert.match(CSP, /default-src 'self'/);
});

function fakeIpc() {
  const handlers = new Map<string, (e: unknown, input: unknown) => Promise<unknown>>();
  return { handlers, ipcMain: { handle: (ch: string, fn: never) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) } };
}
function fakeContents(id: number) {
  const wc = Object.assign(new EventEmitter(), { id, sent: [] as unknown[], isDestroyed: () => false, send(ch: string, msg: unknown) { this.sent.push([ch, msg]); } });
  return wc;
}

test('every contract call gets a handler; foreign senders and bad payloads are refused', async () => {
  const ipc = fakeIpc();
  const win = fakeContents(1);
  let loggedIn = false;
  const auth = { current: () => (loggedIn ? { username: 'op', displayName: 'Op', role: 'operator' } : null), onSessionEnded: () => () => undefined } as unknown as AuthPort;
  const calls: string[] = [];
  const handlers = new Proxy({}, { get: (_t, name: string) => (input: unknown) => (calls.push(name), name === 'queue.counts' ? { total: 0, queued: 0, inProgress: 0, passed: 0, failed: 0, rejected: 0, reworked: 0, held: 0 } : input) }) as Handlers;
  const events = new StationEvents();
  const off = registerIpc({ ipcMain: ipc.ipcMain as never, handlers, auth, events, isTrustedUrl: (u) => u === 'file:///app/index.html', windows: () => [win as never] });
  assert.deepEqual([...ipc.handlers.keys()].sort(), CALL_NAMES.map(ipcCallChannel).sort());

  const h = ipc.handlers.get(ipcCallChannel('queue.counts'))!;
  const ours = { sender: win, senderFrame: { url: 'file:///app/index.html' } };
  const ok = (await h(ours, {})) as { ok: boolean };
  assert.equal(ok.ok, true);
  const foreignPage = (await h({ sender: win, senderFrame: { url: 'https://evil.example/' } }, {})) as { ok: boolean; error: { code: string } };
  assert.deepEqual([foreignPage.ok, foreignPage.error.code], [false, 'FORBIDDEN']);
  const foreignWindow = (await h({ sender: fakeContents(9), senderFrame: { url: 'file:///app/index.html' } }, {})) as { ok: boolean; error: { code: string } };
  assert.equal(foreignWindow.error.code, 'FORBIDDEN');
  const bad = (await h(ours, { batchId: 42, extra: 'x'.repeat(10) })) as { ok: boolean; error: { code: string; problems: unknown[] } };
  assert.equal(bad.error.code, 'BAD_REQUEST');
  assert.ok(bad.error.problems.length > 0);
  assert.equal(calls.length, 1, 'only the valid call from our page reached the core');

  events.emit('task.progress', { taskId: 't', label: 'x', done: 1, total: 2, finished: false });
  assert.equal(win.sent.length, 0, 'no events to a window with no logged-in user');
  loggedIn = true;
  events.emit('task.progress', { taskId: 't', label: 'x', done: 2, total: 2, finished: true });
  assert.equal(win.sent.length, 1);
  assert.equal((win.sent[0] as unknown[])[0], IPC_EVENT_CHANNEL);
  off();
  assert.equal(ipc.handlers.size, 0);
});
