// GRBL 1.1 protocol facts shared by the laser driver and the emulator: real-time bytes, the
// status report, and what ALARM:N and error:N mean (after the GRBL 1.1 interface documents).

export const RT_STATUS = '?';
export const RT_FEED_HOLD = '!';
export const RT_RESUME = '~';
export const RT_SOFT_RESET = '\x18';
/** Default serial receive buffer of an Arduino GRBL 1.1. */
export const GRBL_RX_BUFFER = 128;
/** Longest line GRBL accepts (LINE_BUFFER_SIZE 80, less the terminator): one figure for the layout check and the driver. */
export { GRBL_MAX_LINE } from '../../../shared/layout/gcode';

export const BANNER_RE = /^Grbl (\d+\.\d+[a-z]?) \['\$' for help\]/;

export const GRBL_STATES = ['Idle', 'Run', 'Hold', 'Jog', 'Alarm', 'Door', 'Check', 'Home', 'Sleep'] as const;
export type GrblState = (typeof GRBL_STATES)[number];

export interface GrblReport {
  state: GrblState;
  /** Sub-state for Hold and Door (e.g. Door:1 = door ajar). */
  sub?: number;
  mpos?: [number, number, number];
  wpos?: [number, number, number];
  feed?: number;
  power?: number;
  /** Free planner blocks and free RX bytes, when `$10` asks for them. */
  buffer?: { planner: number; rx: number };
  pins?: string;
}

/** Parses `<Idle|MPos:0.000,0.000,0.000|FS:0,0>`; null when the line is not a status report. */
export function parseStatusReport(line: string): GrblReport | null {
  const m = /^<([^>]*)>$/.exec(line.trim());
  if (!m) return null;
  const fields = m[1].split('|');
  const [stateWord, subWord] = fields[0].split(':');
  if (!(GRBL_STATES as readonly string[]).includes(stateWord)) return null;
  const r: GrblReport = { state: stateWord as GrblState };
  if (subWord !== undefined && subWord !== '') r.sub = Number(subWord);
  const triple = (v: string): [number, number, number] | undefined => {
    const n = v.split(',').map(Number);
    return n.length >= 3 && n.every(Number.isFinite) ? [n[0], n[1], n[2]] : undefined;
  };
  for (const f of fields.slice(1)) {
    const i = f.indexOf(':');
    if (i < 0) continue;
    const key = f.slice(0, i);
    const val = f.slice(i + 1);
    if (key === 'MPos') r.mpos = triple(val);
    else if (key === 'WPos') r.wpos = triple(val);
    else if (key === 'FS' || key === 'F') {
      const [feed, power] = val.split(',').map(Number);
      r.feed = feed;
      if (power !== undefined) r.power = power;
    } else if (key === 'Bf') {
      const [planner, rx] = val.split(',').map(Number);
      r.buffer = { planner, rx };
    } else if (key === 'Pn') r.pins = val;
  }
  return r;
}

export function formatStatusReport(r: GrblReport): string {
  const st = r.sub !== undefined ? `${r.state}:${r.sub}` : r.state;
  const p = r.mpos ?? [0, 0, 0];
  const parts = [st, `MPos:${p.map((v) => v.toFixed(3)).join(',')}`, `FS:${Math.round(r.feed ?? 0)},${Math.round(r.power ?? 0)}`];
  if (r.buffer) parts.push(`Bf:${r.buffer.planner},${r.buffer.rx}`);
  if (r.pins) parts.push(`Pn:${r.pins}`);
  return `<${parts.join('|')}>`;
}

export const ALARM_MEANINGS: Record<number, string> = {
  1: 'hard limit triggered; machine position is likely lost, re-homing is recommended',
  2: 'soft limit: a motion target exceeds the machine travel; position retained',
  3: 'reset while in motion; position may be lost',
  4: 'probe fail: probe not in the expected initial state',
  5: 'probe fail: probe did not contact the workpiece',
  6: 'homing fail: the homing cycle was reset',
  7: 'homing fail: the safety door was opened during homing',
  8: 'homing fail: pull-off travel failed to clear the limit switch',
  9: 'homing fail: could not find the limit switch',
};

/** Alarms after which GRBL waits for a soft reset before anything else (`[MSG:Reset to continue]`). */
export const CRITICAL_ALARMS = new Set([1, 2]);

export const ERROR_MEANINGS: Record<number, string> = {
  1: 'expected command letter',
  2: 'bad number format',
  3: 'invalid $ statement',
  4: 'negative value',
  5: 'setting disabled (homing not enabled)',
  6: 'step pulse must be greater than 3 microseconds',
  7: 'EEPROM read failed; settings restored to defaults',
  8: '$ command only valid when idle',
  9: 'G-code locked out during alarm or jog',
  10: 'soft limits require homing',
  11: 'line exceeds the maximum number of characters',
  12: 'step rate exceeds 30 kHz',
  13: 'safety door detected as opened',
  14: 'build info or startup line exceeds the EEPROM line length',
  15: 'jog target exceeds machine travel',
  16: 'invalid jog command',
  17: 'laser mode requires PWM output',
  20: 'unsupported or invalid G-code command',
  21: 'more than one G-code command from the same modal group',
  22: 'feed rate has not been set',
  23: 'G-code command requires an integer value',
  24: 'more than one G-code command that requires axis words',
  25: 'repeated G-code word',
  26: 'no axis words in a command that requires them',
  27: 'invalid line number',
  28: 'G-code command is missing a required value word',
  29: 'G59.x work coordinate systems are not supported',
  30: 'G53 only allowed with G0 and G1',
  31: 'axis words found where no command uses them',
  32: 'G2/G3 arcs need at least one in-plane axis word',
  33: 'motion command target is invalid',
  34: 'arc radius value is invalid',
  35: 'G2/G3 arcs need at least one in-plane offset word',
  36: 'unused value words in the block',
  37: 'G43.1 dynamic tool length offset is not assigned to the programmed axis',
  38: 'tool number greater than the maximum supported value',
};

export function alarmText(n: number): string {
  return `ALARM:${n} (${ALARM_MEANINGS[n] ?? 'unknown alarm'})`;
}
export function errorText(n: number): string {
  return `error:${n} (${ERROR_MEANINGS[n] ?? 'unknown error'})`;
}
