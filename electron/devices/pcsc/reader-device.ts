import type { DeviceStatus } from '../../../shared/domain/device';
import { StatusHolder, type Device } from '../device';
import { deviceNote } from '../../../shared/domain/status-notes';
import type { CardChannel } from './card-channel';
import { pcscCodeName } from './codes';
import { PcscError } from './errors';
import type { ConnectOptions, ReaderService, ReaderServiceEvent, WaitOptions } from './reader-service';

// One chip head as the station sees it: the reader its config names by a part of the reader
// name (e.g. "OMNIKEY 5422 00" or "Virtual PCD 00 01"), shown on the device panel with a status
// in plain words, and the way the chip step reaches its card.

export interface ReaderDeviceOptions {
  /** Device id from the station config, e.g. "chip-1". */
  id: string;
  /** A part of the PC/SC reader name. */
  match: string;
  /** Name on the device panel (default: the match). */
  name?: string;
}

export class ReaderDevice implements Device {
  readonly kind = 'reader' as const;
  readonly id: string;
  readonly match: string;
  private readonly holder: StatusHolder;
  private off: (() => void) | null = null;
  /** The last channel failure that says something about the card or reader, until the card changes. */
  private fault: PcscError | null = null;
  private inserted = 0;

  constructor(
    private readonly service: ReaderService,
    o: ReaderDeviceOptions,
  ) {
    this.id = o.id;
    this.match = o.match;
    this.holder = new StatusHolder(o.id, 'reader', o.name ?? o.match);
  }

  status(): DeviceStatus {
    return this.holder.get();
  }

  onStatus(cb: (s: DeviceStatus) => void): () => void {
    return this.holder.on(cb);
  }

  async start(): Promise<void> {
    if (!this.off) this.off = this.service.on((e) => this.onEvent(e));
    await this.service.start();
    this.refresh();
  }

  async close(): Promise<void> {
    this.off?.();
    this.off = null;
    this.holder.say('offline', deviceNote('closed'), 'closed');
  }

  /** How many card insertions this head has seen: a new card is one seen inserted after the last one used. */
  get insertions(): number {
    return this.inserted;
  }

  /** The PC/SC name of the reader this device is, or null when none (or more than one) matches. */
  readerName(): string | null {
    const m = this.service.match(this.match);
    return m.length === 1 ? m[0] : null;
  }

  /** Waits for the reader to be there and hold a card. */
  async waitForCard(o: WaitOptions = {}): Promise<{ reader: string; atr: Buffer }> {
    const deadline = o.timeoutMs === undefined ? undefined : Date.now() + o.timeoutMs;
    const left = () => (deadline === undefined ? undefined : Math.max(0, deadline - Date.now()));
    const reader = await this.service.waitForReader(this.match, { signal: o.signal, timeoutMs: left() });
    return this.service.waitForCard(reader, { signal: o.signal, timeoutMs: left() });
  }

  async waitForCardRemoved(o: WaitOptions = {}): Promise<void> {
    const name = this.readerName();
    if (name) await this.service.waitForCardRemoved(name, o);
  }

  /** Connects to the card in this reader (exclusive by default). */
  connect(o?: ConnectOptions): Promise<CardChannel> {
    const name = this.readerName();
    if (!name) {
      const n = this.service.match(this.match).length;
      const code = !this.service.serviceUp ? 'NO_SERVICE' : 'READER_GONE';
      const why = n > 1 ? `${n} readers match "${this.match}"` : `no reader matching "${this.match}"`;
      return Promise.reject(new PcscError(code, `${this.id}: ${why}`, undefined, this.id));
    }
    return this.service.connect(name, o);
  }

  private onEvent(e: ReaderServiceEvent): void {
    if (e.type === 'card-inserted' || e.type === 'card-removed') {
      if (e.reader === this.readerName()) {
        this.fault = null;
        if (e.type === 'card-inserted') this.inserted++;
      }
    } else if (e.type === 'channel' && !e.open && e.error && (e.error.code === 'TIMEOUT' || e.error.code === 'PROTOCOL')) {
      if (e.reader === this.readerName()) this.fault = e.error;
    }
    this.refresh();
  }

  private refresh(): void {
    const h = this.holder;
    const s = this.service;
    if (!s.isStarted) return h.say('offline', deviceNote('notStarted'), 'not started');
    if (!s.serviceUp) {
      const code = s.lastError?.pcscCode;
      const why = code === undefined ? '' : ` (${pcscCodeName(code)})`;
      return h.say('offline', deviceNote('reader.noService'), `PC/SC service not available${why}`, 'Start the PC/SC service (pcscd); the station reconnects by itself.');
    }
    const names = s.match(this.match);
    if (names.length === 0) return h.say('offline', deviceNote('reader.missing', { match: this.match }), `No reader named like "${this.match}" is connected`, 'Plug the reader in, or correct its name in the station config.');
    if (names.length > 1) return h.say('error', deviceNote('reader.many', { count: names.length, match: this.match }), `${names.length} readers are named like "${this.match}"`, 'Use a longer part of the reader name in the station config.');
    const r = s.reader(names[0])!;
    if (r.inUse) return h.say('busy', deviceNote('reader.inUse'), 'Card in use');
    if (this.fault?.code === 'TIMEOUT') return h.say('error', deviceNote('reader.timeout'), 'The last card did not answer in time', 'Take the card out; if it happens again, check the reader and its cable.');
    if (this.fault) return h.say('error', deviceNote('reader.protocol'), 'The last card answered out of protocol', 'Take the card out; if it happens again, check the card stock.');
    if (r.mute) return h.say('error', deviceNote('reader.mute'), 'The card in the reader does not answer', 'Take the card out and check its chip side and orientation.');
    if (r.present) return h.say('online', deviceNote('reader.present'), 'Card present');
    h.say('online', deviceNote('reader.empty'), 'Ready, no card');
  }
}
