import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CALL_NAMES } from '../../../shared/contract/channels';
import type { CallEnvelope } from '../../../shared/contract/api';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';
import { startStationFixture, type StationFixture } from '../../support/station-fixture';

// Who may make which call, checked at the API (dispatch → handler → auth), for every call of
// the contract, for each role and for a connection without a session. The expected matrix is
// written out here from docs/security.md's role table, on purpose not computed from
// PERMISSIONS: a wrong entry there (or a handler asking for the wrong action) makes this fail.

type Role = 'operator' | 'supervisor' | 'administrator';
const O: Role = 'operator';
const S: Role = 'supervisor';
const A: Role = 'administrator';
const ROLES: Role[] = [O, S, A];

interface Ctx {
  batchId: string;
  cardId: number;
  uniq(): string;
}

/** `who: 'anyone'` also admits a connection without a session. */
interface Row {
  who: Role[] | 'anyone';
  input(c: Ctx, role: Role | null): unknown;
}

const NO_CEREMONY = '00000000-0000-4000-8000-000000000000';

// Keys are call names; `name#variant` rows exercise one call with inputs that need different rights.
const EXPECTED: Record<string, Row> = {
  'session.status': { who: 'anyone', input: () => ({}) },
  'session.login': { who: 'anyone', input: (_c, role) => ({ ...creds[role ?? O] }) },
  'session.logout': { who: 'anyone', input: () => ({}) },
  'session.bootstrap': { who: 'anyone', input: () => ({ username: 'late-admin', displayName: 'Late', password: 'a-long-password-123' }) },

  'products.list': { who: [O, S], input: () => ({}) },
  'batches.list': { who: [O, S], input: () => ({}) },
  'batches.import': { who: [O, S], input: () => ({ fileName: 'empty.json', content: '{}' }) },
  'batches.importCancel': { who: [O, S], input: () => ({ taskId: 'import:none' }) },
  // Releasing a hold is a decision: supervisors only (holding is tested in tests/unit/manual/holds.test.ts).
  'batches.hold': { who: [S], input: (c) => ({ batchId: c.batchId, hold: false, reason: 'role matrix test' }) },
  'queue.page': { who: [O, S], input: (c) => ({ batchId: c.batchId, offset: 0, limit: 5 }) },
  'queue.counts': { who: [O, S], input: (c) => ({ batchId: c.batchId }) },

  'engine.status': { who: [O, S], input: () => ({}) },
  'engine.start': { who: [O, S], input: () => ({ batchId: 'NO-SUCH-BATCH' }) },
  'engine.pause': { who: [O, S], input: () => ({}) },
  'engine.resume': { who: [O, S], input: () => ({}) },
  'engine.stop': { who: [O, S], input: () => ({}) },
  'engine.estop': { who: [O, S], input: () => ({}) },

  'cards.decide': { who: [S], input: (c) => ({ cardId: c.cardId, decision: 'reject', reason: 'role matrix test' }) },
  'cards.hold': { who: [O, S], input: (c) => ({ cardId: c.cardId, hold: true, reason: 'role matrix test' }) },
  'cards.preview': { who: [O, S], input: (c) => ({ cardId: c.cardId, reveal: false }) },
  'cards.preview#reveal': { who: [S], input: (c) => ({ cardId: c.cardId, reveal: true }) },

  'devices.list': { who: [O, S], input: () => ({}) },

  'log.query': { who: [S, A], input: () => ({ filter: {}, limit: 5 }) },
  'log.export': { who: [S, A], input: () => ({ filter: { type: ['station.start'] } }) },

  'users.list': { who: [A], input: () => ({}) },
  // The password contains the user name, so an allowed caller is refused by the policy and no user is made.
  'users.create': { who: [A], input: (c) => { const u = `u${c.uniq()}`; return { username: u, displayName: 'Role test', role: 'operator', password: `${u}-pass-123456` }; } },

  'keys.list': { who: [A], input: () => ({}) },
  'keys.ceremony.start': { who: [A], input: (c) => ({ keyId: `role-test-${c.uniq()}`, label: 'role test', algorithm: 'AES', components: 2, test: true }) },
  'keys.ceremony.component': { who: [S, A], input: () => ({ ceremonyId: NO_CEREMONY, componentHex: '00112233445566778899AABBCCDDEEFF' }) },
  'keys.ceremony.status': { who: [S, A], input: () => ({ ceremonyId: NO_CEREMONY }) },
  'keys.ceremony.list': { who: [S, A], input: () => ({}) },
  'keys.ceremony.abort': { who: [A], input: () => ({ ceremonyId: NO_CEREMONY }) },
  'keys.delete': { who: [A], input: () => ({ keyId: 'no-such-key' }) },
  'keys.ceremony.transportKey': { who: [S, A], input: () => ({ ceremonyId: NO_CEREMONY }) },
  'keys.hsm.pin': { who: [A], input: () => ({ pin: '123456' }) },

  'products.get': { who: [O, S], input: () => ({ id: 'DEMO-DEBIT' }) },
  'products.preview': { who: [S], input: () => ({ product: { id: 'X' } }) },
  // An incomplete product: an allowed caller gets VALIDATION and no file is written.
  'products.save': { who: [S], input: () => ({ product: { id: 'DEMO-DEBIT' }, reason: 'role matrix test' }) },

  'manual.pending': { who: [O, S], input: () => ({}) },
  'manual.confirm': { who: [O, S], input: () => ({ promptId: 'no-such-prompt' }) },
  // A device panel's command (a laser's unlock/home) acts on the line: the people running it.
  'devices.perform': { who: [O, S], input: () => ({ deviceId: 'laser', command: 'unlock' }) },
  'recovery.status': { who: [O, S], input: () => ({}) },
  'recovery.path': { who: [O, S], input: () => ({}) },
  'recovery.clearPath': { who: [O, S], input: () => ({ cardId: 999999 }) },

  'reports.batch': { who: [O, S, A], input: (c) => ({ batchId: c.batchId }) },
  'reports.shift': { who: [O, S, A], input: () => ({ from: Date.now() - 3_600_000, to: Date.now() }) },
  'reports.charts': { who: [O, S, A], input: () => ({ from: Date.now() - 3_600_000, to: Date.now() }) },
  'reports.deviceHistory': { who: [O, S, A], input: () => ({ from: Date.now() - 3_600_000, to: Date.now() }) },
  'reports.export': { who: [O, S, A], input: (c) => ({ batchId: c.batchId, format: 'csv' }) },
  // Vault figures are recorded by the people running production.
  'reports.vault': { who: [O, S], input: (c) => ({ batchId: c.batchId, issuedFromVault: 12, reason: 'role matrix test' }) },
  // The operator signs the reconciliation as operator; only a supervisor signs as the reviewer.
  'reports.signoff': { who: [O, S], input: (c, role) => ({ batchId: c.batchId, role: 'operator', password: creds[role ?? O].password }) },
  'reports.signoff#reviewer': { who: [S], input: (c, role) => ({ batchId: c.batchId, role: 'reviewer', password: creds[role ?? S].password }) },
};

const callOf = (row: string) => row.split('#')[0];

let fx: StationFixture;
let creds = {} as StationFixture['credentials'];
const conns = {} as Record<Role, Connection>;
let n = 0;
const ctx: Ctx = { batchId: 'DEMO-0001', cardId: 0, uniq: () => `${process.pid}x${++n}` };

async function login(role: Role): Promise<Connection> {
  const conn: Connection = { id: `t-${role}`, origin: `ui:t-${role}`, sessionId: null };
  const r = await dispatch(fx.core.handlers, 'session.login', fx.credentials[role], conn);
  assert.ok(r.ok, `login as ${role}: ${JSON.stringify(r)}`);
  return conn;
}

before(async () => {
  fx = await startStationFixture({ importSample: true });
  creds = fx.credentials;
  for (const role of ROLES) conns[role] = await login(role);
  const page = await dispatch(fx.core.handlers, 'queue.page', { batchId: ctx.batchId, offset: 0, limit: 1 }, conns.operator);
  assert.ok(page.ok);
  ctx.cardId = (page.value as { rows: { id: number }[] }).rows[0].id;
});
after(async () => fx?.close());

test('the matrix covers every call of the contract, and nothing that is not one', () => {
  const covered = new Set(Object.keys(EXPECTED).map(callOf));
  const missing = CALL_NAMES.filter((c) => !covered.has(c));
  assert.deepEqual(missing, [], `calls with no row in the expected role matrix (add them): ${missing.join(', ')}`);
  const unknown = [...covered].filter((c) => !(CALL_NAMES as string[]).includes(c));
  assert.deepEqual(unknown, []);
});

/** A fresh connection whose session belongs to `role`, so calls that end or change a session do not disturb the others. */
async function connFor(role: Role | null, row: string): Promise<Connection> {
  if (role === null) return { id: 'anon', origin: 'ui:anon', sessionId: null };
  if (callOf(row).startsWith('session.')) return login(role);
  return conns[role];
}

function lastSeq(): number {
  return fx.core.station.audit.head().seq;
}

for (const row of Object.keys(EXPECTED)) {
  test(`${row}: ${EXPECTED[row].who === 'anyone' ? 'anyone' : (EXPECTED[row].who as Role[]).join(', ')}`, async () => {
    const spec = EXPECTED[row];
    for (const role of [...ROLES, null]) {
      const who = role ?? 'no session';
      const allowed = spec.who === 'anyone' || (role !== null && spec.who.includes(role));
      const conn = await connFor(role, row);
      const seq = lastSeq();
      const r = (await dispatch(fx.core.handlers, callOf(row), spec.input(ctx, role), conn, fx.core.onInternal)) as CallEnvelope<unknown>;
      const code = r.ok ? null : r.error.code;
      if (allowed) {
        assert.ok(code !== 'FORBIDDEN' && code !== 'AUTH', `${row} as ${who} should be allowed, got ${code}: ${r.ok ? '' : r.error.message}`);
        // The inputs are valid: an allowed call may be refused for what it asks, but must not break.
        assert.ok(code !== 'BAD_REQUEST' && code !== 'INTERNAL', `${row} as ${who}: ${code} ${r.ok ? '' : r.error.message}`);
        continue;
      }
      if (role === null) {
        assert.equal(code, 'AUTH', `${row} without a session must be refused with AUTH`);
        continue;
      }
      assert.equal(code, 'FORBIDDEN', `${row} as ${who} must be refused with FORBIDDEN`);
      const { username } = fx.credentials[role];
      const logged = fx.core.station.audit.query({ type: 'auth.forbidden', user: username, afterSeq: seq, order: 'asc', limit: 10 }).rows;
      assert.equal(logged.length, 1, `the refusal of ${row} for ${who} is in the audit log once`);
      assert.equal(logged[0].outcome, 'failure');
      assert.equal(logged[0].origin, conn.origin);
      assert.match(logged[0].message, new RegExp(`not allowed to`));
    }
  });
}

test('a role change takes effect at once: a user made administrator loses the operator rights of the old session', async () => {
  // An extra user, so the demo accounts stay as they are for the rest of the file.
  const username = `op${ctx.uniq()}`;
  const created = await dispatch(fx.core.handlers, 'users.create', { username, displayName: 'Extra operator', role: 'operator', password: 'Extra-operator-pw-42' }, conns.administrator);
  assert.ok(created.ok, JSON.stringify(created));
  const conn: Connection = { id: 'extra', origin: 'ui:extra', sessionId: null };
  assert.ok((await dispatch(fx.core.handlers, 'session.login', { username, password: 'Extra-operator-pw-42' }, conn)).ok);
  assert.ok((await dispatch(fx.core.handlers, 'queue.counts', {}, conn)).ok);
  const forbidden = await dispatch(fx.core.handlers, 'log.query', { filter: {}, limit: 1 }, conn);
  assert.equal(forbidden.ok ? null : forbidden.error.code, 'FORBIDDEN');
  fx.core.station.auth.setRole(username, 'administrator', { username: fx.credentials.administrator.username, role: 'administrator', origin: 'ui:t' });
  const after = await dispatch(fx.core.handlers, 'queue.counts', {}, conn);
  assert.equal(after.ok ? null : after.error.code, 'AUTH', 'the old session ended with the role change');
});

test('no-session refusals are audited too (PCI DSS 10.2.1.4: invalid logical access attempts)', async () => {
  const anon: Connection = { id: 'anon2', origin: 'ui:anon2', sessionId: null };
  const seq = lastSeq();
  const r = await dispatch(fx.core.handlers, 'log.query', { filter: {}, limit: 1 }, anon);
  assert.equal(r.ok ? null : r.error.code, 'AUTH');
  const logged = fx.core.station.audit.query({ afterSeq: seq, order: 'asc', limit: 10 }).rows.filter((e) => e.origin === 'ui:anon2');
  assert.equal(logged.length, 1);
});

