import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAN, setup, secretNeedles, leaks } from './fixtures';
import { APP_LIFECYCLE } from '../../../electron/sim/card/perso-applet';

const INS = { SELECT: 0xa4, IU: 0x50, EA: 0x82, INSTALL: 0xe6, STORE: 0xe2, STATUS: 0xf2, READ: 0xb2 };

const MATRIX = [
  ...(['none', 'emv', 'visa2'] as const).flatMap((d) => (['CMAC', 'CMAC_CDEC'] as const).map((l) => ({ scp: 'SCP02' as const, d, l }))),
  ...(['none', 'emv', 'visa2', 'kdf3'] as const).flatMap((d) => (['CMAC', 'CMAC_CDEC'] as const).map((l) => ({ scp: 'SCP03' as const, d, l }))),
];

for (const { scp, d, l } of MATRIX) {
  test(`personalizes a blank card: ${scp}, ${d} diversification, ${l}`, async () => {
    const s = setup({ scp, diversification: d, securityLevel: l });
    const r = await s.run();
    assert.equal(r.ok, true, r.ok ? '' : `${r.reason}: ${r.message}`);
    assert.ok(r.ok);
    assert.deepEqual(r.readBack, { pan: PAN, expiry: '2911' });
    // The card holds the plaintext of every encrypted DGI and the clear ones as sent.
    const app = s.card.inspect().apps[0];
    assert.equal(app.lifecycle, APP_LIFECYCLE.PERSONALIZED);
    assert.deepEqual(app.dgis.get('8000'), s.secrets.applicationKeys);
    assert.deepEqual(app.dgis.get('8010'), s.secrets.pinBlock);
    assert.equal(app.dgis.get('0101')?.toString('hex').toUpperCase(), s.record.dgis![0].data);
    assert.deepEqual(app.dgis.get('9010'), Buffer.from([3, 3]));
    // Order of the protocol on the wire.
    const order = s.channel.wire.map((a) => a[1]);
    assert.deepEqual(order, [INS.SELECT, INS.IU, INS.EA, INS.INSTALL, INS.STORE, INS.STORE, INS.STORE, INS.STORE, INS.STATUS, INS.SELECT, INS.READ]);
    assert.equal(r.log.apdus, s.channel.wire.length);
    assert.equal(r.log.statusWords.length, r.log.apdus);
    assert.ok(r.log.statusWords.every((w) => w === '9000'));
    // Encrypted DGIs go out byte for byte (plus C-DECRYPTION at CMAC_CDEC, which hides even those).
    const wire = Buffer.concat(s.channel.wire).toString('hex').toUpperCase();
    const cipher8000 = s.record.dgis!.find((x) => x.dgi === '8000')!.data;
    assert.equal(wire.includes(cipher8000), l === 'CMAC');
    assert.equal(wire.includes(s.record.dgis![0].data), l === 'CMAC');
    assert.ok(!wire.includes(s.secrets.applicationKeys.toString('hex').toUpperCase()), 'DGI plaintext never on the wire');
    // Station-side output carries no secret, no ciphertext, no key, and no PAN outside readBack.
    assert.deepEqual(leaks({ log: r.log, notes: s.notes }, [...secretNeedles(s), PAN]), []);
    assert.deepEqual(leaks(r, secretNeedles(s)), []);
  });
}

test('a T=0 card (61xx GET RESPONSE, 6Cxx wrong Le) personalizes through the channel', async () => {
  const s = setup({ scp: 'SCP03', securityLevel: 'CMAC_CDEC', t0: true });
  const r = await s.run();
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.ok(s.channel.count(0xc0) >= 3, 'GET RESPONSE used');
  assert.ok(s.channel.responses.some((x) => x[x.length - 2] === 0x6c), 'a 6Cxx was answered');
  assert.equal(r.log.apdus, 11, 'the station counts its own commands, not the reader service resends');
});

test('a DGI of 255 bytes and more uses the FF xx xx length, and a long one is split across blocks', async () => {
  const long = Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 7) & 0xff));
  const mid = Buffer.alloc(255, 0xab);
  const secret = Buffer.from(Array.from({ length: 400 }, (_, i) => (i * 13) & 0xff));
  for (const l of ['CMAC', 'CMAC_CDEC'] as const) {
    const s = setup({ scp: 'SCP03', securityLevel: l, extra: [{ dgi: '0102', data: mid }, { dgi: '0201', data: long }, { dgi: '8020', data: secret, secret: true }] });
    const r = await s.run();
    assert.ok(r.ok, r.ok ? '' : r.message);
    const dgis = s.card.inspect().apps[0].dgis;
    assert.deepEqual(dgis.get('0102'), mid);
    assert.deepEqual(dgis.get('0201'), long);
    assert.deepEqual(dgis.get('8020'), secret);
    const stores = s.channel.wire.filter((a) => a[1] === INS.STORE);
    // 4 prepared DGIs + 0102 (5 + 255 bytes: 2 blocks) + 0201 (5 + 600: 3) + 8020 (5 + 416: 2), at 247 or 239 bytes a block.
    assert.equal(stores.length, 4 + 2 + 3 + 2);
    stores.forEach((a, i) => assert.equal(a[3], i, 'P2 numbers the blocks'));
    assert.equal(stores.filter((a) => a[2] & 0x80).length, 1, 'only the last block is flagged last');
    assert.ok(stores[stores.length - 1][2] & 0x80);
    assert.ok(stores.every((a) => a[4] <= 255));
    if (l === 'CMAC') {
      const mid0 = stores.find((a) => a.subarray(5, 7).toString('hex') === '0102')!;
      assert.equal(mid0.subarray(7, 10).toString('hex'), 'ff00ff', '255 bytes is coded FF 00 FF');
      const enc = stores.filter((a) => (a[2] & 0x60) === 0x60);
      assert.equal(enc.length, 2 + 2, 'the two prepared encrypted DGIs and both blocks of 8020 carry the encrypted-data bits');
    }
  }
});

test('the PAN read back from the chip differs from the record: CHIP_VERIFY_MISMATCH without the PAN', async () => {
  const other = '4111111111111111';
  const s = setup({ cardPan: other });
  const r = await s.run();
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.equal(r.reason, 'CHIP_VERIFY_MISMATCH');
  assert.equal(r.retryable, false);
  assert.match(r.message, /PAN \(5A\)/);
  assert.deepEqual(leaks(r, [PAN, other]), []);
});

test('progress runs from start to 1 and names steps, not data', async () => {
  const fractions: number[] = [];
  const s = setup();
  const r = await s.run({ onProgress: (f) => fractions.push(f) });
  assert.ok(r.ok);
  assert.equal(fractions[fractions.length - 1], 1);
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]));
});
