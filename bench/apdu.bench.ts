import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { report, median } from './report';
import { startPcscd, CACHE_DIR, type Pcscd } from '../tests/support/pcscd';
import { createPcscliteBinding, type NativeContext, type NativeReader } from '../electron/devices/pcsc/pcsclite-binding';
import { ReaderService } from '../electron/devices/pcsc/reader-service';
import { connectToVpcd } from '../electron/sim/vpcd/vpcd-client';
import { setup as persoSetup } from '../tests/unit/chip/fixtures';

// APDU round trip through the reader service against the same loop in C over libpcsclite, on
// the same virtual card (tests/support/echo-chip.ts in its own process, through pcscd + vpcd
// with the TCP_NODELAY shim). Rounds alternate C and Node so drift on a shared machine hits both.
// Then a full personalization of the GlobalPlatform blank card through pcscd, and throughput
// over 1/2/4/8 readers with slow emulated cards.

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const APDU = '80EE000008' + '0102030405060708';
const COUNT = 2000;
const ROUNDS = 5;

function buildCLoop(): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = join(CACHE_DIR, 'apdu_loop');
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'libpcsclite'], { encoding: 'utf8' }).trim().split(/\s+/);
  execFileSync('gcc', ['-O2', '-o', out, join(ROOT, 'bench/c/apdu_loop.c'), ...flags], { stdio: 'inherit' });
  return out;
}

/** The echo card in a process of its own, inserted into the vpcd reader at `port`. */
async function startCard(port: number): Promise<ChildProcess> {
  const code = `
    import { EchoChip } from ${JSON.stringify(join(ROOT, 'tests/support/echo-chip.ts'))};
    import { connectToVpcd } from ${JSON.stringify(join(ROOT, 'electron/sim/vpcd/vpcd-client.ts'))};
    const conn = await connectToVpcd(new EchoChip(), { port: ${port} });
    process.stdout.write('READY\\n');
    process.stdin.on('end', () => conn.remove().then(() => process.exit(0)));
    process.stdin.resume();
    conn.closed.then(() => process.exit(0));
  `;
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((res, rej) => {
    p.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && res());
    p.once('exit', (c) => rej(new Error(`card process exited with ${c}`)));
  });
  return p;
}

function runC(bin: string, reader: string): number {
  const out = execFileSync(bin, [reader, String(COUNT), APDU], { encoding: 'utf8' });
  const m = /MEDIAN_US ([\d.]+)/.exec(out);
  if (!m) throw new Error(`C loop printed no median: ${out}`);
  return Number(m[1]);
}

async function runNode(svc: ReaderService, reader: string): Promise<number> {
  const ch = await svc.connect(reader);
  const apdu = Buffer.from(APDU, 'hex');
  const t: number[] = new Array(COUNT);
  try {
    for (let i = -COUNT / 4; i < COUNT; i++) {
      const a = process.hrtime.bigint();
      await ch.transmit(apdu);
      const b = process.hrtime.bigint();
      if (i >= 0) t[i] = Number(b - a) / 1000;
    }
  } finally {
    await ch.close('leave');
  }
  return median(t);
}

/** The addon's reader for `name` through a context of its own (the service's stays untouched). */
async function openRaw(name: string): Promise<{ ctx: NativeContext; reader: NativeReader }> {
  const mod = (await import('pcsclite')) as unknown;
  const factory = (typeof mod === 'function' ? mod : (mod as { default: unknown }).default) as () => NativeContext;
  const ctx = factory();
  ctx.on('error', () => {});
  const reader = await new Promise<NativeReader>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`raw pcsclite: no reader ${name}`)), 5000);
    ctx.on('reader', (r: NativeReader) => {
      r.on('error', () => {});
      if (r.name !== name) return;
      clearTimeout(t);
      res(r);
    });
  });
  return { ctx, reader };
}

/** The same loop straight on the addon's reader.transmit: the addon's share, without our layers. */
async function runRaw(r: NativeReader): Promise<number> {
  const protocol = await new Promise<number>((res, rej) =>
    r.connect({ share_mode: r.SCARD_SHARE_EXCLUSIVE, protocol: r.SCARD_PROTOCOL_T0 | r.SCARD_PROTOCOL_T1 }, (e, p) => (e ? rej(e) : res(p))),
  );
  const apdu = Buffer.from(APDU, 'hex');
  const t: number[] = new Array(COUNT);
  try {
    for (let i = -COUNT / 4; i < COUNT; i++) {
      const a = process.hrtime.bigint();
      await new Promise<Buffer>((res, rej) => r.transmit(apdu, 258, protocol, (e, d) => (e ? rej(e) : res(d))));
      const b = process.hrtime.bigint();
      if (i >= 0) t[i] = Number(b - a) / 1000;
    }
  } finally {
    await new Promise<void>((res) => r.disconnect(r.SCARD_LEAVE_CARD, () => res()));
  }
  return median(t);
}

const CARD_MS = 5000; // the emulated card's own time per personalization
const TIME_SCALE = 0.2; // scaled down to keep the bench short: 1 s per card
const PERSO_APDUS = 11;
const CARDS_PER_READER = 3;

/** One card through one reader: insert, detect, connect, personalize, close, take out. */
async function personalizeOne(svc: ReaderService, reader: string, port: number, perApduMs: number): Promise<number> {
  const s = persoSetup({ faults: perApduMs ? { slow: { perApduMs } } : undefined });
  const t0 = performance.now();
  const conn = await connectToVpcd(s.card, { port });
  try {
    await svc.waitForCard(reader, { timeoutMs: 5000 });
    const ch = await svc.connect(reader);
    const tp = performance.now();
    const r = await s.run({ channel: ch, atr: ch.atr });
    const persoMs = performance.now() - tp;
    await ch.close();
    if (!r.ok) throw new Error(`personalization failed: ${r.reason} ${r.message}`);
    return perApduMs ? performance.now() - t0 : persoMs;
  } finally {
    await conn.remove();
    await svc.waitForCardRemoved(reader, { timeoutMs: 5000 });
  }
}

async function persoBench(svc: ReaderService, pcscd: Pcscd): Promise<void> {
  // Full personalization at card speed zero: the station's and the PC/SC path's share alone.
  const viaPcsc: number[] = [];
  const inMemory: number[] = [];
  for (let i = 0; i < 5; i++) {
    viaPcsc.push(await personalizeOne(svc, pcscd.slots[0].name, pcscd.slots[0].port, 0));
    const s = persoSetup();
    const t = performance.now();
    const r = await s.run();
    inMemory.push(performance.now() - t);
    if (!r.ok) throw new Error(`in-memory personalization failed: ${r.reason}`);
  }
  const v = median(viaPcsc);
  const f = median(inMemory);
  report({ name: 'full personalization through pcscd (vs in-memory reader)', value: v, unit: 'ms', floor: f, ratio: v / f });

  const perApduMs = (CARD_MS * TIME_SCALE) / PERSO_APDUS;
  const rates: number[] = [];
  for (const n of [1, 2, 4, 8]) {
    const slots = pcscd.slots.slice(0, n);
    for (const s of slots) await svc.waitForReader(s.name, { timeoutMs: 5000 });
    const t0 = performance.now();
    await Promise.all(slots.map(async (s) => {
      for (let k = 0; k < CARDS_PER_READER; k++) await personalizeOne(svc, s.name, s.port, perApduMs);
    }));
    const rate = (n * CARDS_PER_READER) / ((performance.now() - t0) / 60_000);
    rates.push(rate);
    const ratio = rate / rates[0];
    const target = n === 4 ? '≥ 3.6× one reader' : `≈ ${n}× one reader`;
    report({ name: `throughput, ${n} reader(s), ${CARD_MS / 1000} s card at ×${TIME_SCALE}`, value: rate, unit: 'cards/min', floor: rates[0], ratio, target, met: n === 4 ? ratio >= 3.6 : undefined });
  }
}

async function main(): Promise<void> {
  let pcscd: Pcscd | null = null;
  let card: ChildProcess | null = null;
  let svc: ReaderService | null = null;
  try {
    const cBin = buildCLoop();
    pcscd = await startPcscd({ readers: 8 });
    const reader = pcscd.slots[0].name;
    card = await startCard(pcscd.slots[0].port);
    svc = new ReaderService({ binding: await createPcscliteBinding() });
    await svc.start();
    await svc.waitForCard(reader, { timeoutMs: 5000 });
    const raw = await openRaw(reader);
    const cs: number[] = [];
    const rs: number[] = [];
    const ns: number[] = [];
    try {
      for (let r = 0; r < ROUNDS; r++) {
        cs.push(runC(cBin, reader));
        rs.push(await runRaw(raw.reader));
        ns.push(await runNode(svc, reader));
      }
    } finally {
      raw.reader.close();
      raw.ctx.close();
    }
    const floor = median(cs);
    const rawMedian = median(rs);
    const value = median(ns);
    const f = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(', ');
    console.log(`C medians ${f(cs)} µs; raw pcsclite ${f(rs)} µs; reader service ${f(ns)} µs`);
    // The split: the addon's share over C, then ours over the addon's.
    report({ name: 'APDU round trip (raw pcsclite reader.transmit vs C SCardTransmit)', value: rawMedian, unit: 'µs', floor, ratio: rawMedian / floor });
    report({ name: 'APDU round trip (ReaderService vs raw pcsclite)', value, unit: 'µs', floor: rawMedian, ratio: value / rawMedian });
    report({ name: 'APDU round trip (ReaderService vs C SCardTransmit)', value, unit: 'µs', floor, ratio: value / floor, target: '≤ 1.3× C', met: value / floor <= 1.3 });
    if (process.env.APDU_BENCH_ONLY) return;
    card.stdin!.end();
    await new Promise((r) => card!.once('exit', r));
    card = null;
    await svc.waitForCardRemoved(reader, { timeoutMs: 5000 });
    await persoBench(svc, pcscd);
  } finally {
    await svc?.close();
    card?.stdin?.end();
    if (card && card.exitCode === null) await new Promise((r) => card!.once('exit', r));
    await pcscd?.stop();
  }
}

// Every SCardTransmit holds a libuv pool thread for the card's whole answer time: 8 slow heads
// need more than the default 4 threads. The pool size is read once, so set it for a fresh process.
if (!process.env.UV_THREADPOOL_SIZE) {
  const r = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env: { ...process.env, UV_THREADPOOL_SIZE: '16' } });
  r.once('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
