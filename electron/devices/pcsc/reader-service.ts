import type { BindingContext, BindingError, BindingReader, CardProtocol, PcscBinding, ReaderStatus, ShareMode } from './binding';
import { CardChannel } from './card-channel';
import { classifyPcscCode, SCARD } from './codes';
import { PcscError, pcscErrorFrom } from './errors';

// The station's PC/SC reader service, over any binding. It keeps an up-to-date picture of the
// readers and their cards, re-establishes the PC/SC context by itself (with backoff) whenever
// the daemon stops, restarts or a reader watcher fails — the known pain points of PC/SC on
// Linux — and hands out exclusive card channels for personalization, one per reader, several
// readers at once.

export interface ReaderServiceOptions {
  binding: PcscBinding;
  /** Default answer timeout of every APDU (a channel's transmit can override it). */
  apduTimeoutMs?: number;
  /** Timeout of a connect to a card. */
  connectTimeoutMs?: number;
  /** Backoff between attempts to establish a context while the service is down. */
  retry?: { initialMs?: number; maxMs?: number };
}

export type ReaderServiceEvent =
  | { type: 'service'; up: boolean; error?: PcscError }
  | { type: 'reader-added'; reader: string }
  | { type: 'reader-removed'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: Buffer }
  | { type: 'card-removed'; reader: string }
  | { type: 'card-mute'; reader: string }
  | { type: 'channel'; reader: string; open: boolean; error?: PcscError };

export interface ReaderInfo {
  name: string;
  present: boolean;
  mute: boolean;
  atr: Buffer | null;
  inUse: boolean;
}

export interface WaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ConnectOptions {
  share?: ShareMode;
  protocols?: CardProtocol[];
  timeoutMs?: number;
  /** Default APDU timeout of this channel. */
  apduTimeoutMs?: number;
}

interface Entry {
  name: string;
  br: BindingReader;
  status: ReaderStatus;
  /** False until the reader's first status arrived. */
  known: boolean;
  channel: CardChannel | null;
}

const EMPTY: ReaderStatus = { present: false, mute: false, atr: null };

export class ReaderService {
  private readonly binding: PcscBinding;
  private readonly apduTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly retryInitial: number;
  private readonly retryMax: number;
  private ctx: BindingContext | null = null;
  /** Bumped with every context, so events of a dropped context are ignored. */
  private gen = 0;
  private up = false;
  private downAnnounced = false;
  private started = false;
  private closed = false;
  private error: PcscError | null = null;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(e: ReaderServiceEvent) => void>();
  private readonly watchers = new Set<() => void>();

  constructor(o: ReaderServiceOptions) {
    this.binding = o.binding;
    this.apduTimeoutMs = o.apduTimeoutMs ?? 10_000;
    this.connectTimeoutMs = o.connectTimeoutMs ?? 5_000;
    this.retryInitial = o.retry?.initialMs ?? 100;
    this.retryMax = o.retry?.maxMs ?? 2_000;
    this.retryMs = this.retryInitial;
  }

  /** Establishes the context (or keeps trying in the background); resolves after the first attempt. */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    this.establish();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const closing = [...this.entries.values()].map((e) => e.channel?.close('leave'));
    await Promise.all(closing);
    this.dropContext(new PcscError('NO_SERVICE', 'reader service closed'));
    this.kick();
  }

  get isStarted(): boolean {
    return this.started && !this.closed;
  }

  /** Whether a PC/SC context is established now. */
  get serviceUp(): boolean {
    return this.up;
  }

  /** Why the service is down (null while it is up). */
  get lastError(): PcscError | null {
    return this.error;
  }

  on(cb: (e: ReaderServiceEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  readers(): ReaderInfo[] {
    return [...this.entries.values()].map(info);
  }

  reader(name: string): ReaderInfo | undefined {
    const e = this.entries.get(name);
    return e && info(e);
  }

  /** Reader names containing `part` (how the station config names a reader). */
  match(part: string): string[] {
    return [...this.entries.keys()].filter((n) => n.includes(part)).sort();
  }

  waitForReader(part: string, o: WaitOptions = {}): Promise<string> {
    return this.waitUntil(() => this.match(part)[0], o, `no reader matching "${part}"`);
  }

  /** Resolves when a card is in the reader (at once if one is); waits for the reader to appear too. */
  waitForCard(reader: string, o: WaitOptions = {}): Promise<{ reader: string; atr: Buffer }> {
    return this.waitUntil(
      () => {
        const e = this.entries.get(reader);
        return e?.status.present && e.status.atr ? { reader, atr: e.status.atr } : undefined;
      },
      o,
      `no card in ${reader}`,
    );
  }

  /** Resolves when the reader holds no card (or is gone). */
  waitForCardRemoved(reader: string, o: WaitOptions = {}): Promise<void> {
    return this.waitUntil(
      () => {
        const e = this.entries.get(reader);
        return !e || (e.known && !e.status.present && !e.status.mute) ? true : undefined;
      },
      o,
      `card still in ${reader}`,
    ).then(() => undefined);
  }

  /** Connects to the card in `reader`, exclusively by default, for a personalization session. */
  async connect(reader: string, o: ConnectOptions = {}): Promise<CardChannel> {
    const e = this.entries.get(reader);
    if (!e) throw new PcscError(this.up ? 'READER_GONE' : 'NO_SERVICE', this.up ? `${reader}: reader not connected` : `${reader}: PC/SC service not available`, undefined, reader);
    if (e.channel) throw new PcscError('SHARING_VIOLATION', `${reader}: the card is already in use by this station`, undefined, reader);
    if (!e.status.present) throw new PcscError('NO_CARD', e.status.mute ? `${reader}: the card does not answer` : `${reader}: no card`, undefined, reader);
    const atr = e.status.atr!;
    const ms = o.timeoutMs ?? this.connectTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let protocol: CardProtocol;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        protocol = await Promise.race([
          e.br.connect(o.share ?? 'exclusive', o.protocols ?? ['T0', 'T1']),
          new Promise<never>((_, rej) => {
            timer = setTimeout(() => rej(new PcscError('TIMEOUT', `${reader}: connect did not finish within ${ms} ms`, undefined, reader)), ms);
          }),
        ]);
        break;
      } catch (err) {
        // A card just inserted can be caught while pcscd is still powering it (unpowered/reset):
        // that is not a fault of the card, so try again for a moment.
        const code = (err as { code?: number; pcscCode?: number }).pcscCode ?? (err as { code?: number }).code;
        const transient = code === SCARD.W_UNPOWERED_CARD || code === SCARD.W_RESET_CARD;
        if (!transient || attempt >= 5 || Date.now() - started > ms) throw pcscErrorFrom(err, 'connect', reader);
        await new Promise((r) => setTimeout(r, 100 * attempt));
        if (this.entries.get(reader) !== e || !e.status.present) throw new PcscError('CARD_REMOVED', `${reader}: card removed while connecting`, undefined, reader);
      } finally {
        clearTimeout(timer);
      }
    }
    if (this.entries.get(reader) !== e || !e.status.present) {
      e.br.disconnect('leave').catch(() => undefined);
      throw new PcscError('CARD_REMOVED', `${reader}: card removed while connecting`, undefined, reader);
    }
    if (e.channel) {
      e.br.disconnect('leave').catch(() => undefined);
      throw new PcscError('SHARING_VIOLATION', `${reader}: the card is already in use by this station`, undefined, reader);
    }
    const ch = new CardChannel(e.br, reader, atr, protocol, o.apduTimeoutMs ?? this.apduTimeoutMs, {
      cardGone: (wait) =>
        this.entries.get(reader) !== e || !e.status.present
          ? Promise.resolve(true)
          : this.waitForCardRemoved(reader, { timeoutMs: wait }).then(
              () => true,
              () => false,
            ),
      released: (c, err) => {
        if (e.channel !== c) return;
        e.channel = null;
        this.emit({ type: 'channel', reader, open: false, error: err ?? undefined });
      },
    });
    e.channel = ch;
    this.emit({ type: 'channel', reader, open: true });
    return ch;
  }

  // --- context life cycle -------------------------------------------------------------------

  private establish(): void {
    this.retryTimer = null;
    if (this.closed) return;
    const gen = ++this.gen;
    try {
      this.ctx = this.binding.establish({
        reader: (br) => this.onReader(gen, br),
        error: (err) => this.onContextError(gen, err),
      });
    } catch (err) {
      this.ctx = null;
      this.setDown(pcscErrorFrom(err, 'establishing the PC/SC context'));
      this.scheduleRetry();
      return;
    }
    this.retryMs = this.retryInitial;
    this.up = true;
    this.downAnnounced = false;
    this.error = null;
    this.emit({ type: 'service', up: true });
    this.kick();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const ms = this.retryMs;
    this.retryMs = Math.min(this.retryMax, this.retryMs * 2);
    this.retryTimer = setTimeout(() => this.establish(), ms);
    this.retryTimer.unref?.();
  }

  private onContextError(gen: number, err: BindingError): void {
    if (gen !== this.gen || this.closed) return;
    this.recycle(pcscErrorFrom(err, 'watching the readers'));
  }

  /** The context is unusable: drop it and everything seen through it, then make a new one. */
  private recycle(err: PcscError): void {
    this.dropContext(err);
    this.scheduleRetry();
  }

  private dropContext(err: PcscError): void {
    this.gen++;
    const ctx = this.ctx;
    this.ctx = null;
    for (const name of [...this.entries.keys()]) this.removeEntry(name, err);
    try {
      ctx?.close();
    } catch {
      /* a context that cannot close is dropped anyway */
    }
    this.setDown(err);
  }

  private setDown(err: PcscError): void {
    const announce = this.up || !this.downAnnounced;
    this.up = false;
    this.downAnnounced = true;
    this.error = err;
    if (announce) this.emit({ type: 'service', up: false, error: err });
    this.kick();
  }

  private onReader(gen: number, br: BindingReader): void {
    if (gen !== this.gen || this.closed) {
      br.close();
      return;
    }
    const old = this.entries.get(br.name);
    if (old) this.removeEntry(br.name, new PcscError('READER_GONE', `${br.name}: reader replaced`, undefined, br.name));
    const e: Entry = { name: br.name, br, status: EMPTY, known: false, channel: null };
    this.entries.set(br.name, e);
    br.watch({
      status: (s) => this.onStatus(gen, e, s),
      end: (err) => this.onReaderEnd(gen, e, err),
    });
    this.emit({ type: 'reader-added', reader: br.name });
    this.kick();
  }

  private onStatus(gen: number, e: Entry, s: ReaderStatus): void {
    if (gen !== this.gen || this.entries.get(e.name) !== e) return;
    const before = e.status;
    e.status = s;
    e.known = true;
    const sameCard = before.present && s.present && before.atr && s.atr && before.atr.equals(s.atr);
    if (before.present && !sameCard) {
      e.channel?.kill(new PcscError('CARD_REMOVED', `${e.name}: card removed`, undefined, e.name));
      this.emit({ type: 'card-removed', reader: e.name });
    }
    if (s.present && !sameCard) this.emit({ type: 'card-inserted', reader: e.name, atr: s.atr! });
    if (s.mute && !before.mute) this.emit({ type: 'card-mute', reader: e.name });
    this.kick();
  }

  private onReaderEnd(gen: number, e: Entry, err?: BindingError): void {
    if (gen !== this.gen || this.entries.get(e.name) !== e) return;
    const code = err?.pcscCode === undefined ? undefined : classifyPcscCode(err.pcscCode);
    // An unplugged reader just leaves. A watcher that died for another reason (the daemon
    // going away, a stale context) would never report the reader again: start over.
    if (err && code !== 'READER_GONE') {
      this.recycle(pcscErrorFrom(err, `watching ${e.name}`, e.name));
      return;
    }
    this.removeEntry(e.name, new PcscError('READER_GONE', `${e.name}: reader disconnected`, err?.pcscCode, e.name));
    this.kick();
  }

  private removeEntry(name: string, err: PcscError): void {
    const e = this.entries.get(name);
    if (!e) return;
    this.entries.delete(name);
    const code = err.code === 'NO_SERVICE' ? 'NO_SERVICE' : 'READER_GONE';
    e.channel?.kill(new PcscError(code, err.message, err.pcscCode, name));
    try {
      e.br.close();
    } catch {
      /* gone already */
    }
    if (e.status.present) this.emit({ type: 'card-removed', reader: name });
    this.emit({ type: 'reader-removed', reader: name });
  }

  // --- events and waiting -------------------------------------------------------------------

  private emit(ev: ReaderServiceEvent): void {
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch {
        /* a listener's fault is not the reader's */
      }
    }
  }

  private kick(): void {
    for (const w of [...this.watchers]) w();
  }

  private waitUntil<T>(probe: () => T | undefined, o: WaitOptions, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { signal, timeoutMs } = o;
      if (signal?.aborted) return reject(signal.reason);
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        this.watchers.delete(check);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const check = () => {
        if (this.closed) {
          done();
          return reject(new PcscError('NO_SERVICE', `${what}: reader service closed`));
        }
        const v = probe();
        if (v !== undefined) {
          done();
          resolve(v);
        }
      };
      const onAbort = () => {
        done();
        reject(signal!.reason);
      };
      this.watchers.add(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          done();
          reject(new PcscError('TIMEOUT', `${what} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      check();
    });
  }
}

function info(e: Entry): ReaderInfo {
  return { name: e.name, present: e.status.present, mute: e.status.mute, atr: e.status.atr, inUse: !!e.channel };
}
