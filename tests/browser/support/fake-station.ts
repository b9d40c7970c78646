import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { cacheControl } from '../../../electron/bridge/cache-policy';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CardRow, Counts, EngineStatus, LogEntry, SessionInfo } from '../../../shared/contract/dto';
import type { CallName } from '../../../shared/contract/channels';
import type { DeviceStatus } from '../../../shared/domain/device';

// An in-memory station behind the bridge's wire protocol, for the UI bench (a 100,000-card
// queue without importing one) and for renderer-only browser checks. It is not the station:
// the journey tests run against the real core through tests/support/station-fixture.ts.

export interface FakeStationOptions {
  staticDir: string;
  cards?: number;
  /** Card ids (1-based record index) that fail with CHIP_STATUS. */
  badCards?: number[];
  /** Milliseconds per step while running. */
  stepMs?: number;
  /** Every connection starts signed in as this user (for benches that measure from navigation). */
  autoLogin?: keyof typeof USERS;
  /** Extra static files served as given (path → HTML), e.g. a blank page for a floor. */
  extraFiles?: Record<string, string>;
  /** Log entries already in the log when the station starts (seq 1..n, oldest first). */
  logEntries?: number;
  /** Answers log.query instead of the in-memory log (e.g. a real audit log for a bench). */
  logQuery?: (input: any) => unknown;
  /** What recovery.status answers (default: nothing was interrupted). */
  recovery?: { recovered: unknown[]; awaitingDecision: unknown[] };
  /** What devices.list answers (default: a chip head, a machine, an offline laser). */
  devices?: DeviceStatus[];
}

const USERS: Record<string, { password: string; displayName: string; role: 'operator' | 'supervisor' | 'administrator' }> = {
  op: { password: 'operator-pass-1', displayName: 'Olga Operator', role: 'operator' },
  sup: { password: 'supervisor-pass-1', displayName: 'Sam Supervisor', role: 'supervisor' },
};

const STEPS = ['feed', 'chip', 'magstripe', 'emboss', 'eject'] as const;

export async function startFakeStation(o: FakeStationOptions) {
  const n = o.cards ?? 20;
  const bad = new Set(o.badCards ?? []);
  const stepMs = o.stepMs ?? 60;
  const batchId = 'B-FAKE-001';
  const rows: CardRow[] = Array.from({ length: n }, (_, i) => ({
    // recordIndex from 0, as the core stores it (record_index).
    id: i + 1, batchId, recordIndex: i, recordId: `R${String(i + 1).padStart(6, '0')}`, attempt: 1,
    maskedPan: `411111******${String(1000 + (i % 9000)).slice(-4)}`, state: 'queued', step: null, slot: null, progress: null, reason: null, message: null, updatedAt: Date.now(),
  }));
  const log: LogEntry[] = Array.from({ length: o.logEntries ?? 0 }, (_, i) => ({
    seq: i + 1, ts: Date.now() - ((o.logEntries ?? 0) - i) * 1000, type: i % 7 ? 'card.passed' : 'card.failed', severity: i % 7 ? 'info' : 'error', outcome: i % 7 ? 'success' : 'failure',
    user: null, origin: 'fake', resource: null, batchId, cardId: i + 1, recordId: `R${String(i + 1).padStart(6, '0')}`, maskedPan: null, message: `entry ${i + 1}`,
  }));
  // Like the bridge: the session belongs to the socket, so a new connection must sign in again.
  const sessions = new Map<WebSocket, SessionInfo['user']>();
  let user: SessionInfo['user'] = null;
  let engine: EngineStatus = { state: 'idle', batchId: null, counts: null, cardsPerHour: null, etaSeconds: null, startedAt: null, message: null, epoch: 'fake', rev: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sockets = new Set<WebSocket>();

  const push = (name: string, payload: unknown) => {
    const text = JSON.stringify({ t: 'event', name, payload });
    for (const s of sockets) if (s.readyState === s.OPEN) s.send(text);
  };
  // Counts and filtered lists are cached until a card changes: a 100k scan per call would make
  // the UI bench measure this fake instead of the renderer.
  let countsCache: Counts | null = null;
  const filtered = new Map<string, CardRow[]>();
  const counts = (): Counts => {
    if (countsCache) return { ...countsCache };
    const c: Counts = { total: n, queued: 0, inProgress: 0, passed: 0, failed: 0, rejected: 0, reworked: 0, held: 0 };
    for (const r of rows) c[r.state === 'in_progress' ? 'inProgress' : r.state] += 1;
    countsCache = c;
    return { ...c };
  };
  const inStates = (states: string[]): CardRow[] => {
    const key = [...states].sort().join(',');
    let list = filtered.get(key);
    if (!list) filtered.set(key, (list = rows.filter((r) => states.includes(r.state))));
    return list;
  };
  const addLog = (type: string, message: string, extra: Partial<LogEntry> = {}) => {
    const e: LogEntry = { seq: log.length + 1, ts: Date.now(), type, severity: 'info', outcome: 'success', user: user?.username ?? null, origin: 'fake', resource: null, batchId, cardId: null, recordId: null, maskedPan: null, message, ...extra };
    log.push(e);
    push('log.appended', e);
  };
  const setEngine = (p: Partial<EngineStatus>) => {
    engine = { ...engine, ...p, counts: counts(), rev: engine.rev + 1 };
    push('engine.status', engine);
    return engine;
  };
  const update = (r: CardRow, p: Partial<CardRow>) => {
    Object.assign(r, p, { updatedAt: Date.now() });
    countsCache = null;
    filtered.clear();
    push('card.updated', r);
  };

  let batchState: 'open' | 'held' = 'open';
  let current: CardRow | null = null;
  let stepIndex = 0;
  const tickEngine = () => {
    if (engine.state !== 'running') return;
    if (!current) {
      current = rows.find((r) => r.state === 'queued') ?? null;
      stepIndex = 0;
      if (!current) {
        setEngine({ state: 'finished', etaSeconds: 0 });
        addLog('batch.finished', `batch ${batchId} finished`);
        return;
      }
    }
    const step = STEPS[stepIndex];
    if (step === 'chip' && bad.has(current.id)) {
      update(current, { state: 'failed', step: 'chip', slot: 0, progress: null, reason: 'CHIP_STATUS', message: 'PUT DATA answered 6A80' });
      addLog('card.failed', 'chip step failed: PUT DATA answered 6A80', { severity: 'error', outcome: 'failure', cardId: current.id, recordId: current.recordId, maskedPan: current.maskedPan });
      current = null;
    } else if (step === 'eject') {
      update(current, { state: 'passed', step: null, progress: null });
      addLog('card.passed', 'card passed', { cardId: current.id, recordId: current.recordId, maskedPan: current.maskedPan });
      current = null;
    } else {
      update(current, { state: 'in_progress', step, slot: 0, progress: 0.5 });
      stepIndex++;
    }
    const c = counts();
    setEngine({ cardsPerHour: 3_600_000 / (stepMs * STEPS.length), etaSeconds: ((c.queued + c.inProgress) * stepMs * STEPS.length) / 1000 });
    timer = setTimeout(tickEngine, stepMs);
  };

  const svg = (side: string, r: CardRow) =>
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 85.6 53.98"><rect width="85.6" height="53.98" rx="3.2" fill="#1d3f73"/><text x="6" y="${side === 'front' ? 34 : 12}" font-size="5" fill="#fff" font-family="monospace">${side === 'front' ? r.maskedPan : r.recordId}</text></svg>`;

  const handlers: Partial<Record<CallName, (i: any) => unknown>> = {
    'session.status': () => ({ user, needsBootstrap: false, testKeys: true, stationName: 'Fake station' }),
    'session.login': (i) => {
      const u = USERS[i.username];
      if (!u || u.password !== i.password) throw { code: 'AUTH', message: 'wrong user name or password' };
      user = { username: i.username, displayName: u.displayName, role: u.role };
      return handlers['session.status']!({});
    },
    'session.logout': () => {
      user = null;
      return handlers['session.status']!({});
    },
    'batches.list': () => [{ batchId, productId: 'demo', productName: 'Demo debit', issuer: 'Demo bank', importedAt: Date.now(), importedBy: 'op', state: batchState, counts: counts() }],
    'batches.hold': (i) => {
      batchState = i.hold ? 'held' : 'open';
      addLog(i.hold ? 'batch.hold' : 'batch.release', `${i.hold ? 'held' : 'released'} batch ${i.batchId}: ${i.reason}`);
      return { ok: true };
    },
    'queue.page': (i) => {
      let list = i.states ? inStates(i.states) : rows;
      if (i.recordId) list = list.filter((r) => r.recordId === i.recordId);
      return { total: list.length, rows: list.slice(i.offset, i.offset + i.limit) };
    },
    'queue.counts': () => counts(),
    'engine.status': () => ({ ...engine, counts: engine.batchId ? counts() : null }),
    'engine.start': () => {
      const s = setEngine({ state: 'running', batchId, startedAt: Date.now() });
      timer = setTimeout(tickEngine, stepMs);
      return s;
    },
    'engine.pause': () => setEngine({ state: 'paused' }),
    'engine.resume': () => {
      const s = setEngine({ state: 'running' });
      timer = setTimeout(tickEngine, stepMs);
      return s;
    },
    'engine.stop': () => setEngine({ state: 'stopped' }),
    'engine.estop': () => setEngine({ state: 'estopped', message: 'Emergency stop pressed' }),
    'cards.hold': (i) => {
      const r = rows[i.cardId - 1];
      // Like the core's state machine: only a queued card is held, only a held one released.
      if (r.state !== (i.hold ? 'queued' : 'held')) throw { code: 'CONFLICT', message: `card ${r.id}: cannot go from ${r.state} to ${i.hold ? 'held' : 'queued'}` };
      update(r, { state: i.hold ? 'held' : 'queued' });
      addLog(i.hold ? 'card.hold' : 'card.release', `${i.hold ? 'held' : 'released'} card ${r.recordId}: ${i.reason}`, { cardId: r.id, recordId: r.recordId });
      return r;
    },
    'cards.preview': (i) => {
      const r = rows[i.cardId - 1];
      // Like the core: a done card's record is purged, so there is nothing to draw.
      if (r.state === 'passed') return { front: '', back: '', masked: true, cardId: r.id, available: false };
      if (i.reveal) {
        if (user?.role !== 'supervisor') throw { code: 'FORBIDDEN', message: 'revealing a card number needs a supervisor' };
        addLog('pan.reveal', `${user.username} revealed the full card number of card ${r.recordId}`, { severity: 'warn', cardId: r.id, recordId: r.recordId });
        return { front: svg('front', { ...r, maskedPan: '4111111111111111' }), back: svg('back', r), masked: false, cardId: r.id, available: true };
      }
      return { front: svg('front', r), back: svg('back', r), masked: true, cardId: r.id, available: true };
    },
    'cards.decide': (i) => {
      const r = rows[i.cardId - 1];
      update(r, { state: i.decision === 'reject' ? 'rejected' : i.decision === 'good' ? 'passed' : 'reworked' });
      addLog(`card.${i.decision}`, `card ${i.decision}ed: ${i.reason}`, { cardId: r.id, recordId: r.recordId });
      return r;
    },
    'devices.list': () => o.devices ?? [
      { id: 'reader-0', kind: 'reader', name: 'Chip head 1', state: 'online', since: Date.now() },
      { id: 'machine', kind: 'machine', name: 'Card machine', state: 'online', since: Date.now() },
      { id: 'laser', kind: 'laser', name: 'Laser', state: 'offline', message: 'No answer on /dev/ttyUSB2', action: 'Check the laser cable and power', since: Date.now() },
    ],
    'manual.pending': () => ({ manual: false, prompts: [] }),
    'recovery.status': () => ({ startedAt: Date.now(), recovered: [], awaitingDecision: [], ...o.recovery, truncated: false }),
    'recovery.path': () => ({ cards: [], clearBy: 'machine' }),
    'recovery.clearPath': () => ({ cards: [], clearBy: 'machine' }),
    'log.query': (i) => {
      if (o.logQuery) return o.logQuery(i);
      const list = log.filter((e) => i.beforeSeq == null || e.seq < i.beforeSeq).reverse().slice(0, i.limit);
      return { rows: list, nextBeforeSeq: list.length === i.limit ? list.at(-1)!.seq : null };
    },
    'log.export': () => ({ fileName: 'station-log.csv', csv: 'seq,type,message\n' + log.map((e) => `${e.seq},${e.type},"${e.message}"`).join('\n'), rows: log.length }),
  };

  const server = createServer(async (req, res) => {
    let path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/') path = '/index.html';
    const extra = o.extraFiles?.[path];
    if (extra != null) return void res.writeHead(200, { 'Content-Type': 'text/html' }).end(extra);
    const file = normalize(join(o.staticDir, path));
    if (!file.startsWith(normalize(o.staticDir) + sep)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': cacheControl(path) }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  // Each call names the connection it came on (numbered from 1), so a test can tell a reloaded
  // page's calls from the late ones of the page it replaced.
  const calls: { name: string; input: any; conn: number }[] = [];
  let connections = 0;
  wss.on('connection', (ws) => {
    const conn = ++connections;
    sockets.add(ws);
    const auto = o.autoLogin ? USERS[o.autoLogin] : null;
    sessions.set(ws, auto ? { username: o.autoLogin!, displayName: auto.displayName, role: auto.role } : null);
    ws.on('close', () => {
      sockets.delete(ws);
      sessions.delete(ws);
    });
    ws.on('message', async (d) => {
      const m = JSON.parse(String(d));
      calls.push({ name: m.name, input: m.input, conn });
      user = sessions.get(ws) ?? null;
      let envelope;
      try {
        const h = handlers[m.name as CallName];
        if (!h) throw { code: 'NOT_FOUND', message: `no such call ${m.name}` };
        if (!user && !m.name.startsWith('session.')) throw { code: 'AUTH', message: 'sign in first' };
        envelope = { ok: true, value: await h(m.input) };
        sessions.set(ws, user);
      } catch (e) {
        envelope = { ok: false, error: e && typeof e === 'object' && 'code' in e ? e : { code: 'INTERNAL', message: String(e) } };
      }
      ws.send(JSON.stringify({ t: 'result', id: m.id, envelope }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    batchId,
    users: USERS,
    /** Cuts every socket, as a restarting station would. */
    drop: () => {
      for (const s of sockets) s.terminate();
    },
    /** Ends the session the way the bridge does on idle lock. */
    expire: () => {
      for (const ws of sessions.keys()) sessions.set(ws, null);
      push('session.changed', { user: null, needsBootstrap: false, testKeys: true, stationName: 'Fake station' });
    },
    /** Fails a card as the engine would (by default CHIP_STATUS at chip head 1), with its events. */
    failCard: (id: number, how: Partial<Pick<CardRow, 'step' | 'slot' | 'reason' | 'message'>> = {}) => {
      const r = rows[id - 1];
      if (r.state === 'failed') return;
      update(r, { state: 'failed', step: 'chip', slot: 0, reason: 'CHIP_STATUS', message: 'PUT DATA answered 6A80', ...how });
    },
    /** Every card in the machine comes out good, then card `id` passes too (with its events). */
    passCard: (id: number) => {
      for (const r of rows) if (r.state === 'in_progress') update(r, { state: 'passed', step: null, progress: null });
      current = null;
      update(rows[id - 1], { state: 'passed', step: null, progress: null, reason: null, message: null });
    },
    /** Publishes an engine status, as the engine does on every change. */
    setEngine,
    /** Publishes a device's status, as a driver's change does. */
    pushDevice: (d: DeviceStatus) => push('device.status', d),
    /** Calls received, by name, so a test can check what the page asked for. */
    calls,
    close: async () => {
      if (timer) clearTimeout(timer);
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise((r) => server.close(r));
    },
  };
}
