import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../electron/core/config';
import { pinFromFile, PinFileError } from '../../../electron/devices/pkcs11/pin-source';
import { writeDemo } from '../../../electron/wiring/demo';
import { bootStation } from '../../../electron/boot';

// keyStore in station.json: where the PIN comes from (never the PIN itself), a PIN file only its
// owner can read, and the software store's production banner and log entry at every start.

const base = { dataDir: 'data', products: ['p.json'], devices: {} };

test('keyStore: a PIN source is required and the PIN itself is refused; a token label or slot is required', () => {
  const ok = parseConfig(JSON.stringify({ ...base, keyStore: { kind: 'pkcs11', module: '/m.so', tokenLabel: 'perso', pin: { file: 'hsm.pin' } } }), '/etc/perso/station.json');
  assert.equal(ok.pinFileAbs, '/etc/perso/hsm.pin');
  assert.throws(() => parseConfig(JSON.stringify({ ...base, keyStore: { kind: 'pkcs11', module: '/m.so', tokenLabel: 'perso', pin: '123456' } }), 'x.json'), /keyStore\.pin/);
  assert.throws(() => parseConfig(JSON.stringify({ ...base, keyStore: { kind: 'pkcs11', module: '/m.so', tokenLabel: 'perso', pin: { value: '123456' } } }), 'x.json'), /keyStore\.pin/);
  assert.throws(() => parseConfig(JSON.stringify({ ...base, keyStore: { kind: 'pkcs11', module: '/m.so', pin: 'prompt' } }), 'x.json'), /token label or the slot/);
  assert.deepEqual(parseConfig(JSON.stringify(base), 'x.json').keyStore, { kind: 'software', allowProduction: false });
});

test('a PIN file readable by others is refused with its mode; mode 600 is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-pin-'));
  const f = join(dir, 'hsm.pin');
  writeFileSync(f, '123456\n', { mode: 0o644 });
  assert.throws(() => pinFromFile(f).read(), (e) => e instanceof PinFileError && /mode 644/.test(e.message) && !e.message.includes('123456'));
  writeFileSync(join(dir, 'ok.pin'), '123456\n', { mode: 0o600 });
  assert.equal(pinFromFile(join(dir, 'ok.pin')).read(), '123456');
});

test('software store allowed for production: a device-panel banner and a log entry at every start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-swprod-'));
  await writeDemo({ dir, importSample: false, cards: 1 });
  const cfgPath = join(dir, 'station.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  cfg.keyStore = { kind: 'software', allowProduction: true };
  writeFileSync(cfgPath, JSON.stringify(cfg));
  for (let start = 1; start <= 2; start++) {
    const b = await bootStation({ configPath: cfgPath, origin: 'cli' });
    try {
      const banner = b.station.deviceSet.devices.find((d) => d.kind === 'keystore');
      assert.match(banner?.status().message ?? '', /PRODUCTION KEYS IN THE SOFTWARE KEY STORE/);
      assert.equal(b.station.audit.query({ type: 'keystore.software.production', limit: 10 }).rows.length, start);
    } finally {
      await b.station.close();
    }
  }
});
