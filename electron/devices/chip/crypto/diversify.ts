import { aesEcbEncrypt, des3EcbEncrypt } from './block';
import { kdfCounter } from './kdf';

// Card static keys (ENC, MAC, DEK) from the issuer master key (KMC) and the 10 bytes of key
// diversification data (KDD) the card returns in INITIALIZE UPDATE.
//
// - emv (EMV CPS) and visa2 fill a 16-byte template and encrypt it under the master key:
//   3DES-ECB for a 3DES master (the published method). For an AES master this station uses
//   AES-ECB of the same 16-byte template, which gives an AES-128 key (no published vector).
// - kdf3 is GlobalPlatformPro's SCP03 method: SP 800-108 counter KDF with AES-CMAC, PRF input
//   i | 00 00 00 | k | 00 | KDD, output as long as the master.
// - none: the master is the card key for all three.

export type Diversification = 'none' | 'emv' | 'visa2' | 'kdf3';
export type KeyAlgorithm = 'AES' | 'DES3';
export interface StaticKeys {
  enc: Buffer;
  mac: Buffer;
  dek: Buffer;
}

export const KEY_TYPE = { enc: 1, mac: 2, dek: 3 } as const;

/** The 16-byte EMV CPS / VISA2 diversification template of key `k` (1 ENC, 2 MAC, 3 DEK). */
export function template(method: 'emv' | 'visa2', kdd: Buffer, k: number): Buffer {
  const six = method === 'emv' ? kdd.subarray(4, 10) : Buffer.concat([kdd.subarray(0, 2), kdd.subarray(4, 8)]);
  return Buffer.concat([six, Buffer.from([0xf0, k]), six, Buffer.from([0x0f, k])]);
}

export function diversifyKey(master: Buffer, algorithm: KeyAlgorithm, method: Diversification, kdd: Buffer, which: keyof StaticKeys): Buffer {
  if (method === 'none') return Buffer.from(master);
  if (kdd.length !== 10) throw new Error(`key diversification data must be 10 bytes, not ${kdd.length}`);
  const k = KEY_TYPE[which];
  if (method === 'kdf3') {
    if (algorithm !== 'AES') throw new Error('kdf3 diversification needs an AES master key');
    return kdfCounter(master, Buffer.alloc(0), Buffer.concat([Buffer.from([0, 0, 0, k, 0]), kdd]), master.length);
  }
  const t = template(method, kdd, k);
  return algorithm === 'DES3' ? des3EcbEncrypt(master, t) : aesEcbEncrypt(master, t);
}

export function diversifyKeys(master: Buffer, algorithm: KeyAlgorithm, method: Diversification, kdd: Buffer): StaticKeys {
  return {
    enc: diversifyKey(master, algorithm, method, kdd, 'enc'),
    mac: diversifyKey(master, algorithm, method, kdd, 'mac'),
    dek: diversifyKey(master, algorithm, method, kdd, 'dek'),
  };
}
