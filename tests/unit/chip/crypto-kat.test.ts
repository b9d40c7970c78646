import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aesCmac } from '../../../electron/devices/chip/crypto/mac';
import { gpKdf, kdfCounter } from '../../../electron/devices/chip/crypto/kdf';
import { des3EcbEncrypt, kcvAes, kcvDes3, pad80, unpad80 } from '../../../electron/devices/chip/crypto/block';
import { diversifyKeys } from '../../../electron/devices/chip/crypto/diversify';
import { scp02SessionKey, SCP02_CONST } from '../../../electron/devices/chip/scp/scp02';
import { SCP03_CONST } from '../../../electron/devices/chip/crypto/kdf';

// Known answers from /work/shared/reference/test-vectors.md (RFC 4493; GlobalPlatformPro).
const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const hex = (b: Buffer) => b.toString('hex').toUpperCase();
const seq = (start: number, n: number) => Buffer.from(Array.from({ length: n }, (_, i) => start + i));
const GP = seq(0x40, 16);
const KDD = h('00010203040506070809');

test('AES-CMAC: RFC 4493 examples 1-4', () => {
  const k = h('2B7E151628AED2A6ABF7158809CF4F3C');
  const m = h('6BC1BEE22E409F96E93D7E117393172A AE2D8A571E03AC9C9EB76FAC45AF8E51 30C81C46A35CE411E5FBC1191A0A52EF F69F2445DF4F9B17AD2B417BE66C3710');
  assert.equal(hex(aesCmac(k, Buffer.alloc(0))), 'BB1D6929E95937287FA37D129B756746');
  assert.equal(hex(aesCmac(k, m.subarray(0, 16))), '070A16B46B4D4144F79BDD9DD04A287C');
  assert.equal(hex(aesCmac(k, m.subarray(0, 40))), 'DFA66747DE9AE63030CA32611497C827');
  assert.equal(hex(aesCmac(k, m)), '51F0BEBF7E3B9D92FC49741779363CFE');
});

test('padding 80 00..: always added, and removed', () => {
  assert.equal(hex(pad80(h('0102'), 8)), '0102800000000000');
  assert.equal(hex(pad80(h('0102030405060708'), 8)), '01020304050607088000000000000000');
  assert.equal(hex(unpad80(h('0102800000'))!), '0102');
  assert.equal(unpad80(h('0102000000')), null);
});

test('key diversification EMV CPS and VISA2 from the GP test key: full keys and KCVs', () => {
  const emv = diversifyKeys(GP, 'DES3', 'emv', KDD);
  assert.equal(hex(emv.enc), '0EF59FCBF8019B62E62AF6EA20B8BF25');
  assert.equal(hex(emv.mac), '3E383EB6F2762B88155F76BDFED05A02');
  assert.equal(hex(emv.dek), '64021E43C0C7D264A1C7C6D01E1C8761');
  assert.deepEqual([emv.enc, emv.mac, emv.dek].map((k) => hex(kcvDes3(k))), ['C33013', '6F4CA6', 'BB8179']);
  const v2 = diversifyKeys(GP, 'DES3', 'visa2', KDD);
  assert.equal(hex(v2.enc), '8510FC973208218CA86888BCEC203635');
  assert.equal(hex(v2.mac), '1068B5FB6F06C78C7A4DFC343B21C78F');
  assert.equal(hex(v2.dek), '2DAEE809C71405FF259C3BE695A1F66E');
  assert.deepEqual([v2.enc, v2.mac, v2.dek].map((k) => hex(kcvDes3(k))), ['2BE598', '58DA38', '3C328E']);
});

test('key diversification KDF3 for AES-128/192/256 masters: full keys and KCVs', () => {
  const a128 = diversifyKeys(GP, 'AES', 'kdf3', KDD);
  assert.equal(hex(a128.enc), '808BC985A1069AD2A9AC94E0FE7B8843');
  assert.equal(hex(a128.mac), '65942E0BF4F3F32AEFACBA5671456275');
  assert.equal(hex(a128.dek), '6A74F6F6040CCA10D8A3FDC7914FD7CC');
  assert.deepEqual([a128.enc, a128.mac, a128.dek].map((k) => hex(kcvAes(k))), ['E79C05', 'D1BD77', '3FDE8C']);
  const a192 = diversifyKeys(seq(0x40, 24), 'AES', 'kdf3', KDD);
  assert.equal(hex(a192.enc), '7C5E0EB1D8F19C63D51CFD20174D8F903C5C0AB035FB1F81');
  assert.equal(hex(a192.mac), 'DBCAADD8612534A5428BB2ECC61C734C7F214510E31F07E2');
  assert.equal(hex(a192.dek), 'E724FF4857153DDF66F75A99CC32B8C04739A0FBFF1C9AFC');
  assert.deepEqual([a192.enc, a192.mac, a192.dek].map((k) => hex(kcvAes(k))), ['1DE8EA', '47C00C', 'C04D76']);
  const a256 = diversifyKeys(seq(0x40, 32), 'AES', 'kdf3', KDD);
  assert.equal(hex(a256.enc), '7E227C0F6D736A2492A356F83872F6814D3D38831E224DB731AAB0D1B51FAAF3');
  assert.equal(hex(a256.mac), '4653585CCC5697947F08B821014966E30E885A5422B665CE96EDC25651B1D8D9');
  assert.equal(hex(a256.dek), '2E4446700FA96B1010D2E5DA69E6BE3AF2431D4E27EB4B77D9239509899A358C');
  assert.deepEqual([a256.enc, a256.mac, a256.dek].map((k) => hex(kcvAes(k))), ['2972D2', '036F94', '5D57B8']);
});

test('key diversification KDF3: external vector', () => {
  const master = h('8C72C72CF908411653018807950D82FBAD947562F0828A0B10B8B9606ABF3BCD');
  const k = diversifyKeys(master, 'AES', 'kdf3', h('D9B1DE5D0362DEDCE4FB'));
  assert.equal(hex(k.enc), '9AAC5D0B3601F89438A0D9D0B6B256CFB47E6462DFA5228D3420C4AC7C224781');
});

test('SCP02 session keys from the GP test key, sequence counter 0000', () => {
  const s = h('0000');
  const keys = {
    enc: scp02SessionKey(GP, SCP02_CONST.S_ENC, s),
    mac: scp02SessionKey(GP, SCP02_CONST.S_MAC, s),
    dek: scp02SessionKey(GP, SCP02_CONST.S_DEK, s),
    rmac: scp02SessionKey(GP, SCP02_CONST.R_MAC, s),
  };
  assert.equal(hex(keys.enc), '010B0371D78377B801F2D62AFC671D95');
  assert.equal(hex(keys.mac), 'D1C28C601652A4770D67AD82D2D2E1C4');
  assert.equal(hex(keys.dek), 'E11987EE331B417A5D67D760692F89D4');
  assert.equal(hex(keys.rmac), 'FFAEC7EC7FAD69F9FBFF093BF2F79C45');
  assert.deepEqual(Object.values(keys).map((k) => hex(kcvDes3(k))), ['F2DCDD', '5FCC69', '85272E', '9F749A']);
  // PUT KEY encryption of the GP key under S-DEK (3DES-ECB).
  assert.equal(hex(des3EcbEncrypt(keys.dek, GP)), 'EFBEE6C6D99D7B70BDE9D7E927F020AF');
});

test('SCP03 KDF: session keys with the KDD as context (as GPP tests them), raw KDF', () => {
  const enc = gpKdf(GP, SCP03_CONST.S_ENC, KDD, 128);
  const mac = gpKdf(GP, SCP03_CONST.S_MAC, KDD, 128);
  const rmac = gpKdf(GP, SCP03_CONST.S_RMAC, KDD, 128);
  assert.equal(hex(enc), '6C858E63BABC4028EDC67DC9FDBCB04A');
  assert.equal(hex(mac), '036C5E747D9500229B7C99D225506DDD');
  assert.equal(hex(rmac), 'AD97DA99A96DB51B765277D6E988B1D9');
  assert.deepEqual([enc, mac, rmac].map((k) => hex(kcvAes(k))), ['C25559', '0E12CC', '9ACB9C']);
  assert.equal(hex(kcvAes(GP)), '504A77');
  // testScp3Kdf: counter-mode KDF with block A (before the counter) and block B (after) both 00×16.
  assert.equal(hex(kcvAes(kdfCounter(GP, Buffer.alloc(16), Buffer.alloc(16), 16))), 'BD8165');
});
