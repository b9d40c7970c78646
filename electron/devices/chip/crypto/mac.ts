import { aesEcbEncrypt, aesCbcEncrypt, desCbcEncrypt, des3EcbEncrypt, des3CbcEncrypt, pad80, xor } from './block';

// Message authentication codes of the GlobalPlatform secure channels.

function shiftLeft1(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(16);
  for (let i = 0; i < 16; i++) out[i] = ((b[i] << 1) | (i < 15 ? b[i + 1] >> 7 : 0)) & 0xff;
  if (b[0] & 0x80) out[15] ^= 0x87;
  return out;
}

/** AES-CMAC (RFC 4493 / NIST SP 800-38B) with the subkeys computed once per key. */
export class AesCmac {
  private readonly k1: Buffer;
  private readonly k2: Buffer;
  constructor(private readonly key: Buffer) {
    const l = aesEcbEncrypt(key, Buffer.alloc(16));
    this.k1 = shiftLeft1(l);
    this.k2 = shiftLeft1(this.k1);
  }

  /** Full 16-byte tag of the concatenation of `parts` (no intermediate copy of each part). */
  mac(...parts: Buffer[]): Buffer {
    let len = 0;
    for (const p of parts) len += p.length;
    const complete = len > 0 && len % 16 === 0;
    const n = complete ? len : (Math.floor(len / 16) + 1) * 16;
    const m = Buffer.alloc(n);
    let off = 0;
    for (const p of parts) off += p.copy(m, off);
    if (!complete) m[len] = 0x80;
    const sub = complete ? this.k1 : this.k2;
    for (let i = 0; i < 16; i++) m[n - 16 + i] ^= sub[i];
    const c = aesCbcEncrypt(this.key, m);
    return c.subarray(n - 16);
  }

  /** Overwrites the key and its subkeys. */
  wipe(): void {
    this.key.fill(0);
    this.k1.fill(0);
    this.k2.fill(0);
  }
}

export function aesCmac(key: Buffer, msg: Buffer): Buffer {
  return new AesCmac(key).mac(msg);
}

/**
 * ISO 9797-1 MAC algorithm 3 ("retail MAC") with padding method 2, as SCP02 uses for C-MAC:
 * single-DES CBC under K1 over all blocks but the last, then 3DES on the last.
 */
export function retailMac(key16: Buffer, msg: Buffer, icv: Buffer = Buffer.alloc(8)): Buffer {
  const p = pad80(msg, 8);
  let h = icv;
  if (p.length > 8) {
    const c = desCbcEncrypt(key16.subarray(0, 8), p.subarray(0, p.length - 8), icv);
    h = c.subarray(c.length - 8);
  }
  return des3EcbEncrypt(key16, xor(h, p.subarray(p.length - 8)));
}

/** Full 3DES CBC-MAC (ISO 9797-1 algorithm 1 with 3DES), padding method 2: SCP02 cryptograms. */
export function des3CbcMac(key: Buffer, msg: Buffer): Buffer {
  const c = des3CbcEncrypt(key, pad80(msg, 8));
  return c.subarray(c.length - 8);
}
