import type { EmbossJob } from '../../../shared/layout/jobs';
import type { Device } from '../device';
import { StatusHolder } from '../device';
import type { LinkSource } from './port-keeper';
import type { DeviceCommand, DeviceStatus } from '../../../shared/domain/device';
import { REASONS } from '../../../shared/domain/reasons';
import { deviceNote, reasonNote, type StatusNote } from '../../../shared/domain/status-notes';
import { busyNote, FAULT_NOTES } from './status-notes';
import { LineSplitter, PortKeeper } from './port-keeper';
import { Prober } from '../prober';
import { MachineError, errorCodeOfWire } from './errors';
import { outcomeOfLost, type LostOutcome } from './lost-answer';
import { waitUntil } from './wait-until';
import { JamBook } from './jam-book';
import {
  FONT_CHARSET,
  MAX_LINE_CHARS,
  MACHINE_FAULTS,
  MAX_SEQ,
  formatCommand,
  mmToMils,
  parseMachineLine,
  type MachineEvent,
  type MachineFault,
  type MachineModule,
  type MachineReplyOk,
} from './protocol';

// The embosser/card-transport machine over a serial link (docs/machine-protocol.md). One command
// at a time, each with a timeout; faults come from ERR replies and `!` events and show as the
// device state with what the operator should do. Card text only ever goes into EMBOSS/INDENT
// command bytes.

export interface MachineTimeouts {
  identify: number;
  feed: number;
  move: number;
  eject: number;
  emboss: number;
  /** Added to `emboss` per character struck. */
  embossPerChar: number;
  topping: number;
  recover: number;
  reset: number;
}

export const DEFAULT_MACHINE_TIMEOUTS: MachineTimeouts = {
  identify: 2000,
  feed: 5000,
  move: 5000,
  eject: 5000,
  emboss: 5000,
  embossPerChar: 300,
  topping: 5000,
  recover: 5000,
  reset: 10000,
};

export interface MachineDriverOptions {
  id?: string;
  name?: string;
  timeouts?: Partial<MachineTimeouts>;
  backoff?: { initialMs?: number; maxMs?: number };
  /** An idle machine is asked STATUS this often, to notice a dead port or a silent machine. 0 = never. Default 2000. */
  heartbeatMs?: number;
}

export interface MachineIdentity {
  model: string;
  firmware: string;
  chipStations: number;
}

export interface MachineStatusReport {
  state: 'READY' | 'FAULT' | 'HALTED' | string;
  hopper: number;
  faults: MachineFault[];
}

/** A strike line as the layout makes it (mm); the driver converts positions to mils on the wire. */
export type StrikeLine = Pick<EmbossJob, 'kind' | 'side' | 'font' | 'x' | 'y' | 'pitch' | 'text'>;

/** Why the machine would refuse this line, in words without the text; null when it is fine. */
export function checkStrikeLine(line: StrikeLine): string | null {
  const indent = line.kind === 'indent' || line.font === 'indent';
  const font = indent ? 'INDENT' : line.font;
  if (!indent && line.font !== '7B' && line.font !== '1B') return `unknown emboss font ${String(line.font)}`;
  if (!line.text.length) return 'the line is empty';
  if (line.text.length > MAX_LINE_CHARS[font as keyof typeof MAX_LINE_CHARS]) return `the line is longer than ${MAX_LINE_CHARS[font as keyof typeof MAX_LINE_CHARS]} characters for font ${font}`;
  if (!FONT_CHARSET[font as keyof typeof FONT_CHARSET].test(line.text)) return `the line has characters that font ${font} cannot strike`;
  for (const v of [line.x, line.y, line.pitch]) if (!Number.isFinite(v) || v < 0 || v > 100) return 'the line position is outside the card';
  return null;
}

const FAULT_PRIORITY: MachineFault[] = ['JAM', 'COVER_OPEN', 'RIBBON_OUT', 'FOIL_OUT', 'HOPPER_EMPTY'];

const FAULT_WORDS: Record<MachineFault, { message: string; action: string }> = {
  JAM: { message: REASONS.MACHINE_JAM.summary, action: REASONS.MACHINE_JAM.action },
  COVER_OPEN: { message: REASONS.MACHINE_COVER_OPEN.summary, action: REASONS.MACHINE_COVER_OPEN.action },
  RIBBON_OUT: { message: 'The indent ribbon is out', action: 'Replace the indent ribbon' },
  FOIL_OUT: { message: 'The topping foil is out', action: 'Replace the topping foil' },
  HOPPER_EMPTY: { message: REASONS.MACHINE_HOPPER_EMPTY.summary, action: REASONS.MACHINE_HOPPER_EMPTY.action },
};

interface Pending {
  seq: number;
  cmd: string;
  args: ReadonlyArray<string | number>;
  /** The card a `! FAULT JAM card=<h>` named while this command was on the wire. */
  jammedCard?: number;
  resolve(r: MachineReplyOk): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class MachineDriver implements Device {
  readonly id: string;
  readonly kind = 'machine' as const;
  private readonly holder: StatusHolder;
  private readonly keeper: PortKeeper;
  private readonly splitter = new LineSplitter((l) => this.onLine(l));
  private readonly timeouts: MachineTimeouts;
  private seq = 0;
  private pending: Pending | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private faults = new Set<MachineFault>();
  private halted = false;
  private busyWith: { doing: string; note: StatusNote } | null = null;
  private lastProblem: { message: string; action: string; note: StatusNote } | null = null;
  private downReason = 'not started';
  private hopper: number | null = null;
  private identity: MachineIdentity | null = null;
  private eventListeners = new Set<(e: MachineEvent) => void>();
  private heartbeat: NodeJS.Timeout | null = null;
  private queued = 0;
  /** Handles this driver fed that have not left the machine (see lost-answer.ts). */
  private readonly owned = new Set<number>();
  /** Commands waiting for the port to come back; called on every up and at close. */
  private readonly upWaiters = new Set<() => void>();
  private closed = false;
  /** While the machine shows a command's problem (no answer, refusal), STATUS until it answers. */
  private readonly prober: Prober;
  /** Engine commands refused while the machine was stopped, waiting for it to run again. */
  private readonly runWaiters = new Set<() => void>();
  /** Whose card a jam took (see jam-book.ts). */
  private readonly jams = new JamBook();

  constructor(
    link: LinkSource,
    opts: MachineDriverOptions = {},
  ) {
    this.id = opts.id ?? 'machine';
    this.holder = new StatusHolder(this.id, 'machine', opts.name ?? 'Personalization machine');
    this.timeouts = { ...DEFAULT_MACHINE_TIMEOUTS, ...opts.timeouts };
    this.prober = new Prober(() => this.probe(), opts.backoff);
    this.keeper = new PortKeeper({
      link,
      backoff: opts.backoff,
      onChunk: (c) => this.splitter.push(c),
      handshake: () => this.handshake(),
      onState: (up, reason) => {
        if (up) this.startHeartbeat(opts.heartbeatMs ?? 2000);
        else this.stopHeartbeat();
        if (!up) {
          this.downReason = reason;
          // The command on the wire went out: whether the machine did it is not known (sent: 1).
          this.failPending(new MachineError(this.id, 'OFFLINE', `${this.id}: offline (${reason})`, { sent: 1 }));
        }
        this.refresh();
        if (up) for (const w of [...this.upWaiters]) w();
      },
    });
  }

  status(): DeviceStatus {
    return this.holder.get();
  }
  onStatus(cb: (s: DeviceStatus) => void): () => void {
    return this.holder.on(cb);
  }
  /** Unsolicited `!` events (card arrived, fault, cleared, recovered). */
  onEvent(cb: (e: MachineEvent) => void): () => void {
    this.eventListeners.add(cb);
    return () => this.eventListeners.delete(cb);
  }
  get info(): MachineIdentity | null {
    return this.identity;
  }
  get activeFaults(): MachineFault[] {
    return [...this.faults];
  }
  get isHalted(): boolean {
    return this.halted;
  }

  async start(): Promise<void> {
    this.closed = false;
    this.downReason = 'connecting';
    this.prober.resume();
    await this.keeper.start();
  }
  async close(): Promise<void> {
    this.prober.stop();
    this.stopHeartbeat();
    this.closed = true;
    await this.keeper.close();
    this.failPending(new MachineError(this.id, 'OFFLINE', `${this.id}: closed`, { sent: 1 }));
    for (const w of [...this.upWaiters]) w();
    this.downReason = 'closed';
    this.refresh();
  }

  // ---- commands ----

  async identify(signal?: AbortSignal): Promise<MachineIdentity> {
    const r = await this.command('ID', [], this.timeouts.identify, signal);
    this.identity = { model: r.fields.model ?? 'unknown', firmware: r.fields.fw ?? '?', chipStations: Number(r.fields.chip ?? 0) };
    return this.identity;
  }

  async queryStatus(signal?: AbortSignal): Promise<MachineStatusReport> {
    const r = await this.command('STATUS', [], this.timeouts.identify, signal);
    return this.applyStatus(r);
  }

  async feed(signal?: AbortSignal): Promise<number> {
    const r = await this.command('FEED', [], this.timeouts.feed, signal, 'feeding a card');
    const handle = Number(r.fields.card);
    if (!Number.isInteger(handle) || handle <= 0) throw new MachineError(this.id, 'ERROR', `${this.id}: FEED answered without a card handle`);
    if (r.fields.hopper !== undefined) this.hopper = Number(r.fields.hopper);
    this.owned.add(handle);
    this.jams.fed(handle);
    return handle;
  }

  async move(handle: number, module: MachineModule, slot: number, signal?: AbortSignal): Promise<void> {
    if (this.jams.wasRemoved(handle)) throw this.takenOut(handle, 'MOVE');
    await this.command('MOVE', [handle, module, slot], this.timeouts.move, signal, `moving card ${handle} to ${module} ${slot}`);
    this.jams.moved(handle, module);
  }

  async eject(handle: number, bin: 'GOOD' | 'REJECT', signal?: AbortSignal): Promise<void> {
    if (this.jams.wasRemoved(handle)) throw this.takenOut(handle, 'EJECT');
    await this.command('EJECT', [handle, bin], this.timeouts.eject, signal, `ejecting card ${handle} to ${bin}`);
    this.owned.delete(handle);
    this.jams.ejected(handle);
  }

  /** Strikes one line on the card at the embosser. Positions in mm are sent as mils. */
  async strike(line: StrikeLine, signal?: AbortSignal): Promise<void> {
    const indent = line.kind === 'indent' || line.font === 'indent';
    const problem = checkStrikeLine(line);
    if (problem) throw new MachineError(this.id, 'ERROR', `${this.id}: ${problem}`);
    const gone = this.jams.removedAtEmbosser();
    if (gone != null) throw this.takenOut(gone, indent ? 'INDENT' : 'EMBOSS');
    const side = line.side === 'back' ? 'BACK' : 'FRONT';
    const pos = [mmToMils(line.x), mmToMils(line.y), mmToMils(line.pitch)];
    const args = indent ? [side, ...pos] : [side, line.font, ...pos];
    const timeout = this.timeouts.emboss + this.timeouts.embossPerChar * line.text.length;
    await this.command(indent ? 'INDENT' : 'EMBOSS', args, timeout, signal, indent ? 'indenting' : 'embossing', line.text);
  }

  async topping(side: 'front' | 'back', signal?: AbortSignal): Promise<void> {
    const gone = this.jams.removedAtEmbosser();
    if (gone != null) throw this.takenOut(gone, 'TOPPING');
    await this.command('TOPPING', [side === 'back' ? 'BACK' : 'FRONT'], this.timeouts.topping, signal, 'topping');
  }

  /** After the operator cleared a fault: the machine resumes, answering which cards it lost. */
  async recover(signal?: AbortSignal): Promise<{ lost: number[] }> {
    const r = await this.command('RECOVER', [], this.timeouts.recover, signal, 'recovering');
    this.halted = false;
    this.faults.delete('JAM');
    const lost = (r.fields.lost ?? '').split(',').filter(Boolean).map(Number);
    for (const h of lost) this.owned.delete(h);
    this.jams.recovered(lost);
    this.refresh();
    return { lost };
  }

  /** The panel's commands: Recover once a jam is cleared by hand. */
  async perform(command: DeviceCommand): Promise<void> {
    if (command !== 'recover') throw new MachineError(this.id, 'ERROR', `${this.id}: ${command} is not a machine command`);
    await this.recover();
  }

  /** True when the machine said (RECOVER's `lost=`) that this card left its path: the operator took it out. */
  wasRemoved(handle: number): boolean {
    return this.jams.wasRemoved(handle);
  }

  /** A command for a card the operator took out after a jam: nothing to send, that card's jam. */
  private takenOut(handle: number, cmd: string): MachineError {
    return new MachineError(this.id, 'JAM', `${this.id}: card ${handle} was taken out after a jam; ${cmd} not sent`, { jammed: handle });
  }

  /** Re-initialises the machine: every card in the path goes to the reject bin. */
  async reset(signal?: AbortSignal): Promise<void> {
    await this.command('RESET', [], this.timeouts.reset, signal, 'resetting');
    this.owned.clear();
    this.jams.reset();
    await this.queryStatus(signal);
  }

  // ---- internals ----

  private startHeartbeat(ms: number): void {
    this.stopHeartbeat();
    if (ms <= 0) return;
    this.heartbeat = setInterval(() => {
      if (this.queued > 0 || !this.keeper.isUp) return;
      this.queryStatus().catch((e) => {
        // A machine that does not answer STATUS is treated as gone: reconnect and handshake again.
        if (e instanceof MachineError && e.code === 'TIMEOUT') void this.keeper.drop('the machine stopped answering');
      });
    }, ms);
  }
  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private async handshake(): Promise<void> {
    this.splitter.reset();
    await this.identifyDirect();
    const st = await this.sendNow('STATUS', [], this.timeouts.identify);
    // The machine answers again: what earlier commands ran into (the handshake's own "No answer
    // to ID" included) is over.
    this.lastProblem = null;
    this.applyStatus(st);
  }

  /** One probe of a machine in error: STATUS; it answers → the command's problem is over. */
  private async probe(): Promise<boolean> {
    if (!this.lastProblem || !this.keeper.isUp) return true;
    if (this.queued > 0) return false; // a command is on its way: its answer tells
    try {
      await this.queryStatus();
    } catch (e) {
      // A machine that does not answer STATUS is treated as gone: the port keeper reconnects.
      if (e instanceof MachineError && e.code === 'TIMEOUT') {
        void this.keeper.drop('the machine stopped answering');
        return true;
      }
      return false;
    }
    this.lastProblem = null;
    this.refresh();
    return true;
  }

  private async identifyDirect(): Promise<void> {
    const r = await this.sendNow('ID', [], this.timeouts.identify);
    this.identity = { model: r.fields.model ?? 'unknown', firmware: r.fields.fw ?? '?', chipStations: Number(r.fields.chip ?? 0) };
  }

  private applyStatus(r: MachineReplyOk): MachineStatusReport {
    const faults = (r.fields.faults ?? '').split(',').filter((f): f is MachineFault => (MACHINE_FAULTS as readonly string[]).includes(f));
    this.faults = new Set(faults);
    this.halted = r.fields.state === 'HALTED';
    if (this.halted) this.faults.add('JAM');
    if (r.fields.hopper !== undefined) this.hopper = Number(r.fields.hopper);
    this.refresh();
    return { state: r.fields.state ?? 'READY', hopper: this.hopper ?? 0, faults: [...this.faults] };
  }

  /**
   * Queues a command behind the one in flight. The signal cancels a command that has not gone out
   * yet; once on the wire a command is always answered (or times out): the machine does it either
   * way, and a station that stopped listening would not know where the card went.
   *
   * A caller with a signal (the engine) rides out a pulled cable: a command whose turn comes while
   * the port is gone waits for it to come back, and one whose answer was lost with the cable is
   * settled by asking the machine where the card is (lost-answer.ts). Without a signal (a panel
   * command, the CLI) a command fails OFFLINE at once, as the person sees the machine offline.
   */
  private command(cmd: string, args: Array<string | number>, timeoutMs: number, signal?: AbortSignal, doing?: string, text?: string): Promise<MachineReplyOk> {
    const run = async () => {
      if (signal?.aborted) throw this.notSent(cmd, 'cancelled');
      if (!this.keeper.isUp && !signal) throw this.notSent(cmd, `offline (${this.downReason})`);
      if (doing) {
        this.busyWith = { doing, note: busyNote(cmd, args) };
        this.refresh();
      }
      try {
        const r = await this.ride(cmd, args, timeoutMs, signal, text);
        if (cmd !== 'STATUS' && cmd !== 'ID') this.lastProblem = null;
        return r;
      } finally {
        this.busyWith = null;
        this.refresh();
      }
    };
    const once = () => {
      this.queued++;
      const p = this.chain.then(run, run).finally(() => this.queued--);
      this.chain = p.catch(() => undefined);
      return p;
    };
    if (!signal) return once();
    // An engine command the machine refused because it is stopped (a cover open, a jam not yet
    // cleared or recovered) was not done: the card is where it was. It waits, off the queue so
    // the operator's Recover can go out, until the machine runs again, and is sent again; only
    // the card a jam took can fail.
    const loop = async (): Promise<MachineReplyOk> => {
      for (;;) {
        try {
          return await once();
        } catch (e) {
          if (!(e instanceof MachineError) || e.detail.refused !== 1) throw e;
          await this.runnable(cmd, signal);
        }
      }
    };
    return loop();
  }

  /** The machine can move cards: connected, no jam (cleared and recovered), no cover open. */
  private get canRun(): boolean {
    return this.keeper.isUp && !this.halted && !this.faults.has('JAM') && !this.faults.has('COVER_OPEN');
  }

  /** Resolves when the machine can run again; a stop (the signal) or closing ends the wait, nothing sent. */
  private runnable(cmd: string, signal: AbortSignal): Promise<void> {
    return waitUntil({
      waiters: this.runWaiters, signal, ready: () => this.canRun, closed: () => this.closed,
      onClosed: () => this.notSent(cmd, 'closed'), onAbort: () => this.notSent(cmd, 'cancelled'),
    });
  }

  /** Sends a command, through a pulled cable when there is a signal (see command()). */
  private async ride(cmd: string, args: Array<string | number>, timeoutMs: number, signal: AbortSignal | undefined, text?: string): Promise<MachineReplyOk> {
    /** The command went out and its answer was lost: what the machine did is asked before anything is sent again. */
    let lost = false;
    for (let attempt = 1; ; attempt++) {
      if (!this.keeper.isUp) {
        if (!signal) throw lost ? this.lostAnswer(cmd, `offline (${this.downReason})`) : this.notSent(cmd, `offline (${this.downReason})`);
        await this.portUp(cmd, signal, lost);
      }
      let asking = lost;
      let outcome: LostOutcome | null = null;
      try {
        if (lost) {
          const st = await this.sendNow('STATUS', [], this.timeouts.identify);
          this.applyStatus(st);
          outcome = outcomeOfLost(cmd, args, st, this.owned, this.faults.has('JAM'));
        }
        if (!outcome || outcome.kind === 'resend') {
          asking = false;
          lost = false;
          return await this.sendNow(cmd, args, timeoutMs, text);
        }
      } catch (e) {
        // Only the cable going is ridden out (an OFFLINE of this driver), a few times in a row.
        if (!signal || !(e instanceof MachineError) || e.code !== 'OFFLINE' || e.detail.sent === undefined || this.closed || attempt >= 5) throw e;
        if (!asking) lost = e.detail.sent === 1;
        continue;
      }
      if (outcome.kind === 'done') return outcome.reply;
      throw new MachineError(this.id, outcome.jam ? 'JAM' : 'OFFLINE', `${this.id}: ${outcome.message}`, { sent: 1 });
    }
  }

  /** Resolves when the port is up again; a stop (the signal) or closing the driver ends the wait. */
  private portUp(cmd: string, signal: AbortSignal, lost: boolean): Promise<void> {
    return waitUntil({
      waiters: this.upWaiters, signal, ready: () => this.keeper.isUp, closed: () => this.closed,
      onClosed: () => (lost ? this.lostAnswer(cmd, 'closed') : this.notSent(cmd, 'closed')),
      onAbort: () => (lost ? this.lostAnswer(cmd, 'cancelled while the port was away') : this.notSent(cmd, 'cancelled')),
    });
  }

  /** The command never went out (sent: 0): the machine did nothing for it. */
  private notSent(cmd: string, why: string): MachineError {
    return new MachineError(this.id, why === 'cancelled' ? 'ERROR' : 'OFFLINE', `${this.id}: ${why}; ${cmd} not sent`, { sent: 0 });
  }

  /** The command went out and its answer was lost: what the machine did is not known (sent: 1). */
  private lostAnswer(cmd: string, why: string): MachineError {
    return new MachineError(this.id, 'OFFLINE', `${this.id}: ${why}; the answer to ${cmd} was lost with the cable`, { sent: 1 });
  }

  /** One command on the wire, answered or timed out; nothing else is sent meanwhile. */
  private sendNow(cmd: string, args: Array<string | number>, timeoutMs: number, text?: string): Promise<MachineReplyOk> {
    this.seq = this.seq >= MAX_SEQ ? 1 : this.seq + 1;
    const seq = this.seq;
    return new Promise<MachineReplyOk>((resolve, reject) => {
      const settle = (f: () => void) => {
        if (this.pending?.seq !== seq) return;
        clearTimeout(this.pending.timer);
        this.pending = null;
        f();
      };
      const timer = setTimeout(() => {
        this.lastProblem = { message: `No answer to ${cmd} within ${timeoutMs} ms`, action: REASONS.MACHINE_TIMEOUT.action, note: reasonNote('MACHINE_TIMEOUT') };
        settle(() => reject(new MachineError(this.id, 'TIMEOUT', `${this.id}: no answer to ${cmd} within ${timeoutMs} ms`, { timeoutMs })));
      }, timeoutMs);
      this.pending = {
        seq,
        cmd,
        args,
        timer,
        resolve: (r) => settle(() => resolve(r)),
        reject: (e) => settle(() => reject(e)),
      };
      this.keeper.write(formatCommand(seq, cmd, args, text)).catch(() => {
        settle(() => reject(new MachineError(this.id, 'OFFLINE', `${this.id}: could not send ${cmd}: the port is not writable`, { sent: 0 })));
      });
    });
  }

  private failPending(e: Error): void {
    this.pending?.reject(e);
  }

  private onLine(line: string): void {
    const m = parseMachineLine(line);
    if (!m) return;
    if (m.kind === 'event') return this.handleEvent(m);
    const p = this.pending;
    if (!p || p.seq !== m.seq) return; // a late answer to a command that timed out
    if (m.kind === 'ok') return p.resolve(m);
    const code = errorCodeOfWire(m.code);
    if (m.code === 'HALTED') {
      this.halted = true;
      this.faults.add('JAM');
    } else if ((MACHINE_FAULTS as readonly string[]).includes(m.code)) this.faults.add(m.code as MachineFault);
    else this.lastProblem = { message: `The machine refused ${p.cmd} (${m.code})`, action: REASONS.MACHINE_ERROR.action, note: reasonNote('MACHINE_ERROR') };
    this.refresh();
    // The machine's own text is left out of EMBOSS/INDENT errors: a faulty machine could echo the line.
    const said = p.cmd === 'EMBOSS' || p.cmd === 'INDENT' || !m.text ? '' : `: ${m.text}`;
    // A JAM that names this command's own card took that card; any other JAM, HALTED or
    // COVER_OPEN is the machine refusing to run: it did nothing (refused: 1).
    const own = m.code === 'JAM' ? this.jams.ownCard(p.cmd, p.args, p.jammedCard) : null;
    const refused = m.code === 'COVER_OPEN' || m.code === 'HALTED' || (m.code === 'JAM' && own == null);
    p.reject(new MachineError(this.id, code, `${this.id}: ${p.cmd} failed with ${m.code}${said}`, { wire: m.code, ...(refused ? { refused: 1 } : {}), ...(own != null ? { jammed: own } : {}) }));
  }

  private handleEvent(e: MachineEvent): void {
    const code = e.words[0] as MachineFault | undefined;
    if (e.name === 'FAULT' && code && (MACHINE_FAULTS as readonly string[]).includes(code)) {
      this.faults.add(code);
      if (code === 'JAM' && e.fields.card !== undefined) {
        this.jams.faulted(Number(e.fields.card));
        if (this.pending) this.pending.jammedCard = Number(e.fields.card);
      }
    }
    else if (e.name === 'CLEARED' && code && (MACHINE_FAULTS as readonly string[]).includes(code)) {
      this.faults.delete(code);
      // A cleared jam still halts the machine until the host sends RECOVER.
      if (code === 'JAM') {
        this.halted = true;
        this.faults.add('JAM');
      }
    } else if (e.name === 'RECOVERED' || e.name === 'READY') {
      this.halted = false;
      this.faults.delete('JAM');
    }
    if (e.fields.hopper !== undefined) this.hopper = Number(e.fields.hopper);
    this.refresh();
    for (const l of this.eventListeners) l(e);
  }

  private refresh(): void {
    if (this.runWaiters.size && (this.canRun || this.closed)) for (const w of [...this.runWaiters]) w();
    if (!this.keeper.isUp) {
      this.holder.say('offline', reasonNote('MACHINE_OFFLINE'), `Not connected: ${this.downReason}`, REASONS.MACHINE_OFFLINE.action);
      return;
    }
    const worst = FAULT_PRIORITY.find((f) => this.faults.has(f));
    if (worst === 'JAM' && this.halted && this.faults.size === 1) {
      this.holder.say('error', deviceNote('machine.recoverWait'), 'The jam is cleared; the machine waits for Recover', 'Press Recover to resume the machine', ['recover']);
      return;
    }
    if (worst) {
      const w = FAULT_WORDS[worst];
      this.holder.say('error', FAULT_NOTES[worst], w.message, w.action);
      return;
    }
    if (this.lastProblem) {
      this.holder.say('error', this.lastProblem.note, this.lastProblem.message, this.lastProblem.action);
      this.prober.kick();
      return;
    }
    if (this.busyWith) {
      this.holder.say('busy', this.busyWith.note, this.busyWith.doing);
      return;
    }
    this.holder.say('online', this.hopper == null ? deviceNote('ready') : deviceNote('machine.ready', { count: this.hopper }), this.hopper == null ? 'Ready' : `Ready, ${this.hopper} cards in the hopper`);
  }
}
