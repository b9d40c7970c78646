import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CALL_NAMES } from '../../../shared/contract/channels';
import type { Counts, EngineStatus } from '../../../shared/contract/dto';
import { startStationFixture, type StationFixture } from '../../support/station-fixture';
import { RawClient, codeOf } from './ws-client';

// A hostile page on the real bridge WebSocket: everything a renderer can send that a real one
// would not. Each must get a clear refusal, and afterwards the station must still work and
// hold exactly the data it held before: a legitimate client runs the sample batch and the
// audit chain verifies.

let fx: StationFixture;
let evil: RawClient;
const REFUSALS = new Set(['BAD_REQUEST', 'VALIDATION', 'AUTH', 'FORBIDDEN']);

before(async () => {
  fx = await startStationFixture();
  evil = await RawClient.open(fx.url);
});
after(async () => {
  evil?.close();
  await fx?.close();
});

const host = () => new URL(fx.url).host;

test('the socket opens only for the station page: a wrong or missing Origin, or another path, is refused at upgrade', async () => {
  assert.equal(await RawClient.upgradeStatus(fx.url, { Origin: fx.url }), 101);
  assert.equal(await RawClient.upgradeStatus(fx.url, { Origin: 'http://evil.example' }), 403);
  assert.equal(await RawClient.upgradeStatus(fx.url, { Origin: `https://${host()}` }), 403);
  assert.equal(await RawClient.upgradeStatus(fx.url, { Origin: 'null' }), 403);
  assert.equal(await RawClient.upgradeStatus(fx.url, {}), 403);
  assert.equal(await RawClient.upgradeStatus(fx.url, { Origin: fx.url }, '/other'), 403);
});

test('a DNS-rebinding page (its own Host and Origin, resolving to loopback) is refused at upgrade', async () => {
  const port = new URL(fx.url).port;
  assert.equal(await RawClient.upgradeStatus(fx.url, { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` }), 403);
});

test('frames that are not calls: a protocol error each, the connection stays usable', async () => {
  assert.match(await evil.refused('{not json'), /not JSON/);
  assert.match(await evil.refused(''), /not JSON/);
  assert.match(await evil.refused(Buffer.from([0xff, 0xfe, 0x00, 0x01])), /not JSON/);
  for (const raw of ['null', '42', '"call"', '[]', '[{"t":"call","id":1}]', '{}', '{"t":"subscribe","id":1}', '{"t":"call"}', '{"t":"call","id":"1","name":"session.status"}', '{"t":"call","id":null,"name":"session.status"}', '{"t":"event","name":"session.changed","payload":{}}']) {
    assert.match(await evil.refused(raw), /expected \{"t":"call"/, raw);
  }
  assert.equal(codeOf(await evil.call('session.status', {})), null);
});

test('unknown call names, including names of Object.prototype members, are BAD_REQUEST', async () => {
  for (const name of ['nope', '', 'session', 'session.status ', 'SESSION.STATUS', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'x'.repeat(100_000), 42, null, true, ['session.status'], { name: 'session.status' }]) {
    const env = await evil.call(name, {});
    assert.equal(codeOf(env), 'BAD_REQUEST', JSON.stringify(name).slice(0, 60));
    assert.ok(!env.ok && env.error.message.length < 200, 'the refusal does not echo a long name');
  }
});

test('a call name that cannot be turned into text gets a refusal, not an unhandled rejection', async () => {
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on('unhandledRejection', onRejection);
  try {
    const env = await evil.call({ toString: 1, valueOf: 1 }, {}, 2000);
    assert.equal(codeOf(env), 'BAD_REQUEST');
  } finally {
    await new Promise((r) => setTimeout(r, 50));
    process.off('unhandledRejection', onRejection);
    assert.deepEqual(rejections, []);
  }
});

test('calls before login are refused with AUTH and change nothing', async () => {
  const sample = readFileSync(fx.sampleBatchPath, 'utf8');
  const attempts: [string, unknown][] = [
    ['batches.import', { fileName: 'sample-batch.json', content: sample }],
    ['batches.list', {}],
    ['queue.page', { offset: 0, limit: 10 }],
    ['engine.start', { batchId: 'DEMO-0001' }],
    ['engine.estop', {}],
    ['log.query', { filter: {}, limit: 10 }],
    ['log.export', { filter: {} }],
    ['users.list', {}],
    ['users.create', { username: 'mallory', displayName: 'Mallory', role: 'administrator', password: 'mallory-is-admin-42' }],
    ['keys.list', {}],
    ['keys.ceremony.start', { keyId: 'evil', label: 'evil', algorithm: 'AES', components: 2, test: false }],
    ['cards.preview', { cardId: 1, reveal: true }],
  ];
  for (const [name, input] of attempts) {
    assert.ok((CALL_NAMES as string[]).includes(name), name);
    assert.equal(codeOf(await evil.call(name, input)), 'AUTH', name);
  }
  assert.equal(fx.core.station.store.listBatches((id) => id).length, 0, 'no batch was imported');
  assert.ok(!fx.core.station.auth.listUsers().some((u) => u.username === 'mallory'), 'no user was created');
  assert.deepEqual(fx.core.station.keys.list().map((k) => k.id), ['demo-kmc']);
  // Nor can the page make itself the first administrator of a station that has users.
  assert.equal(codeOf(await evil.call('session.bootstrap', { username: 'mallory', displayName: 'M', password: 'mallory-is-admin-42' })), 'CONFLICT');
});

test('wrong types, missing and extra fields, oversized strings and arrays, huge numbers: BAD_REQUEST naming the field', async () => {
  const cases: [string, unknown, string][] = [
    ['session.login', { username: 5, password: 'x' }, 'username'],
    ['session.login', { username: 'operator' }, 'password'],
    ['session.login', { username: 'operator', password: 'x', role: 'administrator' }, '(input)'],
    ['session.login', 'operator', '(input)'],
    ['session.login', [], '(input)'],
    ['session.login', { username: 'u'.repeat(1_000_000), password: 'x' }, 'username'],
    ['session.login', { username: 'operator', password: 'p'.repeat(300) }, 'password'],
    ['session.status', { extra: 1 }, '(input)'],
    ['queue.page', { offset: 1e308, limit: 10 }, 'offset'],
    ['queue.page', { offset: 0, limit: 1e9 }, 'limit'],
    ['queue.page', { offset: -1, limit: 10 }, 'offset'],
    ['queue.page', { offset: 0.5, limit: 10 }, 'offset'],
    ['queue.page', { offset: 0, limit: 10, states: Array(100_000).fill('queued') }, 'states'],
    ['cards.decide', { cardId: 2 ** 60, decision: 'reject', reason: 'because' }, 'cardId'],
    ['cards.decide', { cardId: 1, decision: 'approve', reason: 'because' }, 'decision'],
    ['log.query', { filter: { type: Array(10_000).fill('x') }, limit: 10 }, 'filter.type'],
    ['log.query', { filter: { text: 't'.repeat(5000) }, limit: 10 }, 'filter.text'],
    ['batches.import', { fileName: 'f'.repeat(10_000), content: '{}' }, 'fileName'],
    ['keys.ceremony.component', { ceremonyId: 'c', componentHex: 'A'.repeat(10_000) }, 'componentHex'],
  ];
  for (const [name, input, field] of cases) {
    const env = await evil.call(name, input);
    assert.equal(codeOf(env), 'BAD_REQUEST', `${name} ${JSON.stringify(input).slice(0, 80)}`);
    assert.ok(!env.ok && env.error.problems?.some((p) => p.field === field), `${name}: names ${field}: ${JSON.stringify(!env.ok && env.error.problems)}`);
    assert.ok(JSON.stringify(env).length < 5000, 'the refusal does not echo the oversized input');
  }
});

test('deeply nested input is refused, not recursed into', async () => {
  let deep = '1';
  for (let i = 0; i < 100_000; i++) deep = `{"a":${deep}}`;
  for (const name of ['session.status', 'session.login', 'log.query', 'products.preview']) {
    const started = Date.now();
    evil.send(`{"t":"call","id":${900_000 + name.length},"name":"${name}","input":${deep}}`);
    const f = await evil.wait((x) => x.t === 'result' && x.id === 900_000 + name.length, `result of nested ${name}`);
    assert.ok(f.envelope && REFUSALS.has(codeOf(f.envelope) ?? ''), `${name}: ${JSON.stringify(f.envelope).slice(0, 200)}`);
    assert.ok(Date.now() - started < 5000);
  }
  const nestedFilter = `{"t":"call","id":777,"name":"log.query","input":{"filter":{"text":${deep}},"limit":1}}`;
  evil.send(nestedFilter);
  const f = await evil.wait((x) => x.t === 'result' && x.id === 777, 'result of nested filter');
  assert.ok(f.envelope && REFUSALS.has(codeOf(f.envelope) ?? ''));
});

test('prototype-pollution keys are refused or dropped and pollute nothing', async () => {
  const frames = [
    '{"t":"call","id":501,"name":"session.login","input":{"__proto__":{"polluted":"yes"},"username":"x","password":"y"}}',
    '{"t":"call","id":502,"name":"session.login","input":{"constructor":{"prototype":{"polluted":"yes"}},"username":"x","password":"y"}}',
    '{"t":"call","id":503,"name":"log.query","input":{"filter":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},"limit":1}}',
    '{"t":"call","id":504,"name":"__proto__","input":{"polluted":"yes"}}',
    '{"__proto__":{"polluted":"yes"},"t":"call","id":505,"name":"session.status","input":{}}',
    '{"t":"call","id":506,"name":"products.preview","input":{"product":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}}}',
  ];
  for (const [i, raw] of frames.entries()) {
    evil.send(raw);
    const f = await evil.wait((x) => x.t === 'result' && x.id === 501 + i, `result of frame ${501 + i}`);
    const code = codeOf(f.envelope!);
    assert.ok(code === null || REFUSALS.has(code), `${raw}: ${code}`);
    if (i < 2) assert.equal(code, 'BAD_REQUEST', 'unknown keys in a strict input are refused');
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  assert.equal((Object as unknown as Record<string, unknown>).polluted, undefined);
});

test('a flood of calls and garbage is answered in full and does not stall the station', async () => {
  const N = 3000;
  const results: Promise<unknown>[] = [];
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    if (i % 3 === 0) results.push(evil.call('session.status', {}, 60_000));
    else if (i % 3 === 1) results.push(evil.call('queue.counts', {}, 60_000).then((e) => assert.equal(codeOf(e), 'AUTH')));
    else results.push(evil.call(`no.such.call.${i}`, { i }, 60_000).then((e) => assert.equal(codeOf(e), 'BAD_REQUEST')));
  }
  for (let i = 0; i < 300; i++) evil.send('garbage');
  await Promise.all(results);
  assert.ok(Date.now() - started < 60_000);
  // A wrong password for an account that does not exist: refused, and nobody's account locks.
  for (let i = 0; i < 6; i++) assert.equal(codeOf(await evil.call('session.login', { username: 'nobody', password: 'wrong-password-1' })), 'AUTH');
});

test('afterwards a legitimate client logs in, imports and runs the sample batch; counts are right and the log verifies', async () => {
  const good = await RawClient.open(fx.url);
  try {
    const session = await good.ok<{ user: { role: string } | null }>('session.login', fx.credentials.operator);
    assert.equal(session.user?.role, 'operator');
    const imported = await good.ok<{ batchId: string; records: number }>('batches.import', { fileName: 'sample-batch.json', content: readFileSync(fx.sampleBatchPath, 'utf8') }, 60_000);
    assert.deepEqual(imported, { batchId: 'DEMO-0001', records: 12 });
    await good.ok('engine.start', { batchId: imported.batchId });
    const deadline = Date.now() + 180_000;
    let status: EngineStatus;
    do {
      await new Promise((r) => setTimeout(r, 250));
      status = await good.ok<EngineStatus>('engine.status', {});
    } while (status.state === 'running' && Date.now() < deadline);
    assert.equal(status.state, 'finished', JSON.stringify(status));
    const counts = await good.ok<Counts>('queue.counts', { batchId: imported.batchId });
    assert.equal(counts.total, 12);
    assert.equal(counts.passed, 11);
    assert.equal(counts.failed, 1);
    assert.equal(fx.core.station.store.listBatches((id) => id).length, 1, 'only the legitimate batch exists');
    const v = fx.core.station.audit.verify();
    assert.ok(v.ok, JSON.stringify(v));
    // The hostile connection's refusals were audited as what they were, under its own origin.
    const admin = await RawClient.open(fx.url);
    await admin.ok('session.login', fx.credentials.administrator);
    const logins = await admin.ok<{ rows: { type: string; outcome: string }[] }>('log.query', { filter: { type: ['auth.login'] }, limit: 100 });
    assert.ok(logins.rows.filter((r) => r.outcome === 'failure').length >= 6);
    admin.close();
  } finally {
    good.close();
  }
});

test('events follow the read rights: an operator (no log.read) receives no log entries', async () => {
  const op = await RawClient.open(fx.url);
  try {
    await op.ok('session.login', fx.credentials.operator);
    const sup = await RawClient.open(fx.url);
    await sup.ok('session.login', fx.credentials.supervisor);
    sup.close();
    await new Promise((r) => setTimeout(r, 300));
    const logEvents = op.received.filter((f) => f.includes('"name":"log.appended"'));
    assert.equal(codeOf(await op.call('log.query', { filter: {}, limit: 1 })), 'FORBIDDEN', 'the call is refused…');
    assert.deepEqual(logEvents, [], '…so the same entries must not arrive as events');
  } finally {
    op.close();
  }
});
