import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createBlankCard, CARD_LIFECYCLE, DEFAULT_ATR, kddForSerial, type BlankCardOptions } from '../../../electron/sim/card/blank-card';
import { APP_LIFECYCLE } from '../../../electron/sim/card/perso-applet';
import { decryptIssuerDgi } from '../../../electron/sim/card/issuer-dek';
import { encryptIssuerDgi } from '../../../electron/devices/chip/dataprep';
import { Scp03HostSession, parseScp03Init } from '../../../electron/devices/chip/scp/scp03';
import { diversifyKeys } from '../../../electron/devices/chip/crypto/diversify';
import { findTag } from '../../../electron/devices/chip/tlv';
import { hex, initUpdate, openSession, send, sw } from './session';

const APP = hex('A0000000041010');
const INSTALL = { cla: 0x80, ins: 0xe6, p1: 0x20, p2: 0, data: Buffer.concat([hex('000007'), APP, hex('000000')]) };
const store = (p1: number, p2: number, data: Buffer) => ({ cla: 0x80, ins: 0xe2, p1, p2, data });

function card(o: Partial<BlankCardOptions> = {}) {
  const masterKey = o.masterKey ?? randomBytes(16);
  const issuerDek = o.issuerDek ?? randomBytes(16);
  const c = createBlankCard({ serial: 42, masterKey, keyAlgorithm: 'AES', scp: 'SCP03', diversification: 'kdf3', issuerDek, ...o });
  c.powerOn();
  return { c, masterKey, issuerDek, opts: { scp: (o.scp ?? 'SCP03') as 'SCP02' | 'SCP03', div: o.diversification ?? 'kdf3', level: 'CMAC' as const } };
}

test('ATR, SELECT of the security domain and of unknown AIDs, power', async () => {
  const { c } = card();
  assert.deepEqual(c.atr(), DEFAULT_ATR);
  const r = await send(c, '00A4040008A00000015100000000');
  assert.equal(sw(r), '9000');
  assert.deepEqual(findTag(r.subarray(0, -2), 0x84), hex('A000000151000000'));
  assert.equal(sw(await send(c, '00A4040005A00000999900')), '6A82');
  c.powerOff();
  await assert.rejects(c.transmit(hex('00A4040000')), { code: 'NOT_POWERED' });
});

test('the KDD carries the serial and the static keys are diversified from the master with it', async () => {
  for (const scp of ['SCP02', 'SCP03'] as const) {
    for (const div of ['none', 'emv', 'visa2'] as const) {
      const { c, masterKey } = card({ scp, keyAlgorithm: scp === 'SCP02' ? 'DES3' : 'AES', diversification: div, serial: 0x01020304 });
      assert.deepEqual(c.kdd.subarray(4, 8), hex('01020304'));
      assert.deepEqual(c.kdd, kddForSerial(0x01020304));
      await openSession(c, masterKey, { scp, div, level: 'CMAC' });
      // Another serial has other keys under emv/visa2.
      if (div !== 'none') {
        const other = card({ scp, keyAlgorithm: scp === 'SCP02' ? 'DES3' : 'AES', diversification: div, serial: 7, masterKey });
        const wrong = diversifyKeys(masterKey, scp === 'SCP02' ? 'DES3' : 'AES', div, c.kdd);
        const otherStatics = diversifyKeys(masterKey, scp === 'SCP02' ? 'DES3' : 'AES', div, other.c.kdd);
        assert.notDeepEqual(wrong.enc, otherStatics.enc);
      }
    }
  }
});

test('card content management needs the secure channel; a bad C-MAC closes it', async () => {
  const { c, masterKey, opts } = card();
  await send(c, '00A4040008A00000015100000000');
  assert.equal(sw(await send(c, '80E62000' + '0D' + INSTALL.data.toString('hex'))), '6982');
  const s = await openSession(c, masterKey, opts);
  const bad = s.wrap(INSTALL);
  bad[bad.length - 1] ^= 0x01;
  assert.equal(sw(await send(c, bad)), '6982');
  assert.equal(sw(await send(c, s.wrap(INSTALL))), '6982', 'the session is gone after a MAC failure');
});

test('C-DECRYPTION level is enforced by the card: plain data under a C-DEC session is refused', async () => {
  const { c, masterKey } = card();
  await send(c, '00A4040008A00000015100000000');
  const hostChallenge = randomBytes(8);
  const r = await send(c, Buffer.concat([hex('8050000008'), hostChallenge, hex('00')]));
  const data = r.subarray(0, -2);
  const statics = diversifyKeys(masterKey, 'AES', 'kdf3', data.subarray(0, 10));
  // A host that announces level 03 but wraps with C-MAC only.
  const s = new Scp03HostSession(statics, hostChallenge, parseScp03Init(data)!, 'CMAC', 0x03);
  assert.ok(s.verifyCardCryptogram());
  assert.equal(sw(await send(c, s.externalAuthenticate())), '9000');
  assert.equal(sw(await send(c, s.wrap(INSTALL))), '6982');
  // The same command properly encrypted is accepted.
  const good = await openSession(c, masterKey, { scp: 'SCP03', div: 'kdf3', level: 'CMAC_CDEC' });
  assert.equal(sw(await send(c, good.wrap(INSTALL))), '9000');
});

test('STORE DATA: block numbering, DGI stream across blocks, issuer-DEK decryption, last block, life cycle', async () => {
  const { c, masterKey, issuerDek, opts } = card();
  const s = await openSession(c, masterKey, opts);
  assert.equal(sw(await send(c, s.wrap(store(0x08, 0, hex('0101020000'))))), '6985', 'no INSTALL for personalization yet');
  assert.equal(sw(await send(c, s.wrap(INSTALL))), '9000');
  assert.equal(sw(await send(c, s.wrap(store(0x08, 1, hex('0101020000'))))), '6A86', 'first block must be 00');
  // DGI 0101 split over two blocks.
  const rec = hex('700A 5A0454133300 5F2401 29'.replace(/ /g, ''));
  const stream = Buffer.concat([hex('0101'), Buffer.from([rec.length]), rec]);
  assert.equal(sw(await send(c, s.wrap(store(0x08, 0, stream.subarray(0, 6))))), '9000');
  assert.equal(sw(await send(c, s.wrap(store(0x08, 0, stream.subarray(6))))), '6A86', 'block 00 twice');
  assert.equal(sw(await send(c, s.wrap(store(0x68, 1, hex('8000 10 00112233445566778899AABBCCDDEEFF'.replace(/ /g, '')))))), '6A80', 'encrypted flag mid-DGI');
  assert.equal(sw(await send(c, s.wrap(store(0x08, 1, stream.subarray(6))))), '9000');
  // An encrypted DGI: garbage does not decrypt; the issuer's ciphertext does.
  assert.equal(sw(await send(c, s.wrap(store(0x68, 2, hex('8000 10 00112233445566778899AABBCCDDEEFF'.replace(/ /g, '')))))), '6A80');
  const secret = randomBytes(32);
  const cipher = encryptIssuerDgi(secret, issuerDek);
  assert.equal(sw(await send(c, s.wrap(store(0x68, 2, Buffer.concat([hex('8000'), Buffer.from([cipher.length]), cipher]))))), '9000');
  // Last block with an unfinished DGI is refused; a complete one finishes the personalization.
  assert.equal(sw(await send(c, s.wrap(store(0x88, 3, hex('9010 05 0303'.replace(/ /g, '')))))), '6A80');
  assert.equal(sw(await send(c, s.wrap(store(0x88, 3, hex('9010 02 0303'.replace(/ /g, '')))))), '9000');
  const app = c.inspect().apps[0];
  assert.equal(app.lifecycle, APP_LIFECYCLE.PERSONALIZED);
  assert.deepEqual(app.dgis.get('0101'), rec);
  assert.deepEqual(app.dgis.get('8000'), secret);
  const st = await send(c, s.wrap({ cla: 0x80, ins: 0xf2, p1: 0x40, p2: 0x02, data: Buffer.concat([hex('4F07'), APP]), le: 0 }));
  assert.equal(sw(st), '9000');
  assert.deepEqual(findTag(st.subarray(0, -2), 0x9f70), Buffer.from([0x0f]));
  assert.equal(sw(await send(c, s.wrap(INSTALL))), '6985', 'a personalized application takes no second personalization');
  // Read back through the application: records, GET DATA of record tags, never the secret DGIs.
  assert.equal(sw(await send(c, Buffer.concat([hex('00A4040007'), APP, hex('00')]))), '9000');
  const r = await send(c, '00B2010C00');
  assert.deepEqual(r.subarray(0, -2), rec);
  assert.equal(sw(await send(c, '00B2010400')), '6A83');
  assert.deepEqual(await send(c, '80CA005A00'), hex('5A04541333009000'));
  assert.equal(sw(await send(c, '80CA800000')), '6A88');
});

test('three failed authentications lock the card', async () => {
  const { c, masterKey, opts } = card({ maxAuthFailures: 3 });
  for (let i = 0; i < 3; i++) {
    const { session } = await initUpdate(c, masterKey, opts);
    assert.ok(session!.verifyCardCryptogram());
    const ea = session!.externalAuthenticate();
    ea[6] ^= 0x01; // host cryptogram byte
    assert.equal(sw(await send(c, ea)), '6300');
  }
  assert.equal(c.inspect().lifecycle, CARD_LIFECYCLE.LOCKED);
  assert.equal((await initUpdate(c, masterKey, opts)).sw, '6983');
  assert.equal(sw(await send(c, Buffer.concat([hex('00A4040007'), APP, hex('00')]))), '6A82', 'applications are not selectable on a locked card');
});

test('removal: transmit rejects with CARD_REMOVED, the hook runs once, power-on brings it back', async () => {
  let hooks = 0;
  const { c } = card({ onRemoved: () => hooks++ });
  c.remove();
  c.remove();
  assert.equal(hooks, 1);
  await assert.rejects(c.transmit(hex('00A4040000')), (e: { code?: string }) => e.code === 'CARD_REMOVED');
  c.powerOn();
  assert.equal(sw(await send(c, '00A4040008A00000015100000000')), '9000');
});

test('a removal during a slow answer rejects that answer', async () => {
  const { c } = card({ faults: { slow: { perApduMs: 50 } } });
  const p = c.transmit(hex('00A4040008A00000015100000000'));
  c.remove();
  await assert.rejects(p, { code: 'CARD_REMOVED' });
});

test('slow card: per-APDU and per-STORE DATA delays, scaled by timeScale', async () => {
  const { c } = card({ faults: { slow: { perApduMs: 1000, storeDataMs: 1000 } }, timeScale: 0.02 });
  const t0 = performance.now();
  await send(c, '00A4040008A00000015100000000');
  await send(c, '80E2000000');
  const ms = performance.now() - t0;
  assert.ok(ms >= 55 && ms < 1000, `took ${ms} ms, expected 60 ms scaled`);
});

test('T=0 behaviour: 61xx then GET RESPONSE for case 4, 6Cxx for a wrong Le', async () => {
  const { c } = card({ t0: true });
  const r = await send(c, '00A4040008A00000015100000000');
  assert.equal(r[0], 0x61);
  const len = r[1];
  const g = await send(c, Buffer.from([0x00, 0xc0, 0x00, 0x00, len]));
  assert.equal(sw(g), '9000');
  assert.equal(g.length, len + 2);
  const cplc = await send(c, '80CA9F7F00');
  assert.equal(sw(cplc), '6C2D');
  assert.equal(sw(await send(c, '80CA9F7F2D')), '9000');
});

test('issuer DEK: the card decrypts what the data preparation encrypted, and rejects bad padding', () => {
  const dek = randomBytes(16);
  for (const n of [0, 1, 15, 16, 17, 48]) {
    const plain = randomBytes(n);
    const c = encryptIssuerDgi(plain, dek);
    assert.equal(c.length % 16, 0);
    assert.ok(c.length > n);
    assert.deepEqual(decryptIssuerDgi(c, dek), plain);
  }
  assert.equal(decryptIssuerDgi(randomBytes(15), dek), null);
  assert.notDeepEqual(decryptIssuerDgi(encryptIssuerDgi(Buffer.from('PIN'), dek), randomBytes(16)), Buffer.from('PIN'));
});

test('a slow card makes a whole personalization take seconds (here time-scaled by 1/100)', async () => {
  const { setup } = await import('../chip/fixtures');
  const s = setup({ scp: 'SCP03', faults: { slow: { perApduMs: 400, storeDataMs: 600 } } });
  // Same card options through the factory, scaled: 11 APDUs × 400 ms + 4 STORE DATA × 600 ms = 6.8 s unscaled.
  const slow = createBlankCard({ serial: 0x1a2b3c4d, masterKey: s.masterKey, keyAlgorithm: 'AES', scp: 'SCP03', diversification: 'emv', issuerDek: s.issuerDek, faults: { slow: { perApduMs: 400, storeDataMs: 600 } }, timeScale: 0.01 });
  slow.powerOn();
  const { createMemoryChannel } = await import('../chip/memory-channel');
  const t0 = performance.now();
  const r = await s.run({ channel: createMemoryChannel(slow), atr: slow.atr() });
  const ms = performance.now() - t0;
  assert.equal(r.ok, true);
  assert.ok(ms >= 68 && ms < 2000, `took ${ms} ms, expected about 68 ms`);
  assert.ok(r.log.ms >= 68);
});
