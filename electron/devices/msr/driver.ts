import type { DeviceStatus } from '../../../shared/domain/device';
import type { Device } from '../device';
import { StatusHolder } from '../device';
import { deviceNote, reasonNote, type DeviceNoteCode } from '../../../shared/domain/status-notes';
import { DeviceDisconnectedError, DeviceError, DeviceTimeoutError } from '../errors';
import type { SerialLink } from '../serial/link';
import { scanAnswer, scanReadAnswer, scanStatus, type Scan } from './answers';
import { ANSWER, CMD, STATUS, command, eraseSelect, writeCommand, type Tracks } from './protocol';
import { MSR_ERROR, statusError } from './status';
import { stripFraming, type TrackNo } from '../../../shared/magstripe/charset';
import { Prober } from '../prober';

// Driver for magnetic-stripe encoders that speak the MSR206/MSR605 command set over a serial
// link. One command at a time; every command has a timeout; answers are recognized in a
// buffer that tolerates arbitrary chunking and stray bytes. When the link goes away the
// encoder turns offline and the driver reopens the port until it answers the communication
// test again; after a command timed out (error) it sends the communication test until the
// encoder answers. Both with a backoff from `reopenMs` doubling to `probeMaxMs`, by itself.

export type Coercivity = 'hi' | 'lo';

export interface MsrEncoderOptions {
  id: string;
  name?: string;
  link: SerialLink;
  /** Timeout of commands that do not touch a card (test, coercivity). */
  commandTimeoutMs?: number;
  /** Timeout of write/read/erase. With a hand-swipe MSR605 it must cover the operator's swipe. */
  cardTimeoutMs?: number;
  /** First pause before reopening a lost port or probing an encoder in error (default 250). */
  reopenMs?: number;
  /** Longest pause between probes (default 5000). */
  probeMaxMs?: number;
}

interface Pending {
  feed(): void;
  fail(err: Error): void;
}

const EMPTY = Buffer.alloc(0);
const OFFLINE_ACTION = 'Check the encoder cable and power';
/** What the panel says while a card command runs (the command's own name is the log's). */
const BUSY_NOTE: Record<string, DeviceNoteCode> = { 'write ISO': 'encoder.write', 'read ISO': 'encoder.read', erase: 'encoder.erase' };

export class MsrEncoder implements Device {
  readonly id: string;
  readonly kind = 'encoder' as const;
  readonly link: SerialLink;
  private readonly holder: StatusHolder;
  private readonly commandTimeoutMs: number;
  private readonly cardTimeoutMs: number;
  private readonly prober: Prober;
  private rx: Buffer = EMPTY;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private ready = false;
  private closed = false;
  private connecting = false;
  private ownClose = false;
  /** Coercivity last set on this connection; cleared on reconnect (the encoder may have reset). */
  private coercivity: Coercivity | null = null;

  constructor(opts: MsrEncoderOptions) {
    this.id = opts.id;
    this.link = opts.link;
    this.holder = new StatusHolder(opts.id, 'encoder', opts.name ?? 'Magnetic stripe encoder');
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 1000;
    this.cardTimeoutMs = opts.cardTimeoutMs ?? 5000;
    this.prober = new Prober(() => this.probe(), { initialMs: opts.reopenMs ?? 250, maxMs: opts.probeMaxMs ?? 5000 });
    this.link.onData((chunk) => this.onBytes(chunk));
    this.link.onClose((err) => this.onLinkClosed(err));
  }

  status(): DeviceStatus {
    return this.holder.get();
  }
  onStatus(cb: (s: DeviceStatus) => void): () => void {
    return this.holder.on(cb);
  }
  get online(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    this.closed = false;
    this.prober.resume();
    if (!(await this.connectOnce())) this.prober.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ready = false;
    this.prober.stop();
    this.pending?.fail(new DeviceError(this.id, MSR_ERROR.CLOSED, `${this.id}: the driver was closed`));
    this.ownClose = true;
    try {
      await this.link.close();
    } finally {
      this.ownClose = false;
    }
    this.holder.say('offline', deviceNote('closed'), 'closed');
  }

  // --- commands -------------------------------------------------------------------------

  async reset(): Promise<void> {
    await this.command('reset', command(CMD.reset), this.commandTimeoutMs, null);
    this.coercivity = null;
  }

  async communicationTest(): Promise<void> {
    await this.command('communication test', command(CMD.commTest), this.commandTimeoutMs, (b) => scanAnswer(b, [ANSWER.commTestOk]));
  }

  async setCoercivity(c: Coercivity, opts: { force?: boolean } = {}): Promise<void> {
    if (!opts.force && this.coercivity === c && this.ready) return;
    const what = c === 'hi' ? 'set Hi-Co' : 'set Lo-Co';
    const st = await this.command(what, command(c === 'hi' ? CMD.setHiCo : CMD.setLoCo), this.commandTimeoutMs, scanStatus);
    if (st !== STATUS.ok) throw statusError(this.id, what, st);
    this.coercivity = c;
  }

  async getCoercivity(): Promise<Coercivity> {
    const a = await this.command('get coercivity', command(CMD.getCoercivity), this.commandTimeoutMs, (b) => scanAnswer(b, [ANSWER.hiCo, ANSWER.loCo]));
    return a === ANSWER.hiCo ? 'hi' : 'lo';
  }

  /** Writes track data (without sentinels); a null track is left untouched. */
  async writeTracks(tracks: Tracks): Promise<void> {
    const st = await this.cardCommand('write ISO', writeCommand(tracks), scanStatus);
    if (st !== STATUS.ok) throw statusError(this.id, 'write ISO', st);
  }

  /** Reads the three tracks; the sentinels the encoder returns are stripped; empty = null. */
  async readTracks(): Promise<Tracks> {
    const a = await this.cardCommand('read ISO', command(CMD.readIso), scanReadAnswer);
    if ('unparsed' in a) throw new DeviceError(this.id, MSR_ERROR.PROTOCOL, `${this.id}: read ISO answer not understood: ${a.unparsed}`, { command: 'read ISO' });
    if (a.status !== STATUS.ok) throw statusError(this.id, 'read ISO', a.status);
    return a.tracks.map((t, i) => (t ? stripFraming((i + 1) as TrackNo, t) || null : null)) as Tracks;
  }

  async erase(tracks: readonly TrackNo[]): Promise<void> {
    const st = await this.cardCommand('erase', command(CMD.erase, eraseSelect(tracks)), scanStatus);
    if (st !== STATUS.ok) throw statusError(this.id, 'erase', st);
  }

  // --- plumbing -------------------------------------------------------------------------

  /** A command that works on the card: the encoder shows busy meanwhile. */
  private async cardCommand<T>(what: string, bytes: Buffer, scanner: (b: Buffer) => Scan<T>): Promise<T> {
    if (this.ready) this.holder.say('busy', deviceNote(BUSY_NOTE[what] ?? 'encoder.busy'), what);
    try {
      return await this.command(what, bytes, this.cardTimeoutMs, scanner);
    } finally {
      // A timeout leaves the 'error' state set by exchange(); anything else was the card's problem.
      if (this.ready && this.holder.get().state === 'busy') this.holder.say('online', deviceNote('ready'), 'ready');
    }
  }

  /** Queues a command; `scanner` null = the command has no answer. */
  private command<T>(what: string, bytes: Buffer, timeoutMs: number, scanner: ((b: Buffer) => Scan<T>) | null, handshake = false): Promise<T> {
    const run = () => this.exchange(what, bytes, timeoutMs, scanner, handshake);
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private exchange<T>(what: string, bytes: Buffer, timeoutMs: number, scanner: ((b: Buffer) => Scan<T>) | null, handshake: boolean): Promise<T> {
    if (this.closed) return Promise.reject(new DeviceError(this.id, MSR_ERROR.CLOSED, `${this.id}: the driver is closed`));
    if (!this.link.isOpen || (!this.ready && !handshake)) return Promise.reject(new DeviceError(this.id, MSR_ERROR.OFFLINE, `${this.id}: ${what} not sent: the encoder is offline`));
    this.rx = EMPTY; // anything before our command is stale (e.g. a late answer to a timed-out one)
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (err: Error | null, value?: T) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (this.pending === pending) this.pending = null;
        if (err) {
          if (err instanceof DeviceTimeoutError && this.ready) {
            this.holder.say('error', reasonNote('MSR_TIMEOUT'), `no answer to ${what}`, 'Check the encoder');
            this.prober.kick();
          }
          reject(err);
        } else {
          if (this.ready && this.holder.get().state === 'error') this.holder.say('online', deviceNote('ready'), 'ready');
          resolve(value as T);
        }
      };
      const timer = setTimeout(() => finish(new DeviceTimeoutError(this.id, what, timeoutMs)), timeoutMs);
      const pending: Pending = {
        feed: () => {
          if (!scanner) return;
          const r = scanner(this.rx);
          if (r.found) {
            this.rx = this.rx.subarray(r.end);
            finish(null, r.value);
          } else if (r.keepFrom > 0) this.rx = this.rx.subarray(r.keepFrom);
        },
        fail: (err) => finish(err),
      };
      this.pending = pending;
      this.link.write(bytes).then(
        () => {
          if (!scanner) finish(null);
        },
        () => finish(new DeviceDisconnectedError(this.id, `${this.id}: ${what} not sent: the port went away`)),
      );
    });
  }

  private onBytes(chunk: Buffer): void {
    if (!this.pending) return; // unsolicited bytes: nobody asked, nothing to keep
    this.rx = this.rx.length ? Buffer.concat([this.rx, chunk]) : chunk;
    this.pending.feed();
  }

  private onLinkClosed(err: DeviceDisconnectedError | null): void {
    this.ready = false;
    this.coercivity = null;
    this.rx = EMPTY;
    const lost = new DeviceDisconnectedError(this.id, `${this.id}: the encoder went away`);
    this.pending?.fail(lost);
    if (this.closed || this.ownClose) return;
    this.holder.say('offline', reasonNote('MSR_OFFLINE'), err ? 'disconnected' : 'port closed', OFFLINE_ACTION);
    this.prober.reset();
    this.prober.kick();
  }

  /** One probe: reconnect when offline, the communication test when in error; true = nothing more to do. */
  private async probe(): Promise<boolean> {
    if (this.closed) return true;
    if (!this.ready) return this.connectOnce();
    if (this.holder.get().state !== 'error') return true;
    await this.communicationTest(); // a timeout keeps the error (and rejects: probe again later)
    return true;
  }

  /** Opens the port and checks that an encoder answers; true when it is online. */
  private async connectOnce(): Promise<boolean> {
    if (this.connecting || this.closed) return false;
    this.connecting = true;
    try {
      if (!this.link.isOpen) {
        try {
          await this.link.open();
        } catch (e) {
          const code = (e as { code?: string }).code;
          this.holder.say('offline', deviceNote('cannotOpen', { path: this.link.path }), `cannot open ${this.link.path}${code ? ` (${code})` : ''}`, OFFLINE_ACTION);
          return false;
        }
      }
      try {
        await this.command('reset', command(CMD.reset), this.commandTimeoutMs, null, true);
        await this.command('communication test', command(CMD.commTest), this.commandTimeoutMs, (b) => scanAnswer(b, [ANSWER.commTestOk]), true);
      } catch (e) {
        if (this.closed) return false;
        if (e instanceof DeviceDisconnectedError) this.holder.say('offline', reasonNote('MSR_OFFLINE'), 'disconnected', OFFLINE_ACTION);
        else this.holder.say('offline', deviceNote('silent'), `${this.link.path} is open but the encoder does not answer`, 'Check that the encoder is powered and set to 9600 baud');
        if (this.link.isOpen) {
          this.ownClose = true;
          await this.link.close().catch(() => undefined);
          this.ownClose = false;
        }
        return false;
      }
      if (this.closed) return false;
      this.coercivity = null;
      this.ready = true;
      this.holder.say('online', deviceNote('ready'), 'ready');
      return true;
    } finally {
      this.connecting = false;
    }
  }
}

export function createMsrEncoder(opts: MsrEncoderOptions): MsrEncoder {
  return new MsrEncoder(opts);
}
