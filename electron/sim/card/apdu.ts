// Command APDU parsing and response building on the card side (short APDUs only).

export interface CardCommand {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Buffer;
  /** Le as sent (0 means 256); undefined when the command has none. */
  le?: number;
}

export function parseCommand(b: Buffer): CardCommand | null {
  if (b.length < 4) return null;
  const head = { cla: b[0], ins: b[1], p1: b[2], p2: b[3] };
  if (b.length === 4) return { ...head, data: Buffer.alloc(0) };
  if (b.length === 5) return { ...head, data: Buffer.alloc(0), le: b[4] };
  const lc = b[4];
  if (lc === 0 || b.length < 5 + lc || b.length > 6 + lc) return null;
  return { ...head, data: b.subarray(5, 5 + lc), le: b.length === 6 + lc ? b[5 + lc] : undefined };
}

export interface CardAnswer {
  data: Buffer;
  sw: number;
}

export const EMPTY = Buffer.alloc(0);

export function answer(sw: number, data: Buffer = EMPTY): CardAnswer {
  return { data, sw };
}

export function encodeAnswer(a: CardAnswer): Buffer {
  const out = Buffer.allocUnsafe(a.data.length + 2);
  a.data.copy(out, 0);
  out[a.data.length] = a.sw >> 8;
  out[a.data.length + 1] = a.sw & 0xff;
  return out;
}
