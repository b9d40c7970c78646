import { des3CbcEncrypt, desEcbEncrypt, pad80, sameBytes } from '../crypto/block';
import { des3CbcMac, retailMac } from '../crypto/mac';
import { encodeApdu, type Command } from '../apdu-channel';
import { SECURITY_LEVEL_BYTE, wrapCapacity, type ScpCrypto, type SecurityLevel } from './types';

// GlobalPlatform SCP02 (3DES), "i" = 55: C-MAC on the unmodified APDU (header with CLA bit 3
// set and Lc counting the MAC, plain data), ICV of each command = DES(K1 of S-MAC, previous
// C-MAC), C-DECRYPTION = 3DES-CBC under S-ENC with zero ICV over the data padded 80 00..,
// done after the MAC. Checked against pySim's SCP02 vectors (test-vectors.md §3).

export const SCP02_CONST = { S_ENC: 0x0182, S_MAC: 0x0101, R_MAC: 0x0102, S_DEK: 0x0181 } as const;

export interface Scp02Init {
  kdd: Buffer;
  kvn: number;
  seq: Buffer;
  cardChallenge: Buffer;
  cardCryptogram: Buffer;
}

export function parseScp02Init(r: Buffer): Scp02Init | null {
  if (r.length !== 28 || r[11] !== 0x02) return null;
  return { kdd: r.subarray(0, 10), kvn: r[10], seq: r.subarray(12, 14), cardChallenge: r.subarray(14, 20), cardCryptogram: r.subarray(20, 28) };
}

export function scp02SessionKey(staticKey: Buffer, constant: number, seq: Buffer): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt16BE(constant, 0);
  seq.copy(d, 2);
  return des3CbcEncrypt(staticKey, d);
}

export function scp02CardCryptogram(sEnc: Buffer, hostChallenge: Buffer, seq: Buffer, cardChallenge: Buffer): Buffer {
  return des3CbcMac(sEnc, Buffer.concat([hostChallenge, seq, cardChallenge]));
}

export function scp02HostCryptogram(sEnc: Buffer, seq: Buffer, cardChallenge: Buffer, hostChallenge: Buffer): Buffer {
  return des3CbcMac(sEnc, Buffer.concat([seq, cardChallenge, hostChallenge]));
}

/** The C-MAC chain of one session; the card side uses the same object to verify. */
export class Scp02Mac {
  private last: Buffer | null = null;
  constructor(private readonly sMac: Buffer) {}
  /** C-MAC over header (CLA|04, Lc incl. MAC) + plain data; advances the chain. */
  next(cla: number, ins: number, p1: number, p2: number, data: Buffer): Buffer {
    const m = Buffer.allocUnsafe(5 + data.length);
    m[0] = cla | 0x04;
    m[1] = ins;
    m[2] = p1;
    m[3] = p2;
    m[4] = data.length + 8;
    data.copy(m, 5);
    const icv = this.last ? desEcbEncrypt(this.sMac.subarray(0, 8), this.last) : Buffer.alloc(8);
    this.last = retailMac(this.sMac, m, icv);
    return this.last;
  }
}

export function scp02Encrypt(sEnc: Buffer, data: Buffer): Buffer {
  return des3CbcEncrypt(sEnc, pad80(data, 8));
}

export class Scp02HostSession implements ScpCrypto {
  readonly scp = 'SCP02' as const;
  readonly maxData: number;
  private sEnc: Buffer;
  private sMac: Buffer;
  private mac: Scp02Mac;
  private verified = false;
  private authenticated = false;

  constructor(
    /** The card's static keys, or session keys an HSM computed (the session then owns and zeroes them). */
    keys: { enc: Buffer; mac: Buffer } | { sEnc: Buffer; sMac: Buffer },
    private readonly hostChallenge: Buffer,
    private readonly init: Scp02Init,
    readonly level: SecurityLevel,
  ) {
    this.sEnc = 'sEnc' in keys ? keys.sEnc : scp02SessionKey(keys.enc, SCP02_CONST.S_ENC, init.seq);
    this.sMac = 'sMac' in keys ? keys.sMac : scp02SessionKey(keys.mac, SCP02_CONST.S_MAC, init.seq);
    this.mac = new Scp02Mac(this.sMac);
    this.maxData = wrapCapacity('SCP02', level);
  }

  verifyCardCryptogram(): boolean {
    const expected = scp02CardCryptogram(this.sEnc, this.hostChallenge, this.init.seq, this.init.cardChallenge);
    this.verified = sameBytes(expected, this.init.cardCryptogram);
    return this.verified;
  }

  externalAuthenticate(): Buffer {
    if (!this.verified) throw new Error('card cryptogram not verified: refusing to authenticate');
    if (this.authenticated) throw new Error('EXTERNAL AUTHENTICATE already computed for this session');
    this.authenticated = true;
    const host = scp02HostCryptogram(this.sEnc, this.init.seq, this.init.cardChallenge, this.hostChallenge);
    const p1 = SECURITY_LEVEL_BYTE[this.level];
    const m = this.mac.next(0x80, 0x82, p1, 0x00, host);
    return encodeApdu({ cla: 0x84, ins: 0x82, p1, p2: 0, data: Buffer.concat([host, m]) });
  }

  wrap(cmd: Command): Buffer {
    if (!this.authenticated) throw new Error('secure channel not open');
    const data = cmd.data ?? Buffer.alloc(0);
    if (data.length > this.maxData) throw new Error(`command data of ${data.length} bytes exceeds ${this.maxData}`);
    const m = this.mac.next(cmd.cla, cmd.ins, cmd.p1, cmd.p2, data);
    const body = this.level === 'CMAC_CDEC' && data.length ? scp02Encrypt(this.sEnc, data) : data;
    return encodeApdu({ cla: cmd.cla | 0x04, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: Buffer.concat([body, m]), le: cmd.le });
  }

  close(): void {
    this.sEnc.fill(0);
    this.sMac.fill(0);
  }
}
