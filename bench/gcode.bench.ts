import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makePtyPair } from '../tests/support/pty';
import { openSerialPort, type SerialLink } from '../electron/devices/serial/link';
import { GrblLaser } from '../electron/devices/laser/driver';
import { GRBL_RX_BUFFER } from '../electron/devices/laser/grbl';
import { runLaserEmulatorOnTty } from '../electron/sim/laser/tty';
import { median, report } from './report';

// G-code streaming throughput through the GRBL driver against the raw pty carrying the same
// bytes to the same emulator (in its own process, as a real controller would be). The floor
// streams with the least code that still respects GRBL's 128-byte receive buffer: write lines
// while they fit, count `ok`s. A second, informative figure writes everything at once to an
// emulator with an unbounded buffer (what the pty itself can carry).

if (process.argv[2] === '--emulator') {
  const unbounded = process.argv[4] === 'unbounded';
  await runLaserEmulatorOnTty(process.argv[3], { laserMode: true, rxBufferSize: unbounded ? 1 << 30 : GRBL_RX_BUFFER });
  process.stdout.write('READY\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
} else {
  await main();
}

function makeJob(lines: number): string[] {
  const out = ['G21', 'G90', 'M4 S0'];
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  while (out.length < lines - 1) {
    const y = (rnd() * 50 + 2).toFixed(3);
    out.push(`G0 X${(rnd() * 80 + 2).toFixed(3)} Y${y}`);
    out.push(`G1 X${(rnd() * 80 + 2).toFixed(3)} Y${y} F3000 S${Math.round(rnd() * 1000)}`);
  }
  out.push('M5');
  return out;
}

async function startEmulator(path: string, mode: 'bounded' | 'unbounded'): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--emulator', path, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
    child.once('exit', (c) => reject(new Error(`emulator exited with ${c}`)));
  });
  return child;
}

/** Collects `ok`/`error` answers and the banner from a raw link. */
function answers(link: SerialLink) {
  let buf = '';
  let oks = 0;
  let banner = false;
  let wake: (() => void) | null = null;
  link.onData((c) => {
    buf += c.toString('latin1');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      if (line === 'ok' || line.startsWith('error:')) oks++;
      else if (line.startsWith('Grbl ')) banner = true;
    }
    wake?.();
  });
  return {
    get oks() {
      return oks;
    },
    get banner() {
      return banner;
    },
    reset() {
      oks = 0;
      banner = false;
    },
    next: () => new Promise<void>((r) => (wake = r)),
  };
}

async function resetRaw(link: SerialLink, a: ReturnType<typeof answers>): Promise<void> {
  a.reset();
  await link.write('\x18');
  while (!a.banner) await a.next();
  a.reset();
}

/** The floor: character counting with nothing else. */
async function rawCounted(link: SerialLink, a: ReturnType<typeof answers>, lines: string[]): Promise<number> {
  await resetRaw(link, a);
  const texts = lines.map((l) => l + '\n');
  const t0 = process.hrtime.bigint();
  let sent = 0;
  let inFlight = 0;
  let acked = 0;
  const lens: number[] = [];
  while (acked < texts.length) {
    while (acked < a.oks) inFlight -= lens[acked++];
    let out = '';
    while (sent < texts.length && inFlight + texts[sent].length <= GRBL_RX_BUFFER) {
      lens.push(texts[sent].length);
      inFlight += texts[sent].length;
      out += texts[sent++];
    }
    if (out) void link.write(out);
    if (acked < texts.length && acked === a.oks) await a.next();
  }
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Informative: every byte written at once, no flow control. */
async function rawUnbounded(link: SerialLink, a: ReturnType<typeof answers>, lines: string[]): Promise<number> {
  await resetRaw(link, a);
  const all = lines.join('\n') + '\n';
  const t0 = process.hrtime.bigint();
  void link.write(all);
  while (a.oks < lines.length) await a.next();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function viaDriver(laser: GrblLaser, lines: string[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  await laser.runJob(lines);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const lines = makeJob(Number(process.env.GCODE_BENCH_LINES ?? 10000));
  const bytes = lines.reduce((n, l) => n + l.length + 1, 0);
  // Short paired runs in alternating order: the ratio of each pair is taken, so load from other
  // processes on the machine hits both sides of a pair alike.
  const pairs = Number(process.env.GCODE_BENCH_PAIRS ?? 9);
  const reps = 3;
  const pty = await makePtyPair('gcode-bench');
  const emu = await startEmulator(pty.b, 'bounded');
  const floors: number[] = [];
  const driverRates: number[] = [];
  const pairRatios: number[] = [];
  try {
    const raw = await openSerialPort({ path: pty.a, baudRate: 115200 });
    await raw.open();
    const a = answers(raw);
    const laser = new GrblLaser(raw, { pollMs: 200 });
    // Warm-up of both paths (JIT, pty buffers), not measured.
    await rawCounted(raw, a, lines.slice(0, 2000));
    await laser.start();
    await viaDriver(laser, lines.slice(0, 2000));
    for (let i = 0; i < pairs; i++) {
      // The driver and the raw loop share the port; the driver is idle (its polls are answered) during the raw run.
      const runRaw = async () => bytes / (await rawCounted(raw, a, lines));
      const runDriver = async () => {
        await laser.recover();
        return bytes / (await viaDriver(laser, lines));
      };
      const [f, d] = i % 2 ? [await runRaw(), await runDriver()] : await runDriver().then(async (d) => [await runRaw(), d]);
      floors.push(f);
      driverRates.push(d);
      pairRatios.push(f / d);
    }
    if (laser.maxBytesInFlight > GRBL_RX_BUFFER) throw new Error(`driver had ${laser.maxBytesInFlight} bytes in flight`);
    await laser.close();
  } finally {
    emu.stdin!.end();
    emu.kill();
    await pty.kill();
  }
  const floor = median(floors);
  const value = median(driverRates);
  console.log(`job: ${lines.length} lines, ${bytes} bytes; raw counted ${floors.map((f) => Math.round(f)).join(', ')} B/s; driver ${driverRates.map((f) => Math.round(f)).join(', ')} B/s`);
  const ratio = median(pairRatios);
  console.log(`pair ratios (raw/driver): ${pairRatios.map((r) => r.toFixed(2)).join(', ')}`);
  report({ name: 'G-code via GRBL driver (char counting, pty)', value, unit: 'bytes/s', floor, ratio, target: 'driver ≥ 0.8× raw pty (ratio ≤ 1.25)', met: ratio <= 1.25 });

  // Informative figure: the pty and emulator with no flow control at all.
  const pty2 = await makePtyPair('gcode-bench-unbounded');
  const emu2 = await startEmulator(pty2.b, 'unbounded');
  try {
    const raw = await openSerialPort({ path: pty2.a, baudRate: 115200 });
    await raw.open();
    const a = answers(raw);
    const rates: number[] = [];
    for (let i = 0; i < reps; i++) rates.push(bytes / (await rawUnbounded(raw, a, lines)));
    await raw.close();
    const unbounded = median(rates);
    report({ name: 'G-code raw pty, no flow control (unbounded emulator)', value: value, unit: 'bytes/s', floor: unbounded, ratio: unbounded / value, target: 'informative: cost of the 128-byte window' });
  } finally {
    emu2.stdin!.end();
    emu2.kill();
    await pty2.kill();
  }
}
