import type { VirtualChip } from '../../electron/sim/card/types';

// A minimal VirtualChip for the PC/SC tests and the APDU bench: enough card to exercise the
// ISO 7816-4 transmission rules without the GlobalPlatform card.
//   00 A4 04 00 Lc AID [Le]  SELECT: FCI 6F/84 with the AID (in T=0 mode: 61xx, then GET RESPONSE)
//   80 EE 00 00 Lc data [Le] ECHO: the data back, 9000
//   80 CA 00 n  Le           GET DATA of a fixed n-byte object (n = 0 means 256): 6C n when Le ≠ n
//   80 CB hi lo 00           a (hi·256+lo)-byte answer served through 61xx / GET RESPONSE
//   00 C0 00 00 Le           GET RESPONSE
// Data bytes are the pattern i & 0xFF, so a test can check chained answers byte for byte.

export interface EchoChipOptions {
  atr?: Buffer;
  /** Delay before each answer (ms), like a slow chip. */
  delayMs?: number;
  /** Answer SELECT like a T=0 card: 61xx first. */
  t0?: boolean;
}

/** A valid T=1 ATR: TS 3B, T0 80, TD1 80, TD2 01, TCK 01. */
export const ECHO_ATR = Buffer.from('3B80800101', 'hex');

export function pattern(n: number, from = 0): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (from + i) & 0xff;
  return b;
}

const sw = (a: number, b: number) => Buffer.from([a, b]);
const ok = (data: Buffer) => Buffer.concat([data, sw(0x90, 0x00)]);

export class EchoChip implements VirtualChip {
  /** Every APDU the chip received, in order. */
  readonly commands: Buffer[] = [];
  powerOns = 0;
  powerOffs = 0;
  resets = 0;
  powered = false;
  delayMs: number;
  /** While set, transmit never answers (a hung card). */
  hang = false;
  /** Called with each command before it is answered (tests pull the card from here). */
  onCommand?: (apdu: Buffer, index: number) => void;
  private readonly atrBytes: Buffer;
  private readonly t0: boolean;
  private pending: Buffer | null = null;
  private pendingAt = 0;

  constructor(o: EchoChipOptions = {}) {
    this.atrBytes = o.atr ?? ECHO_ATR;
    this.delayMs = o.delayMs ?? 0;
    this.t0 = !!o.t0;
  }

  atr(): Buffer {
    return this.atrBytes;
  }
  powerOn(): void {
    this.powered = true;
    this.powerOns++;
  }
  powerOff(): void {
    this.powered = false;
    this.powerOffs++;
    this.pending = null;
  }
  reset(): void {
    this.resets++;
    this.powered = true;
    this.pending = null;
  }

  async transmit(apdu: Buffer): Promise<Buffer> {
    this.commands.push(apdu);
    this.onCommand?.(apdu, this.commands.length - 1);
    if (this.hang) return new Promise<Buffer>(() => {});
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.answer(apdu);
  }

  /** The answer without any delay (the vpcd bench card calls it directly). */
  answer(apdu: Buffer): Buffer {
    if (apdu.length < 4) return sw(0x67, 0x00);
    const [cla, ins, p1, p2] = apdu;
    const lc = apdu.length > 5 ? apdu[4] : 0;
    const data = apdu.subarray(5, 5 + lc);
    if (ins === 0xc0 && cla === 0x00) return this.getResponse(apdu.length > 4 ? apdu[4] || 256 : 256);
    this.pending = null;
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) {
      const fci = Buffer.concat([Buffer.from([0x6f, data.length + 2, 0x84, data.length]), data]);
      return this.t0 ? this.serve(fci) : ok(fci);
    }
    if (cla === 0x80 && ins === 0xee) return ok(Buffer.from(data));
    if (cla === 0x80 && ins === 0xca) {
      const n = p2 || 256;
      const le = apdu.length === 5 ? apdu[4] || 256 : apdu.length > 5 + lc ? apdu[apdu.length - 1] || 256 : -1;
      return le === n ? ok(pattern(n)) : sw(0x6c, n & 0xff);
    }
    if (cla === 0x80 && ins === 0xcb) return this.serve(pattern((p1 << 8) | p2));
    return sw(0x6d, 0x00);
  }

  private serve(data: Buffer): Buffer {
    if (!data.length) return sw(0x90, 0x00);
    this.pending = data;
    this.pendingAt = 0;
    return sw(0x61, Math.min(256, data.length) & 0xff);
  }

  private getResponse(le: number): Buffer {
    const p = this.pending;
    if (!p) return sw(0x69, 0x85);
    const chunk = p.subarray(this.pendingAt, this.pendingAt + le);
    this.pendingAt += chunk.length;
    const left = p.length - this.pendingAt;
    if (left <= 0) {
      this.pending = null;
      return ok(Buffer.from(chunk));
    }
    return Buffer.concat([chunk, sw(0x61, Math.min(256, left) & 0xff)]);
  }
}
