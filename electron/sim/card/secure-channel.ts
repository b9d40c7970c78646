import { des3CbcDecrypt, sameBytes, unpad80 } from '../../devices/chip/crypto/block';
import type { StaticKeys } from '../../devices/chip/crypto/diversify';
import { SCP03_CONST } from '../../devices/chip/crypto/kdf';
import { Scp02Mac, scp02CardCryptogram, scp02HostCryptogram, scp02SessionKey, SCP02_CONST } from '../../devices/chip/scp/scp02';
import { Scp03Chain, scp03Cryptogram, scp03SessionKeys } from '../../devices/chip/scp/scp03';
import type { ScpKind } from '../../devices/chip/scp/types';
import { answer, type CardAnswer, type CardCommand } from './apdu';

// The security domain's side of SCP02 / SCP03: answers INITIALIZE UPDATE, checks EXTERNAL
// AUTHENTICATE (C-MAC and host cryptogram), then checks the C-MAC of every command and
// decrypts its data at C-DECRYPTION level. It uses the station's KAT-proven primitives, but
// verifies what it receives on its own: the host wraps, the card unwraps.

export interface CardScpConfig {
  scp: ScpKind;
  statics: StaticKeys;
  kvn: number;
  kdd: Buffer;
  random: (n: number) => Buffer;
}

type Session =
  | { scp: 'SCP02'; sEnc: Buffer; mac: Scp02Mac; seq: Buffer; host: Buffer; card: Buffer }
  | { scp: 'SCP03'; chain: Scp03Chain; sMac: Buffer; host: Buffer; card: Buffer };

const LEVELS = new Set([0x01, 0x03]);

export class CardSecureChannel {
  private session: Session | null = null;
  private open = false;
  private level = 0;
  private seq = 0;

  constructor(private readonly cfg: CardScpConfig) {}

  get isOpen(): boolean {
    return this.open;
  }

  close(): void {
    this.session = null;
    this.open = false;
    this.level = 0;
  }

  initializeUpdate(cmd: CardCommand): CardAnswer {
    this.close();
    if (cmd.p1 !== 0 && cmd.p1 !== this.cfg.kvn) return answer(0x6a88);
    if (cmd.data.length !== 8) return answer(0x6700);
    const host = Buffer.from(cmd.data);
    this.seq = (this.seq + 1) & 0xffff;
    const { statics, kdd, kvn } = this.cfg;
    if (this.cfg.scp === 'SCP02') {
      const seq = Buffer.from([this.seq >> 8, this.seq & 0xff]);
      const card = this.cfg.random(6);
      const sEnc = scp02SessionKey(statics.enc, SCP02_CONST.S_ENC, seq);
      const sMac = scp02SessionKey(statics.mac, SCP02_CONST.S_MAC, seq);
      this.session = { scp: 'SCP02', sEnc, mac: new Scp02Mac(sMac), seq, host, card };
      const crypto = scp02CardCryptogram(sEnc, host, seq, card);
      return answer(0x9000, Buffer.concat([kdd, Buffer.from([kvn, 0x02]), seq, card, crypto]));
    }
    const card = this.cfg.random(8);
    const keys = scp03SessionKeys(statics, host, card);
    this.session = { scp: 'SCP03', chain: new Scp03Chain(keys), sMac: keys.sMac, host, card };
    const crypto = scp03Cryptogram(keys.sMac, SCP03_CONST.CARD_CRYPTOGRAM, host, card);
    const seq = Buffer.from([0, this.seq >> 8, this.seq & 0xff]);
    return answer(0x9000, Buffer.concat([kdd, Buffer.from([kvn, 0x03, 0x70]), card, crypto, seq]));
  }

  /** True when the host proved the keys; the caller counts failures. */
  externalAuthenticate(cmd: CardCommand): { ok: boolean; answer: CardAnswer } {
    const s = this.session;
    if (!s || this.open) return { ok: false, answer: answer(0x6985) };
    if (cmd.cla !== 0x84 || cmd.data.length !== 16) {
      this.close();
      return { ok: false, answer: answer(0x6982) };
    }
    if (!LEVELS.has(cmd.p1)) {
      this.close();
      return { ok: false, answer: answer(0x6a86) };
    }
    const hostCrypto = cmd.data.subarray(0, 8);
    const mac = cmd.data.subarray(8, 16);
    let expectedHost: Buffer;
    let expectedMac: Buffer;
    if (s.scp === 'SCP02') {
      expectedHost = scp02HostCryptogram(s.sEnc, s.seq, s.card, s.host);
      expectedMac = s.mac.next(0x80, cmd.ins, cmd.p1, cmd.p2, hostCrypto);
    } else {
      expectedHost = scp03Cryptogram(s.sMac, SCP03_CONST.HOST_CRYPTOGRAM, s.host, s.card);
      expectedMac = s.chain.cmacOf(0x80, cmd.ins, cmd.p1, cmd.p2, hostCrypto);
    }
    if (!sameBytes(mac, expectedMac) || !sameBytes(hostCrypto, expectedHost)) {
      this.close();
      return { ok: false, answer: answer(0x6300) };
    }
    this.open = true;
    this.level = cmd.p1;
    return { ok: true, answer: answer(0x9000) };
  }

  /** Checks and strips secure messaging; null (and the session closed) when it does not verify. */
  unwrap(cmd: CardCommand): CardCommand | null {
    const s = this.session;
    if (!s || !this.open || !(cmd.cla & 0x04) || cmd.data.length < 8) {
      this.close();
      return null;
    }
    const body = cmd.data.subarray(0, cmd.data.length - 8);
    const mac = cmd.data.subarray(cmd.data.length - 8);
    const cdec = (this.level & 0x02) !== 0 && body.length > 0;
    const plainCla = cmd.cla & ~0x04;
    let plain: Buffer | null = body;
    if (s.scp === 'SCP02') {
      if (cdec) plain = body.length % 8 ? null : unpad80(des3CbcDecrypt(s.sEnc, body));
      const ok = plain !== null && sameBytes(mac, s.mac.next(plainCla, cmd.ins, cmd.p1, cmd.p2, plain));
      if (!ok) plain = null;
    } else {
      s.chain.step();
      if (!sameBytes(mac, s.chain.cmacOf(plainCla, cmd.ins, cmd.p1, cmd.p2, body))) plain = null;
      else if (cdec) plain = s.chain.decryptCommand(body);
    }
    if (!plain) {
      this.close();
      return null;
    }
    return { cla: plainCla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: plain, le: cmd.le };
  }
}
