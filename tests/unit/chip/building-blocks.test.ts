import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describeSw, encodeApdu, splitResponse, swHex, swName } from '../../../electron/devices/chip/apdu-channel';
import { dgiHeader, planStoreData, readDgiHeader } from '../../../electron/devices/chip/dgi';
import { findTag, parseTlvs } from '../../../electron/devices/chip/tlv';
import { createSoftwareKeyProvider, isGpTestKey } from '../../../electron/devices/chip/keys';
import { GP_TEST_KEY, PAN_RECORD, panRecord, prepareChipDgis } from '../../../electron/devices/chip/dataprep';
import { wrapCapacity } from '../../../electron/devices/chip/scp/types';
import { decryptIssuerDgi } from '../../../electron/sim/card/issuer-dek';
import { CardRecordSchema } from '../../../shared/domain/record';

const h = (s: string) => Buffer.from(s, 'hex');

test('APDU encoding for the four cases and status word helpers', () => {
  assert.equal(encodeApdu({ cla: 0x80, ins: 0xf2, p1: 0x20, p2: 0x02 }).toString('hex'), '80f22002');
  assert.equal(encodeApdu({ cla: 0, ins: 0xb2, p1: 1, p2: 0x0c, le: 0 }).toString('hex'), '00b2010c00');
  assert.equal(encodeApdu({ cla: 0x80, ins: 0xe2, p1: 0x88, p2: 0, data: h('0102') }).toString('hex'), '80e28800020102');
  assert.equal(encodeApdu({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: h('a0000001'), le: 256 }).toString('hex'), '00a4040004a000000100');
  assert.throws(() => encodeApdu({ cla: 0, ins: 0, p1: 0, p2: 0, data: Buffer.alloc(256) }));
  assert.deepEqual(splitResponse(h('01026a80')), { data: h('0102'), sw: 0x6a80 });
  assert.throws(() => splitResponse(h('90')));
  assert.equal(swHex(0x6a80), '6A80');
  assert.equal(swName(0x63c2), 'verification failed, 2 tries left');
  assert.equal(describeSw(0x6982), '6982 security status not satisfied');
  assert.equal(swName(0x6b00), 'unknown status');
});

test('wrapped command capacity per channel and level', () => {
  assert.equal(wrapCapacity('SCP03', 'CMAC'), 247);
  assert.equal(wrapCapacity('SCP03', 'CMAC_CDEC'), 239); // 239 pads to 240, + 8 MAC = 248; 240 would pad to 256
  assert.equal(wrapCapacity('SCP02', 'CMAC_CDEC'), 239);
});

test('DGI headers: one length byte below 255, FF + two bytes from 255 on', () => {
  assert.equal(dgiHeader(0x0101, 254).toString('hex'), '0101fe');
  assert.equal(dgiHeader(0x0101, 255).toString('hex'), '0101ff00ff');
  assert.equal(dgiHeader(0x8000, 0x1234).toString('hex'), '8000ff1234');
  assert.deepEqual(readDgiHeader(h('8000ff1234'), 0), { tag: 0x8000, length: 0x1234, headerLength: 5 });
  assert.equal(readDgiHeader(h('8000ff12'), 0), null);
  assert.deepEqual(readDgiHeader(h('0101fe'), 0), { tag: 0x0101, length: 254, headerLength: 3 });
});

test('STORE DATA planning: one DGI a block chain, exact capacity, flags', () => {
  const blocks = planStoreData(
    [
      { dgi: '0101', data: Buffer.alloc(10 - 3), encrypted: false },
      { dgi: '8000', data: Buffer.alloc(11), encrypted: true },
      { dgi: '0201', data: Buffer.alloc(300), encrypted: false },
    ],
    10,
  );
  assert.deepEqual(blocks.map((b) => b.data.length), [10, 10, 4, ...Array(30).fill(10), 5]);
  assert.deepEqual(blocks.slice(0, 3).map((b) => b.p1), [0x08, 0x68, 0x68]);
  assert.equal(blocks[blocks.length - 1].p1, 0x88);
  assert.equal(blocks.filter((b) => b.p1 & 0x80).length, 1);
  assert.deepEqual(Buffer.concat(blocks.slice(3).map((b) => b.data)).subarray(0, 5), h('0201ff012c'));
});

test('TLV parsing finds nested tags and rejects truncated data', () => {
  const t = h('700a5a0454133300' + '5f240129');
  assert.deepEqual(findTag(t, 0x5f24), h('29'));
  assert.deepEqual(findTag(t, 0x5a), h('54133300'));
  assert.equal(findTag(t, 0x57), null);
  assert.equal(parseTlvs(h('5a0554')), null);
  assert.deepEqual(parseTlvs(h('9f708100'))?.[0].value.length, 0);
});

test('GP test key detection and the test key constant', async () => {
  assert.equal(isGpTestKey(GP_TEST_KEY), true);
  assert.equal(isGpTestKey(Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i))), true);
  assert.equal(isGpTestKey(randomBytes(16)), false);
  assert.equal(isGpTestKey(Buffer.concat([GP_TEST_KEY.subarray(0, 15), h('00')])), false);
  const handedOut: Buffer[] = [];
  const p = createSoftwareKeyProvider(async () => {
    handedOut.push(Buffer.from(GP_TEST_KEY));
    return { material: handedOut[handedOut.length - 1], algorithm: 'DES3', test: false };
  });
  assert.equal((await p.checkKey({ keyId: 'k', scp: 'SCP02', allowTestKeys: true })).ok, true);
  const refused = await p.checkKey({ keyId: 'k', scp: 'SCP02', allowTestKeys: false });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.code, 'TEST_KEY_REFUSED');
  const scp03 = await p.checkKey({ keyId: 'k', scp: 'SCP03', allowTestKeys: true });
  assert.equal(!scp03.ok && scp03.code, 'WRONG_KEY_TYPE');
  assert.ok(handedOut.every((k) => k.every((b) => b === 0)), 'every copy of the key is wiped after use');
  assert.equal(isGpTestKey(GP_TEST_KEY), true, 'the constant itself is untouched');
});

test('data preparation: the clear PAN record and issuer-encrypted secrets form a valid record', () => {
  const dek = randomBytes(16);
  const keysPlain = randomBytes(48);
  const dgis = prepareChipDgis(
    { pan: '4111111111111111', expiry: '2402', name: 'DOE/JANE', serviceCode: '101', secrets: { applicationKeys: keysPlain, pinBlock: h('241234ffffffffff') } },
    dek,
  );
  assert.deepEqual(dgis.map((d) => [d.dgi, d.encrypted]), [['0101', false], ['8000', true], ['8010', true], ['9010', false]]);
  const rec = h(dgis[0].data);
  assert.equal(PAN_RECORD.dgi, '0101');
  assert.deepEqual(findTag(rec, 0x5a), h('4111111111111111'));
  assert.deepEqual(findTag(rec, 0x5f24), h('240229'), 'expiry is the last day of the month (leap year)');
  assert.equal(findTag(rec, 0x5f20)?.toString('latin1'), 'DOE/JANE');
  assert.deepEqual(findTag(rec, 0x5f30), h('0101'));
  assert.deepEqual(findTag(panRecord({ pan: '541333008902001', expiry: '2911', name: 'X/Y' }), 0x5a), h('541333008902001f'), 'odd PAN padded with F');
  assert.ok(!dgis[1].data.includes(keysPlain.toString('hex').toUpperCase()));
  assert.deepEqual(decryptIssuerDgi(h(dgis[1].data), dek), keysPlain);
  assert.equal(CardRecordSchema.safeParse({ recordId: 'r', pan: '4111111111111111', expiry: '2402', name: 'DOE/JANE', dgis }).success, true);
});
