import type { ApduChannel } from '../../../electron/devices/chip/apdu-channel';
import type { VirtualChip } from '../../../electron/sim/card/types';

// An in-memory reader for tests: wraps a VirtualChip as the PC/SC reader service would, doing
// the ISO 7816 transmission rules (61xx → GET RESPONSE, 6Cxx → resend with Le) itself, and
// recording every command on the wire so tests can count them by INS.
export interface MemoryChannel extends ApduChannel {
  /** Every APDU sent to the card, including GET RESPONSE and 6C resends. */
  readonly wire: Buffer[];
  /** Every response from the card, as received. */
  readonly responses: Buffer[];
  count(ins: number): number;
}

export function createMemoryChannel(chip: VirtualChip): MemoryChannel {
  const wire: Buffer[] = [];
  const responses: Buffer[] = [];
  const send = async (apdu: Buffer) => {
    wire.push(Buffer.from(apdu));
    const r = await chip.transmit(apdu);
    responses.push(Buffer.from(r));
    return r;
  };
  return {
    wire,
    responses,
    count: (ins) => wire.filter((a) => a[1] === ins).length,
    async transmit(apdu) {
      let r = await send(apdu);
      let sw1 = r[r.length - 2];
      if (sw1 === 0x6c) {
        const again = Buffer.from(apdu);
        again[again.length - 1] = r[r.length - 1];
        r = await send(again);
        sw1 = r[r.length - 2];
      }
      const chunks: Buffer[] = [];
      while (sw1 === 0x61) {
        r = await send(Buffer.from([0x00, 0xc0, 0x00, 0x00, r[r.length - 1]]));
        chunks.push(r.subarray(0, r.length - 2));
        sw1 = r[r.length - 2];
      }
      return chunks.length ? Buffer.concat([...chunks, r.subarray(r.length - 2)]) : r;
    },
  };
}
