import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthService, type Actor } from '../../../electron/core/auth';
import { setup } from '../security/helpers';

// Session lifecycle lives in the core: every way a session ends — logout, idle expiry (noticed by
// the core's own sweep, with no call coming in), forced logout (role change, account disabled) —
// is told to whoever listens, so each adapter can tell its page.
const FAST = { N: 1 << 12, r: 8, p: 1 };
const PW = 'correct horse 42';

test('logout, idle expiry and forced logout each end the session and are told to listeners', async (t) => {
  const s = setup();
  t.after(s.cleanup);
  const auth = new AuthService(s.db, s.audit, { scrypt: FAST, now: s.now, idleMs: 60_000, sweepMs: 5 });
  const admin: Actor = { username: 'admin', role: 'administrator', origin: 'ui:test' };
  auth.bootstrapAdmin({ username: 'admin', displayName: 'Admin', password: 'bootstrap pw 2025' }, 'ui:test');
  for (const u of ['op1', 'op2', 'op3']) auth.createUser({ username: u, displayName: u, role: 'operator', password: PW }, admin);
  const ended: { sessionId: string; username: string; reason: string }[] = [];
  const off = auth.onSessionEnded((e) => ended.push(e));

  const a = auth.login('op1', PW, 'ui:a');
  auth.logout(a.id);
  assert.deepEqual(ended.shift(), { sessionId: a.id, username: 'op1', reason: 'logout' });

  const b = auth.login('op2', PW, 'ui:b');
  const c = auth.login('op3', PW, 'ui:c');
  s.clock.t += 30_000;
  auth.touch(c.id);
  s.clock.t += 40_000;
  // Nobody calls: the core's sweep notices b idle past the limit; c was used 40 s ago and lives.
  for (const end = Date.now() + 10_000; !ended.length; ) {
    if (Date.now() > end) throw new Error('the core never told the idle session ended (no sweep)');
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(ended.shift(), { sessionId: b.id, username: 'op2', reason: 'expired' });
  assert.equal(s.audit.query({ type: 'auth.session.expired', count: true }).total, 1);
  assert.equal(auth.check(c.id).username, 'op3');

  auth.setRole('op3', 'supervisor', admin);
  assert.deepEqual(ended.shift(), { sessionId: c.id, username: 'op3', reason: 'forced' });
  const d = auth.login('op1', PW, 'ui:d');
  auth.disableUser('op1', admin);
  assert.deepEqual(ended.shift(), { sessionId: d.id, username: 'op1', reason: 'forced' });
  assert.deepEqual(ended, []);

  off();
  const e = auth.login('op2', PW, 'ui:e');
  auth.logout(e.id);
  assert.deepEqual(ended, [], 'an unsubscribed listener hears nothing');
});
