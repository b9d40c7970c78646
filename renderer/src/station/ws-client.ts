import { StationCallError, type CallEnvelope, type StationApi } from '../../../shared/contract/api';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../../shared/contract/channels';

// `window.station` for a plain browser (the test/dev bridge): the same typed API as the Electron
// preload, over one WebSocket to the page's own origin. Wire protocol (the bridge implements the
// other end): client→server {t:'call',id,name,input}; server→client {t:'result',id,envelope} and
// {t:'event',name,payload}.

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface WsStation extends StationApi {
  /** Connection changes, so the UI can show "reconnecting" and resync once back. Returns its cleanup. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
  close(): void;
}

export interface WsStationOptions {
  url?: string;
  /** How long a call waits for the connection before failing. */
  connectTimeoutMs?: number;
  /** How long a sent call waits for its result. */
  callTimeoutMs?: number;
  /** Reconnect delays grow from min to max (doubling). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Injected for tests; defaults to the global WebSocket. */
  WebSocketImpl?: typeof WebSocket;
}

interface Pending {
  name: CallName;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function connectionLostError(name: string): StationCallError {
  return new StationCallError({
    code: 'INTERNAL',
    message: `The connection to the station was lost during "${name}". Check that the station is running; the screen reconnects by itself, then try again.`,
  });
}

function timeoutError(name: string, what: string): StationCallError {
  return new StationCallError({ code: 'INTERNAL', message: `"${name}" got no answer from the station (${what}). Check that the station is running, then try again.` });
}

export function defaultWsUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

export function createWsStation(opts: WsStationOptions = {}): WsStation {
  const WS = opts.WebSocketImpl ?? WebSocket;
  const url = opts.url ?? defaultWsUrl((globalThis as unknown as { location: { protocol: string; host: string } }).location);
  const connectTimeoutMs = opts.connectTimeoutMs ?? 15_000;
  const callTimeoutMs = opts.callTimeoutMs ?? 120_000;
  const backoffMin = opts.backoffMinMs ?? 250;
  const backoffMax = opts.backoffMaxMs ?? 5_000;

  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let backoff = backoffMin;
  let closedByUs = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  const sent = new Map<number, Pending>();
  // Calls made while disconnected wait here for the next open socket.
  const waiting: { id: number; frame: string; pending: Pending }[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const connListeners = new Set<(s: ConnectionState) => void>();

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of [...connListeners]) l(s);
  };

  function failSent() {
    for (const [id, p] of sent) {
      sent.delete(id);
      if (p.timer) clearTimeout(p.timer);
      p.reject(connectionLostError(p.name));
    }
  }

  function flushWaiting() {
    while (socket && socket.readyState === WS.OPEN && waiting.length) {
      const w = waiting.shift()!;
      if (w.pending.timer) clearTimeout(w.pending.timer);
      send(w.id, w.frame, w.pending);
    }
  }

  function send(id: number, frame: string, p: Pending) {
    sent.set(id, p);
    p.timer = setTimeout(() => {
      if (sent.delete(id)) p.reject(timeoutError(p.name, `waited ${Math.round(callTimeoutMs / 1000)} s`));
    }, callTimeoutMs);
    socket!.send(frame);
  }

  function onMessage(data: unknown) {
    let msg: { t?: string; id?: number; envelope?: CallEnvelope<unknown>; name?: string; payload?: unknown };
    try {
      msg = JSON.parse(String(data));
    } catch {
      return; // a frame we cannot read is not ours to act on
    }
    if (msg.t === 'result' && typeof msg.id === 'number') {
      const p = sent.get(msg.id);
      if (!p) return;
      sent.delete(msg.id);
      if (p.timer) clearTimeout(p.timer);
      const env = msg.envelope;
      if (env && env.ok === true) p.resolve(env.value);
      else if (env && env.ok === false) p.reject(new StationCallError(env.error));
      else p.reject(new StationCallError({ code: 'INTERNAL', message: `The station sent an unreadable answer to "${p.name}".` }));
    } else if (msg.t === 'event' && typeof msg.name === 'string') {
      const set = listeners.get(msg.name);
      if (!set) return;
      for (const l of [...set]) {
        try {
          l(msg.payload);
        } catch (e) {
          // One broken listener must not starve the others.
          console.error(`listener for ${msg.name} failed`, e);
        }
      }
    }
  }

  function connect() {
    if (closedByUs) return;
    setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WS(url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      backoff = backoffMin;
      setState('open');
      flushWaiting();
    };
    ws.onmessage = (ev) => onMessage(ev.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failSent();
      setState('closed');
      scheduleReconnect();
    };
    ws.onerror = () => {
      // onclose follows and does the work.
    };
  }

  function scheduleReconnect() {
    if (closedByUs || reconnectTimer) return;
    const delay = backoff;
    backoff = Math.min(backoffMax, backoff * 2);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, delay);
  }

  connect();

  return {
    get connection() {
      return state;
    },
    call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
      return new Promise<CallOutput<K>>((resolve, reject) => {
        if (closedByUs) {
          reject(connectionLostError(name));
          return;
        }
        const id = nextId++;
        const frame = JSON.stringify({ t: 'call', id, name, input });
        const p: Pending = { name, resolve: resolve as (v: unknown) => void, reject, timer: undefined };
        if (socket && socket.readyState === WS.OPEN) {
          send(id, frame, p);
        } else {
          const entry = { id, frame, pending: p };
          p.timer = setTimeout(() => {
            const i = waiting.indexOf(entry);
            if (i >= 0) {
              waiting.splice(i, 1);
              reject(timeoutError(name, 'not connected'));
            }
          }, connectTimeoutMs);
          waiting.push(entry);
        }
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => {
        set!.delete(l);
      };
    },
    onConnection(listener) {
      connListeners.add(listener);
      return () => {
        connListeners.delete(listener);
      };
    },
    close() {
      closedByUs = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const s = socket;
      socket = null;
      failSent();
      for (const w of waiting.splice(0)) {
        if (w.pending.timer) clearTimeout(w.pending.timer);
        w.pending.reject(connectionLostError(w.pending.name));
      }
      s?.close();
      setState('closed');
    },
  };
}
