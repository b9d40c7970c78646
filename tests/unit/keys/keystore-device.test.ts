import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyStoreDevice } from '../../../electron/devices/pkcs11/keystore-device';
import { MockToken } from '../../../electron/devices/pkcs11/mock-token';
import { TokenError } from '../../../electron/devices/pkcs11/token';
import { createPkcs11KeyProvider } from '../../../electron/devices/pkcs11/provider';

// The key store as a device: token absent, session lost, wrong PIN and the PIN counters become
// device states with what to do, and the device comes back by itself when the token does.

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
};

test('token absent at start: "token not present", then online by itself when it is plugged in', async () => {
  let present = false;
  const token = new MockToken();
  const d = new KeyStoreDevice({ pin: { read: () => '1234', describe: () => 'test' }, minBackoffMs: 10, maxBackoffMs: 40, open: () => {
    if (!present) throw new TokenError('NOT_PRESENT', 'token "perso" not present');
    return token;
  } });
  await d.start();
  assert.equal(d.status().state, 'offline');
  assert.equal(d.status().message, 'token not present');
  assert.match(d.status().action ?? '', /reconnects by itself/);
  assert.equal(d.describe(), 'HSM — token not present');
  present = true;
  await until(() => d.status().state === 'online');
  assert.equal(d.status().state, 'online');
  await d.close();
});

test('a card waits for the token and fails with the key store state when it does not come back', async () => {
  const d = new KeyStoreDevice({ pin: { read: () => '1234', describe: () => 'test' }, minBackoffMs: 10, open: () => {
    throw new TokenError('NOT_PRESENT', 'gone');
  } });
  await d.start();
  const keys = createPkcs11KeyProvider({ access: d, meta: () => null, waitMs: 50 });
  const r = await keys.checkKey({ keyId: 'k', scp: 'SCP03', allowTestKeys: false });
  assert.deepEqual(r, { ok: false, code: 'KEY_STORE_UNAVAILABLE', message: 'key store: HSM — token not present' });
  await d.close();
});

test('the token pulled while in use: the session check turns the device offline, and it reconnects', async () => {
  const token = new MockToken();
  const d = new KeyStoreDevice({ pin: { read: () => '1234', describe: () => 'test' }, minBackoffMs: 10, healthMs: 10, open: () => {
    if (!token.present) throw new TokenError('NOT_PRESENT', 'pulled');
    return token;
  } });
  await d.start();
  assert.equal(d.status().state, 'online');
  token.present = false;
  await until(() => d.status().state === 'offline');
  assert.equal(d.status().state, 'offline');
  token.present = true;
  await until(() => d.status().state === 'online');
  assert.equal(d.status().state, 'online');
  await d.close();
});

test('the PIN counter: count low and final try are shown once logged in; a locked PIN is an error that waits for the security officer', async () => {
  const token = new MockToken();
  token.pin.finalTry = true;
  const d = new KeyStoreDevice({ pin: { read: () => '1234', describe: () => 'test' }, open: () => token });
  await d.start();
  assert.match(d.status().message ?? '', /one try left before lock-out/);
  await d.close();
  let tries = 0;
  const locked = new KeyStoreDevice({ pin: { read: () => '1234', describe: () => 'test' }, minBackoffMs: 10, open: () => {
    tries++;
    throw new TokenError('PIN_LOCKED', 'login: CKR_PIN_LOCKED (PIN locked)', 'CKR_PIN_LOCKED');
  } });
  await locked.start();
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(locked.status().state, 'error');
  assert.match(locked.status().message ?? '', /user PIN locked/);
  assert.match(locked.status().action ?? '', /security officer/);
  assert.equal(tries, 1, 'a locked PIN is not tried again');
  await locked.close();
});
