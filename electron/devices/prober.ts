// Brings a driver in error back by itself: while the driver says it needs a probe, it runs one
// (reset / communication test / status — whatever the device answers cheaply) with a growing
// pause between attempts, so a device that returns is seen within seconds and a dead one costs
// little. Nobody else has to send the device anything: the engine waits for a device in error
// and would otherwise wait forever.

export interface ProberOptions {
  initialMs?: number;
  maxMs?: number;
}

export class Prober {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private delay: number;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private stopped = false;

  /**
   * `probe` resolves true when the device answered (probing stops until the next kick) and
   * false or rejects when it did not (the next attempt waits twice as long, up to maxMs).
   */
  constructor(
    private readonly probe: () => Promise<boolean>,
    opts: ProberOptions = {},
  ) {
    this.initialMs = opts.initialMs ?? 250;
    this.maxMs = opts.maxMs ?? 5000;
    this.delay = this.initialMs;
  }

  /** Starts probing if it is not already scheduled or running. */
  kick(): void {
    if (this.stopped || this.timer || this.running) return;
    this.timer = setTimeout(() => void this.run(), this.delay);
    this.timer.unref?.();
  }

  /** Stops probing; the next kick starts again from the shortest pause. */
  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.delay = this.initialMs;
  }

  stop(): void {
    this.stopped = true;
    this.reset();
  }

  resume(): void {
    this.stopped = false;
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.running = true;
    let ok = false;
    try {
      ok = await this.probe();
    } catch {
      ok = false;
    } finally {
      this.running = false;
    }
    if (ok) {
      this.delay = this.initialMs;
      return;
    }
    this.delay = Math.min(this.maxMs, this.delay * 2);
    this.kick();
  }
}
