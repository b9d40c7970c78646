import type { LaserJob } from './jobs';
import { SIDES } from './template';
import type { CardLayout } from './layout';

// GRBL 1.1 laser-mode G-code for one card, read off the layout: the stroke-font polylines of
// laser text and the raster lines of graphics. The controller is expected in laser mode ($32=1),
// where G0 never fires the beam; every G0 also carries S0 so a controller left in spindle mode
// stays dark while travelling. M4 (dynamic power) scales the power with the actual speed, so
// corners and accelerations do not burn darker.

/** Millimetres with exactly 3 decimals, never "-0.000". */
export function f3(n: number): string {
  const s = (Math.round(n * 1000) / 1000).toFixed(3);
  return s === '-0.000' ? '0.000' : s;
}

export function laserJobs(layout: CardLayout): LaserJob[] {
  if (layout.masked) throw new Error('laserJobs needs the unmasked layout (masking is for display only)');
  const jobs: LaserJob[] = [];
  for (const side of SIDES) {
    const g: string[] = [];
    for (const it of layout[side]) {
      if (it.kind === 'laserText') {
        for (const pl of it.strokes) {
          g.push(`G0 X${f3(pl[0][0])} Y${f3(pl[0][1])} S0`);
          for (let i = 1; i < pl.length; i++)
            g.push(i === 1 ? `G1 X${f3(pl[i][0])} Y${f3(pl[i][1])} S${it.power} F${it.feed}` : `G1 X${f3(pl[i][0])} Y${f3(pl[i][1])}`);
        }
      } else if (it.kind === 'laserGraphic') {
        // Serpentine: every other row runs right to left, so travel stays short.
        let row = -1;
        let lastY = Number.NaN;
        let pending: { x0: number; x1: number; y: number }[] = [];
        const flush = () => {
          const reverse = row % 2 === 1;
          const runs = reverse ? pending.slice().reverse() : pending;
          for (const l of runs) {
            const [a, b] = reverse ? [l.x1, l.x0] : [l.x0, l.x1];
            g.push(`G0 X${f3(a)} Y${f3(l.y)} S0`);
            g.push(`G1 X${f3(b)} Y${f3(l.y)} S${it.power} F${it.feed}`);
          }
          pending = [];
        };
        for (const l of it.lines) {
          if (l.y !== lastY) {
            flush();
            row++;
            lastY = l.y;
          }
          pending.push(l);
        }
        flush();
      }
    }
    if (g.length) jobs.push({ side, gcode: ['G21 G90', 'M4 S0', ...g, 'M5'] });
  }
  return jobs;
}
