import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAppStores } from '../../../renderer/src/stores/app';
import type { SessionInfo } from '../../../shared/contract/dto';
import { fail, fakeApi, tick } from './fake-api';

// An AUTH refusal of any call means the page may have lost its session without hearing of it
// (an event missed, an expiry between two calls): the renderer asks the station and returns to
// the lock screen if the session is gone — not a live-looking screen whose events have stopped.
const info = (user: SessionInfo['user']): SessionInfo => ({ user, needsBootstrap: false, testKeys: false, stationName: 'S1' });
const alice = { username: 'alice', displayName: 'Alice', role: 'operator' as const };
const env = { storage: null, prefersDark: false };

test('an AUTH refusal of any call returns the page to the lock screen when the session is gone', async () => {
  let live = true;
  const f = fakeApi({
    'session.login': () => info(alice),
    'session.status': () => info(live ? alice : null),
    'queue.counts': () => fail({ code: 'AUTH', message: 'session expired after inactivity; log in again' }),
  });
  const s = createAppStores(f.api, env);
  await s.session.getState().login('alice', 'pw');
  live = false;
  await s.counts.getState().load('B1');
  await tick();
  assert.equal(s.session.getState().info?.user, null, 'back to the lock screen');
  assert.equal(s.session.getState().expired, true, 'the lock screen says the session ended');
});

test('an AUTH refusal while the session lives (a wrong sign-off password) keeps the user signed in', async () => {
  const f = fakeApi({
    'session.login': () => info(alice),
    'session.status': () => info(alice),
    'reports.signoff': () => fail({ code: 'AUTH', message: 'wrong password' }),
  });
  const s = createAppStores(f.api, env);
  await s.session.getState().login('alice', 'pw');
  await assert.rejects(s.api.call('reports.signoff', { batchId: 'B', role: 'operator', password: 'x' }));
  await tick();
  assert.equal(s.session.getState().info?.user?.username, 'alice');
  assert.ok(f.calls.some((c) => c.name === 'session.status'), 'the station was asked');
});
