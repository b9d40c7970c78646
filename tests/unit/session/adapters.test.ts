import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { registerIpc } from '../../../electron/ipc/register';
import { startBridge } from '../../../electron/bridge/server';
import { ipcCallChannel } from '../../../shared/contract/channels';
import { openApiStation } from '../manual/api-station';

// Both adapters forward the core's session ends to their page: a forced logout (here, the
// administrator changes the operator's role) reaches the window over Electron IPC (mocked
// `electron`, as in glue.test.ts) and the page over the bridge's WebSocket as session.changed
// with no user, at once — not at the next call the page happens to make.
const admin = { username: 'admin', role: 'administrator' as const, origin: 'ui:test' };
// A regression fails with a message after 10 s instead of hanging the whole run.
const until = async (ok: () => boolean, what = 'the condition') => {
  const end = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('Electron IPC: a session the core ends is pushed to its window as session.changed', async (t) => {
  const s = await openApiStation({ importSample: false });
  t.after(() => s.close());
  const handlers = new Map<string, (e: unknown, input: unknown) => Promise<unknown>>();
  const ipcMain = { handle: (ch: string, fn: never) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) };
  const sent: { name: string; payload: { user: unknown } }[] = [];
  const win = Object.assign(new EventEmitter(), { id: 1, isDestroyed: () => false, send: (_ch: string, m: never) => sent.push(m) });
  const off = registerIpc({ ipcMain: ipcMain as never, handlers: s.core.handlers, auth: s.core.auth, events: s.core.station.events, isTrustedUrl: (u) => u === 'app://x', windows: () => [win as never] });
  t.after(off);
  const creds = JSON.parse((await import('node:fs')).readFileSync(s.configPath.replace('station.json', 'demo-users.json'), 'utf8'));
  const ev = { sender: win, senderFrame: { url: 'app://x' } };
  const login = (await handlers.get(ipcCallChannel('session.login'))!(ev, creds.operator)) as { ok: boolean };
  assert.equal(login.ok, true);

  s.core.station.auth.setRole('operator', 'supervisor', admin);
  await new Promise((r) => setImmediate(r));
  const changed = sent.find((m) => m.name === 'session.changed');
  assert.ok(changed, `the window was told its session ended (it got: ${sent.map((m) => m.name).join(', ') || 'nothing'})`);
  assert.equal(changed.payload.user, null);
  const after = (await handlers.get(ipcCallChannel('queue.counts'))!(ev, {})) as { ok: boolean; error: { code: string } };
  assert.equal(after.error.code, 'AUTH');
});

// The bridge used to find ended sessions by polling every 15 s: the test gives it 5.
test('bridge: a session the core ends is pushed to its page as session.changed', { timeout: 5_000 }, async (t) => {
  const s = await openApiStation({ importSample: false });
  t.after(() => s.close());
  const bridge = await startBridge({ handlers: s.core.handlers, auth: s.core.auth, events: s.core.station.events, staticDir: '/nonexistent' });
  t.after(() => bridge.close());
  const ws = new WebSocket(`${bridge.url.replace('http', 'ws')}/ws`, { headers: { Origin: bridge.url } });
  await new Promise((r) => ws.once('open', r));
  t.after(() => ws.close());
  const frames: { t: string; id?: number; name?: string; payload?: { user: unknown }; envelope?: { ok: boolean } }[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const creds = JSON.parse((await import('node:fs')).readFileSync(s.configPath.replace('station.json', 'demo-users.json'), 'utf8'));
  ws.send(JSON.stringify({ t: 'call', id: 1, name: 'session.login', input: creds.operator }));
  await until(() => frames.some((f) => f.id === 1));
  assert.equal(frames.find((f) => f.id === 1)!.envelope!.ok, true);

  s.core.station.auth.disableUser('operator', admin);
  await until(() => frames.some((f) => f.t === 'event' && f.name === 'session.changed'));
  assert.equal(frames.find((f) => f.name === 'session.changed')!.payload!.user, null);
});
