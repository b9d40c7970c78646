import { aesCbcEncrypt, aesEcbEncrypt, des3CbcEncrypt, des3EcbEncrypt, xor } from '../chip/crypto/block';
import { AesCmac } from '../chip/crypto/mac';
import type { Token, TokenHandle, TokenKeyAlgorithm } from './token';

// A key the secure-channel code computes with: either a key object on the token (TokenKey: the
// master key, or a per-card key the token derived and keeps as a session object) or a per-card
// key that had to come to host memory (HostKey, zeroed by wipe()). The same four operations on
// both, so the diversification and session-key code does not care where a key is.
//
// Where the token lacks a mechanism, TokenKey builds it from ECB block operations on the token's
// key (the p11-kit client forwards only AES-ECB and DES3-ECB): CBC costs one ECB call per block,
// AES-CMAC one call for the subkey L plus one per block.

export interface Prf {
  /** AES-CMAC of the concatenation of parts, full 16 bytes. */
  mac(...parts: Buffer[]): Buffer;
}

export interface CardKey extends Prf {
  readonly algorithm: TokenKeyAlgorithm;
  /** Bytes. */
  readonly length: number;
  /** True when the key value is in this process's memory. */
  readonly inHost: boolean;
  ecb(data: Buffer): Buffer;
  /** CBC over whole blocks, zero IV unless given. */
  cbc(data: Buffer, iv?: Buffer): Buffer;
  /** A per-card key: ECB of one template (16 bytes) under this key. In the token where it can derive, else in host memory. */
  deriveEcb(template: Buffer): CardKey;
  /** Zeroes a host key; destroys a per-card token object. Never destroys the master. */
  wipe(): void;
}

/** How many token calls of each kind a key made: the cost of a path. */
export type CallCounts = Record<'ecb' | 'cbc' | 'cmac' | 'derive' | 'destroy', number>;
export const newCounts = (): CallCounts => ({ ecb: 0, cbc: 0, cmac: 0, derive: 0, destroy: 0 });

function shiftLeft1(b: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ((b[i] << 1) | (i < 15 ? b[i + 1] >> 7 : 0)) & 0xff;
  if (b[0] & 0x80) out[15] ^= 0x87;
  return out;
}

function concat(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

export class HostKey implements CardKey {
  readonly inHost = true;
  private cmacKey: AesCmac | null = null;
  constructor(readonly algorithm: TokenKeyAlgorithm, private readonly value: Buffer) {}
  get length(): number {
    return this.value.length;
  }
  ecb(data: Buffer): Buffer {
    return this.algorithm === 'AES' ? aesEcbEncrypt(this.value, data) : des3EcbEncrypt(this.value, data);
  }
  cbc(data: Buffer, iv?: Buffer): Buffer {
    return this.algorithm === 'AES' ? aesCbcEncrypt(this.value, data, iv) : des3CbcEncrypt(this.value, data, iv);
  }
  mac(...parts: Buffer[]): Buffer {
    if (this.algorithm !== 'AES') throw new Error('AES-CMAC needs an AES key');
    this.cmacKey ??= new AesCmac(Buffer.from(this.value));
    return this.cmacKey.mac(...parts);
  }
  deriveEcb(template: Buffer): CardKey {
    return new HostKey(this.algorithm, this.ecb(template));
  }
  /** The value, for the software secure-channel sessions that keep their keys in memory. */
  bytes(): Buffer {
    return this.value;
  }
  wipe(): void {
    this.value.fill(0);
    this.cmacKey?.wipe();
  }
}

export class TokenKey implements CardKey {
  readonly inHost = false;
  private subkeys: { k1: Buffer; k2: Buffer } | null = null;
  constructor(
    private readonly token: Token,
    private readonly handle: TokenHandle,
    readonly algorithm: TokenKeyAlgorithm,
    readonly length: number,
    /** A per-card session object this key owns and destroys at wipe(); false for the master. */
    private readonly owned: boolean,
    private readonly counts: CallCounts = newCounts(),
  ) {}

  private get block(): number {
    return this.algorithm === 'AES' ? 16 : 8;
  }

  ecb(data: Buffer): Buffer {
    this.counts.ecb++;
    return this.token.encrypt(this.algorithm === 'AES' ? 'AES_ECB' : 'DES3_ECB', this.handle, data);
  }

  cbc(data: Buffer, iv: Buffer = Buffer.alloc(this.block)): Buffer {
    const mech = this.algorithm === 'AES' ? 'AES_CBC' : 'DES3_CBC';
    if (this.token.mechanisms.has(mech)) {
      this.counts.cbc++;
      return this.token.encrypt(mech, this.handle, data, iv);
    }
    const b = this.block;
    const out = Buffer.alloc(data.length);
    let prev = iv;
    for (let off = 0; off < data.length; off += b) {
      prev = this.ecb(xor(data.subarray(off, off + b), prev));
      prev.copy(out, off);
    }
    return out;
  }

  mac(...parts: Buffer[]): Buffer {
    if (this.algorithm !== 'AES') throw new Error('AES-CMAC needs an AES key');
    if (this.token.mechanisms.has('AES_CMAC')) {
      this.counts.cmac++;
      return this.token.cmac(this.handle, concat(parts));
    }
    // RFC 4493 from ECB calls: L = E(0), subkeys in host memory for this key's life.
    if (!this.subkeys) {
      const l = this.ecb(Buffer.alloc(16));
      const k1 = shiftLeft1(l);
      this.subkeys = { k1, k2: shiftLeft1(k1) };
      l.fill(0);
    }
    const m = concat(parts);
    const complete = m.length > 0 && m.length % 16 === 0;
    const n = complete ? m.length : (Math.floor(m.length / 16) + 1) * 16;
    const padded = Buffer.alloc(n);
    m.copy(padded);
    if (!complete) padded[m.length] = 0x80;
    const sub = complete ? this.subkeys.k1 : this.subkeys.k2;
    for (let i = 0; i < 16; i++) padded[n - 16 + i] ^= sub[i];
    const c = this.cbc(padded);
    return c.subarray(n - 16);
  }

  deriveEcb(template: Buffer): CardKey {
    // One AES block: CBC with a zero IV is ECB, and AES_CBC_ENCRYPT_DATA is what pkcs11js can call.
    if (this.algorithm === 'AES' && template.length === 16 && this.token.mechanisms.has('AES_CBC_ENCRYPT_DATA')) {
      this.counts.derive++;
      const h = this.token.deriveCbc('AES_CBC_ENCRYPT_DATA', this.handle, Buffer.alloc(16), template);
      return new TokenKey(this.token, h, 'AES', 16, true, this.counts);
    }
    return new HostKey(this.algorithm, this.ecb(template));
  }

  wipe(): void {
    this.subkeys?.k1.fill(0);
    this.subkeys?.k2.fill(0);
    this.subkeys = null;
    if (this.owned) {
      this.counts.destroy++;
      try {
        this.token.destroy(this.handle);
      } catch {
        // A session object dies with its session anyway.
      }
    }
  }
}
