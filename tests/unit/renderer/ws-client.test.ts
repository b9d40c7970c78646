import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, WebSocket as NodeWs } from 'ws';
import { createWsStation, defaultWsUrl, type ConnectionState } from '../../../renderer/src/station/ws-client';
import { StationCallError } from '../../../shared/contract/api';
import { tick } from './fake-api';

// A tiny server speaking the bridge's wire protocol, to drive the client over a real socket.
async function server(onCall: (msg: any, ws: NodeWs) => void) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const sockets = new Set<NodeWs>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (d) => onCall(JSON.parse(String(d)), ws));
  });
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}/ws`, wss, sockets, close: () => new Promise((r) => wss.close(r)) };
}

const opts = { WebSocketImpl: NodeWs as unknown as typeof WebSocket, backoffMinMs: 20, backoffMaxMs: 50 };

test('url follows the page origin', () => {
  assert.equal(defaultWsUrl({ protocol: 'http:', host: '127.0.0.1:8080' }), 'ws://127.0.0.1:8080/ws');
  assert.equal(defaultWsUrl({ protocol: 'https:', host: 'x' }), 'wss://x/ws');
});

test('a call goes out as {t:call,id,name,input} and resolves with the envelope value', async () => {
  const seen: any[] = [];
  const s = await server((m, ws) => {
    seen.push(m);
    ws.send(JSON.stringify({ t: 'result', id: m.id, envelope: { ok: true, value: { echo: m.input, name: m.name } } }));
  });
  const st = createWsStation({ ...opts, url: s.url });
  try {
    const [a, b] = await Promise.all([st.call('queue.counts', { batchId: 'B1' }), st.call('engine.status', {})]);
    assert.deepEqual(a, { echo: { batchId: 'B1' }, name: 'queue.counts' });
    assert.deepEqual(b, { echo: {}, name: 'engine.status' });
    assert.equal(seen[0].t, 'call');
    assert.equal(typeof seen[0].id, 'number');
    assert.notEqual(seen[0].id, seen[1].id);
  } finally {
    st.close();
    await s.close();
  }
});

test('an error envelope rejects with StationCallError carrying code and problems', async () => {
  const s = await server((m, ws) =>
    ws.send(JSON.stringify({ t: 'result', id: m.id, envelope: { ok: false, error: { code: 'VALIDATION', message: 'batch: 1 problem', problems: [{ record: 2, field: 'pan', message: 'bad' }] } } })),
  );
  const st = createWsStation({ ...opts, url: s.url });
  try {
    await assert.rejects(st.call('batches.import', { fileName: 'a', content: 'x' }), (e: unknown) => {
      assert.ok(e instanceof StationCallError);
      assert.equal(e.code, 'VALIDATION');
      assert.equal(e.error.problems?.[0].field, 'pan');
      return true;
    });
  } finally {
    st.close();
    await s.close();
  }
});

test('events reach their listeners until the listener cleans itself up', async () => {
  let sock: NodeWs | null = null;
  const s = await server((m, ws) => {
    sock = ws;
    ws.send(JSON.stringify({ t: 'result', id: m.id, envelope: { ok: true, value: {} } }));
  });
  const st = createWsStation({ ...opts, url: s.url });
  try {
    await st.call('engine.status', {});
    const got: unknown[] = [];
    const off = st.on('task.progress', (p) => got.push(p));
    sock!.send(JSON.stringify({ t: 'event', name: 'task.progress', payload: { taskId: 't', done: 1 } }));
    sock!.send(JSON.stringify({ t: 'event', name: 'log.appended', payload: { seq: 1 } }));
    await tick(50);
    off();
    sock!.send(JSON.stringify({ t: 'event', name: 'task.progress', payload: { taskId: 't', done: 2 } }));
    await tick(50);
    assert.deepEqual(got, [{ taskId: 't', done: 1 }]);
  } finally {
    st.close();
    await s.close();
  }
});

test('a disconnect fails pending calls with a clear error, then the client reconnects by itself', async () => {
  let answer = false;
  const s = await server((m, ws) => {
    if (answer) ws.send(JSON.stringify({ t: 'result', id: m.id, envelope: { ok: true, value: 'back' } }));
    else ws.terminate(); // the station went away mid-call
  });
  const st = createWsStation({ ...opts, url: s.url });
  const states: ConnectionState[] = [];
  const off = st.onConnection((c) => states.push(c));
  try {
    await assert.rejects(st.call('engine.start', { batchId: 'B1' }), (e: unknown) => {
      assert.ok(e instanceof StationCallError);
      assert.match(e.message, /connection to the station was lost during "engine.start"/);
      return true;
    });
    answer = true;
    // A call made while reconnecting waits for the new socket instead of failing.
    assert.equal(await st.call('engine.status', {}), 'back');
    assert.ok(states.includes('closed'), states.join());
    assert.equal(states.at(-1), 'open');
  } finally {
    off();
    st.close();
    await s.close();
  }
});

test('a call made while the station is unreachable fails after the connect timeout', async () => {
  const st = createWsStation({ ...opts, url: 'ws://127.0.0.1:1/ws', connectTimeoutMs: 150 });
  try {
    const t0 = Date.now();
    await assert.rejects(st.call('engine.status', {}), /no answer from the station \(not connected\)/);
    assert.ok(Date.now() - t0 >= 140);
  } finally {
    st.close();
  }
});

test('a result that never comes fails after the call timeout', async () => {
  const s = await server(() => {});
  const st = createWsStation({ ...opts, url: s.url, callTimeoutMs: 100 });
  try {
    await assert.rejects(st.call('devices.list', {}), /"devices.list" got no answer/);
  } finally {
    st.close();
    await s.close();
  }
});
