import { createCipheriv } from 'node:crypto';

// Key check values, GlobalPlatform conventions (GPP GPCrypto.java): 3DES KCV = first 3 bytes of
// 3DES-ECB(key, 00×8); AES KCV = first 3 bytes of AES-ECB(key, 01×16) (GP 2.2 Amd D §7.2.2).

export type KeyAlgorithm = 'AES' | 'DES3';

export const KEY_LENGTHS: Record<KeyAlgorithm, readonly number[]> = { AES: [16, 24, 32], DES3: [16, 24] };

function ecb(cipher: string, key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

export function kcv(algorithm: KeyAlgorithm, key: Buffer): string {
  if (!KEY_LENGTHS[algorithm]?.includes(key.length)) throw new RangeError(`a ${algorithm} key has ${KEY_LENGTHS[algorithm]?.join(', ')} bytes, not ${key.length}`);
  const out =
    algorithm === 'AES'
      ? ecb(`aes-${key.length * 8}-ecb`, key, Buffer.alloc(16, 0x01))
      : ecb(key.length === 16 ? 'des-ede-ecb' : 'des-ede3-ecb', key, Buffer.alloc(8, 0x00));
  const v = out.subarray(0, 3).toString('hex').toUpperCase();
  out.fill(0);
  return v;
}

/** The GlobalPlatform default/test key 40 41 42 … of the given length. */
export function gpTestKey(length: number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => 0x40 + i));
}

export function isGpTestKey(key: Buffer): boolean {
  return key.every((b, i) => b === 0x40 + i);
}
