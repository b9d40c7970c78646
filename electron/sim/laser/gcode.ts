// The subset of G-code a laser card engraver uses, interpreted as GRBL 1.1 does: G0/G1 moves,
// G4 dwell, G20/G21 units, G90/G91 distance mode, M3/M4/M5 with S power, F feed. A line either
// yields a status code (0 = ok, else GRBL's error number) and maybe a motion block.

export interface Modal {
  motion: 0 | 1;
  absolute: boolean;
  mm: boolean;
  spindle: 'M3' | 'M4' | 'M5';
  s: number;
  f: number;
  /** Programmed position in mm. */
  pos: { x: number; y: number; z: number };
}

export interface Block {
  from: { x: number; y: number; z: number };
  to: { x: number; y: number; z: number };
  rapid: boolean;
  spindle: Modal['spindle'];
  s: number;
  f: number;
  /** For G4 dwell: seconds; no motion. */
  dwell?: number;
}

export function initialModal(): Modal {
  return { motion: 0, absolute: true, mm: true, spindle: 'M5', s: 0, f: 0, pos: { x: 0, y: 0, z: 0 } };
}

/** Resets the modal state as a soft reset does (position kept). */
export function resetModal(m: Modal): Modal {
  return { ...initialModal(), pos: { ...m.pos } };
}

/** Strips spaces and comments and upper-cases, as GRBL's line reader does. */
export function normaliseLine(raw: string): string {
  return raw.replace(/\([^)]*\)/g, '').replace(/;.*$/, '').replace(/\s+/g, '').toUpperCase();
}

const MODAL_GROUP: Record<string, string> = { G0: 'motion', G1: 'motion', G4: 'nonmodal', G17: 'plane', G20: 'units', G21: 'units', G90: 'distance', G91: 'distance', G94: 'feedmode', G54: 'coord', M3: 'spindle', M4: 'spindle', M5: 'spindle', M2: 'stop', M30: 'stop' };

export function interpret(line: string, m: Modal, maxPower: number): { status: number; block?: Block; end?: boolean } {
  const words: Array<[string, number]> = [];
  let i = 0;
  while (i < line.length) {
    const letter = line[i];
    if (letter < 'A' || letter > 'Z') return { status: 1 };
    const num = /^[-+]?(\d+\.?\d*|\.\d+)/.exec(line.slice(i + 1));
    if (!num) return { status: 2 };
    words.push([letter, Number(num[0])]);
    i += 1 + num[0].length;
  }
  const groups = new Set<string>();
  const values = new Map<string, number>();
  const commands: string[] = [];
  for (const [l, v] of words) {
    if (l === 'G' || l === 'M') {
      const key = `${l}${v}`;
      const g = MODAL_GROUP[key];
      if (!g) return { status: 20 };
      if (groups.has(g)) return { status: 21 };
      groups.add(g);
      commands.push(key);
    } else if ('XYZFSPN'.includes(l)) {
      if (values.has(l)) return { status: 25 };
      if ((l === 'F' || l === 'S' || l === 'P') && v < 0) return { status: 4 };
      values.set(l, v);
    } else return { status: 20 };
  }
  const next: Modal = { ...m, pos: { ...m.pos } };
  let end = false;
  for (const c of commands) {
    if (c === 'G0') next.motion = 0;
    else if (c === 'G1') next.motion = 1;
    else if (c === 'G20') next.mm = false;
    else if (c === 'G21') next.mm = true;
    else if (c === 'G90') next.absolute = true;
    else if (c === 'G91') next.absolute = false;
    else if (c === 'M3' || c === 'M4' || c === 'M5') next.spindle = c;
    else if (c === 'M2' || c === 'M30') end = true;
  }
  const unit = next.mm ? 1 : 25.4;
  if (values.has('F')) next.f = values.get('F')! * unit;
  if (values.has('S')) next.s = Math.min(values.get('S')!, maxPower);
  const axes = ['X', 'Y', 'Z'].filter((a) => values.has(a));
  let block: Block | undefined;
  if (commands.includes('G4')) {
    if (!values.has('P')) return { status: 28 };
    if (axes.length) return { status: 31 };
    block = { from: { ...m.pos }, to: { ...m.pos }, rapid: false, spindle: next.spindle, s: next.s, f: next.f, dwell: values.get('P')! };
  } else if (axes.length) {
    if (next.motion === 1 && next.f <= 0) return { status: 22 };
    const to = { ...next.pos };
    for (const a of axes) {
      const k = a.toLowerCase() as 'x' | 'y' | 'z';
      const v = values.get(a)! * unit;
      to[k] = next.absolute ? v : to[k] + v;
    }
    block = { from: { ...m.pos }, to, rapid: next.motion === 0, spindle: next.spindle, s: next.s, f: next.f };
    next.pos = to;
  } else if (values.has('P')) return { status: 36 };
  if (end) {
    next.spindle = 'M5';
    next.absolute = true;
    next.motion = 1;
  }
  Object.assign(m, next);
  return { status: 0, block, end };
}
