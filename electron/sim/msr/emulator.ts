import { blankStripe, type SimCard } from '../world';
import { COMM_OK, ESC, HI, LED_OPS, LO, OP, ST, commandLength, eraseTracks, parseWriteBlock, readAnswer, type EmuTracks } from './manual';
import type { MemoryLinkFarEnd } from '../../devices/serial/link';
import { fire, type Fault } from './faults';

// An MSR605-protocol encoder on the far end of a byte stream (an in-memory link or a pty).
// It keeps the stripe of whatever card sits at the encoder position (asked through getCard),
// a coercivity, and fault switches for the failures a real line sees.
//
// Its bytes follow the MSR605 programmer's manual (manual.ts), not the driver's code. Conventions
// where the manual leaves room (documented in docs/msr.md):
// - no card at the head: write/read answer status 39 (invalid swipe); erase answers 41;
// - reading a card whose tracks are all blank answers every track `1B 2B` and status 31;
// - track data with characters outside the track's set, or too long: status 32;
// - the sensor test waits for a card at the head (checked every 50 ms) until a reset;
// - raw read/write and unknown commands: status 34.

/** Where the emulator sits: the far end of a MemoryLink, or a serial port on a pty. */
export interface EmulatorPort {
  write(bytes: Buffer): void;
  onData(cb: (chunk: Buffer) => void): () => void;
  /** Pulls the cable (memory link) or closes this end (pty). */
  unplug?(): void;
  plug?(): void;
}

/** The far end of an in-memory link as an emulator port (unplug/plug pull the cable). */
export function portOnMemoryLink(far: MemoryLinkFarEnd): EmulatorPort {
  return { write: (b) => far.write(b), onData: (cb) => far.onData(cb), unplug: () => far.unplug(), plug: () => far.plug() };
}

export interface EncoderFaults {
  /** Write answers status 31 without touching the stripe. */
  writeError: Fault;
  /** Read answers status 31. */
  readError: Fault;
  /** Behave as if no card were at the head. */
  noCard: Fault;
  /** Read returns the stripe with one character changed. */
  garbleRead: Fault;
  /** Swallow commands without answering (the driver times out). */
  silent: Fault;
  /** Stray bytes before every answer. */
  noise: Fault;
  /** Answers trickle out one byte at a time. */
  chunked: boolean;
  /** The RAM test answers 1B 41. */
  ramError: Fault;
}

export interface EncoderDelays {
  /** A command that does not move a card (test, coercivity). */
  commandMs: number;
  writeMs: number;
  readMs: number;
  eraseMs: number;
}

/** Rough figures of a desktop encoder: a card pass takes a few hundred milliseconds. */
export const REALISTIC_DELAYS: EncoderDelays = { commandMs: 3, writeMs: 400, readMs: 350, eraseMs: 350 };
const NO_DELAYS: EncoderDelays = { commandMs: 0, writeMs: 0, readMs: 0, eraseMs: 0 };

export interface EncoderEmulatorOptions {
  /** The card at the encoder position; standalone default: one persistent card, always there. */
  getCard?: () => SimCard | null;
  delays?: 'none' | 'realistic' | Partial<EncoderDelays>;
  /** Multiplies every delay (0.1 = ten times faster than real). */
  timeScale?: number;
}

export interface EncoderStats {
  commands: number;
  writes: number;
  reads: number;
  erases: number;
  resets: number;
}

const MAX_DATA = [76, 37, 104];
const NOISE = Buffer.from([0x00, 0xff, 0x1b, 0x1b, 0x0a, 0x7f]);

export class EncoderEmulator {
  readonly faults: EncoderFaults = { writeError: false, readError: false, noCard: false, garbleRead: false, silent: false, noise: false, chunked: false, ramError: false };
  readonly stats: EncoderStats = { commands: 0, writes: 0, reads: 0, erases: 0, resets: 0 };
  coercivity: 'hi' | 'lo' = 'hi';
  private rx: Buffer = Buffer.alloc(0);
  private work: Promise<void> = Promise.resolve();
  private plugged = true;
  private readonly delays: EncoderDelays;
  private readonly getCard: () => SimCard | null;
  private readonly off: () => void;
  private sensorWait: NodeJS.Timeout | null = null;

  constructor(private readonly port: EmulatorPort, opts: EncoderEmulatorOptions = {}) {
    const base = opts.delays === 'realistic' ? REALISTIC_DELAYS : opts.delays === 'none' || !opts.delays ? NO_DELAYS : { ...NO_DELAYS, ...opts.delays };
    const scale = opts.timeScale ?? 1;
    this.delays = { commandMs: base.commandMs * scale, writeMs: base.writeMs * scale, readMs: base.readMs * scale, eraseMs: base.eraseMs * scale };
    const standalone: SimCard = { serial: 1, chip: null, stripe: blankStripe(), surface: [] };
    this.getCard = opts.getCard ?? (() => standalone);
    this.off = port.onData((chunk) => this.onBytes(chunk));
  }

  /** The card the head would see now (null when none, or when the no-card fault is on). */
  private card(): SimCard | null {
    if (fire(this.faults, 'noCard')) return null;
    return this.getCard();
  }

  unplug(): void {
    this.plugged = false;
    this.rx = Buffer.alloc(0);
    this.port.unplug?.();
  }

  plug(): void {
    this.plugged = true;
    this.port.plug?.();
  }

  stop(): void {
    this.off();
    this.cancelSensorTest();
  }

  private cancelSensorTest(): void {
    if (this.sensorWait) clearInterval(this.sensorWait);
    this.sensorWait = null;
  }

  private onBytes(chunk: Buffer): void {
    if (!this.plugged) return;
    this.rx = Buffer.concat([this.rx, chunk]);
    this.drain();
  }

  /** Takes every complete command off the input buffer, in order. */
  private drain(): void {
    for (;;) {
      const esc = this.rx.indexOf(ESC);
      if (esc < 0) {
        this.rx = Buffer.alloc(0);
        return;
      }
      const buf = this.rx.subarray(esc);
      const taken = this.take(buf);
      if (taken === 0) {
        this.rx = buf;
        return;
      }
      this.rx = buf.subarray(taken);
    }
  }

  /** Handles the command at the start of `buf`; returns the bytes it used, 0 if incomplete. */
  private take(buf: Buffer): number {
    if (buf.length < 2) return 0;
    const code = buf[1];
    const need = commandLength(code);
    if (buf.length < need) return 0;
    let used = need;
    let block: EmuTracks | null = null;
    if (code === OP.writeIso) {
      const p = parseWriteBlock(buf, 2);
      if (p.kind === 'incomplete') return 0;
      used = p.used; // a broken block cannot be resynchronised inside: dropped whole
      if (p.kind === 'ok') block = p.tracks;
    }
    this.stats.commands++;
    if (fire(this.faults, 'silent')) return used;
    const arg = buf[2];
    this.enqueue(() => this.answer(code, arg, block, code === OP.writeIso && !block));
    return used;
  }

  private enqueue(job: () => Promise<void>): void {
    this.work = this.work.then(job, job);
  }

  private async answer(code: number, arg: number, block: EmuTracks | null, badBlock: boolean): Promise<void> {
    const d = this.delays;
    if (LED_OPS.has(code)) return; // the manual: LED commands have no response
    switch (code) {
      case OP.reset:
        this.stats.resets++;
        this.coercivity = 'hi';
        this.cancelSensorTest();
        return;
      case OP.commTest:
        return this.send([ESC, COMM_OK], d.commandMs);
      case OP.sensorTest:
        return this.sensorTest();
      case OP.ramTest:
        return this.send([ESC, fire(this.faults, 'ramError') ? ST.fail : ST.ok], d.commandMs);
      case OP.setHiCo:
      case OP.setLoCo:
        this.coercivity = code === OP.setHiCo ? 'hi' : 'lo';
        return this.send([ESC, ST.ok], d.commandMs);
      case OP.getCo:
        return this.send([ESC, this.coercivity === 'hi' ? HI : LO], d.commandMs);
      case OP.setBpi:
      case OP.setBpc:
      case OP.setLeadingZeros:
        return this.send([ESC, ST.ok], d.commandMs);
      case OP.model:
        return this.send([ESC, 0x33, 0x53], d.commandMs);
      case OP.firmware:
        return this.send(Buffer.concat([Buffer.from([ESC]), Buffer.from('REV-SIM1', 'latin1')]), d.commandMs);
      case OP.writeIso:
        return this.write(block, badBlock);
      case OP.readIso:
        return this.read();
      case OP.erase:
        return this.erase(arg);
      default:
        return this.send([ESC, ST.badCommand], d.commandMs);
    }
  }

  /** Answers 1B 30 once a card is at the head; a reset (or stop) ends the wait unanswered. */
  private sensorTest(): Promise<void> {
    this.cancelSensorTest();
    if (this.getCard()) return this.send([ESC, ST.ok], this.delays.readMs);
    this.sensorWait = setInterval(() => {
      if (!this.getCard()) return;
      this.cancelSensorTest();
      this.enqueue(() => this.send([ESC, ST.ok], 0));
    }, 50);
    this.sensorWait.unref?.();
    return Promise.resolve();
  }

  private async write(block: EmuTracks | null, badBlock: boolean): Promise<void> {
    this.stats.writes++;
    if (badBlock || !block || !block.every((t, i) => t == null || validTrack(i, t))) return this.send([ESC, ST.formatError], this.delays.commandMs);
    const card = this.card();
    if (!card) return this.send([ESC, ST.badSwipe], this.delays.writeMs);
    if (fire(this.faults, 'writeError')) return this.send([ESC, ST.rwError], this.delays.writeMs);
    block.forEach((t, i) => {
      if (t) card.stripe.tracks[i] = t;
    });
    card.stripe.coercivity = this.coercivity;
    return this.send([ESC, ST.ok], this.delays.writeMs);
  }

  private async read(): Promise<void> {
    this.stats.reads++;
    const none: EmuTracks = [null, null, null];
    const card = this.card();
    if (!card) return this.send(readAnswer(none, ST.badSwipe), this.delays.readMs);
    if (fire(this.faults, 'readError')) return this.send(readAnswer(none, ST.rwError), this.delays.readMs);
    const tracks = [...card.stripe.tracks] as EmuTracks;
    if (tracks.every((t) => !t)) return this.send(readAnswer(none, ST.rwError), this.delays.readMs);
    if (fire(this.faults, 'garbleRead')) {
      const i = tracks.findIndex((t) => !!t);
      tracks[i] = garble(tracks[i]!);
    }
    return this.send(readAnswer(tracks, ST.ok), this.delays.readMs);
  }

  private async erase(select: number): Promise<void> {
    this.stats.erases++;
    const which = eraseTracks(select);
    if (!which) return this.send([ESC, ST.formatError], this.delays.commandMs);
    const card = this.card();
    if (!card) return this.send([ESC, ST.fail], this.delays.eraseMs);
    for (const t of which) card.stripe.tracks[t - 1] = null;
    return this.send([ESC, ST.ok], this.delays.eraseMs);
  }

  private async send(bytes: number[] | Buffer, delayMs: number): Promise<void> {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (!this.plugged) return;
    let out = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    if (fire(this.faults, 'noise')) out = Buffer.concat([NOISE, out]);
    if (!this.faults.chunked) return this.port.write(out);
    for (let i = 0; i < out.length; i++) this.port.write(out.subarray(i, i + 1));
  }
}

function validTrack(i: number, t: string): boolean {
  if (t.length > MAX_DATA[i]) return false;
  const [lo, hi] = i === 0 ? [0x20, 0x5f] : [0x30, 0x3f];
  for (let k = 0; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c < lo || c > hi) return false;
  }
  return true;
}

/** Changes one character in the middle, staying inside the character set. */
function garble(t: string): string {
  const k = t.length >> 1;
  const c = t.charCodeAt(k);
  const swapped = c === 0x30 ? 0x31 : 0x30;
  return t.slice(0, k) + String.fromCharCode(swapped) + t.slice(k + 1);
}

export function createEncoderEmulator(port: EmulatorPort, opts?: EncoderEmulatorOptions): EncoderEmulator {
  return new EncoderEmulator(port, opts);
}
