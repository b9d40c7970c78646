import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from '../../support/softhsm';
import { openPkcs11Token, type Pkcs11jsToken } from '../../../electron/devices/pkcs11/pkcs11js-token';
import { TokenKey, newCounts, type CardKey } from '../../../electron/devices/pkcs11/card-key';
import { createPkcs11KeyProvider, scp02Key, statics, type TokenAccess } from '../../../electron/devices/pkcs11/provider';
import type { Mechanism, Token, TokenKeyAlgorithm } from '../../../electron/devices/pkcs11/token';
import { aesEcbEncrypt, des3EcbEncrypt } from '../../../electron/devices/chip/crypto/block';
import { gpKdf, SCP03_CONST } from '../../../electron/devices/chip/crypto/kdf';
import { SCP02_CONST } from '../../../electron/devices/chip/scp/scp02';
import { setup } from '../../unit/chip/fixtures';

// Known-answer tests of every derivation the PKCS#11 provider runs, against the real SoftHSM2
// loaded in this process: once with all the mechanisms SoftHSM2 lists, once restricted to the
// AES-ECB / DES3-ECB that the p11-kit client forwards (the provider then builds CBC and CMAC from
// ECB calls). Numbers from ../shared/reference/test-vectors.md (GPP and RFC 4493).

let hsm: SoftHsm;
let token: Pkcs11jsToken;
before(() => {
  hsm = createSoftHsm();
  hsm.use();
  token = openPkcs11Token({ module: SOFTHSM_MODULE, tokenLabel: hsm.label, pin: hsm.pin });
});
after(() => {
  token?.close();
  hsm?.remove();
});

const GP16 = Buffer.from('404142434445464748494A4B4C4D4E4F', 'hex');
const KDD = Buffer.from('00010203040506070809', 'hex');
const hex = (s: string) => Buffer.from(s, 'hex');

/** The real token with its mechanism list cut down to what a remote token forwards. */
function restricted(t: Token, only: Mechanism[]): Token {
  return new Proxy(t, { get: (target, prop) => (prop === 'mechanisms' ? new Set(only) : Reflect.get(target, prop, target)) }) as Token;
}

const PATHS: { name: string; view: () => Token }[] = [
  { name: 'SoftHSM2, all mechanisms', view: () => token },
  { name: 'ECB only (p11-kit client view)', view: () => restricted(token, ['AES_ECB', 'DES3_ECB']) },
];

let n = 0;
function master(view: Token, algorithm: TokenKeyAlgorithm, value: Buffer): CardKey {
  const h = view.create({ label: `kat-${n++}`, algorithm, value: Buffer.from(value), persistent: false });
  return new TokenKey(view, h, algorithm, value.length, true, newCounts());
}

/** A key is proven equal to `expected` by encrypting two blocks under both (the token key may not be readable). */
function sameKey(k: CardKey, expected: Buffer, what: string): void {
  const probe = Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex');
  const want = k.algorithm === 'AES' ? aesEcbEncrypt(expected, probe) : des3EcbEncrypt(expected, probe);
  assert.equal(k.ecb(probe).toString('hex'), want.toString('hex'), what);
}

for (const path of PATHS) {
  test(`${path.name}: RFC 4493 AES-CMAC`, () => {
    const k = master(path.view(), 'AES', hex('2b7e151628aed2a6abf7158809cf4f3c'));
    assert.equal(k.mac(Buffer.alloc(0)).toString('hex'), 'bb1d6929e95937287fa37d129b756746');
    assert.equal(k.mac(hex('6bc1bee22e409f96e93d7e117393172a')).toString('hex'), '070a16b46b4d4144f79bdd9dd04a287c');
    assert.equal(k.mac(hex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411')).toString('hex'), 'dfa66747de9ae63030ca32611497c827');
    k.wipe();
  });

  test(`${path.name}: EMV CPS and VISA2 diversification of a 3DES master (GPP vectors)`, () => {
    const m = master(path.view(), 'DES3', GP16);
    const emv = statics(m, { diversification: 'emv', kdd: KDD });
    sameKey(emv.enc, hex('0EF59FCBF8019B62E62AF6EA20B8BF25'), 'emv ENC');
    sameKey(emv.mac, hex('3E383EB6F2762B88155F76BDFED05A02'), 'emv MAC');
    const visa2 = statics(m, { diversification: 'visa2', kdd: KDD });
    sameKey(visa2.enc, hex('8510FC973208218CA86888BCEC203635'), 'visa2 ENC');
    sameKey(visa2.mac, hex('1068B5FB6F06C78C7A4DFC343B21C78F'), 'visa2 MAC');
    for (const k of [emv.enc, emv.mac, visa2.enc, visa2.mac]) k.wipe();
    m.wipe();
  });

  test(`${path.name}: KDF3 diversification of AES-128/192/256 masters (GPP vectors)`, () => {
    const cases: [Buffer, string, string][] = [
      [GP16, '808BC985A1069AD2A9AC94E0FE7B8843', '65942E0BF4F3F32AEFACBA5671456275'],
      [Buffer.from(Array.from({ length: 32 }, (_, i) => 0x40 + i)), '7E227C0F6D736A2492A356F83872F6814D3D38831E224DB731AAB0D1B51FAAF3', '4653585CCC5697947F08B821014966E30E885A5422B665CE96EDC25651B1D8D9'],
      [hex('8C72C72CF908411653018807950D82FBAD947562F0828A0B10B8B9606ABF3BCD'), '', ''],
    ];
    for (const [key, enc, mac] of cases) {
      const m = master(path.view(), 'AES', key);
      const kdd = enc ? KDD : hex('D9B1DE5D0362DEDCE4FB');
      const s = statics(m, { diversification: 'kdf3', kdd });
      sameKey(s.enc, hex(enc || '9AAC5D0B3601F89438A0D9D0B6B256CFB47E6462DFA5228D3420C4AC7C224781'), `kdf3 ENC ${key.length * 8}`);
      if (mac) sameKey(s.mac, hex(mac), `kdf3 MAC ${key.length * 8}`);
      s.enc.wipe();
      s.mac.wipe();
      m.wipe();
    }
  });

  test(`${path.name}: SCP02 and SCP03 session keys of static 404142…4F (GPP vectors)`, () => {
    const d = master(path.view(), 'DES3', GP16);
    const seq = Buffer.alloc(2);
    assert.equal(scp02Key(d, SCP02_CONST.S_ENC, seq).toString('hex').toUpperCase(), '010B0371D78377B801F2D62AFC671D95');
    assert.equal(scp02Key(d, SCP02_CONST.S_MAC, seq).toString('hex').toUpperCase(), 'D1C28C601652A4770D67AD82D2D2E1C4');
    const a = master(path.view(), 'AES', GP16);
    assert.equal(gpKdf(a, SCP03_CONST.S_ENC, KDD, 128).toString('hex').toUpperCase(), '6C858E63BABC4028EDC67DC9FDBCB04A');
    assert.equal(gpKdf(a, SCP03_CONST.S_MAC, KDD, 128).toString('hex').toUpperCase(), '036C5E747D9500229B7C99D225506DDD');
    assert.equal(gpKdf(a, SCP03_CONST.S_RMAC, KDD, 128).toString('hex').toUpperCase(), 'AD97DA99A96DB51B765277D6E988B1D9');
    d.wipe();
    a.wipe();
  });

  test(`${path.name}: AES EMV diversification equals the software implementation`, async () => {
    const { diversifyKey } = await import('../../../electron/devices/chip/crypto/diversify');
    const key = randomBytes(16);
    const m = master(path.view(), 'AES', key);
    const s = statics(m, { diversification: 'emv', kdd: KDD });
    sameKey(s.enc, diversifyKey(key, 'AES', 'emv', KDD, 'enc'), 'AES emv ENC');
    sameKey(s.mac, diversifyKey(key, 'AES', 'emv', KDD, 'mac'), 'AES emv MAC');
    if (path.view().mechanisms.has('AES_CBC_ENCRYPT_DATA')) assert.equal(s.enc.inHost, false, 'derived in the token (C_DeriveKey) when it can');
    else assert.equal(s.enc.inHost, true);
    s.enc.wipe();
    s.mac.wipe();
    m.wipe();
  });

  // The whole handshake against the simulated card (whose cryptogram checks use the software
  // crypto), for every profile: the card accepts the station's cryptogram and C-MACs.
  for (const scp of ['SCP02', 'SCP03'] as const) {
    for (const diversification of scp === 'SCP02' ? (['none', 'emv', 'visa2'] as const) : (['none', 'emv', 'visa2', 'kdf3'] as const)) {
      for (const securityLevel of ['CMAC', 'CMAC_CDEC'] as const) {
        test(`${path.name}: ${scp} ${diversification} ${securityLevel} personalizes the simulated card with the master key in the token`, async () => {
          const key = randomBytes(16);
          const fx = setup({ scp, diversification, securityLevel, masterKey: key });
          const view = path.view();
          const label = `card-kmc-${n++}`;
          const h = view.create({ label, algorithm: scp === 'SCP02' ? 'DES3' : 'AES', value: Buffer.from(key), persistent: true });
          const access: TokenAccess = { current: () => view, waitReady: async () => true, failed: () => undefined, describe: () => 'online' };
          const keys = createPkcs11KeyProvider({ access, meta: () => ({ test: false }) });
          const profile = { ...fx.profile, keyId: label };
          try {
            const r = await fx.run({ keys, profile });
            assert.equal(r.ok, true, JSON.stringify(r));
          } finally {
            view.destroy(h);
          }
        });
      }
    }
  }
}
