import { createMemoryLink } from '../../../electron/devices/serial/link';
import { GrblLaser, type GrblLaserOptions } from '../../../electron/devices/laser/driver';
import { GrblEmulator, type LaserEmulatorOptions } from '../../../electron/sim/laser/emulator';

/** A laser job like the layout makes: rapid to each stroke start, burn strokes with varying power. */
export function strokeJob(strokes: number, seed = 1): string[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const lines = ['G21', 'G90', 'M4 S0'];
  for (let i = 0; i < strokes; i++) {
    const x = (rnd() * 80 + 2).toFixed(3);
    const y = (rnd() * 50 + 2).toFixed(3);
    lines.push(`G0 X${x} Y${y}`);
    lines.push(`G1 X${(Number(x) + rnd() * 3).toFixed(3)} Y${y} F${i === 0 ? 3000 : 3000 + (i % 5) * 100} S${Math.round(rnd() * 1000)}`);
  }
  lines.push('M5');
  return lines;
}

/** What a GRBL in laser mode should execute for such a job, computed straight from the text. */
export function expectedSegments(lines: string[]): Array<{ to: [number, number]; power: number; rapid: boolean }> {
  let s = 0;
  let on = false;
  const out: Array<{ to: [number, number]; power: number; rapid: boolean }> = [];
  for (const l of lines) {
    const w = (k: string) => {
      const m = new RegExp(`${k}(-?[\\d.]+)`).exec(l);
      return m ? Number(m[1]) : undefined;
    };
    if (/^M[34]\b/.test(l)) on = true;
    if (/^M5\b/.test(l)) on = false;
    if (w('S') !== undefined) s = w('S')!;
    const x = w('X');
    const y = w('Y');
    if (x === undefined && y === undefined) continue;
    const rapid = /^G0\b/.test(l);
    out.push({ to: [x!, y!], power: rapid || !on ? 0 : s, rapid });
  }
  return out;
}

export async function laserRig(emuOpts: LaserEmulatorOptions = {}, drvOpts: GrblLaserOptions = {}) {
  const { link, far } = createMemoryLink('mem:laser');
  const emulator = new GrblEmulator(far, emuOpts);
  const laser = new GrblLaser(link, { backoff: { initialMs: 10, maxMs: 40 }, pollMs: 20, idlePollMs: 200, ...drvOpts });
  await laser.start();
  return { link, far, emulator, laser };
}

export async function waitFor(pred: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
