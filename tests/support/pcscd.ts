import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// A real pcscd for a test file or a bench: started in the foreground (no systemd) with the
// TCP_NODELAY shim preloaded (Debian 12's vpcd otherwise costs ~40 ms per APDU in Nagle delay),
// with as many vpcd reader slots as asked for, and only one at a time on the machine (pcscd's
// socket is /run/pcscd/pcscd.comm). Its reader config lives in a cache directory passed with
// `-c`, so /etc/reader.conf.d is left alone.
//
// Reader i listens for its virtual card on TCP 35963 + i. vpcd gives two slots per driver
// instance and keeps them in static storage, so each pair of slots loads its own copy of the
// driver library; names are "Virtual PCD 00 00", "Virtual PCD 00 01", then "Virtual PCD B 00 00"...

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'perso');
const SHIM_SRC = join(ROOT, 'scripts', 'pcscd', 'nodelay.c');
const VPCD_LIB = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const PCSCD_DIR = '/run/pcscd';
const PCSCD_PID = join(PCSCD_DIR, 'pcscd.pid');
const PCSCD_SOCK = join(PCSCD_DIR, 'pcscd.comm');
const OUR_PID = join(CACHE_DIR, 'pcscd.pid');
const BASE_PORT = 35963;

export interface VpcdSlot {
  name: string;
  port: number;
}

export interface PcscdOptions {
  /** Virtual readers (vpcd slots), 1–16. Default 2. */
  readers?: number;
  /** Preload the TCP_NODELAY shim (default true). */
  nodelay?: boolean;
  /** Log every APDU in pcscd's log (-a). */
  apduLog?: boolean;
}

export interface Pcscd {
  readonly slots: VpcdSlot[];
  readonly pid: number;
  /** pcscd's own log so far (for failure messages). */
  log(): string;
  /** Stops and starts the daemon again (optionally with another reader count). */
  restart(o?: PcscdOptions): Promise<void>;
  stop(): Promise<void>;
}

export function vpcdSlots(n: number): VpcdSlot[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i >> 1;
    const friendly = k === 0 ? 'Virtual PCD' : `Virtual PCD ${String.fromCharCode(65 + k)}`;
    return { name: `${friendly} 00 0${i & 1}`, port: BASE_PORT + i };
  });
}

/** Builds scripts/pcscd/nodelay.c into the cache (once, or when the source changed). */
export function buildNodelayShim(): string {
  mkdirSync(CACHE_DIR, { recursive: true });
  const out = join(CACHE_DIR, 'libnodelay.so');
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(SHIM_SRC).mtimeMs) {
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', out, SHIM_SRC, '-ldl'], { stdio: 'pipe' });
  }
  return out;
}

function writeReaderConf(n: number): string {
  if (n < 1 || n > 16) throw new Error(`pcscd supports 1 to 16 readers, not ${n}`);
  const dir = join(CACHE_DIR, 'reader.conf.d');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const slots = vpcdSlots(n);
  for (let k = 0; k * 2 < n; k++) {
    const port = BASE_PORT + 2 * k;
    let lib = VPCD_LIB;
    if (k > 0) {
      lib = join(CACHE_DIR, `libifdvpcd-${k}.so`);
      if (!existsSync(lib)) copyFileSync(VPCD_LIB, lib);
    }
    const friendly = slots[2 * k].name.slice(0, -6);
    const hex = '0x' + port.toString(16).toUpperCase();
    writeFileSync(join(dir, `vpcd-${k}`), `FRIENDLYNAME "${friendly}"\nDEVICENAME   /dev/null:${hex}\nLIBPATH      ${lib}\nCHANNELID    ${hex}\n`);
  }
  return dir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file: string): number | null {
  try {
    const n = parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** TCP ports in LISTEN state, from /proc/net/tcp{,6}. */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 3 && cols[3] === '0A') ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}

/** Stops a pcscd this helper started earlier (a leftover of a crashed test); refuses to touch any other. */
async function clearLeftover(): Promise<void> {
  for (const pid of new Set([readPid(OUR_PID), readPid(PCSCD_PID)])) {
    if (!pid || !alive(pid)) continue;
    const cmd = cmdline(pid);
    if (!cmd.includes('pcscd')) continue;
    if (!cmd.includes(CACHE_DIR)) {
      throw new Error(`another pcscd is running (pid ${pid}: ${cmd.trim()}); stop it before running the PC/SC tests`);
    }
    process.kill(pid, 'SIGTERM');
    if (!(await waitExit(pid, 3000))) {
      process.kill(pid, 'SIGKILL');
      await waitExit(pid, 2000);
    }
  }
  // A socket left by a killed daemon makes the next one refuse to start.
  const owner = readPid(PCSCD_PID);
  if (existsSync(PCSCD_SOCK) && !(owner && alive(owner))) {
    try {
      unlinkSync(PCSCD_SOCK);
    } catch {
      /* gone */
    }
  }
}

class Daemon implements Pcscd {
  slots: VpcdSlot[] = [];
  private proc: ChildProcess | null = null;
  private logFile = join(CACHE_DIR, 'pcscd.log');
  private opts: PcscdOptions;

  constructor(o: PcscdOptions) {
    this.opts = o;
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  async start(): Promise<void> {
    const o = this.opts;
    const n = o.readers ?? 2;
    await clearLeftover();
    const conf = writeReaderConf(n);
    this.slots = vpcdSlots(n);
    const env = { ...process.env };
    if (o.nodelay !== false) env.LD_PRELOAD = buildNodelayShim();
    const args = ['-f', '-i', '-c', conf];
    if (o.apduLog) args.push('-a');
    const fd = openSync(this.logFile, 'w');
    const proc = spawn('/usr/sbin/pcscd', args, { env, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    this.proc = proc;
    if (proc.pid) writeFileSync(OUR_PID, String(proc.pid));
    const ports = this.slots.map((s) => s.port);
    const end = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`pcscd exited at start (${proc.exitCode ?? proc.signalCode}):\n${this.log().slice(-2000)}`);
      const listening = listeningPorts();
      if (existsSync(PCSCD_SOCK) && ports.every((p) => listening.has(p))) break;
      if (Date.now() > end) throw new Error(`pcscd did not get ready within 10 s:\n${this.log().slice(-2000)}`);
      await sleep(25);
    }
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.pid === undefined) return;
    if (p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGTERM');
      const t = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!t) {
        p.kill('SIGKILL');
        await exited;
      }
    }
    try {
      if (readPid(OUR_PID) === p.pid) unlinkSync(OUR_PID);
    } catch {
      /* gone */
    }
  }

  async restart(o?: PcscdOptions): Promise<void> {
    if (o) this.opts = { ...this.opts, ...o };
    await this.stop();
    await this.start();
  }
}

/** Starts pcscd with vpcd readers and waits until every vpcd port listens. */
export async function startPcscd(o: PcscdOptions = {}): Promise<Pcscd> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const d = new Daemon(o);
  await d.start();
  return d;
}
