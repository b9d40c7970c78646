import type { LaserJob } from './jobs';
import { SIDES } from './template';
import type { CardLayout } from './layout';
import { IDENTITY_JIG, toMachine, type LaserJig } from './jig';

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

/**
 * GRBL 1.1's line buffer (LINE_BUFFER_SIZE 80): a line holds at most 79 characters and its
 * terminator; a longer one is refused with `error:11`. The receive buffer (128 bytes) is a
 * different limit, for streaming.
 */
export const GRBL_LINE_BUFFER = 80;
export const GRBL_MAX_LINE = GRBL_LINE_BUFFER - 1;

const travel = (x: number, y: number) => `G0 X${f3(x)} Y${f3(y)} S0`;
export const cutLine = (x: number, y: number, power: number, feed: number) => `G1 X${f3(x)} Y${f3(y)} S${power} F${feed}`;
const cut = cutLine;

/**
 * The longest G-code line an element with this box, power and feed can produce (the cut line
 * at the corner farthest from the origin), and the field that makes it long.
 */
export function longestLine(box: { x0: number; y0: number; x1: number; y1: number }, power: number, feed: number): { length: number; field: 'x' | 'y' | 'power' | 'feed' } {
  const wider = (a: number, b: number) => (f3(a).length >= f3(b).length ? a : b);
  const x = wider(box.x0, box.x1);
  const y = wider(box.y0, box.y1);
  const words: [string, 'x' | 'y' | 'power' | 'feed'][] = [
    [f3(x), 'x'],
    [f3(y), 'y'],
    [String(power), 'power'],
    [String(feed), 'feed'],
  ];
  const field = words.reduce((a, b) => (b[0].length > a[0].length ? b : a))[1];
  return { length: cutLine(x, y, power, feed).length, field };
}

/**
 * The card's laser jobs in the controller's work coordinates: every point goes through the
 * station's jig (offset, rotation, mirror; see jig.ts). Without a jig, card coordinates.
 */
export function laserJobs(layout: CardLayout, jig: LaserJig = IDENTITY_JIG): LaserJob[] {
  if (layout.masked) throw new Error('laserJobs needs the unmasked layout (masking is for display only)');
  const jobs: LaserJob[] = [];
  const travelLine = (x: number, y: number) => travel(...toMachine(jig, x, y));
  const cutLine = (x: number, y: number, power: number, feed: number) => cut(...toMachine(jig, x, y), power, feed);
  const moveLine = (x: number, y: number) => {
    const [mx, my] = toMachine(jig, x, y);
    return `G1 X${f3(mx)} Y${f3(my)}`;
  };
  for (const side of SIDES) {
    const g: string[] = [];
    for (const it of layout[side]) {
      if (it.kind === 'laserText') {
        for (const pl of it.strokes) {
          g.push(travelLine(pl[0][0], pl[0][1]));
          for (let i = 1; i < pl.length; i++) g.push(i === 1 ? cutLine(pl[i][0], pl[i][1], it.power, it.feed) : moveLine(pl[i][0], pl[i][1]));
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
            g.push(travelLine(a, l.y));
            g.push(cutLine(b, l.y, it.power, it.feed));
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
