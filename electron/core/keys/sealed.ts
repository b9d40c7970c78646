import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM sealing of key material under the KEK.

export interface Sealed {
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

export function seal(kek: Buffer, plain: Buffer, aad: string): Sealed {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return { iv, ct, tag: c.getAuthTag() };
}

/** The plaintext, or null when the tag does not verify (wrong KEK, damaged or moved row). */
export function open(kek: Buffer, s: Sealed, aad: string): Buffer | null {
  try {
    const d = createDecipheriv('aes-256-gcm', kek, s.iv);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(s.tag);
    return Buffer.concat([d.update(s.ct), d.final()]);
  } catch {
    return null;
  }
}
