import type { Device } from '../device';
import { StatusHolder } from '../device';
import type { LinkSource } from '../machine/port-keeper';
import type { DeviceCommand, DeviceStatus } from '../../../shared/domain/device';
import { REASONS } from '../../../shared/domain/reasons';
import { deviceNote, reasonNote, type StatusNote } from '../../../shared/domain/status-notes';
import { LineSplitter, PortKeeper } from '../machine/port-keeper';
import { LaserError } from './errors';
import { FlowChannel, LOST_ALARM, LOST_OFFLINE, LOST_RESET, type AckResult, type FlowSource } from './flow';
import { prepareGcode } from './gcode-lines';
import { checkWorkCoordinates } from './work-coordinates';
import { BANNER_RE, CRITICAL_ALARMS, GRBL_RX_BUFFER, RT_FEED_HOLD, RT_RESUME, RT_SOFT_RESET, RT_STATUS, alarmText, errorText, parseStatusReport, type GrblReport } from './grbl';

// A GRBL 1.1 laser over a serial link. On every (re)connect it soft-resets the controller, waits
// for the banner, reads the settings and makes sure laser mode ($32=1) is on. Jobs stream with
// character counting (or send-response); `?` is polled for the state and as a heartbeat. An
// ALARM locks the driver until recover() (soft reset, then $X).

export interface GrblLaserOptions {
  id?: string;
  name?: string;
  flow?: 'count' | 'send-response';
  rxBufferSize?: number;
  /** Sets $32=1 when the controller is not in laser mode; otherwise the device shows an error. Default true. */
  ensureLaserMode?: boolean;
  /** Status poll period while a job runs, and when idle. */
  pollMs?: number;
  idlePollMs?: number;
  /** No byte at all from the controller for this long while a poll is unanswered: TIMEOUT, then reconnect. */
  silenceMs?: number;
  resetTimeoutMs?: number;
  commandTimeoutMs?: number;
  /**
   * Progress watchdog: a job whose position has not changed for this long (outside a feed hold
   * or an open door) is a stalled controller: the job fails, the laser gets a feed hold and a
   * soft reset. Default 15000.
   */
  stallMs?: number;
  /**
   * The G54 work offset the station's jig was measured with (x, y mm). When given, the driver
   * reads `$#` at every connect and refuses jobs while G54 differs or G92 is not zero.
   */
  workOffset?: { x: number; y: number };
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface JobResult {
  lines: number;
  bytes: number;
  ms: number;
}

interface Job {
  lines: string[];
  next: number;
  acked: number;
  bytes: number;
  firstError: { line: number; code: number } | null;
  stopped: boolean;
  settled: boolean;
  started: number;
  resolve(r: JobResult): void;
  reject(e: Error): void;
  onProgress?: (acked: number, total: number) => void;
}

export class GrblLaser implements Device {
  readonly id: string;
  readonly kind = 'laser' as const;
  private readonly holder: StatusHolder;
  private readonly keeper: PortKeeper;
  private readonly splitter = new LineSplitter((l) => this.onLine(l));
  private readonly flow: FlowChannel;
  private readonly o: Required<Omit<GrblLaserOptions, 'id' | 'name' | 'backoff' | 'workOffset'>>;
  private readonly workOffset: { x: number; y: number } | null;
  /** Why the controller's work coordinates do not fit the jig (found at connect), or null. */
  private wcsMismatch: string | null = null;
  private lastReport: GrblReport | null = null;
  private reportWaiters: Array<(r: GrblReport) => void> = [];
  private bannerWaiters: Array<() => void> = [];
  private version: string | null = null;
  private settingsMap = new Map<number, string>();
  private alarm: number | null = null;
  private locked = false;
  private desync = true;
  private laserModeOff = false;
  private problem: { message: string; action: string; note: StatusNote } | null = null;
  private downReason = 'not started';
  private job: Job | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastPoll = 0;
  private pollSince: number | null = null;
  private lastRx = 0;
  private recovering = 0;
  /** Jobs handed over during a recovery, waiting for its end (see runJob). */
  private recoveryWaiters: Array<() => void> = [];
  /** Where the job's last status report put the head, and since when it has been there. */
  private stallPos: readonly number[] | null = null;
  private stallSince = 0;

  constructor(
    link: LinkSource,
    opts: GrblLaserOptions = {},
  ) {
    this.id = opts.id ?? 'laser';
    this.holder = new StatusHolder(this.id, 'laser', opts.name ?? 'Laser engraver');
    this.o = {
      flow: opts.flow ?? 'count',
      rxBufferSize: opts.rxBufferSize ?? GRBL_RX_BUFFER,
      ensureLaserMode: opts.ensureLaserMode ?? true,
      pollMs: opts.pollMs ?? 200,
      idlePollMs: opts.idlePollMs ?? 1000,
      silenceMs: opts.silenceMs ?? 3000,
      resetTimeoutMs: opts.resetTimeoutMs ?? 3000,
      commandTimeoutMs: opts.commandTimeoutMs ?? 3000,
      stallMs: opts.stallMs ?? 15000,
    };
    this.workOffset = opts.workOffset ?? null;
    this.flow = new FlowChannel((s) => this.write(s), this.o.rxBufferSize, this.o.flow);
    this.keeper = new PortKeeper({
      link,
      backoff: opts.backoff,
      onChunk: (c) => {
        this.lastRx = Date.now();
        this.splitter.push(c);
        this.flow.pump();
      },
      handshake: () => this.handshake(),
      onState: (up, reason) => {
        if (up) this.startPolling();
        else {
          this.downReason = reason;
          this.stopPolling();
          this.desync = true;
          this.flow.flush(LOST_OFFLINE);
        }
        this.refresh();
      },
    });
  }

  status(): DeviceStatus {
    return this.holder.get();
  }
  onStatus(cb: (s: DeviceStatus) => void): () => void {
    return this.holder.on(cb);
  }
  get report(): GrblReport | null {
    return this.lastReport;
  }
  get firmware(): string | null {
    return this.version;
  }
  get settings(): ReadonlyMap<number, string> {
    return this.settingsMap;
  }
  get alarmCode(): number | null {
    return this.alarm;
  }
  /** Highest count of unacknowledged bytes the driver ever had outstanding. */
  get maxBytesInFlight(): number {
    return this.flow.maxInFlight;
  }

  async start(): Promise<void> {
    this.downReason = 'connecting';
    await this.keeper.start();
  }
  async close(): Promise<void> {
    this.stopPolling();
    await this.keeper.close();
    this.flow.flush(LOST_OFFLINE);
    this.downReason = 'closed';
    this.refresh();
  }

  // ---- operations ----

  /**
   * Streams a job's G-code; resolves when every line was accepted and the laser is idle again.
   * A job handed over while the operator's recovery runs (soft reset, $X) waits for it to end: the
   * panel shows busy meanwhile, which the line takes as ready, and the card must not pay for the
   * lock the recovery is lifting.
   */
  async runJob(gcode: readonly string[], opts: { signal?: AbortSignal; onProgress?: (acked: number, total: number) => void } = {}): Promise<JobResult> {
    while (this.recovering) await this.recovered(opts.signal);
    return this.startJob(gcode, opts);
  }

  /** Resolves when no recovery runs any more; the signal cancels the wait (the job never started). */
  private recovered(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.recoveryWaiters = this.recoveryWaiters.filter((w) => w !== done);
        reject(new LaserError(this.id, 'ERROR', `${this.id}: job cancelled before it started`));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.recoveryWaiters.push(done);
    });
  }

  /** One recovery (or homing) ended: jobs that waited for the last one go on. */
  private endRecovery(): void {
    this.recovering--;
    this.refresh();
    if (!this.recovering) for (const w of this.recoveryWaiters.splice(0)) w();
  }

  private startJob(gcode: readonly string[], opts: { signal?: AbortSignal; onProgress?: (acked: number, total: number) => void }): Promise<JobResult> {
    const ready = this.checkReady('the job');
    if (ready) return Promise.reject(ready);
    if (this.job) return Promise.reject(new LaserError(this.id, 'ERROR', `${this.id}: a job is already running`));
    let lines: string[];
    try {
      lines = prepareGcode(gcode, this.o.rxBufferSize);
    } catch (e) {
      return Promise.reject(new LaserError(this.id, 'ERROR', `${this.id}: ${(e as Error).message}`));
    }
    return new Promise<JobResult>((resolve, reject) => {
      const job: Job = { lines, next: 0, acked: 0, bytes: 0, firstError: null, stopped: false, settled: false, started: Date.now(), resolve, reject, onProgress: opts.onProgress };
      const signal = opts.signal;
      const onAbort = () => {
        this.failJob(job, new LaserError(this.id, 'ERROR', `${this.id}: job cancelled at line ${job.acked + 1} of ${lines.length}`));
        // Stop the beam now: hold, then reset; the reset also unlocks, since we caused it.
        this.write(RT_FEED_HOLD);
        void this.recover().catch(() => undefined);
      };
      if (signal?.aborted) return reject(new LaserError(this.id, 'ERROR', `${this.id}: job cancelled before it started`));
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => signal?.removeEventListener('abort', onAbort);
      job.resolve = (r) => (cleanup(), resolve(r));
      job.reject = (e) => (cleanup(), reject(e));
      this.job = job;
      this.stallPos = null;
      this.stallSince = Date.now();
      this.refresh();
      const source: FlowSource = {
        peek: () => (job.stopped || job.next >= lines.length ? null : lines[job.next]),
        take: () => {
          const index = job.next++;
          job.bytes += lines[index].length;
          return { text: lines[index], done: (res) => this.onJobAck(job, index, res) };
        },
      };
      this.flow.setSource(source);
      if (!lines.length) this.maybeFinish(job);
    });
  }

  /** Sends one line (a `$` command or G-code) outside a job; resolves with the messages GRBL printed before `ok`. */
  async command(line: string, timeoutMs = this.o.commandTimeoutMs): Promise<string[]> {
    const ready = this.checkReady(line.startsWith('$') ? line.split('=')[0] : 'a command', true);
    if (ready) throw ready;
    const messages = await this.commandRaw(line, timeoutMs);
    // A setting changed by hand: keep the picture the device panel's commands depend on.
    const set = /^\$(\d+)=(\S+)$/.exec(line.trim());
    if (set) this.settingsMap.set(Number(set[1]), set[2]);
    return messages;
  }

  /** Asks for a status report now. */
  queryReport(timeoutMs = this.o.silenceMs): Promise<GrblReport> {
    if (!this.keeper.isUp && this.desync) return Promise.reject(new LaserError(this.id, 'OFFLINE', `${this.id}: offline`));
    return new Promise<GrblReport>((resolve, reject) => {
      const t = setTimeout(() => {
        this.reportWaiters = this.reportWaiters.filter((w) => w !== waiter);
        reject(new LaserError(this.id, 'TIMEOUT', `${this.id}: no status report within ${timeoutMs} ms`, { timeoutMs }));
      }, timeoutMs);
      const waiter = (r: GrblReport) => {
        clearTimeout(t);
        resolve(r);
      };
      this.reportWaiters.push(waiter);
      this.poll();
    });
  }

  feedHold(): void {
    this.write(RT_FEED_HOLD);
  }
  resume(): void {
    this.write(RT_RESUME);
  }

  /** Soft reset (0x18): stops everything at once; resolves when the banner is back. */
  async softReset(): Promise<void> {
    if (!this.keeper.isUp) throw new LaserError(this.id, 'OFFLINE', `${this.id}: offline (${this.downReason})`);
    const banner = this.waitBanner(this.o.resetTimeoutMs);
    this.sendReset();
    await banner;
  }

  /** Writes 0x18 and sends nothing more until the banner: answers in between belong to the old session. */
  private sendReset(): void {
    if (this.job) this.failJob(this.job, new LaserError(this.id, 'ERROR', `${this.id}: the job was stopped by a soft reset`, { lost: LOST_RESET }));
    this.desync = true;
    this.flow.paused = true;
    this.flow.flush(LOST_RESET);
    this.write(RT_SOFT_RESET);
  }

  /** `$X`: clears the alarm lock. */
  async unlock(): Promise<void> {
    await this.commandRaw('$X', this.o.commandTimeoutMs);
    this.alarm = null;
    this.locked = false;
    this.refresh();
  }

  /** Homing cycle (`$H`, when the machine has homing: `$22=1`): also clears an alarm lock. */
  async home(timeoutMs = 60_000): Promise<void> {
    if (!this.keeper.isUp) throw new LaserError(this.id, 'OFFLINE', `${this.id}: offline (${this.downReason}); $H not sent`);
    this.recovering++;
    this.refresh();
    try {
      await this.commandRaw('$H', timeoutMs);
      this.alarm = null;
      this.locked = false;
      this.problem = null;
      await this.queryReport();
    } finally {
      this.endRecovery();
    }
  }

  /** Whether the controller has a homing cycle ($22=1). */
  get hasHoming(): boolean {
    return this.settingsMap.get(22) === '1';
  }

  /** The device panel's commands: unlock ($X) and, where the machine has it, homing ($H). */
  async perform(command: DeviceCommand): Promise<void> {
    if (!(this.status().commands ?? []).includes(command)) throw new LaserError(this.id, 'ERROR', `${this.id}: ${command} is not offered now`);
    // After a hard or soft limit GRBL reads nothing until a reset; the motion has stopped already.
    if (command === 'home') {
      if (this.alarm !== null && CRITICAL_ALARMS.has(this.alarm)) await this.softReset();
      return this.home();
    }
    await this.recover();
  }

  /** The operator's recovery after an alarm: soft reset, `$X` unlock, fresh status. */
  async recover(): Promise<void> {
    this.recovering++;
    this.refresh();
    try {
      await this.softReset();
      await this.unlock();
      this.problem = null;
      await this.queryReport();
    } finally {
      this.endRecovery();
    }
  }

  // ---- connection ----

  private async handshake(): Promise<void> {
    this.splitter.reset();
    // A new connection: what the old one saw is over. A controller still in alarm says so again
    // after the reset below ([MSG:'$H'|'$X' to unlock], or an Alarm status report).
    this.alarm = null;
    this.locked = false;
    this.desync = true;
    this.flow.flush(LOST_OFFLINE);
    const banner = this.waitBanner(this.o.resetTimeoutMs);
    this.sendReset();
    await banner.catch(() => {
      throw new Error('no GRBL banner after a soft reset');
    });
    this.lastRx = Date.now();
    // A banner buffered before ours can arrive first; our own then resets the line count once more.
    let messages: string[] | null = null;
    for (let i = 0; i < 3 && !messages; i++) {
      messages = await this.commandRaw('$$', this.o.commandTimeoutMs).catch((e) => {
        if (e instanceof LaserError && e.detail.lost === LOST_RESET) return null;
        throw e;
      });
    }
    if (!messages) throw new Error('GRBL kept resetting during the handshake');
    for (const m of messages) {
      const s = /^\$(\d+)=(.*)$/.exec(m);
      if (s) this.settingsMap.set(Number(s[1]), s[2]);
    }
    this.laserModeOff = this.settingsMap.get(32) !== '1';
    if (this.laserModeOff && this.o.ensureLaserMode) {
      await this.commandRaw('$32=1', this.o.commandTimeoutMs);
      this.settingsMap.set(32, '1');
      this.laserModeOff = false;
    }
    this.wcsMismatch = this.workOffset ? checkWorkCoordinates(await this.readWorkCoordinates(), this.workOffset) : null;
    this.problem = null;
    await this.queryReport(this.o.commandTimeoutMs);
  }

  /** `$#`'s lines; asked again if an answer of the reset handshake arrived in between. */
  private async readWorkCoordinates(): Promise<string[] | null> {
    for (let i = 0; i < 3; i++) {
      const m = await this.commandRaw('$#', this.o.commandTimeoutMs).catch(() => null);
      if (m?.some((l) => l.startsWith('[G54:'))) return m;
    }
    return null;
  }

  private waitBanner(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        this.bannerWaiters = this.bannerWaiters.filter((w) => w !== waiter);
        reject(new LaserError(this.id, 'TIMEOUT', `${this.id}: no GRBL banner within ${timeoutMs} ms of a soft reset`, { timeoutMs }));
      }, timeoutMs);
      const waiter = () => {
        clearTimeout(t);
        resolve();
      };
      this.bannerWaiters.push(waiter);
    });
  }

  private commandRaw(line: string, timeoutMs: number): Promise<string[]> {
    const what = line.startsWith('$') ? line.split('=')[0] : 'a G-code command';
    return new Promise<string[]>((resolve, reject) => {
      let done = false;
      const t = setTimeout(() => {
        done = true;
        reject(new LaserError(this.id, 'TIMEOUT', `${this.id}: no answer to ${what} within ${timeoutMs} ms`, { timeoutMs }));
      }, timeoutMs);
      this.flow.enqueue({
        text: line + '\n',
        done: (res: AckResult) => {
          clearTimeout(t);
          if (done) return;
          done = true;
          if (res.ok) return resolve(res.messages);
          reject(this.lostError(res.error, what));
        },
      });
    });
  }

  private lostError(code: number, what: string): LaserError {
    if (code === LOST_ALARM) return new LaserError(this.id, 'ALARM', `${this.id}: ${what} stopped by ${alarmText(this.alarm ?? 0)}`, { alarm: this.alarm ?? 0, lost: code });
    if (code === LOST_OFFLINE) return new LaserError(this.id, 'OFFLINE', `${this.id}: went offline during ${what} (${this.downReason})`, { lost: code });
    if (code === LOST_RESET) return new LaserError(this.id, 'ERROR', `${this.id}: the controller reset during ${what}`, { lost: code });
    return new LaserError(this.id, 'ERROR', `${this.id}: ${what} refused with ${errorText(code)}`, { grblError: code });
  }

  private checkReady(what: string, allowLocked = false): LaserError | null {
    if (!this.keeper.isUp) return new LaserError(this.id, 'OFFLINE', `${this.id}: offline (${this.downReason}); ${what} not sent`);
    if (this.wcsMismatch) return new LaserError(this.id, 'ERROR', `${this.id}: ${this.wcsMismatch}; ${what} not sent`);
    if (!allowLocked && (this.alarm !== null || this.locked))
      return new LaserError(this.id, 'ALARM', `${this.id}: locked by ${this.alarm !== null ? alarmText(this.alarm) : 'a reset'}; recover first`, { alarm: this.alarm ?? 0 });
    return null;
  }

  // ---- incoming ----

  private onLine(line: string): void {
    if (line === 'ok' || line.startsWith('error:')) {
      if (this.desync) return; // answers to lines a reset or an alarm already voided
      this.flow.ack(line === 'ok' ? null : Number(line.slice(6)) || 0);
      return;
    }
    if (line.startsWith('<')) {
      const r = parseStatusReport(line);
      if (!r) return;
      const before = this.lastReport?.state;
      this.lastReport = r;
      this.pollSince = null;
      if (r.state === 'Alarm' && this.alarm === null) this.locked = true;
      if (this.job) this.watchProgress(r);
      // The idle poll is the probe of a laser whose last job was refused: an Idle controller with
      // no job left is ready again (the card already failed with the reason).
      if (r.state === 'Idle' && this.problem && !this.job && !this.recovering) {
        this.problem = null;
        this.refresh();
      }
      const waiters = this.reportWaiters.splice(0);
      for (const w of waiters) w(r);
      if (before !== r.state) this.refresh();
      return;
    }
    const alarm = /^ALARM:(\d+)/.exec(line);
    if (alarm) return this.onAlarm(Number(alarm[1]));
    const banner = BANNER_RE.exec(line);
    if (banner) return this.onBanner(banner[1]);
    if (line.startsWith("[MSG:'$H'|'$X' to unlock]")) {
      this.locked = true;
      this.refresh();
      return;
    }
    if (line.startsWith('[') || line.startsWith('$')) this.flow.message(line);
  }

  private onAlarm(n: number): void {
    this.alarm = n;
    this.locked = true;
    // The job fails now; its lines already sent stay counted until GRBL answers them (error:9)
    // or a reset voids them, so the count stays in step with the controller.
    if (this.job) this.failJob(this.job, this.lostError(LOST_ALARM, `job line ${this.job.acked + 1} of ${this.job.lines.length}`));
    this.refresh();
  }

  private onBanner(version: string): void {
    this.version = version;
    this.desync = false;
    this.flow.flush(LOST_RESET);
    this.flow.paused = false;
    const w = this.bannerWaiters.splice(0);
    for (const f of w) f();
    this.refresh();
    this.flow.pump();
  }

  // ---- jobs ----

  private onJobAck(job: Job, index: number, res: AckResult): void {
    job.acked++;
    if (!res.ok) {
      if (res.error < 0) return this.failJob(job, this.lostError(res.error, `job line ${index + 1} of ${job.lines.length}`));
      // GRBL goes on after an error, so stop feeding and let the lines already sent answer first.
      job.firstError ??= { line: index + 1, code: res.error };
      job.stopped = true;
    }
    job.onProgress?.(job.acked, job.lines.length);
    this.maybeFinish(job);
  }

  private maybeFinish(job: Job): void {
    if (job.settled || job.acked < job.next || (!job.stopped && job.next < job.lines.length)) return;
    if (job.firstError) {
      const { line, code } = job.firstError;
      this.problem = { message: `The laser refused line ${line} of the job: ${errorText(code)}`, action: REASONS.LASER_ERROR.action, note: reasonNote('LASER_ERROR') };
      return this.failJob(job, new LaserError(this.id, 'ERROR', `${this.id}: job line ${line} of ${job.lines.length} refused with ${errorText(code)}`, { grblError: code, line }));
    }
    this.flow.setSource(null);
    void this.waitIdle(job).then(
      () => {
        if (job.settled) return;
        job.settled = true;
        this.job = null;
        this.problem = null;
        this.refresh();
        job.resolve({ lines: job.lines.length, bytes: job.bytes, ms: Date.now() - job.started });
      },
      (e) => this.failJob(job, e),
    );
  }

  /** The last `ok` means the planner took the line, not that the beam is done: wait for Idle. */
  private async waitIdle(job: Job): Promise<void> {
    for (;;) {
      if (job.settled) return;
      const r = await this.queryReport();
      if (r.state === 'Idle') return;
      if (r.state === 'Alarm') throw new LaserError(this.id, 'ALARM', `${this.id}: the laser is in alarm`, { alarm: this.alarm ?? 0 });
      await new Promise((res) => setTimeout(res, Math.min(50, this.o.pollMs)));
    }
  }

  private failJob(job: Job, e: Error): void {
    if (job.settled) return;
    job.settled = true;
    job.stopped = true;
    if (this.job === job) {
      this.job = null;
      this.flow.setSource(null);
    }
    this.refresh();
    job.reject(e);
  }

  // ---- polling and status ----

  private startPolling(): void {
    this.stopPolling();
    this.pollSince = null;
    this.lastRx = Date.now();
    this.pollTimer = setInterval(() => this.tick(), Math.max(20, this.o.pollMs));
  }
  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }

  /** A move, a feed hold or an open door restarts the watchdog; only an unexplained standstill counts. */
  private watchProgress(r: GrblReport): void {
    const p = r.mpos;
    const moved = !this.stallPos || !p || p.some((v, i) => Math.abs(v - (this.stallPos![i] ?? v)) > 1e-4);
    if (moved || r.state === 'Hold' || r.state === 'Door') {
      this.stallPos = p ?? this.stallPos;
      this.stallSince = Date.now();
    }
  }

  /** The watchdog fired: fail the job with the reason, then stop the controller in a known way. */
  private onStall(job: Job): void {
    const secs = Math.round(this.o.stallMs / 100) / 10;
    const at = `job line ${job.acked + 1} of ${job.lines.length}`;
    this.problem = { message: `The laser stalled: no movement for ${secs} s while engraving`, action: 'Check the laser mechanics and its controller; it was stopped with a feed hold and a soft reset', note: deviceNote('laser.stall') };
    this.failJob(job, new LaserError(this.id, 'STALL', `${this.id}: stalled at ${at}: position unchanged for ${secs} s while the job was not done; feed hold and soft reset sent`, { stallMs: this.o.stallMs }));
    this.write(RT_FEED_HOLD);
    void this.softReset()
      .then(() => this.queryReport())
      .catch(() => undefined);
  }

  private tick(): void {
    const now = Date.now();
    if (this.job && !this.job.settled && now - this.stallSince > this.o.stallMs) return this.onStall(this.job);
    if (this.pollSince !== null && now - this.pollSince > this.o.silenceMs && now - this.lastRx > this.o.silenceMs) {
      this.pollSince = null;
      const err = new LaserError(this.id, 'TIMEOUT', `${this.id}: no answer from the laser for ${this.o.silenceMs} ms`, { timeoutMs: this.o.silenceMs });
      if (this.job) this.failJob(this.job, err);
      void this.keeper.drop('the laser stopped answering');
      return;
    }
    if (this.job || now - this.lastPoll >= this.o.idlePollMs) this.poll();
  }

  private poll(): void {
    this.lastPoll = Date.now();
    this.pollSince ??= this.lastPoll;
    this.write(RT_STATUS);
  }

  private write(s: string): void {
    this.keeper.write(s).catch(() => undefined);
  }

  private refresh(): void {
    if (!this.keeper.isUp) return this.holder.say('offline', reasonNote('LASER_OFFLINE'), `Not connected: ${this.downReason}`, REASONS.LASER_OFFLINE.action);
    if (this.recovering) return this.holder.say('busy', deviceNote('laser.recovering'), 'Recovering: soft reset and unlock');
    if (this.alarm !== null || this.locked) {
      const commands: DeviceCommand[] = this.hasHoming ? ['unlock', 'home'] : ['unlock'];
      const action = this.hasHoming ? 'Check the laser, then home it (or unlock it), then resume the line' : 'Check the laser, then unlock it, then resume the line';
      return this.holder.say('error', this.alarm !== null ? deviceNote('laser.alarm', { alarm: this.alarm }) : deviceNote('laser.locked'), this.alarm !== null ? `Laser ${alarmText(this.alarm)}` : 'The laser is locked after a reset', action, commands);
    }
    if (this.lastReport?.state === 'Door') return this.holder.say('error', deviceNote('laser.door'), 'The laser safety door is open', 'Close the door, then resume');
    if (this.laserModeOff) return this.holder.say('error', deviceNote('laser.modeOff'), 'Laser mode is off ($32=0)', 'Turn laser mode on ($32=1)');
    if (this.wcsMismatch)
      return this.holder.say('error', deviceNote('laser.coordinates'), this.wcsMismatch, 'Set the controller\'s G54 to the jig\'s (G10 L2 P1 X… Y…) and clear G92 (G92.1), or correct devices.laser.jig in the station config; then reconnect the laser');
    if (this.problem) return this.holder.say('error', this.problem.note, this.problem.message, this.problem.action);
    if (this.job) return this.holder.say('busy', deviceNote(this.lastReport?.state === 'Hold' ? 'laser.hold' : 'laser.engrave'), this.lastReport?.state === 'Hold' ? 'Paused (feed hold)' : 'Engraving');
    this.holder.say('online', deviceNote('ready'), `Ready${this.version ? ` (Grbl ${this.version})` : ''}`);
  }
}
