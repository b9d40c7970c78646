import { readDgiHeader, STORE_P1 } from '../../devices/chip/dgi';
import { encodeTlv, findTag } from '../../devices/chip/tlv';

// An application instance that takes its data in DGI form through its security domain
// (STORE DATA after INSTALL [for personalization]) and serves it back the EMV way: DGI SSRR
// (SFI 1–30, record 1–255) is record RR of file SFI SS for READ RECORD; secret DGIs (8000 and
// up) are kept for the card's own use and never read out.

export const APP_LIFECYCLE = { SELECTABLE: 0x07, PERSONALIZED: 0x0f } as const;

export interface StoreHooks {
  /** Decrypts an issuer-encrypted DGI; null when it does not decrypt. */
  decrypt(cipher: Buffer): Buffer | null;
  /** A status word to answer instead of storing this DGI (fault injection). */
  rejectDgi?(tag: string): number | undefined;
}

function hex4(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(4, '0');
}

function isRecordDgi(tag: number): boolean {
  return tag >> 8 >= 1 && tag >> 8 <= 30 && (tag & 0xff) >= 1;
}

export class PersoApplet {
  lifecycle: number = APP_LIFECYCLE.SELECTABLE;
  /** Stored DGIs by tag, plaintext (the card decrypted the encrypted ones). */
  readonly dgis = new Map<string, Buffer>();
  private perso: { next: number; pending: Buffer; pendingEncrypted: boolean } | null = null;

  constructor(readonly aid: Buffer) {}

  beginPersonalization(): number {
    if (this.lifecycle === APP_LIFECYCLE.PERSONALIZED) return 0x6985;
    this.perso = { next: 0, pending: Buffer.alloc(0), pendingEncrypted: false };
    return 0x9000;
  }

  endPersonalization(): void {
    this.perso = null;
  }

  storeData(p1: number, p2: number, data: Buffer, hooks: StoreHooks): number {
    const st = this.perso;
    if (!st) return 0x6985;
    if (p2 !== (st.next & 0xff)) return 0x6a86;
    if ((p1 & 0x18) !== STORE_P1.DGI_FORMAT) return 0x6a86;
    const encBits = p1 & 0x60;
    if (encBits !== 0 && encBits !== STORE_P1.ENCRYPTED) return 0x6a86;
    const encrypted = encBits === STORE_P1.ENCRYPTED;
    if (st.pending.length && st.pendingEncrypted !== encrypted) return 0x6a80;

    const buf = st.pending.length ? Buffer.concat([st.pending, data]) : data;
    const complete: [string, Buffer][] = [];
    let off = 0;
    for (;;) {
      const h = readDgiHeader(buf, off);
      if (!h) break;
      const tag = hex4(h.tag);
      if (off >= st.pending.length || st.pending.length - off < h.headerLength) {
        const sw = hooks.rejectDgi?.(tag);
        if (sw !== undefined) return sw;
      }
      const end = off + h.headerLength + h.length;
      if (end > buf.length) break;
      let value = buf.subarray(off + h.headerLength, end);
      if (encrypted) {
        const plain = hooks.decrypt(value);
        if (!plain) return 0x6a80;
        value = plain;
      }
      complete.push([tag, Buffer.from(value)]);
      off = end;
    }
    const last = (p1 & STORE_P1.LAST_BLOCK) !== 0;
    if (last && off !== buf.length) return 0x6a80;
    for (const [tag, value] of complete) this.dgis.set(tag, value);
    st.pending = Buffer.from(buf.subarray(off));
    st.pendingEncrypted = encrypted;
    st.next++;
    if (last) {
      this.lifecycle = APP_LIFECYCLE.PERSONALIZED;
      this.perso = null;
    }
    return 0x9000;
  }

  readRecord(sfi: number, record: number): Buffer | null {
    const tag = (sfi << 8) | record;
    return isRecordDgi(tag) ? (this.dgis.get(hex4(tag)) ?? null) : null;
  }

  /** GET DATA of a primitive tag found in a record (never in a secret DGI). */
  getData(tag: number): Buffer | null {
    for (const [dgi, value] of this.dgis) {
      if (!isRecordDgi(parseInt(dgi, 16))) continue;
      const v = findTag(value, tag);
      if (v) return encodeTlv(tag, v);
    }
    return null;
  }
}
