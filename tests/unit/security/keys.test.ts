import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../../../electron/core/auth';
import { gpTestKey, kcv, KekError, KeyStoreError, SoftwareKeyStore } from '../../../electron/core/keys';
import { setup } from './helpers';

const admin: Actor = { username: 'admin', role: 'administrator', origin: 'ui:a' };
const alice: Actor = { username: 'alice', role: 'supervisor', origin: 'ui:b' };
const bob: Actor = { username: 'bob', role: 'administrator', origin: 'ui:c' };
const carol: Actor = { username: 'carol', role: 'supervisor', origin: 'ui:d' };
const oscar: Actor = { username: 'oscar', role: 'operator', origin: 'ui:e' };

function keystore() {
  const s = setup();
  const secretFile = join(s.dir, 'data', 'station.secret');
  const ks = new SoftwareKeyStore(s.db, s.audit, { secretFile, now: s.now, env: {} });
  return { ...s, ks, secretFile };
}

const code = (c: string) => (e: unknown) => e instanceof KeyStoreError && e.code === c;

/** KCV by another route: CBC with a zero IV over one block is ECB; 2-key 3DES is 3-key with K3 = K1. */
function independentKcv(alg: 'AES' | 'DES3', key: Buffer): string {
  if (alg === 'AES') {
    const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
    return c.update(Buffer.alloc(16, 1)).subarray(0, 3).toString('hex').toUpperCase();
  }
  const k3 = key.length === 16 ? Buffer.concat([key, key.subarray(0, 8)]) : key;
  const c = createCipheriv('des-ede3-cbc', k3, Buffer.alloc(8));
  return c.update(Buffer.alloc(8)).subarray(0, 3).toString('hex').toUpperCase();
}

function xor(...parts: Buffer[]): Buffer {
  const out = Buffer.alloc(parts[0].length);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i] ^= p[i];
  return out;
}

test('KCV known answers: the GlobalPlatform key 404142…4F (GPP: 3DES 8BAF47, AES 504A77), cross-checked', () => {
  const gp = gpTestKey(16);
  assert.equal(gp.toString('hex').toUpperCase(), '404142434445464748494A4B4C4D4E4F');
  assert.equal(kcv('DES3', gp), '8BAF47');
  assert.equal(kcv('AES', gp), '504A77');
  assert.equal(independentKcv('DES3', gp), '8BAF47');
  assert.equal(independentKcv('AES', gp), '504A77');
  // test-vectors.md §2: the SCP02 S-ENC key has KCV F2DCDD.
  assert.equal(kcv('DES3', Buffer.from('010B0371D78377B801F2D62AFC671D95', 'hex')), 'F2DCDD');
  for (const [alg, len] of [['AES', 16], ['AES', 24], ['AES', 32], ['DES3', 16], ['DES3', 24]] as const) {
    const k = randomBytes(len);
    assert.equal(kcv(alg, k), independentKcv(alg, k), `${alg}-${len}`);
  }
});

test('a two-component ceremony: each custodian sees only a KCV; the key is the XOR', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const c1 = randomBytes(16);
  const c2 = randomBytes(16);
  const id = s.ks.startCeremony({ keyId: 'issuer.mk-ac', label: 'MK-AC', algorithm: 'DES3', components: 2, test: false }, admin);
  const r1 = s.ks.enterComponent(id, alice, c1.toString('hex'));
  assert.deepEqual(r1, { index: 1, kcv: independentKcv('DES3', c1), remaining: 1 });
  assert.equal(s.ks.lookup('issuer.mk-ac'), null, 'no key before the last component');
  const r2 = s.ks.enterComponent(id, bob, Buffer.from(c2));
  const key = xor(c1, c2);
  assert.equal(r2.kcv, independentKcv('DES3', c2));
  assert.equal(r2.key?.kcv, independentKcv('DES3', key));
  assert.deepEqual(r2.key?.custodians, ['alice', 'bob']);
  const got = s.ks.lookup('issuer.mk-ac')!;
  assert.ok(got.material.equals(key));
  assert.equal(got.algorithm, 'DES3');
  assert.equal(got.test, false);
  assert.deepEqual(s.ks.list().map((k) => [k.id, k.kcv, k.test, k.origin]), [['issuer.mk-ac', r2.key!.kcv, false, 'ceremony']]);
  assert.equal(s.ks.ceremonyStatus(id), null, 'the ceremony is over');
  // The audit trail names every step with KCVs and never a component or the key.
  const log = s.audit.query({ resource: 'key:issuer.mk-ac', order: 'asc' }).rows;
  assert.deepEqual(log.map((e) => e.type), ['key.ceremony.start', 'key.component', 'key.component', 'key.create']);
  assert.equal(log[3].data?.kcv, r2.key!.kcv);
  const dump = JSON.stringify(s.db.prepare('SELECT * FROM audit_log').all()).toUpperCase();
  for (const secret of [c1, c2, key]) assert.ok(!dump.includes(secret.toString('hex').toUpperCase()));
});

test('a three-component AES-256 ceremony', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const parts = [randomBytes(32), randomBytes(32), randomBytes(32)];
  const id = s.ks.startCeremony({ keyId: 'kek.aes', label: 'transport', algorithm: 'AES', length: 32, components: 3, test: false }, admin);
  assert.equal(s.ks.enterComponent(id, alice, parts[0].toString('hex')).remaining, 2);
  assert.equal(s.ks.enterComponent(id, bob, parts[1].toString('hex').replace(/(.{4})/g, '$1 ')).remaining, 1);
  assert.deepEqual(s.ks.ceremonyStatus(id)?.entered.map((e) => [e.index, e.custodian]), [[1, 'alice'], [2, 'bob']]);
  const r = s.ks.enterComponent(id, carol, parts[2].toString('hex'));
  assert.equal(r.key?.kcv, independentKcv('AES', xor(...parts)));
  assert.ok(s.ks.lookup('kek.aes')!.material.equals(xor(...parts)));
});

test('the same custodian cannot enter two components; operators cannot be custodians', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const id = s.ks.startCeremony({ keyId: 'k1', label: 'k', algorithm: 'AES', components: 2, test: false }, admin);
  s.ks.enterComponent(id, alice, randomBytes(16).toString('hex'));
  assert.throws(() => s.ks.enterComponent(id, { ...alice, username: 'ALICE', origin: 'ui:other' }, randomBytes(16).toString('hex')), code('SAME_CUSTODIAN'));
  assert.throws(() => s.ks.enterComponent(id, oscar, randomBytes(16).toString('hex')), code('FORBIDDEN'));
  assert.throws(() => s.ks.startCeremony({ keyId: 'k2', label: 'k', algorithm: 'AES', components: 2, test: false }, alice), code('FORBIDDEN'));
  assert.equal(s.ks.ceremonyStatus(id)?.entered.length, 1, 'the ceremony goes on');
  assert.equal(s.audit.query({ resource: 'key:k1', outcome: 'failure', count: true }).total, 2);
});

test('bad components are refused: wrong length, not hex, all zeros, a repeat', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const id = s.ks.startCeremony({ keyId: 'k1', label: 'k', algorithm: 'DES3', components: 3, test: false }, admin);
  assert.throws(() => s.ks.enterComponent(id, alice, 'ABCD'), code('INVALID'));
  assert.throws(() => s.ks.enterComponent(id, alice, 'zz'.repeat(16)), code('INVALID'));
  assert.throws(() => s.ks.enterComponent(id, alice, '00'.repeat(16)), code('WEAK_KEY'));
  const c = randomBytes(16).toString('hex');
  s.ks.enterComponent(id, alice, c);
  assert.throws(() => s.ks.enterComponent(id, bob, c), code('WEAK_KEY'));
});

test('the GlobalPlatform test key is refused unless the key is marked test', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const gp = gpTestKey(16);
  const c1 = randomBytes(16);
  const c2 = xor(gp, c1);
  const id = s.ks.startCeremony({ keyId: 'prod', label: 'p', algorithm: 'DES3', components: 2, test: false }, admin);
  s.ks.enterComponent(id, alice, c1.toString('hex'));
  assert.throws(() => s.ks.enterComponent(id, bob, c2.toString('hex')), code('TEST_KEY'));
  assert.equal(s.ks.lookup('prod'), null);
  const id2 = s.ks.startCeremony({ keyId: 'testkey', label: 't', algorithm: 'DES3', components: 2, test: true }, admin);
  s.ks.enterComponent(id2, alice, c1.toString('hex'));
  assert.equal(s.ks.enterComponent(id2, bob, c2.toString('hex')).key?.kcv, '8BAF47');
  assert.equal(s.ks.lookup('testkey')?.test, true);
});

test('importTestKey takes a whole key only when it is marked test', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const hex = gpTestKey(16).toString('hex');
  assert.throws(() => s.ks.importTestKey({ keyId: 'gp', label: 'GP', algorithm: 'AES', hex, test: false }, admin), code('TEST_KEY'));
  assert.throws(() => s.ks.importTestKey({ keyId: 'gp', label: 'GP', algorithm: 'AES', hex, test: true }, alice), code('FORBIDDEN'));
  const info = s.ks.importTestKey({ keyId: 'gp', label: 'GP', algorithm: 'AES', hex, test: true }, admin);
  assert.equal(info.kcv, '504A77');
  assert.deepEqual(s.ks.lookup('gp'), { material: gpTestKey(16), algorithm: 'AES', test: true });
});

test('keys are encrypted at rest: neither the database files nor the audit log hold the key', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const c1 = randomBytes(24);
  const c2 = randomBytes(24);
  const key = xor(c1, c2);
  const id = s.ks.startCeremony({ keyId: 'k', label: 'k', algorithm: 'AES', length: 24, components: 2, test: false }, admin);
  s.ks.enterComponent(id, alice, c1.toString('hex'));
  s.ks.enterComponent(id, bob, c2.toString('hex'));
  s.db.pragma('wal_checkpoint(TRUNCATE)');
  for (const f of readdirSync(s.dir).filter((f) => f.startsWith('station.db'))) {
    const bytes = readFileSync(join(s.dir, f));
    for (const secret of [key, c1, c2]) {
      assert.equal(bytes.indexOf(secret), -1, `${f} holds key bytes`);
      assert.equal(bytes.indexOf(Buffer.from(secret.toString('hex'))), -1, `${f} holds key hex`);
      assert.equal(bytes.indexOf(Buffer.from(secret.toString('hex').toUpperCase())), -1, `${f} holds key HEX`);
    }
  }
  assert.ok(s.ks.lookup('k')!.material.equals(key));
});

test('the secret file is created 0600 on first run; a wrong secret or a moved ciphertext is detected', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  assert.equal(statSync(s.secretFile).mode & 0o777, 0o600);
  s.ks.importTestKey({ keyId: 'a', label: 'a', algorithm: 'AES', hex: randomBytes(16).toString('hex'), test: true }, admin);
  s.ks.importTestKey({ keyId: 'b', label: 'b', algorithm: 'AES', hex: randomBytes(16).toString('hex'), test: true }, admin);
  // Reopening with the same secret file works.
  const again = new SoftwareKeyStore(s.db, s.audit, { secretFile: s.secretFile, env: {} });
  assert.equal(again.list().length, 2);
  assert.ok(again.lookup('a'));
  // Another secret (a passphrase instead of the file) is refused outright.
  assert.throws(() => new SoftwareKeyStore(s.db, s.audit, { env: { PERSO_KEYSTORE_PASSPHRASE: 'a long enough passphrase' } }), KekError);
  // Moving b's ciphertext into a's row fails authentication.
  s.db.exec("UPDATE key_store_keys SET iv = (SELECT iv FROM key_store_keys WHERE id = 'b'), ct = (SELECT ct FROM key_store_keys WHERE id = 'b'), tag = (SELECT tag FROM key_store_keys WHERE id = 'b') WHERE id = 'a'");
  assert.throws(() => s.ks.lookup('a'), code('DAMAGED'));
  chmodSync(s.secretFile, 0o644);
  assert.throws(() => new SoftwareKeyStore(s.db, s.audit, { secretFile: s.secretFile, env: {} }), /readable by other users/);
});

test('a passphrase from the environment can stand in for the secret file', (t) => {
  const s = setup();
  t.after(s.cleanup);
  const env = { PERSO_KEYSTORE_PASSPHRASE: 'correct horse battery staple' };
  const ks = new SoftwareKeyStore(s.db, s.audit, { env });
  ks.importTestKey({ keyId: 'a', label: 'a', algorithm: 'DES3', hex: gpTestKey(16).toString('hex'), test: true }, admin);
  assert.equal(new SoftwareKeyStore(s.db, s.audit, { env }).lookup('a')?.material.toString('hex'), gpTestKey(16).toString('hex'));
  assert.throws(() => new SoftwareKeyStore(s.db, s.audit, { env: { PERSO_KEYSTORE_PASSPHRASE: 'short' } }), /at least 16/);
});

test('an unfinished ceremony expires, and an administrator can abort one', (t) => {
  const s = keystore();
  t.after(s.cleanup);
  const id = s.ks.startCeremony({ keyId: 'k', label: 'k', algorithm: 'AES', components: 2, test: false }, admin);
  s.ks.enterComponent(id, alice, randomBytes(16).toString('hex'));
  s.clock.t += 31 * 60_000;
  assert.throws(() => s.ks.enterComponent(id, bob, randomBytes(16).toString('hex')), code('NO_CEREMONY'));
  const id2 = s.ks.startCeremony({ keyId: 'k', label: 'k', algorithm: 'AES', components: 2, test: false }, admin);
  s.ks.abortCeremony(id2, admin);
  assert.equal(s.ks.ceremonyStatus(id2), null);
  assert.equal(s.audit.query({ type: 'key.ceremony.abort', count: true }).total, 2);
});
