import type { SerialLink } from '../serial/link';

// Keeps a serial link open for a driver: opens it, runs the driver's handshake, and when the far
// side goes away (cable pulled, socat killed, emulator gone) reports it down and reopens the
// port by itself with a growing backoff. Used by the machine and the laser drivers; it knows
// nothing about either protocol.

export interface PortKeeperOptions {
  link: SerialLink;
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
    this.unsubs.push(this.opts.link.onData((c) => this.opts.onChunk(c)));
    this.unsubs.push(this.opts.link.onClose((err) => this.onLinkClosed(err ? 'the port went away' : 'the port was closed')));
    await this.attempt();
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const u of this.unsubs.splice(0)) u();
    await this.connecting?.catch(() => undefined);
    const wasUp = this.up;
    this.up = false;
    await this.opts.link.close().catch(() => undefined);
    if (wasUp) this.opts.onState(false, 'closed');
  }

  /** Writes; a failed write means the port is gone even if no close was reported (serialport can miss one). */
  write(data: Buffer | string): Promise<void> {
    return this.opts.link.write(data).catch((e) => {
      if (this.up) void this.drop('the port is not writable');
      throw e;
    });
  }

  /** Drops the connection (e.g. the device stopped answering) and reconnects later. */
  async drop(reason: string): Promise<void> {
    if (this.stopped) return;
    await this.opts.link.close().catch(() => undefined);
    this.onLinkClosed(reason);
  }

  private attempt(): Promise<void> {
    if (this.connecting) return this.connecting;
    this.connecting = (async () => {
      try {
        if (!this.opts.link.isOpen) await this.opts.link.open();
        if (this.stopped) return;
        await this.opts.handshake();
        if (this.stopped) return;
        this.up = true;
        this.delay = this.initialMs;
        this.opts.onState(true, 'connected');
      } catch (e) {
        if (this.stopped) return;
        const reason = (e as { code?: string }).code === 'ENOENT' ? 'the port does not exist' : e instanceof Error ? e.message : 'open failed';
        await this.opts.link.close().catch(() => undefined);
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
