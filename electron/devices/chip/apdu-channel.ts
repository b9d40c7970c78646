// The station's view of a card in a reader: one command APDU in, the response out. The PC/SC
// reader service implements it and has already resolved the ISO 7816 transmission details
// (61xx GET RESPONSE chaining, 6Cxx resend with the right Le), so a caller only ever sees the
// final response data followed by SW1 SW2.
export interface ApduChannel {
  transmit(apdu: Buffer, opts?: { timeoutMs?: number }): Promise<Buffer>;
}

/** A short command APDU by parts. `le` undefined = no Le; 256 is sent as 00. */
export interface Command {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Buffer;
  le?: number;
}

export function encodeApdu(c: Command): Buffer {
  const n = c.data?.length ?? 0;
  if (n > 255) throw new Error(`command data of ${n} bytes does not fit a short APDU`);
  const out = Buffer.allocUnsafe(4 + (n ? 1 + n : 0) + (c.le === undefined ? 0 : 1));
  out[0] = c.cla;
  out[1] = c.ins;
  out[2] = c.p1;
  out[3] = c.p2;
  let o = 4;
  if (n) {
    out[o++] = n;
    o += c.data!.copy(out, o);
  }
  if (c.le !== undefined) out[o] = c.le & 0xff;
  return out;
}

/** Splits a response into its data and status word; a response shorter than 2 bytes is malformed. */
export function splitResponse(r: Buffer): { data: Buffer; sw: number } {
  if (r.length < 2) throw new Error(`malformed response of ${r.length} byte(s)`);
  return { data: r.subarray(0, r.length - 2), sw: (r[r.length - 2] << 8) | r[r.length - 1] };
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

const SW_NAMES: Record<number, string> = {
  0x9000: 'ok',
  0x6283: 'selected file invalidated',
  0x6300: 'authentication failed',
  0x6581: 'memory failure',
  0x6700: 'wrong length',
  0x6881: 'logical channel not supported',
  0x6882: 'secure messaging not supported',
  0x6982: 'security status not satisfied',
  0x6983: 'authentication method blocked',
  0x6984: 'referenced data invalidated',
  0x6985: 'conditions of use not satisfied',
  0x6986: 'command not allowed',
  0x6988: 'secure messaging data objects incorrect',
  0x6a80: 'incorrect data',
  0x6a81: 'function not supported',
  0x6a82: 'application not found',
  0x6a83: 'record not found',
  0x6a84: 'not enough memory',
  0x6a86: 'incorrect P1 P2',
  0x6a88: 'referenced data not found',
  0x6d00: 'instruction not supported',
  0x6e00: 'class not supported',
  0x6f00: 'no precise diagnosis',
};

/** A short English name for a status word, for messages (e.g. "6A80 incorrect data"). */
export function swName(sw: number): string {
  const known = SW_NAMES[sw];
  if (known) return known;
  if ((sw & 0xfff0) === 0x63c0) return `verification failed, ${sw & 0x0f} tries left`;
  if ((sw & 0xff00) === 0x6100) return 'more data available';
  if ((sw & 0xff00) === 0x6c00) return 'wrong Le';
  return 'unknown status';
}

export function describeSw(sw: number): string {
  return `${swHex(sw)} ${swName(sw)}`;
}
