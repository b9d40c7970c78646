// The parts of ISO/IEC 7816-4 transmission a PC/SC host has to do itself: 61xx (more data:
// GET RESPONSE) and 6Cxx (wrong Le: send the command again with Le = xx). Pure functions.

/** GET RESPONSE for the given Le (0 = 256), on the basic or logical channel of the original command. */
export function getResponse(cla: number, le: number): Buffer {
  // Proprietary classes (b8 set, e.g. 80/84 for GlobalPlatform) fetch with CLA 00; interindustry
  // classes keep their logical channel bits and drop secure messaging.
  const c = cla & 0x80 ? 0x00 : cla & 0x40 ? cla & 0x4f : cla & 0x03;
  return Buffer.from([c, 0xc0, 0x00, 0x00, le & 0xff]);
}

/** The same command with its short Le set to `le` (added when the command had none). */
export function withLe(apdu: Buffer, le: number): Buffer {
  const n = apdu.length;
  if (n <= 4) return Buffer.concat([apdu.subarray(0, 4), Buffer.from([le & 0xff])]);
  if (n === 5) return Buffer.from([apdu[0], apdu[1], apdu[2], apdu[3], le & 0xff]);
  const b4 = apdu[4];
  if (b4 !== 0) {
    // Short Lc: case 3 (no Le) gets one, case 4 has its Le replaced.
    if (n === 5 + b4) return Buffer.concat([apdu, Buffer.from([le & 0xff])]);
    const out = Buffer.from(apdu);
    out[n - 1] = le & 0xff;
    return out;
  }
  // Extended length: case 2E (00 Le Le) or case 4E (00 Lc Lc data Le Le): rewrite the 2-byte Le.
  const out = Buffer.from(apdu);
  if (n === 7) {
    out[5] = 0;
    out[6] = le & 0xff;
    return out;
  }
  const lc = (apdu[5] << 8) | apdu[6];
  if (n === 7 + lc) return Buffer.concat([apdu, Buffer.from([0x00, le & 0xff])]);
  out[n - 2] = 0;
  out[n - 1] = le & 0xff;
  return out;
}

/** Room for the longest answer this command can get: 256 + SW for short APDUs, 65536 + SW for extended. */
export function maxResponseFor(apdu: Buffer): number {
  return apdu.length > 5 && apdu[4] === 0 ? 65538 : 258;
}

/** "INS A4 (CLA 00)" names a command in a message without any of its data. */
export function commandName(apdu: Buffer): string {
  const h = (b: number | undefined) => (b ?? 0).toString(16).toUpperCase().padStart(2, '0');
  return `command INS ${h(apdu[1])} (CLA ${h(apdu[0])})`;
}
