import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS, AuthError, AuthService, can, type Action, type Actor, type Role } from '../../../electron/core/auth';
import { setup } from './helpers';

const FAST = { N: 1 << 12, r: 8, p: 1 };
const PW = 'correct horse 42';

function service(opts: ConstructorParameters<typeof AuthService>[2] = {}) {
  const s = setup();
  const auth = new AuthService(s.db, s.audit, { scrypt: FAST, now: s.now, ...opts });
  const admin: Actor = { username: 'admin', role: 'administrator', origin: 'ui:test' };
  auth.bootstrapAdmin({ username: 'admin', displayName: 'Admin', password: 'bootstrap pw 2025' }, 'ui:test');
  return { ...s, auth, admin };
}

const code = (c: string) => (e: unknown) => e instanceof AuthError && e.code === c;

// The policy, written out independently of PERMISSIONS.
const MATRIX: Record<Role, Action[]> = {
  operator: ['batch.import', 'batch.run', 'engine.control', 'card.hold', 'report.read'],
  supervisor: ['batch.import', 'batch.run', 'engine.control', 'card.hold', 'card.decide', 'card.rework', 'log.read', 'log.export', 'product.manage', 'pan.reveal', 'report.read', 'report.signoff', 'key.custody'],
  administrator: ['log.read', 'log.export', 'report.read', 'user.manage', 'device.manage', 'key.manage', 'key.custody'],
};

test('each role may do exactly its actions; every refusal is audited', (t) => {
  const s = service();
  t.after(s.cleanup);
  for (const role of ['operator', 'supervisor'] as Role[]) s.auth.createUser({ username: role, displayName: role, role, password: PW }, s.admin);
  for (const role of ['operator', 'supervisor', 'administrator'] as Role[]) {
    const user = role === 'administrator' ? 'admin' : role;
    const sess = s.auth.login(user, role === 'administrator' ? 'bootstrap pw 2025' : PW, 'ui:test');
    for (const action of ACTIONS) {
      const allowed = MATRIX[role].includes(action);
      assert.equal(can(role, action), allowed, `${role} ${action}`);
      const before = s.audit.query({ type: 'auth.forbidden', user, count: true }).total!;
      if (allowed) assert.equal(s.auth.authorize(sess.id, action).username, user);
      else assert.throws(() => s.auth.authorize(sess.id, action, 'card:1'), code('FORBIDDEN'), `${role} ${action}`);
      const after = s.audit.query({ type: 'auth.forbidden', user, count: true }).total!;
      assert.equal(after - before, allowed ? 0 : 1, `${role} ${action} audit`);
    }
  }
  const [refusal] = s.audit.query({ type: 'auth.forbidden', user: 'operator', limit: 1 }).rows;
  assert.equal(refusal.outcome, 'failure');
  assert.equal(refusal.resource, 'card:1');
  assert.ok(ACTIONS.length >= 14);
});

test('only an administrator manages users, and user changes are audited', (t) => {
  const s = service();
  t.after(s.cleanup);
  const sup: Actor = { username: 'sup', role: 'supervisor', origin: 'ui:x' };
  assert.throws(() => s.auth.createUser({ username: 'x1', displayName: 'X', role: 'operator', password: PW }, sup), code('FORBIDDEN'));
  const u = s.auth.createUser({ username: 'op1', displayName: 'Op One', role: 'operator', password: PW }, s.admin);
  assert.equal(u.role, 'operator');
  assert.throws(() => s.auth.createUser({ username: 'OP1', displayName: 'dup', role: 'operator', password: PW }, s.admin), code('USER_EXISTS'));
  s.auth.setRole('op1', 'supervisor', s.admin);
  assert.equal(s.auth.login('op1', PW, 'ui:x').role, 'supervisor');
  s.auth.setPassword('op1', 'another secret 7', s.admin);
  assert.throws(() => s.auth.login('op1', PW, 'ui:x'), code('BAD_CREDENTIALS'));
  assert.equal(s.auth.listUsers().map((x) => x.username).join(), 'admin,op1');
  const types = s.audit.query({ resource: 'user:op1', order: 'asc' }).rows.map((e) => e.type);
  assert.equal(types[0], 'user.create');
  assert.ok(['user.create', 'user.role', 'user.password'].every((x) => types.includes(x)), types.join());
  assert.ok(!JSON.stringify(s.db.prepare('SELECT * FROM audit_log').all()).includes(PW));
});

test('password policy: at least 12 characters, letters and digits, not the user name', (t) => {
  const s = service();
  t.after(s.cleanup);
  const mk = (password: string, username = 'op1') => () => s.auth.createUser({ username, displayName: 'x', role: 'operator', password }, s.admin);
  assert.throws(mk('short 1'), code('PASSWORD_POLICY'));
  assert.throws(mk('elevenchr1!'), code('PASSWORD_POLICY'));
  assert.throws(mk('onlyletterspassword'), code('PASSWORD_POLICY'));
  assert.throws(mk('123456789012345'), code('PASSWORD_POLICY'));
  assert.throws(mk('xx operator1 99', 'operator1'), code('PASSWORD_POLICY'));
  mk('twelve char1')();
  assert.equal(s.audit.query({ type: 'user.password', outcome: 'failure', count: true }).total, 5);
});

test('passwords are stored as salted scrypt hashes (N=2^15 by default)', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const auth = new AuthService(s.db, s.audit, { now: s.now });
  auth.bootstrapAdmin({ username: 'admin', displayName: 'A', password: PW });
  auth.createUser({ username: 'bob', displayName: 'B', role: 'operator', password: PW }, { username: 'admin', role: 'administrator', origin: 'x' });
  const rows = s.db.prepare('SELECT password_hash AS h FROM auth_users').all() as { h: string }[];
  for (const { h } of rows) assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  assert.notEqual(rows[0].h.split('$')[4], rows[1].h.split('$')[4], 'salts differ');
  const t0 = performance.now();
  auth.login('admin', PW, 'x');
  assert.ok(performance.now() - t0 >= 15, 'hashing is not trivially fast');
});

test('lock-out after 5 failures, persisted across a restart, lifted after the lock-out time', (t) => {
  const s = service();
  t.after(s.cleanup);
  s.auth.createUser({ username: 'op1', displayName: 'x', role: 'operator', password: PW }, s.admin);
  for (let i = 0; i < 4; i++) assert.throws(() => s.auth.login('op1', 'wrong password 1', 'ui:a'), code('BAD_CREDENTIALS'));
  assert.throws(() => s.auth.login('op1', 'wrong password 1', 'ui:a'), code('LOCKED_OUT'));
  assert.throws(() => s.auth.login('op1', PW, 'ui:a'), code('LOCKED_OUT'), 'even the right password is refused');
  const restarted = new AuthService(s.db, s.audit, { scrypt: FAST, now: s.now });
  assert.throws(() => restarted.login('op1', PW, 'ui:a'), code('LOCKED_OUT'));
  s.clock.t += 15 * 60_000 + 1;
  assert.equal(restarted.login('op1', PW, 'ui:a').username, 'op1');
  assert.equal(s.audit.query({ type: 'auth.lockout', count: true }).total, 1);
  assert.equal(s.audit.query({ type: 'auth.login', user: 'op1', outcome: 'failure', count: true }).total, 7);
});

test('a success resets the failure count; an administrator can unlock', (t) => {
  const s = service({ maxFailures: 3 });
  t.after(s.cleanup);
  s.auth.createUser({ username: 'op1', displayName: 'x', role: 'operator', password: PW }, s.admin);
  for (let i = 0; i < 2; i++) assert.throws(() => s.auth.login('op1', 'nope nope 123', 'a'));
  s.auth.login('op1', PW, 'a');
  for (let i = 0; i < 2; i++) assert.throws(() => s.auth.login('op1', 'nope nope 123', 'a'), code('BAD_CREDENTIALS'));
  assert.throws(() => s.auth.login('op1', 'nope nope 123', 'a'), code('LOCKED_OUT'));
  s.auth.unlockUser('op1', s.admin);
  assert.equal(s.auth.login('op1', PW, 'a').username, 'op1');
});

test('unknown users and disabled accounts are refused; disabling ends sessions', (t) => {
  const s = service();
  t.after(s.cleanup);
  assert.throws(() => s.auth.login('ghost', PW, 'a'), code('BAD_CREDENTIALS'));
  s.auth.createUser({ username: 'op1', displayName: 'x', role: 'operator', password: PW }, s.admin);
  const sess = s.auth.login('op1', PW, 'a');
  s.auth.disableUser('op1', s.admin);
  assert.throws(() => s.auth.check(sess.id), code('NO_SESSION'));
  assert.throws(() => s.auth.login('op1', PW, 'a'), code('DISABLED'));
  assert.throws(() => s.auth.login('op1', 'wrong password 9', 'a'), code('BAD_CREDENTIALS'));
  assert.throws(() => s.auth.disableUser('admin', s.admin), code('INVALID'));
  s.auth.enableUser('op1', s.admin);
  assert.equal(s.auth.login('op1', PW, 'a').username, 'op1');
});

test('sessions expire after the idle time; use keeps them alive; logout ends them', (t) => {
  const s = service();
  t.after(s.cleanup);
  s.auth.createUser({ username: 'op1', displayName: 'x', role: 'operator', password: PW }, s.admin);
  const a = s.auth.login('op1', PW, 'ui:a');
  s.clock.t += 10 * 60_000;
  s.auth.touch(a.id);
  s.clock.t += 10 * 60_000;
  assert.equal(s.auth.authorize(a.id, 'batch.run').username, 'op1');
  s.clock.t += 14 * 60_000;
  assert.equal(s.auth.check(a.id).username, 'op1');
  s.clock.t += 2 * 60_000;
  assert.throws(() => s.auth.check(a.id), code('SESSION_EXPIRED'));
  assert.throws(() => s.auth.check(a.id), code('NO_SESSION'));
  const b = s.auth.login('op1', PW, 'ui:b');
  s.auth.logout(b.id);
  assert.throws(() => s.auth.authorize(b.id, 'batch.run'), code('NO_SESSION'));
  assert.deepEqual(s.audit.query({ user: 'op1', type: ['auth.session.expired', 'auth.logout'], order: 'asc' }).rows.map((e) => e.type), ['auth.session.expired', 'auth.logout']);
});

test('sessions are in memory only: after a restart everyone logs in again', (t) => {
  const s = service();
  t.after(s.cleanup);
  const sess = s.auth.login('admin', 'bootstrap pw 2025', 'ui:a');
  const restarted = new AuthService(s.db, s.audit, { scrypt: FAST, now: s.now });
  assert.throws(() => restarted.authorize(sess.id, 'user.manage'), code('NO_SESSION'));
  assert.equal(restarted.hasUsers(), true);
});

test('first run: bootstrapAdmin only while there are no users', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const auth = new AuthService(s.db, s.audit, { scrypt: FAST, now: s.now });
  assert.equal(auth.hasUsers(), false);
  assert.throws(() => auth.bootstrapAdmin({ username: 'root', displayName: 'R', password: 'short' }), code('PASSWORD_POLICY'));
  assert.equal(auth.hasUsers(), false);
  auth.bootstrapAdmin({ username: 'root', displayName: 'R', password: 'bootstrap pw 2025' });
  assert.equal(auth.login('root', 'bootstrap pw 2025', 'x').role, 'administrator');
  assert.throws(() => auth.bootstrapAdmin({ username: 'evil', displayName: 'E', password: 'bootstrap pw 2025' }), code('ALREADY_INITIALIZED'));
  assert.equal(s.audit.query({ type: 'user.bootstrap', count: true }).total, 1);
});
