import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Actor } from '../../../electron/core/auth';
import { kcv, KeyStoreError, SoftwareKeyStore } from '../../../electron/core/keys';
import { MockToken } from '../../../electron/devices/pkcs11/mock-token';
import { createHsmKeyWriter } from '../../../electron/devices/pkcs11/hsm-keys';
import { KeyStoreDevice } from '../../../electron/devices/pkcs11/keystore-device';
import { TokenError } from '../../../electron/devices/pkcs11/token';
import { setup } from '../security/helpers';

// The key ceremony ending in the HSM (here the in-process twin of a token): component and key KCVs
// come from the token, the key becomes a token object, the database keeps metadata only, deleting
// needs two administrators, and every step is in the log without material.

const admin: Actor = { username: 'admin', role: 'administrator', origin: 'ui:a' };
const bob: Actor = { username: 'bob', role: 'administrator', origin: 'ui:c' };
const alice: Actor = { username: 'alice', role: 'supervisor', origin: 'ui:b' };
const carol: Actor = { username: 'carol', role: 'supervisor', origin: 'ui:d' };

function hsmStore() {
  const s = setup();
  const ks = new SoftwareKeyStore(s.db, s.audit, { secretFile: join(s.dir, 'data', 'station.secret'), now: s.now, env: {} });
  const token = new MockToken();
  const device = new KeyStoreDevice({ pin: { read: () => '1234', describe: () => 'test' }, open: () => token });
  device.probe();
  ks.useHsm(createHsmKeyWriter(device));
  return { ...s, ks, token, device };
}

test('a ceremony into the HSM: KCVs from the token, the key is a token object, the database has no material', () => {
  const { ks, token, db, audit } = hsmStore();
  const parts = [randomBytes(16), randomBytes(16)];
  const key = Buffer.from(parts[0]);
  for (let i = 0; i < 16; i++) key[i] ^= parts[1][i];
  const id = ks.startCeremony({ keyId: 'kmc-hsm', label: 'HSM KMC', algorithm: 'AES', components: 2, test: false }, admin);
  const before = token.calls.length;
  const r1 = ks.enterComponent(id, alice, Buffer.from(parts[0]));
  assert.equal(r1.kcv, kcv('AES', parts[0]));
  assert.ok(token.calls.slice(before).includes('AES_ECB'), 'the component KCV was computed by the token');
  const r2 = ks.enterComponent(id, carol, Buffer.from(parts[1]));
  assert.equal(r2.key?.kcv, kcv('AES', key));
  assert.equal(r2.key?.location, 'hsm');
  assert.deepEqual(token.labels(), ['kmc-hsm']);
  assert.equal(token.sessionObjects(), 0, 'the KCV session objects are destroyed');
  assert.equal(ks.lookup('kmc-hsm'), null, 'no material to look up: the key is only in the token');
  const row = db.prepare("SELECT length(ct) AS n FROM key_store_keys WHERE id = 'kmc-hsm'").get() as { n: number };
  assert.equal(row.n, 0);
  const log = JSON.stringify(audit.query({ limit: 100 }).rows);
  for (const secret of [...parts, key]) assert.ok(!log.toUpperCase().includes(secret.toString('hex').toUpperCase()), 'no material in the log');
  assert.deepEqual(ks.meta('kmc-hsm'), { test: false });
});

test('deleting a key needs a second administrator; both steps are logged with the KCV', () => {
  const { ks, token, audit } = hsmStore();
  const id = ks.startCeremony({ keyId: 'kmc-del', label: 'to delete', algorithm: 'DES3', components: 2, test: false }, admin);
  ks.enterComponent(id, alice, randomBytes(16));
  ks.enterComponent(id, carol, randomBytes(16));
  assert.equal(ks.deleteKey('kmc-del', admin), 'pending');
  assert.throws(() => ks.deleteKey('kmc-del', admin), (e) => e instanceof KeyStoreError && e.code === 'SAME_CUSTODIAN');
  assert.deepEqual(token.labels(), ['kmc-del'], 'still there after one person');
  assert.equal(ks.deleteKey('kmc-del', bob), 'deleted');
  assert.deepEqual(token.labels(), []);
  assert.equal(ks.list().length, 0);
  const types = audit.query({ limit: 100 }).rows.map((e) => e.type);
  assert.ok(types.includes('key.delete.request') && types.includes('key.delete'));
});

test('a ceremony while the token is absent is refused with the key store state, and nothing is half-made', () => {
  const { ks, token, device } = hsmStore();
  device.failed(new TokenError('NOT_PRESENT', 'pulled'));
  token.present = false;
  const id = ks.startCeremony({ keyId: 'kmc-away', label: 'away', algorithm: 'AES', components: 2, test: false }, admin);
  assert.throws(() => ks.enterComponent(id, alice, randomBytes(16)), (e) => e instanceof KeyStoreError && e.code === 'HSM_UNAVAILABLE' && /token not present/.test(e.message));
  assert.equal(ks.list().length, 0);
  void device.close();
});
