import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSessionStore } from '../../../renderer/src/stores/session';
import { createBatchesStore, findBatch } from '../../../renderer/src/stores/batches';
import { allowedActions, createEngineStore } from '../../../renderer/src/stores/engine';
import { reduceActivity, RECENT_MAX } from '../../../renderer/src/stores/activity';
import { createDecisionsStore, validReason } from '../../../renderer/src/stores/decisions';
import { upsertDevice } from '../../../renderer/src/stores/devices';
import { createBatcher, throttle } from '../../../renderer/src/stores/batcher';
import { createUiStore, initialTheme } from '../../../renderer/src/stores/ui';
import { connectEvents, createAppStores } from '../../../renderer/src/stores/app';
import type { BatchSummary, EngineStatus, SessionInfo } from '../../../shared/contract/dto';
import { fail, fakeApi, tick } from './fake-api';
import { row } from './rows';

const counts = { total: 3, queued: 3, inProgress: 0, passed: 0, failed: 0, rejected: 0, reworked: 0, held: 0 };
const batch = (batchId: string, importedAt = 1): BatchSummary => ({ batchId, productId: 'p', productName: 'Demo', issuer: null, importedAt, importedBy: 'op', state: 'open', counts });
const info = (user: SessionInfo['user']): SessionInfo => ({ user, needsBootstrap: false, testKeys: true, stationName: 'S1' });
const alice = { username: 'alice', displayName: 'Alice', role: 'operator' as const };
const status = (state: EngineStatus['state'], rev = 0, epoch = 'e1'): EngineStatus => ({ state, batchId: 'B1', counts, cardsPerHour: null, etaSeconds: null, startedAt: null, message: null, epoch, rev });

test('losing the user by a session.changed event is an expiry; signing out is not', async () => {
  const f = fakeApi({ 'session.login': () => info(alice), 'session.logout': () => info(null) });
  const s = createSessionStore(f.api);
  assert.equal(await s.getState().login('alice', 'pw'), true);
  s.getState().changed(info(null));
  assert.equal(s.getState().expired, true);
  assert.equal(s.getState().info?.user, null);
  await s.getState().login('alice', 'pw');
  assert.equal(s.getState().expired, false);
  await s.getState().logout();
  s.getState().changed(info(null));
  assert.equal(s.getState().expired, false);
});

test('a bare null session.changed (locked session) reads as signed out, keeping the banner facts', async () => {
  const f = fakeApi({ 'session.login': () => info(alice) });
  const s = createSessionStore(f.api);
  await s.getState().login('alice', 'pw');
  s.getState().changed(null);
  assert.equal(s.getState().info?.user, null);
  assert.equal(s.getState().info?.testKeys, true);
  assert.equal(s.getState().expired, true);
});

test('a refused login keeps the station message and says what to do', async () => {
  const f = fakeApi({ 'session.login': () => fail({ code: 'AUTH', message: 'wrong user name or password' }) });
  const s = createSessionStore(f.api);
  assert.equal(await s.getState().login('alice', 'x'), false);
  assert.equal(s.getState().error?.message, 'wrong user name or password');
  assert.match(s.getState().error!.action, /user name and password/);
});

test('a scanned ticket selects its batch, reloading the list once if needed', async () => {
  let list = [batch('B-OLD')];
  const f = fakeApi({ 'batches.list': () => list });
  const b = createBatchesStore(f.api);
  await b.getState().load();
  list = [batch('B-OLD'), batch('B-2025-001', 2)];
  assert.equal(await b.getState().scan('  b-2025-001\r\n'), true);
  assert.equal(b.getState().selectedId, 'B-2025-001');
  assert.equal(await b.getState().scan('NOPE'), false);
  assert.equal(b.getState().selectedId, 'B-2025-001');
  assert.match(b.getState().scanMessage!.text, /No batch "NOPE"/);
  assert.equal(findBatch(list, ''), undefined);
});

test('an import with problems keeps every problem for display; a good one selects the new batch', async () => {
  const problems = Array.from({ length: 120 }, (_, i) => ({ record: i + 1, recordId: `R${i + 1}`, field: 'pan', message: 'fails the Luhn check' }));
  let good = false;
  const f = fakeApi({
    'batches.import': () => (good ? { batchId: 'B9', records: 10 } : fail({ code: 'VALIDATION', message: 'batch: 120 problems', problems })),
    'batches.list': () => [batch('B9')],
  });
  const b = createBatchesStore(f.api);
  assert.equal(await b.getState().importFile('bad.json', '{}'), false);
  assert.equal(b.getState().importing?.error?.problems.length, 120);
  assert.equal(b.getState().importing?.running, false);
  good = true;
  assert.equal(await b.getState().importFile('good.json', '{}'), true);
  assert.equal(b.getState().selectedId, 'B9');
  assert.deepEqual(b.getState().importing?.result, { batchId: 'B9', records: 10 });
});

test('controls follow the engine state; the emergency stop is always available', () => {
  assert.deepEqual(allowedActions(status('idle'), false), { start: false, pause: false, resume: false, stop: false, estop: true });
  assert.deepEqual(allowedActions(status('idle'), true), { start: true, pause: false, resume: false, stop: false, estop: true });
  assert.deepEqual(allowedActions(status('running'), true), { start: false, pause: true, resume: false, stop: true, estop: true });
  assert.deepEqual(allowedActions(status('paused'), true), { start: false, pause: false, resume: true, stop: true, estop: true });
  assert.equal(allowedActions(status('finished'), true).start, true);
});

test('engine actions are not sent twice, but an emergency stop never waits', async () => {
  let release!: () => void;
  const f = fakeApi({
    'engine.start': () => new Promise((r) => (release = () => r(status('running')))),
    'engine.estop': () => status('estopped'),
  });
  const e = createEngineStore(f.api);
  const p1 = e.getState().act('start', 'B1');
  void e.getState().act('start', 'B1');
  await e.getState().act('estop');
  assert.deepEqual(f.calls.map((c) => c.name), ['engine.start', 'engine.estop']);
  assert.deepEqual(f.calls[0].input, { batchId: 'B1' });
  release();
  await p1;
});

test('engine: a resume pressed when "paused" arrives before the answer to the pause is sent, not dropped', async () => {
  let releasePause!: () => void;
  let releaseResume!: () => void;
  const f = fakeApi({
    'engine.pause': () => new Promise((r) => (releasePause = () => r(status('paused', 2)))),
    'engine.resume': () => new Promise((r) => (releaseResume = () => r(status('running', 3)))),
  });
  const e = createEngineStore(f.api);
  e.getState().changed(status('running', 1));
  const p1 = e.getState().act('pause');
  void e.getState().act('pause');
  // The engine's event comes first (it is published before the call returns).
  e.getState().changed(status('paused', 2));
  assert.equal(allowedActions(e.getState().status, true).resume, true);
  const p2 = e.getState().act('resume');
  assert.deepEqual(f.calls.map((c) => c.name), ['engine.pause', 'engine.resume'], 'the repeated pause is dropped, the resume is sent');
  releasePause();
  await p1;
  assert.equal(e.getState().pending, 'resume', "the pause's answer leaves the resume marked as in progress");
  releaseResume();
  await p2;
  assert.equal(e.getState().pending, null);
  assert.equal(e.getState().status?.state, 'running');
});

test("engine: an answer overtaken by a newer event does not bring back an older state; a restarted engine's status is taken", async () => {
  let release!: () => void;
  const f = fakeApi({ 'engine.resume': () => new Promise((r) => (release = () => r(status('running', 7)))) });
  const e = createEngineStore(f.api);
  e.getState().changed(status('paused', 6));
  const p = e.getState().act('resume');
  // The resume of a drained run finishes it at once: that event can arrive before the answer.
  e.getState().changed(status('finished', 8));
  release();
  await p;
  assert.equal(e.getState().status?.state, 'finished');
  assert.equal(e.getState().pending, null);
  e.getState().changed(status('running', 3));
  assert.equal(e.getState().status?.state, 'finished', 'an older event is ignored too');
  e.getState().changed(status('idle', 0, 'e2'));
  assert.equal(e.getState().status?.state, 'idle', 'another engine instance starts its own count');
});

test('activity: in-flight cards, latest results (capped), current card = newest in flight', () => {
  let s = { batchId: 'B1', inFlight: [], recent: [], currentId: null } as Parameters<typeof reduceActivity>[0];
  s = { ...s, ...reduceActivity(s, [row(1, { state: 'in_progress', step: 'chip' }), row(2, { state: 'in_progress', step: 'feed' })]) };
  assert.deepEqual(s.inFlight.map((r) => r.id), [1, 2]);
  assert.equal(s.currentId, 2);
  s = { ...s, ...reduceActivity(s, [row(1, { state: 'failed', reason: 'CHIP_STATUS' }), row(9, { batchId: 'B2', state: 'in_progress' })]) };
  assert.deepEqual(s.inFlight.map((r) => r.id), [2]);
  assert.equal(s.recent[0].reason, 'CHIP_STATUS');
  s = { ...s, ...reduceActivity(s, [row(2, { state: 'passed' })]) };
  assert.equal(s.currentId, 2);
  for (let i = 10; i < 10 + RECENT_MAX + 5; i++) s = { ...s, ...reduceActivity(s, [row(i, { state: 'passed' })]) };
  assert.equal(s.recent.length, RECENT_MAX);
});

test('decisions: a reason is mandatory; a decided card leaves the list; a newly failed one joins it', async () => {
  assert.equal(validReason('  ok '), false);
  assert.equal(validReason('bent'), true);
  const f = fakeApi({
    'queue.page': () => ({ total: 2, rows: [row(1, { state: 'failed' }), row(2, { state: 'failed' })] }),
    'cards.decide': (i) => row(i.cardId, { state: i.decision === 'reject' ? 'rejected' : 'reworked' }),
  });
  const d = createDecisionsStore(f.api);
  await d.getState().load();
  assert.deepEqual(f.calls[0].input.states, ['failed']);
  assert.equal(await d.getState().decide(row(1, { state: 'failed' }), 'reject', '  chip cracked  '), true);
  assert.deepEqual(f.calls[1].input, { cardId: 1, decision: 'reject', reason: 'chip cracked' });
  assert.deepEqual(d.getState().rows.map((r) => r.id), [2]);
  d.getState().applyUpdates([row(5, { state: 'failed' }), row(2, { state: 'reworked' })]);
  assert.deepEqual(d.getState().rows.map((r) => r.id), [5]);
  assert.equal(d.getState().total, 1);
});

test('devices: a status event replaces the device with the same id or adds it', () => {
  const a = { id: 'r0', kind: 'reader' as const, name: 'Reader', state: 'online' as const, since: 1 };
  const list = upsertDevice([a], { ...a, state: 'error', message: 'gone', action: 'plug it in' });
  assert.equal(list.length, 1);
  assert.equal(list[0].state, 'error');
  assert.equal(upsertDevice(list, { ...a, id: 'm0' }).length, 2);
});

test('the batcher keeps the last item per key and flushes once', async () => {
  const flushed: number[][] = [];
  const b = createBatcher<{ id: number; v: number }>((xs) => flushed.push(xs.map((x) => x.v)), 20, (x) => x.id);
  b.push({ id: 1, v: 1 });
  b.push({ id: 2, v: 2 });
  b.push({ id: 1, v: 3 });
  await tick(40);
  assert.deepEqual(flushed, [[2, 3]]);
});

test('throttle runs at once, then at most once per interval (trailing)', async () => {
  let n = 0;
  const th = throttle(() => n++, 40);
  th();
  th();
  th();
  assert.equal(n, 1);
  await tick(60);
  assert.equal(n, 2);
  th.cancel();
});

test('theme: saved choice wins, else the system preference; the choice is saved', () => {
  const mem = new Map<string, string>();
  const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
  assert.equal(initialTheme(storage, true), 'dark');
  const ui = createUiStore(storage, false);
  assert.equal(ui.getState().theme, 'light');
  ui.getState().toggleTheme();
  assert.equal(initialTheme(storage, false), 'dark');
});

test('connectEvents routes events into the stores and its cleanup unsubscribes everything', async () => {
  const f = fakeApi({ 'queue.counts': () => counts });
  const s = createAppStores(f.api, { storage: null, prefersDark: false });
  const off = connectEvents(s, 5);
  assert.equal(f.listenerCount(), 6);
  f.emit('engine.status', status('running'));
  f.emit('device.status', { id: 'm', kind: 'machine', name: 'M', state: 'busy', since: 1 });
  s.activity.setState({ batchId: 'B1' });
  f.emit('card.updated', row(1, { state: 'in_progress' }));
  await tick(20);
  assert.equal(s.engine.getState().status?.state, 'running');
  assert.equal(s.devices.getState().list[0].state, 'busy');
  assert.equal(s.activity.getState().inFlight[0]?.id, 1);
  off();
  assert.equal(f.listenerCount(), 0);
});
