import { BindingError, type BindingContext, type BindingReader, type CardProtocol, type ContextEvents, type Disposition, type PcscBinding, type ReaderEvents, type ReaderStatus, type ShareMode } from './binding';
import { SCARD } from './codes';

// An in-process PC/SC "daemon" whose readers hold virtual chips: the demo and the unit tests
// use it, with no latency of its own. It models what the service has to cope with on a real
// line: cards inserted and pulled (also in the middle of a command), readers plugged and
// unplugged, the daemon stopping and coming back, exclusive access.

/** What a sim reader needs from a chip; electron/sim/card's VirtualChip has this shape. */
export interface SimChip {
  atr(): Buffer;
  powerOn(): void;
  powerOff(): void;
  reset(): void;
  transmit(apdu: Buffer): Promise<Buffer>;
}

const err = (code: number, what: string) => new BindingError(`${what} (0x${code.toString(16)})`, code);

export class SimReader {
  private chipNow: SimChip | null = null;
  private powered = false;
  /** Bumped on every insert/remove: a connection made to an earlier card is void. */
  generation = 0;
  /** Handles connected now, and whether one holds the reader exclusively. */
  readonly connected = new Set<SimHandle>();
  exclusive: SimHandle | null = null;
  readonly handles = new Set<SimHandle>();
  unplugged = false;

  constructor(readonly name: string) {}

  get chip(): SimChip | null {
    return this.chipNow;
  }

  /** Puts a card in the reader (replacing one that is there). */
  insert(chip: SimChip): void {
    if (this.chipNow) this.remove();
    this.chipNow = chip;
    this.generation++;
    this.powered = false;
    this.powerUp();
    this.notify();
  }

  /** Takes the card out: a command in flight ends with SCARD_W_REMOVED_CARD. */
  remove(): void {
    if (!this.chipNow) return;
    const c = this.chipNow;
    this.chipNow = null;
    this.generation++;
    if (this.powered) {
      this.powered = false;
      try {
        c.powerOff();
      } catch {
        /* a chip that failed to power down is out of the reader anyway */
      }
    }
    this.notify();
  }

  status(): ReaderStatus {
    const c = this.chipNow;
    if (!c) return { present: false, mute: false, atr: null };
    let atr: Buffer | null = null;
    try {
      atr = c.atr();
    } catch {
      atr = null;
    }
    return atr?.length ? { present: true, mute: false, atr } : { present: false, mute: true, atr: null };
  }

  powerUp(): void {
    if (this.powered || !this.chipNow) return;
    this.chipNow.powerOn();
    this.powered = true;
  }

  dispose(d: Disposition): void {
    if (!this.chipNow) return;
    if (d === 'reset') this.chipNow.reset();
    else if (d === 'unpower' && this.powered) {
      this.chipNow.powerOff();
      this.powered = false;
    }
  }

  private notify(): void {
    const s = this.status();
    for (const h of this.handles) h.emitStatus(s);
  }
}

class SimHandle implements BindingReader {
  private events: ReaderEvents | null = null;
  private gen = -1;
  private ended = false;
  constructor(
    private readonly sim: SimPcscBinding,
    private readonly r: SimReader,
    private readonly ctx: SimContext,
  ) {
    this.name = r.name;
  }
  readonly name: string;

  watch(ev: ReaderEvents): void {
    this.events = ev;
    const s = this.r.status();
    queueMicrotask(() => !this.ended && ev.status(s));
  }

  emitStatus(s: ReaderStatus): void {
    const ev = this.events;
    if (ev && !this.ended) queueMicrotask(() => !this.ended && ev.status(s));
  }

  end(e?: BindingError): void {
    if (this.ended) return;
    this.ended = true;
    this.release();
    this.r.handles.delete(this);
    const ev = this.events;
    if (ev) queueMicrotask(() => ev.end(e));
  }

  private check(): BindingError | null {
    if (!this.sim.serviceUp || this.ctx.dead) return err(SCARD.E_NO_SERVICE, 'service not available');
    if (this.r.unplugged) return err(SCARD.E_READER_UNAVAILABLE, 'reader unavailable');
    return null;
  }

  connect(share: ShareMode, _protocols: CardProtocol[]): Promise<CardProtocol> {
    const e = this.check();
    if (e) return Promise.reject(e);
    const r = this.r;
    if (!r.chip) return Promise.reject(err(SCARD.E_NO_SMARTCARD, 'no card'));
    if (r.exclusive && r.exclusive !== this) return Promise.reject(err(SCARD.E_SHARING_VIOLATION, 'sharing violation'));
    if (share === 'exclusive' && [...r.connected].some((h) => h !== this)) return Promise.reject(err(SCARD.E_SHARING_VIOLATION, 'sharing violation'));
    try {
      r.powerUp();
    } catch {
      return Promise.reject(err(SCARD.W_UNRESPONSIVE_CARD, 'card does not answer'));
    }
    r.connected.add(this);
    if (share === 'exclusive') r.exclusive = this;
    this.gen = r.generation;
    return Promise.resolve('T1');
  }

  transmit(apdu: Buffer, maxResponse: number, cb: (err: BindingError | null, response?: Buffer) => void): void {
    const r = this.r;
    const pre = this.check() ?? (!r.connected.has(this) ? err(SCARD.E_INVALID_HANDLE, 'not connected') : null) ?? (this.gen !== r.generation || !r.chip ? err(SCARD.W_REMOVED_CARD, 'card removed') : null);
    if (pre) return queueMicrotask(() => cb(pre));
    const gen = this.gen;
    r.chip!.transmit(apdu).then(
      (resp) => {
        const e = this.check() ?? (gen !== r.generation ? err(SCARD.W_REMOVED_CARD, 'card removed') : null);
        if (e) return cb(e);
        if (resp.length > maxResponse) return cb(err(SCARD.E_INSUFFICIENT_BUFFER, 'insufficient buffer'));
        cb(null, resp);
      },
      (e: unknown) => {
        const removed = gen !== r.generation || (e as { code?: unknown })?.code === 'CARD_REMOVED';
        cb(removed ? err(SCARD.W_REMOVED_CARD, 'card removed') : err(SCARD.E_NOT_TRANSACTED, 'transaction failed'));
      },
    );
  }

  disconnect(d: Disposition): Promise<void> {
    const r = this.r;
    if (!r.connected.has(this)) return Promise.resolve();
    const same = this.gen === r.generation;
    this.release();
    if (same) {
      try {
        r.dispose(d);
      } catch {
        /* the card's own fault; the reader is released */
      }
    }
    return Promise.resolve();
  }

  private release(): void {
    this.r.connected.delete(this);
    if (this.r.exclusive === this) this.r.exclusive = null;
  }

  close(): void {
    this.ended = true;
    this.release();
    this.r.handles.delete(this);
  }
}

class SimContext implements BindingContext {
  dead = false;
  readonly handles = new Set<SimHandle>();
  constructor(
    private readonly sim: SimPcscBinding,
    readonly events: ContextEvents,
  ) {}

  announce(r: SimReader): void {
    const h = new SimHandle(this.sim, r, this);
    r.handles.add(h);
    this.handles.add(h);
    queueMicrotask(() => !this.dead && this.events.reader(h));
  }

  fail(e: BindingError): void {
    if (this.dead) return;
    this.dead = true;
    for (const h of this.handles) h.end(e);
    queueMicrotask(() => this.events.error(e));
  }

  close(): void {
    this.dead = true;
    for (const h of this.handles) h.close();
    this.handles.clear();
    this.sim.contexts.delete(this);
  }
}

export class SimPcscBinding implements PcscBinding {
  readonly kind = 'sim' as const;
  serviceUp = true;
  readonly contexts = new Set<SimContext>();
  private readonly readerMap = new Map<string, SimReader>();

  constructor(readerNames: string[] = []) {
    for (const n of readerNames) this.addReader(n);
  }

  establish(ev: ContextEvents): BindingContext {
    if (!this.serviceUp) throw err(SCARD.E_NO_SERVICE, 'SCardEstablishContext: service not available');
    const c = new SimContext(this, ev);
    this.contexts.add(c);
    for (const r of this.readerMap.values()) c.announce(r);
    return c;
  }

  readerNames(): string[] {
    return [...this.readerMap.keys()];
  }

  reader(name: string): SimReader {
    const r = this.readerMap.get(name);
    if (!r) throw new Error(`no sim reader named "${name}"`);
    return r;
  }

  /** Plugs a reader in (every live context sees it appear). */
  addReader(name: string): SimReader {
    if (this.readerMap.has(name)) throw new Error(`sim reader "${name}" exists`);
    const r = new SimReader(name);
    this.readerMap.set(name, r);
    if (this.serviceUp) for (const c of this.contexts) if (!c.dead) c.announce(r);
    return r;
  }

  /** Unplugs a reader: its watchers end, a connection to it fails with SCARD_E_READER_UNAVAILABLE. */
  removeReader(name: string): void {
    const r = this.reader(name);
    this.readerMap.delete(name);
    r.unplugged = true;
    r.remove();
    for (const h of [...r.handles]) h.end();
  }

  /** The daemon stops: every context fails with SCARD_E_NO_SERVICE until startService(). */
  stopService(): void {
    if (!this.serviceUp) return;
    this.serviceUp = false;
    const e = err(SCARD.E_NO_SERVICE, 'service stopped');
    for (const c of [...this.contexts]) c.fail(e);
  }

  startService(): void {
    this.serviceUp = true;
  }
}
