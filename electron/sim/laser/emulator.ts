import type { EmulatorPort } from '../machine/port';
import { CRITICAL_ALARMS, GRBL_MAX_LINE, GRBL_RX_BUFFER, formatStatusReport, type GrblReport, type GrblState } from '../../devices/laser/grbl';
import { initialModal, interpret, normaliseLine, resetModal, type Block, type Modal } from './gcode';

// A GRBL 1.1 laser controller, as seen from its serial port: banner on reset, `ok`/`error:N`
// per line, a 128-byte receive buffer it really enforces (bytes past it are lost and counted),
// real-time `?` `!` `~` 0x18, `$$` `$X` `$I` `$G` `$N=V`, G0/G1/G4/M3/M4/M5/S/F executed through
// a 15-block planner, and the executed toolpath recorded so tests can compare it with the job.

export interface Segment {
  from: [number, number];
  to: [number, number];
  rapid: boolean;
  /** Beam power 0..$30 while this segment ran (0 = beam off). */
  power: number;
  mode: 'M3' | 'M4' | 'M5';
  feed: number;
}

export interface LaserEmulatorOptions {
  rxBufferSize?: number;
  plannerBlocks?: number;
  /** Initial $32 (laser mode). Default 0, as a fresh GRBL. */
  laserMode?: boolean;
  /** 0 = moves finish at once (default); 1 = real time from distance and feed; 0.01 = 100× faster. */
  timeScale?: number;
  /** Rapid (G0) rate in mm/min for the time simulation. */
  rapidRate?: number;
  version?: string;
  /** Print the banner when attached (as a controller that was just powered on). Default true. */
  bannerOnAttach?: boolean;
  /** Work coordinate offsets `$#` reports (G54 and G92), mm. Default all zero. */
  g54?: [number, number, number];
  g92?: [number, number, number];
}

export interface LaserEmulatorStats {
  /** Most bytes ever received and not yet answered: a host that counts characters keeps this ≤ rxBufferSize. */
  maxUnacked: number;
  /** Bytes that arrived while the receive buffer was full (lost, as on the real controller). */
  overflowBytes: number;
  linesAnswered: number;
  errors: number;
  resets: number;
  statusQueries: number;
  homings: number;
}

export class GrblEmulator {
  private port: EmulatorPort | null = null;
  private detachPort: (() => void) | null = null;
  private rx = '';
  private unacked = 0;
  private out = '';
  private modal: Modal = initialModal();
  private planner: Block[] = [];
  private executing: NodeJS.Timeout | null = null;
  private holding = false;
  private door: 0 | 1 | null = null;
  private alarmCode: number | null = null;
  private critical = false;
  private pendingAlarm: { code: number; afterBlocks: number } | null = null;
  /** The stall fault: blocks stop executing, the state stays Run, the position stays put. */
  private stalled = false;
  private pendingStall: number | null = null;
  private blocksExecuted = 0;
  private plugged = true;
  private readonly rxSize: number;
  private readonly plannerSize: number;
  readonly settings = new Map<number, string>([
    [0, '10'], [1, '25'], [2, '0'], [3, '0'], [4, '0'], [5, '0'], [6, '0'], [10, '1'], [11, '0.010'], [12, '0.002'], [13, '0'],
    [20, '0'], [21, '0'], [22, '0'], [23, '0'], [24, '25.000'], [25, '500.000'], [26, '250'], [27, '1.000'], [30, '1000'], [31, '0'], [32, '0'],
    [100, '80.000'], [101, '80.000'], [102, '250.000'], [110, '6000.000'], [111, '6000.000'], [112, '500.000'],
    [120, '500.000'], [121, '500.000'], [122, '10.000'], [130, '90.000'], [131, '60.000'], [132, '200.000'],
  ]);
  readonly toolpath: Segment[] = [];
  /** What `$#` reports; tests change them as an operator would with G10 L2 / G92. */
  g54: [number, number, number];
  g92: [number, number, number];
  readonly stats: LaserEmulatorStats = { maxUnacked: 0, overflowBytes: 0, linesAnswered: 0, errors: 0, resets: 0, statusQueries: 0, homings: 0 };

  constructor(
    port: EmulatorPort | null,
    private readonly opts: LaserEmulatorOptions = {},
  ) {
    this.rxSize = opts.rxBufferSize ?? GRBL_RX_BUFFER;
    this.plannerSize = opts.plannerBlocks ?? 15;
    if (opts.laserMode) this.settings.set(32, '1');
    this.g54 = opts.g54 ?? [0, 0, 0];
    this.g92 = opts.g92 ?? [0, 0, 0];
    if (port) this.attach(port);
  }

  attach(port: EmulatorPort): () => void {
    this.detachPort?.();
    this.port = port;
    const off = port.onData((c) => this.onBytes(c));
    this.detachPort = () => {
      off();
      if (this.port === port) this.port = null;
    };
    if (this.opts.bannerOnAttach ?? true) this.softReset();
    return this.detachPort;
  }

  close(): void {
    this.stopExecuting();
    this.detachPort?.();
  }

  get state(): GrblState {
    if (this.alarmCode !== null) return 'Alarm';
    if (this.door !== null) return 'Door';
    if (this.holding) return 'Hold';
    return this.planner.length ? 'Run' : 'Idle';
  }
  get position(): [number, number, number] {
    return [this.modal.pos.x, this.modal.pos.y, this.modal.pos.z];
  }
  get laserMode(): boolean {
    return this.settings.get(32) === '1';
  }
  /** Bytes received and not yet answered right now. */
  get unackedBytes(): number {
    return this.unacked;
  }

  // ---- switches for tests ----

  /** Raises ALARM:code now, or when `afterBlocks` more motion blocks have executed (mid-job). */
  injectAlarm(code: number, opts: { afterBlocks?: number } = {}): void {
    if (opts.afterBlocks) this.pendingAlarm = { code, afterBlocks: this.blocksExecuted + opts.afterBlocks };
    else this.raiseAlarm(code);
  }
  /**
   * A controller frozen in Run: after `afterBlocks` more blocks (default 0) nothing executes any
   * more, `?` keeps answering `<Run|MPos:…>` at the same position, and no more lines are taken.
   * A soft reset ends it.
   */
  injectStall(opts: { afterBlocks?: number } = {}): void {
    if (opts.afterBlocks) this.pendingStall = this.blocksExecuted + opts.afterBlocks;
    else this.stalled = true;
  }
  get isStalled(): boolean {
    return this.stalled;
  }
  openDoor(): void {
    this.door = 1;
    this.stopExecuting();
  }
  closeDoor(): void {
    if (this.door !== null) this.door = 0;
  }
  unplug(): void {
    this.plugged = false;
    this.port?.unplug?.();
  }
  plug(): void {
    this.plugged = true;
    this.port?.plug?.();
  }
  clearToolpath(): void {
    this.toolpath.length = 0;
  }

  // ---- serial input ----

  private onBytes(chunk: Buffer): void {
    if (!this.plugged) return;
    let plain = '';
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      // Real-time commands are picked off the stream as they arrive, ahead of buffered lines.
      if (b === 0x3f) this.statusReport();
      else if (b === 0x21) this.feedHold();
      else if (b === 0x7e) this.cycleStart();
      else if (b === 0x18) {
        this.rx += plain;
        plain = '';
        this.softReset();
      } else if (b >= 0x80) continue;
      else if (this.critical) continue;
      else if (this.unacked + plain.length >= this.rxSize) this.stats.overflowBytes++;
      else plain += String.fromCharCode(b);
    }
    if (plain) {
      this.rx += plain;
      this.unacked += plain.length;
      if (this.unacked > this.stats.maxUnacked) this.stats.maxUnacked = this.unacked;
    }
    this.processLines();
    this.flush();
  }

  private flush(): void {
    if (this.out && this.plugged) this.port?.write(this.out);
    this.out = '';
  }

  private processLines(): void {
    for (;;) {
      if (this.critical) return;
      // GRBL blocks on a full planner before it reads the next line, so no `ok` until a block finishes.
      if (this.planner.length >= this.plannerSize) return;
      let end = -1;
      for (let i = 0; i < this.rx.length; i++) {
        const c = this.rx.charCodeAt(i);
        if (c === 10 || c === 13) {
          end = i;
          break;
        }
      }
      if (end < 0) return;
      const raw = this.rx.slice(0, end);
      this.rx = this.rx.slice(end + 1);
      this.unacked -= end + 1;
      this.answer(this.executeLine(raw));
    }
  }

  private answer(status: number): void {
    this.stats.linesAnswered++;
    if (status) this.stats.errors++;
    this.out += status ? `error:${status}\r\n` : 'ok\r\n';
  }

  private executeLine(raw: string): number {
    const line = normaliseLine(raw);
    if (!line) return 0;
    if (line.length > GRBL_MAX_LINE) return 11;
    if (line.startsWith('$')) return this.systemCommand(line);
    if (this.alarmCode !== null) return 9;
    const r = interpret(line, this.modal, Number(this.settings.get(30) ?? 1000));
    if (r.status) return r.status;
    if (r.block) {
      this.planner.push(r.block);
      this.runPlanner();
    }
    return 0;
  }

  private systemCommand(line: string): number {
    if (line === '$') {
      this.out += '[HLP:$$ $# $G $I $N $x=val $Nx=line $J=line $SLP $C $X $H ~ ! ? ctrl-x]\r\n';
      return 0;
    }
    if (line === '$$') {
      for (const [k, v] of [...this.settings].sort((a, b) => a[0] - b[0])) this.out += `$${k}=${v}\r\n`;
      return 0;
    }
    if (line === '$X') {
      if (this.alarmCode !== null) this.out += '[MSG:Caution: Unlocked]\r\n';
      this.alarmCode = null;
      return 0;
    }
    if (line === '$#') {
      const v = (p: number[]) => p.map((n) => n.toFixed(3)).join(',');
      for (const g of ['G54', 'G55', 'G56', 'G57', 'G58', 'G59']) this.out += `[${g}:${v(g === 'G54' ? this.g54 : [0, 0, 0])}]\r\n`;
      this.out += `[G28:0.000,0.000,0.000]\r\n[G30:0.000,0.000,0.000]\r\n[G92:${v(this.g92)}]\r\n[TLO:0.000]\r\n[PRB:0.000,0.000,0.000:0]\r\n`;
      return 0;
    }
    if (line === '$I') {
      this.out += `[VER:${this.opts.version ?? '1.1h'}.20190825:]\r\n[OPT:V,${this.plannerSize},${this.rxSize}]\r\n`;
      return 0;
    }
    if (line === '$G') {
      const m = this.modal;
      this.out += `[GC:G${m.motion} G54 G17 G${m.mm ? 21 : 20} G${m.absolute ? 90 : 91} G94 ${m.spindle} M9 T0 F${Math.round(m.f)} S${Math.round(m.s)}]\r\n`;
      return 0;
    }
    if (line === '$H') {
      // Homing: only with $22=1 (error:5 otherwise); it clears an alarm and ends at the origin.
      if (this.settings.get(22) !== '1') return 5;
      if (this.critical) return 9;
      this.alarmCode = null;
      this.modal.pos = { x: 0, y: 0, z: 0 };
      this.stats.homings++;
      return 0;
    }
    const set = /^\$(\d+)=(-?\d+(?:\.\d+)?)$/.exec(line);
    if (set) {
      if (this.planner.length) return 8;
      const key = Number(set[1]);
      if (!this.settings.has(key)) return 3;
      if (Number(set[2]) < 0) return 4;
      this.settings.set(key, set[2]);
      return 0;
    }
    return 3;
  }

  // ---- motion ----

  private runPlanner(): void {
    if (this.executing || this.holding || this.stalled || this.door !== null || this.alarmCode !== null) return;
    const scale = this.opts.timeScale ?? 0;
    if (scale <= 0) {
      while (this.planner.length && !this.holding && !this.stalled && this.alarmCode === null) this.executeBlock(this.planner.shift()!);
      return;
    }
    const b = this.planner[0];
    if (!b) return;
    const dist = Math.hypot(b.to.x - b.from.x, b.to.y - b.from.y, b.to.z - b.from.z);
    const rate = b.rapid ? (this.opts.rapidRate ?? 6000) : b.f;
    const ms = b.dwell !== undefined ? b.dwell * 1000 : rate > 0 ? (dist / rate) * 60000 : 0;
    this.executing = setTimeout(() => {
      this.executing = null;
      if (this.planner[0] !== b || this.alarmCode !== null || this.stalled) return;
      this.executeBlock(this.planner.shift()!);
      this.processLines();
      this.runPlanner();
      this.flush();
    }, ms * scale);
  }

  private stopExecuting(): void {
    if (this.executing) clearTimeout(this.executing);
    this.executing = null;
  }

  private executeBlock(b: Block): void {
    if (b.dwell === undefined) {
      // In laser mode G0 never fires the beam; in spindle mode the "spindle" keeps running.
      const on = b.spindle !== 'M5' && b.s > 0 && (!b.rapid || !this.laserMode);
      this.toolpath.push({ from: [b.from.x, b.from.y], to: [b.to.x, b.to.y], rapid: b.rapid, power: on ? b.s : 0, mode: b.spindle, feed: b.rapid ? 0 : b.f });
    }
    this.blocksExecuted++;
    if (this.pendingStall !== null && this.blocksExecuted >= this.pendingStall) {
      this.pendingStall = null;
      this.stalled = true;
    }
    if (this.pendingAlarm && this.blocksExecuted >= this.pendingAlarm.afterBlocks) {
      const code = this.pendingAlarm.code;
      this.pendingAlarm = null;
      this.raiseAlarm(code);
    }
  }

  private raiseAlarm(code: number): void {
    this.stopExecuting();
    this.planner = [];
    this.holding = false;
    this.alarmCode = code;
    this.modal.spindle = 'M5';
    this.out += `ALARM:${code}\r\n`;
    if (CRITICAL_ALARMS.has(code)) {
      // Hard and soft limits stop the line reader until a soft reset.
      this.critical = true;
      this.out += '[MSG:Reset to continue]\r\n';
    }
    this.flush();
  }

  // ---- real-time commands ----

  private statusReport(): void {
    this.stats.statusQueries++;
    const running = this.planner[0];
    const st = this.state;
    const r: GrblReport = {
      state: st,
      sub: st === 'Hold' ? 0 : st === 'Door' ? (this.door ?? 0) : undefined,
      mpos: this.position,
      feed: running && !running.rapid && st === 'Run' ? running.f : 0,
      power: running && st === 'Run' && running.spindle !== 'M5' ? running.s : 0,
    };
    this.out += formatStatusReport(r) + '\r\n';
  }

  private feedHold(): void {
    if (this.alarmCode !== null) return;
    if (!this.planner.length) return;
    // The block in motion stops where it is and runs again in full on resume (its segment is
    // recorded once, when it completes).
    this.holding = true;
    this.stopExecuting();
  }

  private cycleStart(): void {
    if (this.door === 0) this.door = null;
    if (this.door !== null) return;
    if (!this.holding) return;
    this.holding = false;
    this.runPlanner();
    this.processLines();
  }

  private softReset(): void {
    const moving = this.planner.length > 0 && !this.holding && this.alarmCode === null;
    this.stopExecuting();
    this.stats.resets++;
    this.planner = [];
    this.rx = '';
    this.unacked = 0;
    this.holding = false;
    this.critical = false;
    this.pendingAlarm = null;
    this.stalled = false;
    this.pendingStall = null;
    this.modal = resetModal(this.modal);
    if (moving) {
      this.alarmCode = 3;
      this.out += 'ALARM:3\r\n';
    }
    this.out += `\r\nGrbl ${this.opts.version ?? '1.1h'} ['$' for help]\r\n`;
    // An alarm survives a reset: the controller comes back locked until $X.
    if (this.alarmCode !== null) this.out += "[MSG:'$H'|'$X' to unlock]\r\n";
    this.flush();
  }
}
