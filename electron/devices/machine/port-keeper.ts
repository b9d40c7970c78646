import type { SerialLink } from '../serial/link';

// Keeps a serial link open for a driver: opens it, runs the driver's handshake, and when the far
// side goes away (cable pulled, socat killed, emulator gone) reports it down and reopens the
// port by itself with a growing backoff. Used by the machine and the laser drivers; it knows
// nothing about either protocol.

/**
 * A link, or a factory that makes a fresh one for every (re)connect. Prefer the factory for real
 * ports: a serialport stream that saw a write error is destroyed and cannot be opened again.
 */
export type LinkSource = SerialLink | (() => SerialLink | Promise<SerialLink>);

export interface PortKeeperOptions {
  link: LinkSource;
  /** Runs after every successful open; throwing closes the port and retries later. */
  handshake(): Promise<void>;
  onChunk(chunk: Buffer): void;
  /** Called when the port is up (after the handshake) or down (with a reason in plain words). */
  onState(up: boolean, reason: string): void;
  backoff?: { initialMs?: number; maxMs?: number };
}

export class PortKeeper {
  private up = false;
  private stopped = true;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private connecting: Promise<void> | null = null;
  private unsubs: Array<() => void> = [];
  private link: SerialLink | null = null;

  constructor(private readonly opts: PortKeeperOptions) {
    this.initialMs = opts.backoff?.initialMs ?? 250;
    this.maxMs = opts.backoff?.maxMs ?? 5000;
    this.delay = this.initialMs;
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Tries once now; if that fails, keeps retrying in the background. Never throws. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.attempt();
  }

  /** The link to use for this attempt: the fixed one, or a fresh one from the factory. */
  private async currentLink(): Promise<SerialLink> {
    const src = this.opts.link;
    if (typeof src !== 'function') {
      if (!this.link) this.bind(src);
      return src;
    }
    if (this.link && this.link.isOpen) return this.link;
    this.unbind();
    const l = await src();
    this.bind(l);
    return l;
  }

  private bind(l: SerialLink): void {
    this.link = l;
    this.unsubs.push(l.onData((c) => this.link === l && this.opts.onChunk(c)));
    this.unsubs.push(l.onClose((err) => this.link === l && this.onLinkClosed(err ? 'the port went away' : 'the port was closed')));
  }

  private unbind(): void {
    for (const u of this.unsubs.splice(0)) u();
    this.link = null;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.connecting?.catch(() => undefined);
    const wasUp = this.up;
    this.up = false;
    const l = this.link;
    this.unbind();
    await l?.close().catch(() => undefined);
    if (wasUp) this.opts.onState(false, 'closed');
  }

  /** Writes; a failed write means the port is gone even if no close was reported (serialport can miss one). */
  write(data: Buffer | string): Promise<void> {
    if (!this.link) return Promise.reject(new Error('the port is not open'));
    return this.link.write(data).catch((e) => {
      if (this.up) void this.drop('the port is not writable');
      throw e;
    });
  }

  /** Drops the connection (e.g. the device stopped answering) and reconnects later. */
  async drop(reason: string): Promise<void> {
    if (this.stopped) return;
    await this.link?.close().catch(() => undefined);
    this.onLinkClosed(reason);
  }

  private attempt(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      try {
        const link = await this.currentLink();
        if (!link.isOpen) await link.open();
        if (this.stopped) return;
        await this.opts.handshake();
        if (this.stopped) return;
        this.up = true;
        this.delay = this.initialMs;
        this.opts.onState(true, 'connected');
      } catch (e) {
        if (this.stopped) return;
        const reason = (e as { code?: string }).code === 'ENOENT' ? 'the port does not exist' : e instanceof Error ? e.message : 'open failed';
        await this.link?.close().catch(() => undefined);
        this.up = false;
        this.opts.onState(false, reason);
        this.schedule();
      }
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private onLinkClosed(reason: string): void {
    if (this.stopped) return;
    this.up = false;
    // Always reported, so a driver also fails what its handshake was waiting for.
    this.opts.onState(false, reason);
    // While a handshake is running, its failure schedules the retry.
    if (!this.connecting) this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const d = this.delay;
    this.delay = Math.min(this.maxMs, this.delay * 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.attempt();
    }, d);
  }
}

/** Splits a byte stream into lines on CR or LF; empty lines are dropped. */
export class LineSplitter {
  private buf = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: Buffer | string): void {
    this.buf += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    let start = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf.charCodeAt(i);
      if (c === 10 || c === 13) {
        if (i > start) this.onLine(this.buf.slice(start, i));
        start = i + 1;
      }
    }
    this.buf = start ? this.buf.slice(start) : this.buf;
    // A device that never sends a line end must not grow this without bound.
    if (this.buf.length > 4096) this.buf = '';
  }
  reset(): void {
    this.buf = '';
  }
}
