import { aesCbcDecrypt, aesCbcEncrypt, aesEcbEncrypt, pad80, sameBytes, unpad80 } from '../crypto/block';
import { AesCmac } from '../crypto/mac';
import { gpKdf, SCP03_CONST } from '../crypto/kdf';
import { encodeApdu, type Command } from '../apdu-channel';
import { SECURITY_LEVEL_BYTE, wrapCapacity, type ScpCrypto, type SecurityLevel } from './types';

// GlobalPlatform SCP03 (AES, Amendment D), S8 mode. Session keys and cryptograms from the
// SP 800-108 KDF over host challenge | card challenge. C-MAC = AES-CMAC(S-MAC, chaining value
// | header with CLA bit 3 and Lc counting the MAC | data), first 8 bytes sent, the full 16
// kept as the next chaining value (zero for EXTERNAL AUTHENTICATE). C-DECRYPTION = AES-CBC
// under S-ENC, ICV = AES(S-ENC, encryption counter), data padded 80 00.., encrypted before
// the MAC. The counter starts at 1 after EXTERNAL AUTHENTICATE and counts every command,
// with or without data (pySim's vectors in test-vectors.md §4 prove this ordering).

export interface Scp03Init {
  kdd: Buffer;
  kvn: number;
  i: number;
  cardChallenge: Buffer;
  cardCryptogram: Buffer;
  seq: Buffer | null;
}

export function parseScp03Init(r: Buffer): Scp03Init | null {
  if ((r.length !== 29 && r.length !== 32) || r[11] !== 0x03) return null;
  return {
    kdd: r.subarray(0, 10),
    kvn: r[10],
    i: r[12],
    cardChallenge: r.subarray(13, 21),
    cardCryptogram: r.subarray(21, 29),
    seq: r.length === 32 ? r.subarray(29, 32) : null,
  };
}

export interface Scp03SessionKeys {
  sEnc: Buffer;
  sMac: Buffer;
  sRmac: Buffer;
}

export function scp03SessionKeys(statics: { enc: Buffer; mac: Buffer }, hostChallenge: Buffer, cardChallenge: Buffer): Scp03SessionKeys {
  const ctx = Buffer.concat([hostChallenge, cardChallenge]);
  const bits = statics.enc.length * 8;
  return {
    sEnc: gpKdf(statics.enc, SCP03_CONST.S_ENC, ctx, bits),
    sMac: gpKdf(statics.mac, SCP03_CONST.S_MAC, ctx, bits),
    sRmac: gpKdf(statics.mac, SCP03_CONST.S_RMAC, ctx, bits),
  };
}

export function scp03Cryptogram(sMac: Buffer | AesCmac, constant: number, hostChallenge: Buffer, cardChallenge: Buffer): Buffer {
  return gpKdf(sMac, constant, Buffer.concat([hostChallenge, cardChallenge]), 64);
}

/** C-MAC chaining and the encryption counter of one session, for the host and the card alike. */
export class Scp03Chain {
  chain: Buffer = Buffer.alloc(16);
  counter = 0;
  private readonly cmac: AesCmac;
  private readonly rmac: AesCmac;
  constructor(private readonly keys: Scp03SessionKeys) {
    this.cmac = new AesCmac(keys.sMac);
    this.rmac = new AesCmac(keys.sRmac);
  }
  /** C-MAC over the header (CLA|04, Lc = data + 8) and the (possibly encrypted) data; advances the chain. */
  cmacOf(cla: number, ins: number, p1: number, p2: number, data: Buffer): Buffer {
    const h = Buffer.from([cla | 0x04, ins, p1, p2, data.length + 8]);
    this.chain = this.cmac.mac(this.chain, h, data);
    return this.chain.subarray(0, 8);
  }
  private icv(response: boolean): Buffer {
    const b = Buffer.alloc(16);
    b.writeUIntBE(this.counter, 10, 6);
    if (response) b[0] = 0x80;
    return aesEcbEncrypt(this.keys.sEnc, b);
  }
  /** Advances the encryption counter: once per command after EXTERNAL AUTHENTICATE. */
  step(): void {
    this.counter++;
  }
  encryptCommand(data: Buffer): Buffer {
    return aesCbcEncrypt(this.keys.sEnc, pad80(data, 16), this.icv(false));
  }
  decryptCommand(data: Buffer): Buffer | null {
    if (data.length === 0 || data.length % 16) return null;
    return unpad80(aesCbcDecrypt(this.keys.sEnc, data, this.icv(false)));
  }
  /** R-MAC over chaining value | response data | SW (the chaining value of the command it answers). */
  rmacOf(data: Buffer, sw: Buffer): Buffer {
    return this.rmac.mac(this.chain, data, sw).subarray(0, 8);
  }
  decryptResponse(data: Buffer): Buffer | null {
    if (data.length === 0 || data.length % 16) return null;
    return unpad80(aesCbcDecrypt(this.keys.sEnc, data, this.icv(true)));
  }
  encryptResponse(data: Buffer): Buffer {
    return aesCbcEncrypt(this.keys.sEnc, pad80(data, 16), this.icv(true));
  }
  wipe(): void {
    this.keys.sEnc.fill(0);
    this.cmac.wipe(); // shares sMac
    this.rmac.wipe(); // shares sRmac
  }
}

export class Scp03HostSession implements ScpCrypto {
  readonly scp = 'SCP03' as const;
  readonly maxData: number;
  private readonly keys: Scp03SessionKeys;
  private readonly ch: Scp03Chain;
  private verified = false;
  private authenticated = false;

  constructor(
    /** The card's static keys, or session keys an HSM computed (the session then owns and zeroes them). */
    statics: { enc: Buffer; mac: Buffer } | Scp03SessionKeys,
    private readonly hostChallenge: Buffer,
    private readonly init: Scp03Init,
    readonly level: SecurityLevel,
    /** EXTERNAL AUTHENTICATE P1 when it differs from the level's (e.g. 11 or 33, adding response protection). */
    private readonly levelByte = SECURITY_LEVEL_BYTE[level],
  ) {
    this.keys = 'sEnc' in statics ? statics : scp03SessionKeys(statics, hostChallenge, init.cardChallenge);
    this.ch = new Scp03Chain(this.keys);
    this.maxData = wrapCapacity('SCP03', level);
  }

  verifyCardCryptogram(): boolean {
    const expected = scp03Cryptogram(this.keys.sMac, SCP03_CONST.CARD_CRYPTOGRAM, this.hostChallenge, this.init.cardChallenge);
    this.verified = sameBytes(expected, this.init.cardCryptogram);
    return this.verified;
  }

  externalAuthenticate(): Buffer {
    if (!this.verified) throw new Error('card cryptogram not verified: refusing to authenticate');
    if (this.authenticated) throw new Error('EXTERNAL AUTHENTICATE already computed for this session');
    this.authenticated = true;
    const host = scp03Cryptogram(this.keys.sMac, SCP03_CONST.HOST_CRYPTOGRAM, this.hostChallenge, this.init.cardChallenge);
    const p1 = this.levelByte;
    const m = this.ch.cmacOf(0x80, 0x82, p1, 0x00, host);
    return encodeApdu({ cla: 0x84, ins: 0x82, p1, p2: 0, data: Buffer.concat([host, m]) });
  }

  wrap(cmd: Command): Buffer {
    if (!this.authenticated) throw new Error('secure channel not open');
    const data = cmd.data ?? Buffer.alloc(0);
    if (data.length > this.maxData) throw new Error(`command data of ${data.length} bytes exceeds ${this.maxData}`);
    this.ch.step();
    const body = this.level === 'CMAC_CDEC' && data.length ? this.ch.encryptCommand(data) : data;
    const m = this.ch.cmacOf(cmd.cla, cmd.ins, cmd.p1, cmd.p2, body);
    return encodeApdu({ cla: cmd.cla | 0x04, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: Buffer.concat([body, m]), le: cmd.le });
  }

  /**
   * Checks and strips R-MAC / R-ENCRYPTION of a response (levels 11/13/33). The station's
   * profiles use no response protection; this is here for the published vectors and for cards
   * that add it.
   */
  unwrapResponse(resp: Buffer, rmac: boolean, renc: boolean): Buffer | null {
    const sw = resp.subarray(resp.length - 2);
    let data = resp.subarray(0, resp.length - 2);
    if (rmac) {
      if (data.length < 8) return null;
      const tag = data.subarray(data.length - 8);
      data = data.subarray(0, data.length - 8);
      if (!sameBytes(this.ch.rmacOf(data, sw), tag)) return null;
    }
    if (renc && data.length) {
      const plain = this.ch.decryptResponse(data);
      if (!plain) return null;
      data = plain;
    }
    return Buffer.concat([data, sw]);
  }

  close(): void {
    this.ch.wipe();
  }
}
