import { blankStripe, type SimCard } from '../world';
import type { EmulatorPort } from './port';
import {
  FONT_CHARSET,
  MACHINE_MODULES,
  MAX_LINE_CHARS,
  milsToMm,
  parseCommand,
  type MachineFault,
  type MachineModule,
  type ParsedCommand,
} from '../../devices/machine/protocol';

// An emulated embosser/card-transport machine speaking docs/machine-protocol.md. It feeds blank
// SimCards from a hopper, moves them between its stations (chip stations 0..N-1, encoder,
// embosser, laser, vision), strikes emboss/indent lines onto the card surface and has fault
// switches for tests and demos (jam, cover, hopper, ribbon, foil, cable).

export interface MachineTimes {
  feed: number;
  move: number;
  eject: number;
  embossBase: number;
  embossPerChar: number;
  topping: number;
  reset: number;
}
export const REALISTIC_MACHINE_TIMES: MachineTimes = { feed: 600, move: 400, eject: 400, embossBase: 300, embossPerChar: 90, topping: 800, reset: 1500 };

export interface MachineEmulatorOptions {
  chipStations?: number;
  hopper?: number;
  newBlankCard?: (serial: number) => SimCard;
  firstSerial?: number;
  /** Called when a card arrives at chip station `slot` (card) and when it leaves (null); awaited before the move answers. */
  onChipStation?: (slot: number, card: SimCard | null) => void | Promise<void>;
  /** 0 = instant (default), 1 = real time, 0.1 = ten times faster. */
  timeScale?: number;
  times?: Partial<MachineTimes>;
  model?: string;
}

/** Where a card can be: `chip:0`, `encoder`, `emboss`, `laser`, `vision`. */
export type MachinePosition = `chip:${number}` | 'encoder' | 'emboss' | 'embosser' | 'laser' | 'vision';

interface Carried {
  handle: number;
  card: SimCard;
  pos: string;
}

export function defaultBlankCard(serial: number): SimCard {
  return { serial, chip: null, stripe: blankStripe(), surface: [] };
}

export class MachineEmulator {
  private port: EmulatorPort | null = null;
  private detachPort: (() => void) | null = null;
  private rx = '';
  private queue: string[] = [];
  private working = false;
  private nextHandle = 1;
  private nextSerial: number;
  private cards = new Map<number, Carried>();
  private faults = new Set<MachineFault>();
  private jamCleared = false;
  private jammed: Carried | null = null;
  private jamNextMove = false;
  private lost: number[] = [];
  private plugged = true;
  private readonly times: MachineTimes;
  readonly chipStations: number;
  hopper: number;
  readonly bins: { good: SimCard[]; reject: SimCard[]; removed: SimCard[] } = { good: [], reject: [], removed: [] };
  /** Command words received, in order (no arguments, so no card data). */
  readonly commandLog: string[] = [];

  constructor(
    port: EmulatorPort | null,
    private readonly opts: MachineEmulatorOptions = {},
  ) {
    this.chipStations = opts.chipStations ?? 2;
    this.hopper = opts.hopper ?? 100;
    this.nextSerial = opts.firstSerial ?? 1000;
    this.times = { ...REALISTIC_MACHINE_TIMES, ...opts.times };
    if (port) this.attach(port);
  }

  /** Connects the emulator to a (new) port, e.g. after a pty pair was recreated. */
  attach(port: EmulatorPort): () => void {
    this.detachPort?.();
    this.port = port;
    this.rx = '';
    const off = port.onData((c) => this.onBytes(c));
    this.detachPort = () => {
      off();
      if (this.port === port) this.port = null;
    };
    return this.detachPort;
  }

  close(): void {
    this.detachPort?.();
  }

  cardAt(pos: MachinePosition): SimCard | null {
    const key = pos === 'embosser' ? 'EMBOSS' : pos.toUpperCase();
    for (const c of this.cards.values()) if (c.pos === key) return c.card;
    return null;
  }

  /** Every card in the path with its position, for tests and the demo view. */
  cardsInPath(): Array<{ handle: number; serial: number; pos: string }> {
    return [...this.cards.values()].map((c) => ({ handle: c.handle, serial: c.card.serial, pos: c.pos }));
  }

  activeFaults(): MachineFault[] {
    return [...this.faults];
  }

  // ---- fault switches ----

  /** The next FEED/MOVE/EJECT jams the card it moves. */
  jamAtNextMove(): void {
    this.jamNextMove = true;
  }
  /** Jams now: the card at `handle` (or the last card fed) is stuck. */
  jamNow(handle?: number): void {
    const c = handle != null ? this.cards.get(handle) : [...this.cards.values()].at(-1);
    this.startJam(c ?? null);
  }
  /** The operator opens the machine and takes the jammed card out. */
  clearJam(): void {
    if (!this.faults.has('JAM')) return;
    if (this.jammed) this.bins.removed.push(this.jammed.card);
    this.jammed = null;
    this.faults.delete('JAM');
    this.jamCleared = true;
    this.event('CLEARED JAM');
  }
  openCover(): void {
    this.setFault('COVER_OPEN', true);
  }
  closeCover(): void {
    this.setFault('COVER_OPEN', false);
  }
  emptyHopper(): void {
    this.hopper = 0;
  }
  loadHopper(n: number): void {
    this.hopper += n;
    if (this.faults.has('HOPPER_EMPTY')) {
      this.faults.delete('HOPPER_EMPTY');
      this.event(`CLEARED HOPPER_EMPTY hopper=${this.hopper}`);
    }
  }
  ribbonOut(): void {
    this.setFault('RIBBON_OUT', true);
  }
  replaceRibbon(): void {
    this.setFault('RIBBON_OUT', false);
  }
  foilOut(): void {
    this.setFault('FOIL_OUT', true);
  }
  replaceFoil(): void {
    this.setFault('FOIL_OUT', false);
  }
  /** Pulls the cable (memory links only): the station sees a disconnect; the machine keeps its state. */
  unplug(): void {
    this.plugged = false;
    this.rx = '';
    this.port?.unplug?.();
  }
  plug(): void {
    this.plugged = true;
    this.port?.plug?.();
  }

  // ---- protocol ----

  private onBytes(chunk: Buffer): void {
    if (!this.plugged) return;
    this.rx += chunk.toString('latin1');
    let i: number;
    while ((i = this.rx.indexOf('\n')) >= 0) {
      const line = this.rx.slice(0, i);
      this.rx = this.rx.slice(i + 1);
      if (line.trim()) this.queue.push(line);
    }
    if (this.rx.length > 1024) this.rx = '';
    void this.work();
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      while (this.queue.length) {
        const line = this.queue.shift()!;
        const cmd = parseCommand(line);
        if (!cmd) {
          const seq = /^(\d{1,4})\b/.exec(line)?.[1];
          if (seq) this.send(`${seq} ERR BAD_COMMAND malformed line`);
          continue;
        }
        this.commandLog.push(cmd.cmd);
        let reply: string;
        try {
          reply = await this.execute(cmd);
        } catch (e) {
          reply = e instanceof Refusal ? `ERR ${e.code} ${e.text}` : 'ERR BAD_COMMAND internal error';
        }
        this.send(`${cmd.seq} ${reply}`);
      }
    } finally {
      this.working = false;
    }
  }

  private send(line: string): void {
    if (this.plugged) this.port?.write(line + '\n');
  }
  private event(text: string): void {
    this.send(`! ${text}`);
  }

  private setFault(f: MachineFault, on: boolean): void {
    if (on === this.faults.has(f)) return;
    if (on) this.faults.add(f);
    else this.faults.delete(f);
    this.event(`${on ? 'FAULT' : 'CLEARED'} ${f}`);
  }

  private startJam(c: Carried | null): void {
    if (c) {
      this.cards.delete(c.handle);
      this.lost.push(c.handle);
      void this.leave(c);
    }
    this.jammed = c;
    this.jamCleared = false;
    this.faults.add('JAM');
    this.event(c ? `FAULT JAM card=${c.handle}` : 'FAULT JAM');
  }

  private delay(ms: number): Promise<void> {
    const scale = this.opts.timeScale ?? 0;
    if (scale <= 0) return Promise.resolve();
    return new Promise((r) => setTimeout(r, ms * scale));
  }

  /** Refuses motion and strikes while a fault stops the machine. */
  private checkRunnable(): void {
    if (this.faults.has('JAM')) throw new Refusal('JAM', 'card jam in the transport');
    if (this.jamCleared) throw new Refusal('HALTED', 'jam cleared; send RECOVER');
    if (this.faults.has('COVER_OPEN')) throw new Refusal('COVER_OPEN', 'a cover is open');
  }

  private carried(handleWord: string | undefined): Carried {
    const h = Number(handleWord);
    const c = Number.isInteger(h) ? this.cards.get(h) : undefined;
    if (!c) throw new Refusal('NO_CARD', `no card ${handleWord ?? ''} in the machine`.trim());
    return c;
  }

  private async leave(c: Carried): Promise<void> {
    const m = /^CHIP:(\d+)$/.exec(c.pos);
    if (m) await this.opts.onChipStation?.(Number(m[1]), null);
  }

  private async execute(cmd: ParsedCommand): Promise<string> {
    switch (cmd.cmd) {
      case 'ID':
        return `OK model=${this.opts.model ?? 'PSM-EMU'} fw=1.0 protocol=1 chip=${this.chipStations}`;
      case 'STATUS': {
        const state = this.faults.size && !(this.faults.size === 1 && this.faults.has('HOPPER_EMPTY')) ? 'FAULT' : this.jamCleared ? 'HALTED' : 'READY';
        const cards = [...this.cards.values()].map((c) => `${c.handle}@${c.pos}`).join(',');
        return `OK state=${state} hopper=${this.hopper} faults=${[...this.faults].join(',')} cards=${cards}`;
      }
      case 'FEED':
        return this.feed();
      case 'MOVE':
        return this.move(cmd);
      case 'EJECT':
        return this.eject(cmd);
      case 'EMBOSS':
      case 'INDENT':
        return this.strike(cmd);
      case 'TOPPING':
        return this.topping(cmd);
      case 'RECOVER':
        return this.recover();
      case 'RESET':
        return this.reset();
      default:
        throw new Refusal('BAD_COMMAND', `unknown command ${cmd.cmd}`);
    }
  }

  private async feed(): Promise<string> {
    this.checkRunnable();
    if (this.hopper <= 0) {
      if (!this.faults.has('HOPPER_EMPTY')) this.setFault('HOPPER_EMPTY', true);
      throw new Refusal('HOPPER_EMPTY', 'no card in the input hopper');
    }
    if (this.occupant('INPUT')) throw new Refusal('BUSY', 'a card is still at the input');
    await this.delay(this.times.feed);
    this.hopper--;
    const handle = this.nextHandle++;
    const card = (this.opts.newBlankCard ?? defaultBlankCard)(this.nextSerial++);
    const c: Carried = { handle, card, pos: 'INPUT' };
    this.cards.set(handle, c);
    if (this.jamNextMove) {
      this.jamNextMove = false;
      this.startJam(c);
      throw new Refusal('JAM', `card ${handle} jammed at the hopper`);
    }
    return `OK card=${handle} serial=${card.serial} hopper=${this.hopper}`;
  }

  private occupant(pos: string): Carried | undefined {
    for (const c of this.cards.values()) if (c.pos === pos) return c;
    return undefined;
  }

  private async move(cmd: ParsedCommand): Promise<string> {
    this.checkRunnable();
    const c = this.carried(cmd.args[0]);
    const module = cmd.args[1] as MachineModule;
    const slot = Number(cmd.args[2] ?? 0);
    if (!(MACHINE_MODULES as readonly string[]).includes(module)) throw new Refusal('BAD_ARG', `unknown module ${module}`);
    if (!Number.isInteger(slot) || slot < 0 || (module === 'CHIP' ? slot >= this.chipStations : slot !== 0)) throw new Refusal('BAD_ARG', `no slot ${cmd.args[2]} at ${module}`);
    const to = module === 'CHIP' ? `CHIP:${slot}` : module;
    if (c.pos === to) return `OK at=${to}`;
    const there = this.occupant(to);
    if (there) throw new Refusal('BUSY', `card ${there.handle} is at ${to}`);
    await this.leave(c);
    c.pos = 'TRANSIT';
    await this.delay(this.times.move);
    if (this.jamNextMove) {
      this.jamNextMove = false;
      this.startJam(c);
      throw new Refusal('JAM', `card ${c.handle} jammed on the way to ${module} ${slot}`);
    }
    c.pos = to;
    if (module === 'CHIP') await this.opts.onChipStation?.(slot, c.card);
    this.event(`AT ${c.handle} ${module} ${slot}`);
    return `OK at=${to}`;
  }

  private async eject(cmd: ParsedCommand): Promise<string> {
    this.checkRunnable();
    const c = this.carried(cmd.args[0]);
    const bin = cmd.args[1];
    if (bin !== 'GOOD' && bin !== 'REJECT') throw new Refusal('BAD_ARG', 'bin must be GOOD or REJECT');
    await this.leave(c);
    c.pos = 'TRANSIT';
    await this.delay(this.times.eject);
    if (this.jamNextMove) {
      this.jamNextMove = false;
      this.startJam(c);
      throw new Refusal('JAM', `card ${c.handle} jammed on the way to the ${bin} bin`);
    }
    this.cards.delete(c.handle);
    (bin === 'GOOD' ? this.bins.good : this.bins.reject).push(c.card);
    return `OK bin=${bin}`;
  }

  private async strike(cmd: ParsedCommand): Promise<string> {
    this.checkRunnable();
    const indent = cmd.cmd === 'INDENT';
    // EMBOSS <side> <font> <x> <y> <pitch> <text> ; INDENT <side> <x> <y> <pitch> <text>
    const fixed = indent ? 4 : 5;
    const parts = cmd.rest.split(' ');
    if (parts.length <= fixed) throw new Refusal('BAD_ARG', `${cmd.cmd} needs ${fixed} arguments and the text`);
    const side = parts[0];
    const font = indent ? 'INDENT' : parts[1];
    const [x, y, pitch] = parts.slice(fixed - 3, fixed).map(Number);
    const text = parts.slice(fixed).join(' ');
    if (side !== 'FRONT' && side !== 'BACK') throw new Refusal('BAD_ARG', 'side must be FRONT or BACK');
    if (font !== '7B' && font !== '1B' && font !== 'INDENT') throw new Refusal('BAD_ARG', `unknown font ${font}`);
    if (![x, y, pitch].every((v) => Number.isInteger(v) && v >= 0 && v <= 3400)) throw new Refusal('BAD_ARG', 'position must be whole mils on the card');
    if (!text.length || text.length > MAX_LINE_CHARS[font] || !FONT_CHARSET[font].test(text)) throw new Refusal('BAD_ARG', `text does not fit font ${font}`);
    if (indent && this.faults.has('RIBBON_OUT')) throw new Refusal('RIBBON_OUT', 'the indent ribbon is out');
    const c = this.occupant('EMBOSS');
    if (!c) throw new Refusal('NO_CARD', 'no card at the embosser');
    await this.delay(this.times.embossBase + this.times.embossPerChar * text.length);
    c.card.surface.push({
      kind: indent ? 'indent' : 'emboss',
      side: side === 'BACK' ? 'back' : 'front',
      detail: { font, xMils: x, yMils: y, pitchMils: pitch, xMm: milsToMm(x), yMm: milsToMm(y), pitchMm: milsToMm(pitch), text },
    });
    return `OK chars=${text.length}`;
  }

  private async topping(cmd: ParsedCommand): Promise<string> {
    this.checkRunnable();
    const side = cmd.args[0];
    if (side !== 'FRONT' && side !== 'BACK') throw new Refusal('BAD_ARG', 'side must be FRONT or BACK');
    if (this.faults.has('FOIL_OUT')) throw new Refusal('FOIL_OUT', 'the topping foil is out');
    const c = this.occupant('EMBOSS');
    if (!c) throw new Refusal('NO_CARD', 'no card at the embosser');
    await this.delay(this.times.topping);
    c.card.surface.push({ kind: 'topping', side: side === 'BACK' ? 'back' : 'front', detail: {} });
    return 'OK';
  }

  private async recover(): Promise<string> {
    if (this.faults.has('JAM')) throw new Refusal('JAM', 'the jam is not cleared');
    if (this.faults.has('COVER_OPEN')) throw new Refusal('COVER_OPEN', 'close the cover first');
    const lost = this.lost.splice(0);
    this.jamCleared = false;
    this.event('RECOVERED');
    return `OK lost=${lost.join(',')}`;
  }

  private async reset(): Promise<string> {
    for (const c of [...this.cards.values()]) {
      await this.leave(c);
      this.cards.delete(c.handle);
      this.bins.reject.push(c.card);
    }
    if (this.jammed) this.bins.removed.push(this.jammed.card);
    this.jammed = null;
    this.faults.delete('JAM');
    this.jamCleared = false;
    this.jamNextMove = false;
    this.lost = [];
    await this.delay(this.times.reset);
    this.event('READY');
    return 'OK';
  }
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly text: string,
  ) {
    super(text);
  }
}
