// What a reader (the in-process PC/SC binding, or a vpcd client) needs from a simulated chip.
// transmit is async so a card can take as long as a real one (a slow card emulates 5–20 s).
export interface VirtualChip {
  atr(): Buffer;
  powerOn(): void;
  powerOff(): void;
  reset(): void;
  /** A command APDU in, the response (data + SW1 SW2) out. */
  transmit(apdu: Buffer): Promise<Buffer>;
}
