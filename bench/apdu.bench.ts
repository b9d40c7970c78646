import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { report, median } from './report';
import { startPcscd, CACHE_DIR, type Pcscd } from '../tests/support/pcscd';
import { createPcscliteBinding } from '../electron/devices/pcsc/pcsclite-binding';
import { ReaderService } from '../electron/devices/pcsc/reader-service';

// APDU round trip through the reader service against the same loop in C over libpcsclite, on
// the same virtual card (tests/support/echo-chip.ts in its own process, through pcscd + vpcd
// with the TCP_NODELAY shim). Rounds alternate C and Node so drift on a shared machine hits both.

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const APDU = '80EE000008' + '0102030405060708';
const COUNT = 2000;
const ROUNDS = 3;

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
    for (let i = -COUNT / 10; i < COUNT; i++) {
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

async function main(): Promise<void> {
  let pcscd: Pcscd | null = null;
  let card: ChildProcess | null = null;
  let svc: ReaderService | null = null;
  try {
    const cBin = buildCLoop();
    pcscd = await startPcscd({ readers: 1 });
    const reader = pcscd.slots[0].name;
    card = await startCard(pcscd.slots[0].port);
    svc = new ReaderService({ binding: await createPcscliteBinding() });
    await svc.start();
    await svc.waitForCard(reader, { timeoutMs: 5000 });
    const cs: number[] = [];
    const ns: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      cs.push(runC(cBin, reader));
      ns.push(await runNode(svc, reader));
    }
    const floor = median(cs);
    const value = median(ns);
    console.log(`C medians ${cs.map((x) => x.toFixed(1)).join(', ')} µs; reader service ${ns.map((x) => x.toFixed(1)).join(', ')} µs`);
    report({ name: 'APDU round trip (ReaderService vs C SCardTransmit)', value, unit: 'µs', floor, ratio: value / floor, target: '≤ 1.3× C', met: value / floor <= 1.3 });
  } finally {
    await svc?.close();
    card?.stdin?.end();
    if (card && card.exitCode === null) await new Promise((r) => card!.once('exit', r));
    await pcscd?.stop();
  }
}

await main();
