import type { FloorPort } from './client';
import type { FloorOutbox } from './outbox';

// Delivers the outbox upward and keeps the station's leases alive. The floor being unreachable
// is a state, not an error: the station goes on with the cards it holds, results wait in the
// outbox, and the state says since when and how much is waiting. Tries again with a growing,
// jittered delay (capped), and at once when a new result is recorded (kick).
export interface DeliveryOptions {
  /** Results per delivery transaction. */
  batchSize?: number;
  /** First retry delay and its cap, in ms. */
  baseMs?: number;
  maxMs?: number;
  /** Between rounds while the floor answers (lease renewal is due well within a lease). */
  idleMs?: number;
  now?: () => number;
  random?: () => number;
}

export interface FloorLinkStatus {
  reachable: boolean;
  /** When the floor stopped answering (the first failure of this outage), or null. */
  since: Date | null;
  held: number;
  queued: number;
  /** Cards of leases the floor ended (not renewed in time): a supervisor decides there. */
  lost: number;
  lastError: string | null;
  /** The floor answered but refused (a database error, not the network): needs a person, not patience. */
  refused: boolean;
}

/** A network or server-unavailable failure (retry), as opposed to the database refusing. */
export function isUnreachable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return true;
  // SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown, cannot connect now); else errno names.
  return !/^[0-9A-Z]{5}$/.test(code) || /^(08|53|57P)/.test(code);
}

/** Delay before retry n (1, 2, …): base·2^(n−1), capped, scaled by a jitter in [0.5, 1). */
export function backoffMs(n: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(n - 1, 30)));
  return Math.round(raw * (0.5 + random() / 2));
}

const hhmm = (d: Date) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
const cards = (n: number) => `${n} card${n === 1 ? '' : 's'}`;

/** The state in the station's words: "floor unreachable since 10:42 — 3 cards held, 0 queued". */
export function describeFloorLink(s: FloorLinkStatus, time: (d: Date) => string = hhmm): string {
  const tail = `${cards(s.held)} held, ${s.queued} queued${s.lost ? `, ${cards(s.lost)} of expired leases awaiting a supervisor` : ''}`;
  if (s.refused) return `floor refused the delivery (${s.lastError}) — ${tail}`;
  return s.reachable ? `floor connected — ${tail}` : `floor unreachable since ${time(s.since!)} — ${tail}`;
}

export class FloorDelivery {
  private failures = 0;
  private since: number | null = null;
  private lastError: string | null = null;
  private refused = false;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private round: Promise<void> | null = null;
  private readonly o: Required<DeliveryOptions>;

  constructor(private readonly outbox: FloorOutbox, private readonly port: FloorPort, o: DeliveryOptions = {}, private readonly onStatus?: (s: FloorLinkStatus) => void) {
    this.o = { batchSize: 200, baseMs: 250, maxMs: 30_000, idleMs: 5_000, now: Date.now, random: Math.random, ...o };
  }

  status(): FloorLinkStatus {
    return { reachable: this.since == null, since: this.since == null ? null : new Date(this.since), ...this.outbox.counts(), lastError: this.lastError, refused: this.refused };
  }

  /**
   * One round: renew the held leases, then deliver everything pending. Resolves whatever the
   * floor did; the outcome is in status(). Never two rounds at once.
   */
  deliverOnce(): Promise<void> {
    if (!this.round) this.round = this.doRound().finally(() => (this.round = null));
    return this.round;
  }

  private async doRound(): Promise<void> {
    try {
      for (const lease of this.outbox.activeLeases()) {
        if ((await this.port.renew(lease)) === null) this.outbox.markLost(lease);
      }
      for (;;) {
        const batch = this.outbox.pending(this.o.batchSize);
        if (!batch.length) break;
        await this.port.deliver(batch);
        // Marked after the floor committed: a crash in between only means sending it again.
        this.outbox.markDelivered(batch.map((r) => r.resultId), this.o.now());
        if (batch.length < this.o.batchSize) break;
      }
      this.failures = 0;
      this.since = null;
      this.lastError = null;
      this.refused = false;
    } catch (e) {
      this.failures++;
      this.refused = !isUnreachable(e);
      if (this.refused) this.since = null;
      else this.since ??= this.o.now();
      // Connection errors name a host and a port, never card data; cut to one line anyway.
      this.lastError = String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200);
    }
    this.onStatus?.(this.status());
  }

  /** Delay until the next round: the idle period while the floor answers, backoff when not. */
  nextDelay(): number {
    return this.failures ? backoffMs(this.failures, this.o.baseMs, this.o.maxMs, this.o.random) : this.o.idleMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** A result was recorded: deliver it now rather than at the next round (unless backing off). */
  kick(): void {
    if (this.running && !this.failures) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.deliverOnce().then(() => {
        if (this.running && !this.timer) this.schedule(this.nextDelay());
      });
    }, ms);
  }
}
