import type { BindingError, BindingReader, CardProtocol, Disposition } from './binding';
import { SCARD } from './codes';
import { PcscError, pcscErrorFrom } from './errors';
import { commandName, getResponse, maxResponseFor, withLe } from './iso7816';

// A card connected for this station's exclusive use: the ApduChannel the chip code talks to.
// It applies the ISO 7816-4 transmission rules (61xx GET RESPONSE chaining, 6Cxx resend) so
// callers see final answers only, times out every APDU, and turns every failure into a typed
// PcscError. Once the card, the reader or the service is gone, or an APDU timed out (the
// native call may still be running), the channel is dead and fails fast.

export interface ChannelHooks {
  /**
   * Whether the card left the reader, waiting up to `ms` for the reader to notice: drivers
   * report a card pulled mid-command in several ways (vpcd: an empty answer, or "not
   * transacted"), and the presence poll may not have seen it yet.
   */
  cardGone(ms: number): Promise<boolean>;
  /** The channel is finished (closed or dead): the reader is free again. */
  released(ch: CardChannel, err: PcscError | null): void;
}

const MAX_CHAIN = 256;
/** How long a doubtful failure waits for the reader to report the card gone (pcscd polls every 400 ms). */
const REMOVAL_SETTLE_MS = 900;
const CLOSE_TIMEOUT_MS = 2000;

export class CardChannel {
  private dead: PcscError | null = null;
  private busy = false;
  private queue: (() => void)[] = [];
  private pending: ((e: PcscError) => void) | null = null;
  private closing: Promise<void> | null = null;
  private released = false;

  constructor(
    private readonly br: BindingReader,
    readonly reader: string,
    readonly atr: Buffer,
    readonly protocol: CardProtocol,
    private readonly timeoutMs: number,
    private readonly hooks: ChannelHooks,
  ) {}

  get alive(): boolean {
    return !this.dead && !this.closing;
  }

  /** One command APDU in, the final response (data + SW1 SW2) out. */
  async transmit(apdu: Buffer, opts?: { timeoutMs?: number }): Promise<Buffer> {
    if (this.dead) throw this.dead;
    if (this.closing) throw new PcscError('PROTOCOL', `${this.reader}: transmit on a closed channel`, undefined, this.reader);
    if (apdu.length < 4) throw new PcscError('PROTOCOL', `${this.reader}: command of ${apdu.length} byte(s) is not an APDU`, undefined, this.reader);
    if (this.busy) await new Promise<void>((r) => this.queue.push(r));
    this.busy = true;
    try {
      const ms = opts?.timeoutMs ?? this.timeoutMs;
      const r = await this.send(apdu, ms);
      const sw1 = r[r.length - 2];
      return sw1 === 0x61 || sw1 === 0x6c ? await this.chain(apdu, r, ms) : r;
    } finally {
      this.busy = false;
      const next = this.queue.shift();
      if (next) next();
    }
  }

  /** Ends the session (default: power the card down) and frees the reader. Never throws. */
  close(disposition: Disposition = 'unpower'): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (!this.dead || this.dead.code === 'TIMEOUT') {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          this.br.disconnect(disposition).catch(() => undefined),
          new Promise<void>((r) => (timer = setTimeout(r, CLOSE_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
      }
      this.release();
    })();
    return this.closing;
  }

  /** The service saw the card, the reader or the daemon go: fail now, in flight included. */
  kill(err: PcscError): void {
    if (!this.dead) this.dead = err;
    const p = this.pending;
    this.pending = null;
    if (p) p(err);
    if (!this.closing) {
      this.closing = Promise.resolve();
      this.br.disconnect('leave').catch(() => undefined);
    }
    this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.hooks.released(this, this.dead);
  }

  private async chain(apdu: Buffer, first: Buffer, ms: number): Promise<Buffer> {
    let r = first;
    let cmd = apdu;
    const parts: Buffer[] = [];
    for (let i = 0; i < MAX_CHAIN; i++) {
      const sw1 = r[r.length - 2];
      const sw2 = r[r.length - 1];
      if (sw1 === 0x6c) {
        cmd = withLe(cmd, sw2);
        r = await this.send(cmd, ms);
        continue;
      }
      if (sw1 !== 0x61) {
        if (!parts.length) return r;
        parts.push(r);
        return Buffer.concat(parts);
      }
      parts.push(r.subarray(0, r.length - 2));
      cmd = getResponse(apdu[0], sw2);
      r = await this.send(cmd, ms);
    }
    throw this.fail(new PcscError('PROTOCOL', `${this.reader}: ${commandName(apdu)}: more than ${MAX_CHAIN} GET RESPONSE/6Cxx rounds`, undefined, this.reader));
  }

  private send(apdu: Buffer, ms: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending !== reject) return;
        this.pending = null;
        reject(this.fail(new PcscError('TIMEOUT', `${this.reader}: no answer to ${commandName(apdu)} within ${ms} ms`, undefined, this.reader)));
      }, ms);
      this.pending = reject;
      this.br.transmit(apdu, maxResponseFor(apdu), (err, resp) => {
        if (this.pending !== reject) return; // settled by the timeout or kill()
        this.pending = null;
        clearTimeout(timer);
        if (!err && resp!.length >= 2) return resolve(resp!);
        const e = err ? pcscErrorFrom(err, commandName(apdu), this.reader) : new PcscError('PROTOCOL', `${this.reader}: ${commandName(apdu)}: answer of ${resp!.length} byte(s) has no status word`, undefined, this.reader);
        if (!this.doubtful(e)) return reject(this.fail(e));
        this.hooks.cardGone(REMOVAL_SETTLE_MS).then(
          (gone) => reject(this.fail(gone ? new PcscError('CARD_REMOVED', `${this.reader}: card removed during ${commandName(apdu)}`, e.pcscCode, this.reader) : e)),
          () => reject(this.fail(e)),
        );
      });
    });
  }

  /** Failures that may just be a card pulled out mid-command. */
  private doubtful(e: PcscError): boolean {
    return e.code === 'NO_CARD' || (e.code === 'PROTOCOL' && (e.pcscCode === undefined || e.pcscCode === SCARD.E_NOT_TRANSACTED || e.pcscCode === SCARD.W_RESET_CARD));
  }

  private fail(e: PcscError): PcscError {
    if (e.code === 'CARD_REMOVED' || e.code === 'READER_GONE' || e.code === 'NO_SERVICE' || e.code === 'TIMEOUT') {
      if (!this.dead) this.dead = e;
    }
    return e;
  }
}
