import WebSocket from 'ws';
import type { CallEnvelope } from '../../../shared/contract/api';

// A raw client of the bridge's WebSocket, the way a (possibly hostile) renderer sees it: it can
// send anything, it records every frame it receives, and it can wait for a call's result or for
// the next protocol error.
export interface Frame {
  t: string;
  id?: number;
  name?: string;
  envelope?: CallEnvelope<unknown>;
  payload?: unknown;
  message?: string;
}

export class RawClient {
  /** Every text frame received, as text, in order. */
  readonly received: string[] = [];
  private nextId = 1;
  private waiters: { match(f: Frame): boolean; resolve(f: Frame): void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.received.push(text);
      let f: Frame;
      try {
        f = JSON.parse(text);
      } catch {
        return;
      }
      const i = this.waiters.findIndex((w) => w.match(f));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(f);
    });
  }

  /** The socket of `baseUrl`, opened with the page's own Origin unless told otherwise. */
  static open(baseUrl: string, headers?: Record<string, string>): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { headers: headers ?? { Origin: baseUrl } });
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
    });
  }

  /** The HTTP status the upgrade was answered with, or 101 when the socket opened. */
  static upgradeStatus(baseUrl: string, headers: Record<string, string>, path = '/ws'): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`, { headers });
      ws.once('open', () => {
        ws.terminate();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', (e) => reject(e));
    });
  }

  send(raw: string | Buffer): void {
    this.ws.send(raw);
  }

  wait(match: (f: Frame) => boolean, what: string, ms = 10_000): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Sends a raw frame and waits for the protocol error it must cause. */
  async refused(raw: string | Buffer): Promise<string> {
    const p = this.wait((f) => f.t === 'error', 'protocol error');
    this.send(raw);
    return (await p).message ?? '';
  }

  /** A call with any name and input; resolves with the envelope. */
  async call(name: unknown, input?: unknown, ms?: number): Promise<CallEnvelope<unknown>> {
    const id = this.nextId++;
    const p = this.wait((f) => f.t === 'result' && f.id === id, `result of call ${id} (${JSON.stringify(name)?.slice(0, 40)})`, ms);
    this.send(JSON.stringify({ t: 'call', id, name, input }));
    return (await p).envelope!;
  }

  /** Like call, but the value or a thrown Error naming the refusal. */
  async ok<T>(name: string, input?: unknown, ms?: number): Promise<T> {
    const env = await this.call(name, input, ms);
    if (!env.ok) throw new Error(`${name}: ${env.error.code} ${env.error.message}`);
    return env.value as T;
  }

  close(): void {
    this.ws.terminate();
  }
}

export function codeOf(env: CallEnvelope<unknown>): string | null {
  return env.ok ? null : env.error.code;
}
