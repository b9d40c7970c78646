import { randomBytes } from 'node:crypto';
import { diversifyKeys, type Diversification, type KeyAlgorithm } from '../../devices/chip/crypto/diversify';
import type { ScpKind } from '../../devices/chip/scp/types';
import { encodeTlv } from '../../devices/chip/tlv';
import { answer, encodeAnswer, EMPTY, parseCommand, type CardAnswer, type CardCommand } from './apdu';
import { decryptIssuerDgi } from './issuer-dek';
import { PersoApplet } from './perso-applet';
import { CardSecureChannel } from './secure-channel';
import type { VirtualChip } from './types';

// A blank GlobalPlatform card as the chip vendor ships it: an issuer security domain with
// SCP02 or SCP03 static keys diversified from the issuer's master key (KMC) with a KDD derived
// from the card's serial, one or more application instances waiting for personalization, and
// the issuer DEK loaded at pre-personalization (the lead's decision: secret DGIs arrive
// encrypted under it and only the card decrypts them; see electron/devices/chip/dataprep.ts).

/** T=0, no interface bytes beyond TB1/TC1, historical bytes "PSMCARD0". */
export const DEFAULT_ATR = Buffer.from('3B68000050534D4341524430', 'hex');
export const DEFAULT_ISD_AID = 'A000000151000000';
export const DEFAULT_APP_AID = 'A0000000041010';

export const CARD_LIFECYCLE = { SECURED: 0x0f, LOCKED: 0x7f } as const;

export interface CardFaults {
  /** The card leaves the reader when the Nth STORE DATA command (1-based) arrives. */
  removeAtStoreData?: number;
  /** Answer this status word to the STORE DATA block in which this DGI starts. */
  statusOnDgi?: { dgi: string; sw: number };
  /** A slow chip: delay before every answer, and extra for each STORE DATA (EEPROM writes). */
  slow?: { perApduMs?: number; storeDataMs?: number };
}

export interface BlankCardOptions {
  serial: number;
  masterKey: Buffer;
  keyAlgorithm: KeyAlgorithm;
  scp: ScpKind;
  diversification: Diversification;
  issuerDek: Buffer;
  keyVersion?: number;
  atr?: Buffer;
  isdAid?: string;
  applicationAids?: string[];
  /** Failed authentications (INITIALIZE UPDATE not followed by a good EXTERNAL AUTHENTICATE) before the card locks. */
  maxAuthFailures?: number;
  faults?: CardFaults;
  /** Multiplies every simulated delay (0 = none, 0.1 = ten times faster). */
  timeScale?: number;
  /** Answer like a T=0 card: 61xx for data of case-4 commands, 6Cxx for a wrong Le. */
  t0?: boolean;
  onRemoved?: () => void;
  random?: (n: number) => Buffer;
}

export interface BlankCard extends VirtualChip {
  readonly serial: number;
  readonly kdd: Buffer;
  faults: CardFaults;
  onRemoved?: () => void;
  /** Takes the card out of the reader now: every transmit rejects until the next powerOn. */
  remove(): void;
  /** What the chip holds, for the simulator and tests (the station can never read this). */
  inspect(): CardInspection;
}

export interface CardInspection {
  lifecycle: number;
  authFailures: number;
  storeDataCount: number;
  apps: { aid: string; lifecycle: number; dgis: Map<string, Buffer> }[];
}

/** KDD from the serial: fixed IC fabricator/type bytes, the serial at bytes 4–7 (used by emv and visa2), batch 0001. */
export function kddForSerial(serial: number): Buffer {
  const k = Buffer.from([0x47, 0x90, 0x51, 0x67, 0, 0, 0, 0, 0x00, 0x01]);
  k.writeUInt32BE(serial >>> 0, 4);
  return k;
}

class CardRemovedError extends Error {
  readonly code = 'CARD_REMOVED';
  constructor() {
    super('card removed from the reader');
  }
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

class GpBlankCard implements BlankCard {
  readonly serial: number;
  readonly kdd: Buffer;
  faults: CardFaults;
  onRemoved?: () => void;
  private readonly atrBytes: Buffer;
  private readonly isdAid: Buffer;
  private readonly apps: PersoApplet[];
  private readonly channel: CardSecureChannel;
  private readonly dek: Buffer;
  private readonly maxFailures: number;
  private readonly scale: number;
  private readonly t0: boolean;
  private lifecycle: number = CARD_LIFECYCLE.SECURED;
  private authFailures = 0;
  private storeDataCount = 0;
  private powered = false;
  private removed = false;
  private selected: PersoApplet | 'isd' | null = 'isd';
  private persoTarget: PersoApplet | null = null;
  private pending: Buffer = EMPTY;

  constructor(o: BlankCardOptions) {
    this.serial = o.serial;
    this.kdd = kddForSerial(o.serial);
    this.faults = o.faults ?? {};
    this.onRemoved = o.onRemoved;
    this.atrBytes = o.atr ?? DEFAULT_ATR;
    this.isdAid = Buffer.from(o.isdAid ?? DEFAULT_ISD_AID, 'hex');
    this.apps = (o.applicationAids ?? [DEFAULT_APP_AID]).map((a) => new PersoApplet(Buffer.from(a, 'hex')));
    this.dek = Buffer.from(o.issuerDek);
    this.maxFailures = o.maxAuthFailures ?? 3;
    this.scale = o.timeScale ?? 1;
    this.t0 = o.t0 ?? false;
    const statics = diversifyKeys(o.masterKey, o.keyAlgorithm, o.diversification, this.kdd);
    const kvn = o.keyVersion ?? (o.scp === 'SCP02' ? 0x20 : 0x30);
    this.channel = new CardSecureChannel({ scp: o.scp, statics, kvn, kdd: this.kdd, random: o.random ?? randomBytes });
  }

  atr(): Buffer {
    return Buffer.from(this.atrBytes);
  }
  powerOn(): void {
    this.powered = true;
    this.removed = false;
    this.reset();
  }
  powerOff(): void {
    this.powered = false;
    this.reset();
  }
  reset(): void {
    this.channel.close();
    this.selected = 'isd';
    this.persoTarget?.endPersonalization();
    this.persoTarget = null;
    this.pending = EMPTY;
  }
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.powerOff();
    this.onRemoved?.();
  }

  inspect(): CardInspection {
    return {
      lifecycle: this.lifecycle,
      authFailures: this.authFailures,
      storeDataCount: this.storeDataCount,
      apps: this.apps.map((a) => ({ aid: a.aid.toString('hex').toUpperCase(), lifecycle: a.lifecycle, dgis: new Map(a.dgis) })),
    };
  }

  async transmit(apdu: Buffer): Promise<Buffer> {
    if (this.removed) throw new CardRemovedError();
    if (!this.powered) throw Object.assign(new Error('card not powered'), { code: 'NOT_POWERED' });
    const slow = this.faults.slow;
    if (slow?.perApduMs) await sleep(slow.perApduMs * this.scale);
    if (this.removed) throw new CardRemovedError();
    const cmd = parseCommand(apdu);
    if (!cmd) return encodeAnswer(answer(0x6700));
    if ((cmd.ins & 0xfe) === 0xe2 && (cmd.cla & 0xf0) === 0x80) {
      this.storeDataCount++;
      if (this.storeDataCount === this.faults.removeAtStoreData) {
        this.remove();
        throw new CardRemovedError();
      }
      if (slow?.storeDataMs) await sleep(slow.storeDataMs * this.scale);
    }
    return encodeAnswer(this.t0 ? this.t0Answer(cmd) : this.handle(cmd));
  }

  private t0Answer(cmd: CardCommand): CardAnswer {
    if (cmd.cla === 0x00 && cmd.ins === 0xc0) {
      if (!this.pending.length) return answer(0x6985);
      const n = Math.min(cmd.le || 256, this.pending.length);
      const out = this.pending.subarray(0, n);
      this.pending = this.pending.subarray(n);
      return answer(this.pending.length ? 0x6100 | (Math.min(this.pending.length, 256) & 0xff) : 0x9000, out);
    }
    this.pending = EMPTY;
    const a = this.handle(cmd);
    if (a.sw !== 0x9000 || !a.data.length) return a;
    if (cmd.data.length) {
      this.pending = a.data;
      return answer(0x6100 | (a.data.length & 0xff));
    }
    if (cmd.le !== undefined && (cmd.le || 256) !== a.data.length) return answer(0x6c00 | (a.data.length & 0xff));
    return a;
  }

  private handle(cmd: CardCommand): CardAnswer {
    if (cmd.ins === 0xa4 && (cmd.cla & 0xfc) === 0x00) return this.select(cmd);
    if (this.selected === 'isd') return this.isdCommand(cmd);
    if (this.selected) return this.appCommand(this.selected, cmd);
    return answer(0x6985);
  }

  private select(cmd: CardCommand): CardAnswer {
    if (cmd.p1 !== 0x04) return answer(0x6a86);
    this.channel.close();
    this.persoTarget?.endPersonalization();
    this.persoTarget = null;
    const fci = (aid: Buffer) => encodeTlv(0x6f, Buffer.concat([encodeTlv(0x84, aid), encodeTlv(0xa5, encodeTlv(0x9f65, Buffer.from([0xff])))]));
    if (cmd.data.equals(this.isdAid)) {
      this.selected = 'isd';
      return answer(0x9000, fci(this.isdAid));
    }
    const app = this.apps.find((a) => a.aid.equals(cmd.data));
    if (!app || this.lifecycle === CARD_LIFECYCLE.LOCKED) {
      this.selected = null;
      return answer(0x6a82);
    }
    this.selected = app;
    return answer(0x9000, fci(app.aid));
  }

  private isdCommand(raw: CardCommand): CardAnswer {
    if (raw.ins === 0x50 && raw.cla === 0x80) return this.initializeUpdate(raw);
    if (raw.ins === 0x82 && (raw.cla & 0xf0) === 0x80) {
      const r = this.channel.externalAuthenticate(raw);
      if (r.ok) this.authFailures = 0;
      else if (this.authFailures >= this.maxFailures) this.lifecycle = CARD_LIFECYCLE.LOCKED;
      return r.answer;
    }
    if (raw.ins === 0xca && (raw.cla === 0x80 || raw.cla === 0x00) && raw.p1 === 0x9f && raw.p2 === 0x7f) return answer(0x9000, this.cplc());
    if (![0xe6, 0xe2, 0xf2].includes(raw.ins)) return answer(0x6d00);
    // Card content management: only inside an authenticated secure channel.
    const cmd = this.channel.unwrap(raw);
    if (!cmd) return answer(0x6982);
    if (cmd.ins === 0xe6) return this.install(cmd);
    if (cmd.ins === 0xe2) {
      if (!this.persoTarget) return answer(0x6985);
      const f = this.faults.statusOnDgi;
      const sw = this.persoTarget.storeData(cmd.p1, cmd.p2, cmd.data, {
        decrypt: (c) => decryptIssuerDgi(c, this.dek),
        rejectDgi: f ? (tag) => (tag === f.dgi.toUpperCase() ? f.sw : undefined) : undefined,
      });
      return answer(sw);
    }
    return this.getStatus(cmd);
  }

  private initializeUpdate(cmd: CardCommand): CardAnswer {
    if (this.lifecycle === CARD_LIFECYCLE.LOCKED) return answer(0x6983);
    if (this.authFailures >= this.maxFailures) {
      this.lifecycle = CARD_LIFECYCLE.LOCKED;
      return answer(0x6983);
    }
    const a = this.channel.initializeUpdate(cmd);
    // Counted as a failure until EXTERNAL AUTHENTICATE succeeds, so probing cryptograms locks the card.
    if (a.sw === 0x9000) this.authFailures++;
    return a;
  }

  private install(cmd: CardCommand): CardAnswer {
    if (cmd.p1 !== 0x20) return answer(0x6a86);
    const d = cmd.data;
    let o = 0;
    for (let skip = 0; skip < 2; skip++) o += 1 + (d[o] ?? 0);
    const n = d[o];
    if (n === undefined || o + 1 + n > d.length) return answer(0x6a80);
    const aid = d.subarray(o + 1, o + 1 + n);
    const app = this.apps.find((a) => a.aid.equals(aid));
    if (!app) return answer(0x6a88);
    const sw = app.beginPersonalization();
    if (sw === 0x9000) this.persoTarget = app;
    return answer(sw);
  }

  private getStatus(cmd: CardCommand): CardAnswer {
    if ((cmd.p2 & 0x02) === 0) return answer(0x6a86);
    const entry = (aid: Buffer, lc: number, priv: number) =>
      encodeTlv(0xe3, Buffer.concat([encodeTlv(0x4f, aid), encodeTlv(0x9f70, Buffer.from([lc])), encodeTlv(0xc5, Buffer.from([priv]))]));
    if (cmd.p1 === 0x80) return answer(0x9000, entry(this.isdAid, this.lifecycle, 0x9e));
    if (cmd.p1 !== 0x40) return answer(0x6a86);
    const filter = cmd.data.length >= 2 && cmd.data[0] === 0x4f ? cmd.data.subarray(2, 2 + cmd.data[1]) : EMPTY;
    const hits = this.apps.filter((a) => !filter.length || a.aid.equals(filter));
    if (!hits.length) return answer(0x6a88);
    return answer(0x9000, Buffer.concat(hits.map((a) => entry(a.aid, a.lifecycle, 0x00))));
  }

  private appCommand(app: PersoApplet, cmd: CardCommand): CardAnswer {
    if (cmd.ins === 0xb2 && cmd.cla === 0x00) {
      if ((cmd.p2 & 0x07) !== 0x04 || cmd.p1 === 0) return answer(0x6a86);
      const rec = app.readRecord(cmd.p2 >> 3, cmd.p1);
      return rec ? answer(0x9000, rec) : answer(0x6a83);
    }
    if (cmd.ins === 0xca && (cmd.cla === 0x80 || cmd.cla === 0x00)) {
      const v = app.getData((cmd.p1 << 8) | cmd.p2);
      return v ? answer(0x9000, v) : answer(0x6a88);
    }
    return answer(0x6d00);
  }

  private cplc(): Buffer {
    const c = Buffer.alloc(42);
    this.kdd.copy(c, 0, 0, 4);
    c.writeUInt32BE(this.serial >>> 0, 12);
    return encodeTlv(0x9f7f, c);
  }
}

export function createBlankCard(o: BlankCardOptions): BlankCard {
  return new GpBlankCard(o);
}
