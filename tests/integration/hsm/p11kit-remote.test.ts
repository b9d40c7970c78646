import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSoftHsm, P11KIT_CLIENT, SOFTHSM_MODULE, type SoftHsm } from '../../support/softhsm';
import { openPkcs11Token } from '../../../electron/devices/pkcs11/pkcs11js-token';
import { KeyStoreDevice } from '../../../electron/devices/pkcs11/keystore-device';
import { createPkcs11KeyProvider } from '../../../electron/devices/pkcs11/provider';
import { createHsmKeyWriter } from '../../../electron/devices/pkcs11/hsm-keys';
import { pinFromFile } from '../../../electron/devices/pkcs11/pin-source';
import { setup } from '../../unit/chip/fixtures';

// SoftHSM2 out of process behind `p11-kit server`, the station side loading p11-kit-client.so, as
// with a bureau's network HSM. The client forwards only AES-ECB and DES3-ECB, so the provider
// builds CMAC and CBC from ECB calls on the token's key; the simulated card's cryptogram checks
// prove the result. Then the server is killed (HSM restarted) and started again: the key store
// shows the state and comes back by itself.

let hsm: SoftHsm;
let server: ChildProcess | null = null;
let sock: string;

async function startServer(): Promise<void> {
  server = spawn('p11-kit', ['server', '-f', '--provider', SOFTHSM_MODULE, '-n', sock, `pkcs11:token=${hsm.label}`], { env: { ...process.env, ...hsm.env }, stdio: 'ignore', detached: true });
  for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(sock), 'p11-kit server socket');
}
async function stopServer(): Promise<void> {
  const s = server;
  server = null;
  if (!s || s.exitCode != null) return;
  const gone = new Promise((r) => s.once('exit', r));
  // The server forks a child per client connection: end its whole process group (ours).
  process.kill(-s.pid!, 'SIGTERM');
  await gone;
}

before(async () => {
  hsm = createSoftHsm();
  sock = join(hsm.dir, 'p11kit.sock');
  process.env.P11_KIT_SERVER_ADDRESS = `unix:path=${sock}`;
  await startServer();
});
after(async () => {
  await stopServer();
  hsm?.remove();
});

test('through the p11-kit client: only ECB is forwarded, and SCP03 kdf3 and SCP02 emv still personalize the card', async () => {
  const device = new KeyStoreDevice({ pin: pinFromFile(hsm.pinFile), open: (pin) => openPkcs11Token({ module: P11KIT_CLIENT, tokenLabel: hsm.label, pin }) });
  await device.start();
  try {
    assert.equal(device.status().state, 'online', JSON.stringify(device.status()));
    assert.deepEqual([...device.current().mechanisms].sort(), ['AES_ECB', 'DES3_ECB']);
    const writer = createHsmKeyWriter(device);
    for (const [scp, diversification, securityLevel] of [['SCP03', 'kdf3', 'CMAC_CDEC'], ['SCP02', 'emv', 'CMAC_CDEC'], ['SCP03', 'emv', 'CMAC']] as const) {
      const key = randomBytes(16);
      const fx = setup({ scp, diversification, securityLevel, masterKey: key });
      const keyId = `remote-${scp}-${diversification}`;
      writer.createKey(keyId, scp === 'SCP02' ? 'DES3' : 'AES', Buffer.from(key));
      const keys = createPkcs11KeyProvider({ access: device, meta: () => ({ test: false }) });
      const r = await fx.run({ keys, profile: { ...fx.profile, keyId } });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.equal(keys.counts.cmac + keys.counts.cbc + keys.counts.derive, 0, 'no mechanism beyond ECB was called');
      assert.ok(keys.counts.ecb > 0);
    }
  } finally {
    await device.close();
  }
});

test('HSM restarted: the key store goes offline with its reason, the card fails retryably, and it comes back by itself', async () => {
  const device = new KeyStoreDevice({ pin: pinFromFile(hsm.pinFile), open: (pin) => openPkcs11Token({ module: P11KIT_CLIENT, tokenLabel: hsm.label, pin }), minBackoffMs: 100, maxBackoffMs: 400, healthMs: 100 });
  await device.start();
  try {
    const key = randomBytes(16);
    const writer = createHsmKeyWriter(device);
    writer.createKey('restart-kmc', 'AES', Buffer.from(key));
    const keys = createPkcs11KeyProvider({ access: device, meta: () => ({ test: false }), waitMs: 300 });
    await stopServer();
    const fx = setup({ scp: 'SCP03', diversification: 'kdf3', masterKey: key });
    const r = await fx.run({ keys, profile: { ...fx.profile, keyId: 'restart-kmc' } });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'CHIP_KEY_STORE');
    assert.equal(!r.ok && r.retryable, true);
    assert.equal(fx.card.inspect().storeDataCount, 0);
    for (let i = 0; i < 50 && device.status().state === 'online'; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(device.status().state, 'offline', JSON.stringify(device.status()));
    await startServer();
    for (let i = 0; i < 100 && device.status().state !== 'online'; i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(device.status().state, 'online', JSON.stringify(device.status()));
    const fx2 = setup({ scp: 'SCP03', diversification: 'kdf3', masterKey: key });
    const r2 = await fx2.run({ keys, profile: { ...fx2.profile, keyId: 'restart-kmc' } });
    assert.equal(r2.ok, true, JSON.stringify(r2));
  } finally {
    await device.close();
  }
});

test('a wrong PIN is shown with the token\'s counter and not tried again until the PIN changes', async () => {
  const { writeFileSync } = await import('node:fs');
  const pinFile = join(hsm.dir, 'wrong.pin');
  writeFileSync(pinFile, '000000\n', { mode: 0o600 });
  let tries = 0;
  const device = new KeyStoreDevice({
    pin: pinFromFile(pinFile), minBackoffMs: 50, maxBackoffMs: 50,
    open: (pin) => {
      tries++;
      return openPkcs11Token({ module: P11KIT_CLIENT, tokenLabel: hsm.label, pin });
    },
  });
  await device.start();
  try {
    assert.equal(device.status().state, 'error');
    assert.match(device.status().message ?? '', /wrong PIN/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(tries, 1, 'the same wrong PIN is not sent again');
    writeFileSync(pinFile, hsm.pin + '\n');
    for (let i = 0; i < 40 && device.status().state !== 'online'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(device.status().state, 'online', JSON.stringify(device.status()));
  } finally {
    await device.close();
  }
});
