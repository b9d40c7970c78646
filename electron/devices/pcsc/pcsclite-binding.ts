import { BindingError, type BindingContext, type BindingReader, type CardProtocol, type ContextEvents, type Disposition, type PcscBinding, type ReaderEvents, type ReaderStatus, type ShareMode } from './binding';
import { pcscCodeFromMessage } from './codes';

// The real daemon through the `pcsclite` addon. Its quirks, handled here so nothing above sees
// them: errors are strings with the code in parentheses; every reader and the context must be
// close()d or their watcher threads keep the process alive; closing emits a harmless
// "Command cancelled (0x80100002)" error (an EventEmitter 'error' with no listener would throw,
// so a sink stays attached); a context cannot outlive a daemon restart, so the service makes a
// new one; a reader whose disconnect failed keeps `connected = true` and would silently skip
// its next connect. The addon calls 'status'/'end' listeners while holding the reader's mutex,
// which close() takes too: closing from inside such a callback deadlocks the main thread, so
// close() is always deferred.

/* Minimal shapes of the addon's objects (its own typings declare them but do not export them);
   exported for the APDU bench's raw floor, which drives the addon directly. */
export interface NativeReader {
  name: string;
  connected: boolean;
  SCARD_SHARE_EXCLUSIVE: number;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_RESET_CARD: number;
  SCARD_UNPOWER_CARD: number;
  on(ev: string, cb: (...a: any[]) => void): unknown;
  removeAllListeners(ev?: string): unknown;
  connect(o: { share_mode: number; protocol: number }, cb: (err: unknown, protocol: number) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: unknown, data: Buffer) => void): void;
  disconnect(disposition: number, cb: (err: unknown) => void): void;
  close(): void;
}
export interface NativeContext {
  on(ev: string, cb: (...a: any[]) => void): unknown;
  removeAllListeners(ev?: string): unknown;
  close(): void;
}
type PcscFactory = () => NativeContext;

/**
 * How long the event loop stays awake after an APDU goes out. The addon answers from a libuv
 * pool thread; an event loop asleep in epoll then has to be woken by the kernel, which on a
 * small VM costs tens of µs per APDU (bench/apdu.bench.ts: the addon alone ~1.5× C; with the
 * loop kept awake the whole station path ~1.3–1.4× C). Short APDUs are answered within this
 * window; slower ones cost this much CPU once, then the loop sleeps as usual.
 */
const DEFAULT_SPIN_US = 250;

/**
 * Keeps the event loop polling (setImmediate: epoll with a zero timeout) while any APDU sent
 * less than the spin window ago is unanswered. One chain serves every reader.
 */
class WakeSpinner {
  private inFlight = 0;
  private until = 0n;
  private spinning = false;
  private readonly tick = () => {
    if (this.inFlight > 0 && process.hrtime.bigint() < this.until) setImmediate(this.tick);
    else this.spinning = false;
  };
  constructor(private readonly windowNs: bigint) {}

  begin(): void {
    this.inFlight++;
    this.until = process.hrtime.bigint() + this.windowNs;
    if (this.spinning) return;
    this.spinning = true;
    setImmediate(this.tick);
  }

  end(): void {
    this.inFlight--;
  }
}

const STATE_PRESENT = 0x20;
const STATE_MUTE = 0x200;
const ignore = () => {};

function toBindingError(err: unknown): BindingError {
  if (err instanceof BindingError) return err;
  const message = (err as Error)?.message ?? String(err);
  return new BindingError(message, pcscCodeFromMessage(message));
}

class PcscliteReader implements BindingReader {
  readonly name: string;
  private protocol = 0;
  private closed = false;
  private ended = false;
  constructor(
    private readonly r: NativeReader,
    private readonly spinner: WakeSpinner | null,
  ) {
    this.name = r.name;
  }

  watch(ev: ReaderEvents): void {
    let lastErr: BindingError | undefined;
    this.r.on('status', (s: { state: number; atr?: Buffer }) => {
      const present = (s.state & STATE_PRESENT) !== 0;
      const mute = present && (s.state & STATE_MUTE) !== 0;
      const st: ReaderStatus = { present: present && !mute, mute, atr: present && !mute && s.atr?.length ? s.atr : null };
      ev.status(st);
    });
    this.r.on('error', (e: unknown) => {
      if (!this.closed) lastErr = toBindingError(e);
    });
    this.r.on('end', () => {
      this.ended = true;
      if (!this.closed) ev.end(lastErr);
    });
  }

  connect(share: ShareMode, protocols: CardProtocol[]): Promise<CardProtocol> {
    const r = this.r;
    let mask = 0;
    for (const p of protocols) mask |= p === 'T0' ? r.SCARD_PROTOCOL_T0 : r.SCARD_PROTOCOL_T1;
    return new Promise((resolve, reject) => {
      r.connect({ share_mode: share === 'exclusive' ? r.SCARD_SHARE_EXCLUSIVE : r.SCARD_SHARE_SHARED, protocol: mask }, (err, protocol) => {
        if (err) return reject(toBindingError(err));
        this.protocol = protocol;
        resolve(protocol === r.SCARD_PROTOCOL_T0 ? 'T0' : 'T1');
      });
    });
  }

  transmit(apdu: Buffer, maxResponse: number, cb: (err: BindingError | null, response?: Buffer) => void): void {
    const spinner = this.spinner;
    let answered = false;
    spinner?.begin();
    try {
      this.r.transmit(apdu, maxResponse, this.protocol, (err, data) => {
        answered = true;
        spinner?.end();
        if (err) cb(toBindingError(err));
        else cb(null, data);
      });
    } catch (e) {
      // Thrown before the addon took the command (not by our callback, which it already ran).
      if (answered) throw e;
      spinner?.end();
      cb(toBindingError(e));
    }
  }

  disconnect(d: Disposition): Promise<void> {
    const r = this.r;
    const disposition = d === 'leave' ? r.SCARD_LEAVE_CARD : d === 'reset' ? r.SCARD_RESET_CARD : r.SCARD_UNPOWER_CARD;
    return new Promise((resolve, reject) => {
      r.disconnect(disposition, (err) => {
        if (err) {
          r.connected = false;
          return reject(toBindingError(err));
        }
        resolve();
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => {
      try {
        this.r.close();
      } catch {
        /* already ended */
      }
    });
  }
}

class PcscliteContext implements BindingContext {
  private readonly readers = new Set<PcscliteReader>();
  private closed = false;
  constructor(
    private readonly ctx: NativeContext,
    ev: ContextEvents,
    spinner: WakeSpinner | null,
  ) {
    ctx.on('reader', (nr: NativeReader) => {
      nr.on('error', ignore);
      if (this.closed) return void setImmediate(() => nr.close());
      const r = new PcscliteReader(nr, spinner);
      this.readers.add(r);
      nr.on('end', () => this.readers.delete(r));
      ev.reader(r);
    });
    ctx.on('error', (e: unknown) => {
      if (!this.closed) ev.error(toBindingError(e));
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.readers) r.close();
    this.readers.clear();
    setImmediate(() => {
      try {
        this.ctx.close();
      } catch {
        /* already stopped by its own error */
      }
    });
  }
}

export interface PcscliteBindingOptions {
  /** Microseconds the event loop stays awake for each APDU's answer (default 250; 0: never). */
  spinUs?: number;
}

/** The binding to the real pcscd. Loads the native addon on first use. */
export async function createPcscliteBinding(o: PcscliteBindingOptions = {}): Promise<PcscBinding> {
  const spinUs = o.spinUs ?? DEFAULT_SPIN_US;
  const spinner = spinUs > 0 ? new WakeSpinner(BigInt(Math.round(spinUs * 1000))) : null;
  const mod = (await import('pcsclite')) as unknown;
  const factory = (typeof mod === 'function' ? mod : (mod as { default: unknown }).default) as PcscFactory;
  return {
    kind: 'pcsclite',
    establish(ev: ContextEvents): BindingContext {
      let ctx: NativeContext;
      try {
        ctx = factory();
      } catch (e) {
        throw toBindingError(e);
      }
      ctx.on('error', ignore);
      return new PcscliteContext(ctx, ev, spinner);
    },
  };
}
