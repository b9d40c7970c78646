import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventName } from '../../shared/contract/channels';
import { dispatch } from '../core/api/dispatch';
import type { AuthPort, Connection, Handlers } from '../core/api/handlers';
import type { StationEvents } from '../core/events';
import { CSP } from '../csp';
import { cacheControl } from './cache-policy';
import { mayReceive } from '../core/api/event-permissions';
import { forwardSessionEnds } from '../core/api/session-events';

// The local bridge: a loopback-only HTTP server that serves the built renderer, and a WebSocket
// that gives it the same `window.station` API the Electron preload gives (same contract, same
// dispatch, same permission checks). It lets the real renderer run in a browser for tests and
// for machines without the Electron runtime.
export interface BridgeOptions {
  handlers: Handlers;
  auth: AuthPort;
  events: StationEvents;
  staticDir: string;
  port?: number;
  host?: '127.0.0.1' | '::1';
  onInternal?(e: unknown, call: string): void;
}

export interface Bridge {
  url: string;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon',
};

export async function startBridge(o: BridgeOptions): Promise<Bridge> {
  const root = resolve(o.staticDir);
  const host = o.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serveStatic(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 210 * 1024 * 1024 });
  const conns = new Map<WebSocket, Connection>();

  server.on('upgrade', (req, socket, head) => {
    const origin = req.headers.origin;
    const hostHeader = req.headers.host;
    // Only our own page may open the API socket: another site in the same browser must not, and
    // neither may a site whose name was rebound to this address (the Host must be a loopback name).
    const port = (server.address() as { port: number } | null)?.port;
    const ours = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
    if (req.url !== '/ws' || !origin || !hostHeader || !ours.includes(hostHeader) || origin !== `http://${hostHeader}`) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const id = randomUUID().slice(0, 8);
    const conn: Connection = { id, origin: `ui:${id}`, sessionId: null };
    conns.set(ws, conn);
    ws.on('message', (data, isBinary) => {
      void onMessage(data as Buffer, isBinary).catch(() => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'error', message: 'the message could not be handled' }));
      });
    });
    const onMessage = async (data: Buffer, isBinary: boolean) => {
      let msg: { t?: unknown; id?: unknown; name?: unknown; input?: unknown };
      try {
        msg = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
      } catch {
        ws.send(JSON.stringify({ t: 'error', message: 'the message is not JSON' }));
        return;
      }
      if (!msg || msg.t !== 'call' || typeof msg.id !== 'number') {
        ws.send(JSON.stringify({ t: 'error', message: 'expected {"t":"call","id":<number>,"name":…,"input":…}' }));
        return;
      }
      const envelope = await dispatch(o.handlers, msg.name, msg.input, conn, o.onInternal);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id: msg.id, envelope }));
    };
    ws.on('close', () => conns.delete(ws));
    ws.on('error', () => conns.delete(ws));
  });

  const push = (name: EventName, payload: unknown) => {
    const text = JSON.stringify({ t: 'event', name, payload });
    for (const [ws, conn] of conns) {
      // Events carry no secrets, but queue contents are for logged-in users and the log for those who may read it.
      if (ws.readyState === ws.OPEN && mayReceive(o.auth.current(conn.sessionId), name)) ws.send(text);
    }
  };
  const offEvents = o.events.onAny(push);

  // A session the core ends (idle expiry, forced logout, logout) is told to its page at once, so
  // it returns to the lock screen.
  const offEnded = forwardSessionEnds({
    auth: o.auth, handlers: o.handlers,
    targets: () => [...conns].map(([ws, conn]) => ({ conn, send: (info: unknown) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ t: 'event', name: 'session.changed', payload: info })) })),
  });

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 0, host, () => res());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    port,
    connections: () => conns.size,
    close: async () => {
      offEnded();
      offEvents();
      for (const ws of conns.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end();
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  headers['Cache-Control'] = cacheControl(path);
  if (path === '/' || path === '') path = '/index.html';
  const file = normalize(join(root, path));
  if (!file.startsWith(root + sep)) {
    res.writeHead(403, headers).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(path === '/index.html' ? 'The renderer is not built: run `npm run build`.' : 'not found');
  }
}
