import { AesCmac } from './mac';

// NIST SP 800-108 KDF in counter mode with AES-CMAC as the PRF and a 1-byte counter: each PRF
// input is prefix | counter | suffix. GlobalPlatform Card Spec Amendment D §6.2.2 uses
// prefix = label (11 × 00 | derivation constant) | 00 | L (output bits, 2 bytes) and
// suffix = context.

export const SCP03_CONST = {
  CARD_CRYPTOGRAM: 0x00,
  HOST_CRYPTOGRAM: 0x01,
  CARD_CHALLENGE: 0x02,
  S_ENC: 0x04,
  S_MAC: 0x06,
  S_RMAC: 0x07,
} as const;

/** Anything that computes AES-CMAC over parts: AesCmac in memory, or a key on a PKCS#11 token. */
export interface CmacPrf {
  mac(...parts: Buffer[]): Buffer;
}

export function kdfCounter(key: Buffer | CmacPrf, prefix: Buffer, suffix: Buffer, bytes: number): Buffer {
  const prf = Buffer.isBuffer(key) ? new AesCmac(key) : key;
  const i = Buffer.alloc(1);
  const out: Buffer[] = [];
  for (let n = 1; out.length * 16 < bytes; n++) {
    i[0] = n;
    out.push(prf.mac(prefix, i, suffix));
  }
  return Buffer.concat(out).subarray(0, bytes);
}

export function gpKdf(key: Buffer | CmacPrf, constant: number, context: Buffer, bits: number): Buffer {
  const prefix = Buffer.alloc(15);
  prefix[11] = constant;
  prefix.writeUInt16BE(bits, 13);
  return kdfCounter(key, prefix, context, bits / 8);
}
