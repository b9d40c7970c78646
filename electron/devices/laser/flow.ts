// GRBL flow control: the host counts the characters of lines GRBL has not acknowledged yet and
// only sends a line when it fits in GRBL's receive buffer (character counting), or sends one line
// and waits for its answer (send-response). Commands jump ahead of a streaming job's lines.

export type AckResult = { ok: true; messages: string[] } | { ok: false; error: number; messages: string[] };

export interface FlowEntry {
  /** The line with its terminating '\n'. */
  text: string;
  done(res: AckResult): void;
  messages?: string[];
}

/** A job's lines, taken one at a time as they fit. */
export interface FlowSource {
  peek(): string | null;
  take(): FlowEntry;
}

export class FlowChannel {
  private waiting: FlowEntry[] = [];
  private source: FlowSource | null = null;
  private inFlight: FlowEntry[] = [];
  private head = 0;
  private bytes = 0;
  /** Highest number of unacknowledged bytes ever outstanding (checked by tests). */
  maxInFlight = 0;
  paused = false;

  constructor(
    private readonly write: (s: string) => void,
    private readonly rxBufferSize: number,
    private readonly mode: 'count' | 'send-response',
  ) {}

  get inFlightBytes(): number {
    return this.bytes;
  }
  get inFlightLines(): number {
    return this.inFlight.length - this.head;
  }
  get hasSource(): boolean {
    return this.source !== null;
  }

  enqueue(e: FlowEntry): void {
    this.waiting.push(e);
    this.pump();
  }

  setSource(s: FlowSource | null): void {
    this.source = s;
    if (s) this.pump();
  }

  /** Sends as many lines as fit, in one write. */
  pump(): void {
    if (this.paused) return;
    let out = '';
    for (;;) {
      const fromQueue = this.waiting.length > 0;
      const next = fromQueue ? this.waiting[0].text : this.source?.peek() ?? null;
      if (next === null) break;
      const busy = this.inFlight.length - this.head > 0;
      if (busy && (this.mode === 'send-response' || this.bytes + next.length > this.rxBufferSize)) break;
      const e = fromQueue ? this.waiting.shift()! : this.source!.take();
      this.inFlight.push(e);
      this.bytes += e.text.length;
      out += e.text;
    }
    if (this.bytes > this.maxInFlight) this.maxInFlight = this.bytes;
    if (out) this.write(out);
  }

  /** A message line (e.g. `$0=10`, `[VER:…]`) printed before the answer of the oldest line. */
  message(line: string): boolean {
    const e = this.inFlight[this.head];
    if (!e) return false;
    (e.messages ??= []).push(line);
    return true;
  }

  ack(error: number | null): void {
    const e = this.inFlight[this.head];
    if (!e) return;
    this.inFlight[this.head++] = undefined as unknown as FlowEntry;
    if (this.head > 256 && this.head * 2 > this.inFlight.length) {
      this.inFlight = this.inFlight.slice(this.head);
      this.head = 0;
    }
    this.bytes -= e.text.length;
    const messages = e.messages ?? [];
    e.done(error === null ? { ok: true, messages } : { ok: false, error, messages });
  }

  /** Forgets every line (GRBL was reset, or the port went away); each is answered with `error`. */
  flush(error: number): void {
    const lost = [...this.inFlight.slice(this.head), ...this.waiting];
    this.inFlight = [];
    this.head = 0;
    this.waiting = [];
    this.bytes = 0;
    for (const e of lost) e.done({ ok: false, error, messages: e.messages ?? [] });
  }
}

/** Pseudo error numbers for lines GRBL never answered. */
export const LOST_RESET = -1;
export const LOST_OFFLINE = -2;
export const LOST_ALARM = -3;
