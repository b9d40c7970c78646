import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';
import type { CallEnvelope } from '../../../shared/contract/api';
import { startStationFixture, type StationFixture } from '../../support/station-fixture';

// The keys calls through dispatch on a whole station: a dual-control ceremony where each
// custodian sees only KCVs, and where no component ever comes back out (answers, refusals, log).

let fx: StationFixture;
const conns: Record<string, Connection> = {};
const seen: string[] = [];

async function call(who: string, name: string, input: unknown): Promise<CallEnvelope<unknown>> {
  const r = await dispatch(fx.core.handlers, name, input, conns[who], fx.core.onInternal);
  seen.push(JSON.stringify(r));
  return r;
}
const value = <T>(r: CallEnvelope<unknown>): T => {
  assert.ok(r.ok, JSON.stringify(r));
  return r.value as T;
};
const code = (r: CallEnvelope<unknown>) => (r.ok ? null : r.error.code);

/** AES KCV by another route than the store's: CBC with a zero IV over one block. */
function aesKcv(key: Buffer): string {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
  return c.update(Buffer.alloc(16, 1)).subarray(0, 3).toString('hex').toUpperCase();
}

before(async () => {
  fx = await startStationFixture();
  for (const role of ['operator', 'supervisor', 'administrator'] as const) {
    conns[role] = { id: role, origin: `ui:${role}`, sessionId: null };
    assert.ok((await dispatch(fx.core.handlers, 'session.login', fx.credentials[role], conns[role])).ok);
  }
  // A second supervisor, so a three-component ceremony has three custodians.
  fx.core.station.auth.createUser({ username: 'carol', displayName: 'Carol', role: 'supervisor', password: 'Third-custodian-2025' }, { username: 'admin', role: 'administrator', origin: 'cli' });
  conns.carol = { id: 'carol', origin: 'ui:carol', sessionId: null };
  assert.ok((await dispatch(fx.core.handlers, 'session.login', { username: 'carol', password: 'Third-custodian-2025' }, conns.carol)).ok);
});
after(async () => fx?.close());

test('keys.list: metadata and KCVs only, for the administrator', async () => {
  const keys = value<Record<string, unknown>[]>(await call('administrator', 'keys.list', {}));
  assert.deepEqual(keys.map((k) => k.id), ['demo-kmc']);
  assert.equal(keys[0].kcv, '504A77', 'the GlobalPlatform test key, AES KCV');
  assert.deepEqual(Object.keys(keys[0]).sort(), ['algorithm', 'components', 'createdAt', 'createdBy', 'custodians', 'id', 'kcv', 'label', 'length', 'location', 'origin', 'test']);
  assert.equal(code(await call('supervisor', 'keys.list', {})), 'FORBIDDEN');
  assert.equal(code(await call('operator', 'keys.list', {})), 'FORBIDDEN');
});

test('a three-component ceremony: each custodian once, KCVs only, the key is the XOR of the components', async () => {
  const parts = [randomBytes(16), randomBytes(16), randomBytes(16)];
  const hex = parts.map((p) => p.toString('hex').toUpperCase());
  const started = value<{ ceremonyId: string; remaining: number; components: number }>(
    await call('administrator', 'keys.ceremony.start', { keyId: 'kmc-prod-1', label: 'Production KMC', algorithm: 'AES', components: 3, test: false }),
  );
  assert.equal(started.remaining, 3);
  const id = started.ceremonyId;
  assert.equal(code(await call('operator', 'keys.ceremony.component', { ceremonyId: id, componentHex: hex[0] })), 'FORBIDDEN');
  assert.equal(code(await call('supervisor', 'keys.ceremony.start', { keyId: 'x', label: 'x', algorithm: 'AES', components: 2, test: true })), 'FORBIDDEN');

  // Spaces between groups are allowed, as custodians copy components from paper in groups.
  const grouped = hex[0].match(/.{4}/g)!.join(' ');
  const r1 = value<{ index: number; kcv: string; remaining: number; keyKcv?: string }>(await call('supervisor', 'keys.ceremony.component', { ceremonyId: id, componentHex: grouped }));
  assert.deepEqual(r1, { index: 1, kcv: aesKcv(parts[0]), remaining: 2 });
  const again = await call('supervisor', 'keys.ceremony.component', { ceremonyId: id, componentHex: hex[1] });
  assert.equal(code(again), 'CONFLICT', 'the same custodian cannot enter a second component');

  const listed = value<{ ceremonyId: string; remaining: number; entered: { custodian: string; kcv: string }[] }[]>(await call('carol', 'keys.ceremony.list', {}));
  assert.deepEqual(listed.map((c) => [c.ceremonyId, c.remaining]), [[id, 2]]);
  assert.deepEqual(listed[0].entered.map((e) => [e.custodian, e.kcv]), [['supervisor', aesKcv(parts[0])]]);

  const r2 = value<{ remaining: number }>(await call('carol', 'keys.ceremony.component', { ceremonyId: id, componentHex: hex[1].toLowerCase() }));
  assert.equal(r2.remaining, 1);
  const r3 = value<{ index: number; kcv: string; remaining: number; keyKcv?: string }>(await call('administrator', 'keys.ceremony.component', { ceremonyId: id, componentHex: hex[2] }));
  const key = Buffer.alloc(16);
  for (const p of parts) for (let i = 0; i < 16; i++) key[i] ^= p[i];
  assert.deepEqual(r3, { index: 3, kcv: aesKcv(parts[2]), remaining: 0, keyKcv: aesKcv(key) });

  const stored = fx.core.station.keys.lookup('kmc-prod-1');
  assert.ok(stored && stored.material.equals(key) && !stored.test);
  stored.material.fill(0);
  assert.equal(code(await call('carol', 'keys.ceremony.status', { ceremonyId: id })), 'NOT_FOUND', 'a finished ceremony is gone');
  const keys = value<{ id: string; kcv: string; custodians: string[] }[]>(await call('administrator', 'keys.list', {}));
  const made = keys.find((k) => k.id === 'kmc-prod-1')!;
  assert.deepEqual(made.custodians, ['supervisor', 'carol', 'admin']);
  assert.equal(made.kcv, aesKcv(key));

  // No component and not the key, in any answer or in the log.
  const log = fx.core.station.audit.query({ resource: 'key:kmc-prod-1', limit: 100 }).rows;
  assert.ok(log.some((e) => e.type === 'key.create'));
  const everything = (seen.join('\n') + JSON.stringify(log)).toLowerCase();
  for (const h of [...hex, key.toString('hex').toUpperCase()]) assert.ok(!everything.includes(h.toLowerCase()));
});

test('a malformed component is refused clearly, without quoting it, and the refusal is logged', async () => {
  const started = value<{ ceremonyId: string }>(await call('administrator', 'keys.ceremony.start', { keyId: 'zmk-1', label: 'ZMK', algorithm: 'DES3', length: 24, components: 2, test: false }));
  const secretish = '0123456789ABCDEF0123456789ABCDEF0123456789ABCDEG';
  const bad = await call('supervisor', 'keys.ceremony.component', { ceremonyId: started.ceremonyId, componentHex: secretish });
  assert.equal(code(bad), 'VALIDATION');
  assert.ok(!bad.ok && /not hexadecimal.*48 hex digits/.test(bad.error.message), !bad.ok ? bad.error.message : '');
  const short = await call('supervisor', 'keys.ceremony.component', { ceremonyId: started.ceremonyId, componentHex: '0123456789ABCDEF0123456789ABCDEF' });
  assert.ok(!short.ok && short.error.code === 'VALIDATION' && /has 32 hex digits.*48/.test(short.error.message), JSON.stringify(short));
  const zeros = await call('supervisor', 'keys.ceremony.component', { ceremonyId: started.ceremonyId, componentHex: '0'.repeat(48) });
  assert.equal(code(zeros), 'VALIDATION');
  for (const r of [bad, short, zeros]) assert.ok(!JSON.stringify(r).includes('0123456789ABCDEF'));
  const log = fx.core.station.audit.query({ resource: 'key:zmk-1', type: 'key.component', limit: 10 }).rows;
  assert.ok(log.filter((e) => e.outcome === 'failure').length >= 2);
  assert.ok(!JSON.stringify(log).includes('0123456789'));
  // The ceremony is still open: the custodian can try again.
  const status = value<{ entered: unknown[]; remaining: number }>(await call('supervisor', 'keys.ceremony.status', { ceremonyId: started.ceremonyId }));
  assert.deepEqual([status.entered.length, status.remaining], [0, 2]);

  assert.equal(code(await call('supervisor', 'keys.ceremony.abort', { ceremonyId: started.ceremonyId })), 'FORBIDDEN');
  assert.deepEqual(value(await call('administrator', 'keys.ceremony.abort', { ceremonyId: started.ceremonyId })), { ok: true });
  assert.equal(code(await call('supervisor', 'keys.ceremony.status', { ceremonyId: started.ceremonyId })), 'NOT_FOUND');
  assert.equal(code(await call('administrator', 'keys.ceremony.abort', { ceremonyId: started.ceremonyId })), 'NOT_FOUND');
  assert.ok(fx.core.station.audit.query({ resource: 'key:zmk-1', type: 'key.ceremony.abort', limit: 5 }).rows.length === 1);
});

test('key-store refusals arrive as clear call refusals: existing key, test key without the test flag', async () => {
  const dup = await call('administrator', 'keys.ceremony.start', { keyId: 'demo-kmc', label: 'again', algorithm: 'AES', components: 2, test: true });
  assert.equal(code(dup), 'CONFLICT');
  const bad = await call('administrator', 'keys.ceremony.start', { keyId: 'k3', label: 'k', algorithm: 'DES3', length: 32, components: 2, test: false });
  assert.equal(code(bad), 'VALIDATION');
  // Two components that XOR to the GlobalPlatform test key, for a key not marked test.
  const c1 = randomBytes(16);
  const gp = Buffer.from('404142434445464748494A4B4C4D4E4F', 'hex');
  const c2 = Buffer.from(c1.map((b, i) => b ^ gp[i]));
  const s = value<{ ceremonyId: string }>(await call('administrator', 'keys.ceremony.start', { keyId: 'not-test', label: 'k', algorithm: 'AES', components: 2, test: false }));
  assert.ok((await call('supervisor', 'keys.ceremony.component', { ceremonyId: s.ceremonyId, componentHex: c1.toString('hex') })).ok);
  const last = await call('administrator', 'keys.ceremony.component', { ceremonyId: s.ceremonyId, componentHex: c2.toString('hex') });
  assert.equal(code(last), 'VALIDATION');
  assert.ok(!last.ok && /GlobalPlatform test key/.test(last.error.message));
  assert.ok(!JSON.stringify(last).toLowerCase().includes('404142434445'));
  assert.equal(fx.core.station.keys.lookup('not-test'), null);
  const bogus = await call('administrator', 'keys.ceremony.start', { keyId: 'x', label: 'x', algorithm: 'RSA', components: 2, test: false });
  assert.equal(code(bogus), 'BAD_REQUEST');
});

test('the Keys screen sends components encrypted for the station: only ciphertext crosses, a key opens once, for its ceremony only', async () => {
  const { sealComponent } = await import('../../../renderer/src/stores/seal-component');
  const parts = [randomBytes(16), randomBytes(16)];
  const started = value<{ ceremonyId: string }>(await call('administrator', 'keys.ceremony.start', { keyId: 'kmc-sealed', label: 'sealed', algorithm: 'AES', components: 2, test: false }));
  const id = started.ceremonyId;
  const offer = value<{ keyRef: string; publicKey: string }>(await call('supervisor', 'keys.ceremony.transportKey', { ceremonyId: id }));
  const sealed = await sealComponent(new Uint8Array(parts[0]), id, offer);
  assert.ok(!JSON.stringify(sealed).toLowerCase().includes(parts[0].toString('hex')));
  const r1 = value<{ kcv: string; remaining: number }>(await call('supervisor', 'keys.ceremony.component', { ceremonyId: id, sealed }));
  assert.deepEqual(r1, { index: 1, kcv: aesKcv(parts[0]), remaining: 1 });
  assert.equal(code(await call('carol', 'keys.ceremony.component', { ceremonyId: id, sealed })), 'VALIDATION', 'a transport key opens once');
  const other = value<{ ceremonyId: string }>(await call('administrator', 'keys.ceremony.start', { keyId: 'kmc-other', label: 'other', algorithm: 'AES', components: 2, test: false }));
  const offer2 = value<{ keyRef: string; publicKey: string }>(await call('carol', 'keys.ceremony.transportKey', { ceremonyId: id }));
  const forOther = await sealComponent(new Uint8Array(parts[1]), other.ceremonyId, offer2);
  assert.equal(code(await call('carol', 'keys.ceremony.component', { ceremonyId: id, sealed: forOther })), 'VALIDATION', 'sealed for another ceremony');
  const offer3 = value<{ keyRef: string; publicKey: string }>(await call('carol', 'keys.ceremony.transportKey', { ceremonyId: id }));
  const r2 = value<{ keyKcv?: string }>(await call('carol', 'keys.ceremony.component', { ceremonyId: id, sealed: await sealComponent(new Uint8Array(parts[1]), id, offer3) }));
  const key = Buffer.alloc(16);
  for (const p of parts) for (let i = 0; i < 16; i++) key[i] ^= p[i];
  assert.equal(r2.keyKcv, aesKcv(key));
  await call('administrator', 'keys.ceremony.abort', { ceremonyId: other.ceremonyId });
});
