// Prepares a job's G-code for streaming: drops comments and blank lines, and refuses lines GRBL
// could misread (real-time characters inside a line would act at once, not in order).
const REALTIME_IN_LINE = /[?!~\x00-\x08\x0b-\x1f\x7f-\xff]/;

import { GRBL_LINE_BUFFER, GRBL_MAX_LINE } from '../../../shared/layout/gcode';

export function prepareGcode(gcode: readonly string[], rxBufferSize: number): string[] {
  const out: string[] = [];
  gcode.forEach((raw, i) => {
    const line = raw.replace(/\([^)]*\)/g, '').replace(/;.*$/, '').trim();
    if (!line) return;
    if (REALTIME_IN_LINE.test(line)) throw new Error(`G-code line ${i + 1} holds a character GRBL treats as real-time or control`);
    if (line.length > GRBL_MAX_LINE) throw new Error(`G-code line ${i + 1} is ${line.length} characters; GRBL 1.1 takes at most ${GRBL_MAX_LINE} (its line buffer is ${GRBL_LINE_BUFFER} bytes)`);
    if (line.length + 1 > rxBufferSize) throw new Error(`G-code line ${i + 1} is longer than the controller's ${rxBufferSize}-byte buffer`);
    out.push(line + '\n');
  });
  return out;
}
