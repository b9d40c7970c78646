// The station's own line protocol for the embosser/card-transport machine (docs/machine-protocol.md).
// Both the driver and the emulator use these definitions, so the wire format lives in one place.

export const MACHINE_MODULES = ['CHIP', 'ENCODER', 'EMBOSS', 'LASER', 'VISION'] as const;
export type MachineModule = (typeof MACHINE_MODULES)[number];

/** Conditions the machine reports with `! FAULT <code>` and `! CLEARED <code>`. */
export const MACHINE_FAULTS = ['JAM', 'COVER_OPEN', 'HOPPER_EMPTY', 'RIBBON_OUT', 'FOIL_OUT'] as const;
export type MachineFault = (typeof MACHINE_FAULTS)[number];

/** Codes of `<seq> ERR <code> <text>`: the faults above plus command errors. */
export const MACHINE_ERR_CODES = [...MACHINE_FAULTS, 'HALTED', 'NO_CARD', 'BAD_COMMAND', 'BAD_ARG', 'BUSY'] as const;
export type MachineErrCode = (typeof MACHINE_ERR_CODES)[number];

export type EmbossFont = '7B' | '1B';
export type Side = 'FRONT' | 'BACK';

/** Characters each font (and the indent ribbon) can strike; the machine answers BAD_ARG otherwise. */
export const FONT_CHARSET: Record<EmbossFont | 'INDENT', RegExp> = {
  '7B': /^[0-9 ./-]*$/,
  '1B': /^[A-Z0-9 .,/'&-]*$/,
  INDENT: /^[A-Z0-9 ./-]*$/,
};

/** Longest line each font accepts (7 cpi numeric 21, 10 cpi alphanumeric 30). */
export const MAX_LINE_CHARS: Record<EmbossFont | 'INDENT', number> = { '7B': 21, '1B': 30, INDENT: 30 };

export const MAX_SEQ = 9999;
export const MILS_PER_MM = 1 / 0.0254;
export function mmToMils(mm: number): number {
  return Math.round(mm * MILS_PER_MM);
}
export function milsToMm(mils: number): number {
  return Math.round(mils * 0.0254 * 1000) / 1000;
}

export interface MachineReplyOk {
  kind: 'ok';
  seq: number;
  /** Space-separated words after OK; `key=value` words are also in `fields`. */
  words: string[];
  fields: Record<string, string>;
}
export interface MachineReplyErr {
  kind: 'err';
  seq: number;
  code: string;
  text: string;
}
export interface MachineEvent {
  kind: 'event';
  name: string;
  words: string[];
  fields: Record<string, string>;
}
export type MachineLine = MachineReplyOk | MachineReplyErr | MachineEvent;

function fieldsOf(words: string[]): Record<string, string> {
  const f: Record<string, string> = {};
  for (const w of words) {
    const i = w.indexOf('=');
    if (i > 0) f[w.slice(0, i)] = w.slice(i + 1);
  }
  return f;
}

/** Parses one line from the machine; null for anything that is not protocol (noise, banners). */
export function parseMachineLine(line: string): MachineLine | null {
  const t = line.trim();
  if (t.startsWith('!')) {
    const words = t.slice(1).trim().split(/\s+/).filter(Boolean);
    if (!words.length) return null;
    return { kind: 'event', name: words[0].toUpperCase(), words: words.slice(1), fields: fieldsOf(words.slice(1)) };
  }
  const m = /^(\d{1,4})\s+(OK|ERR)\b\s*(.*)$/.exec(t);
  if (!m) return null;
  const seq = Number(m[1]);
  if (m[2] === 'OK') {
    const words = m[3].split(/\s+/).filter(Boolean);
    return { kind: 'ok', seq, words, fields: fieldsOf(words) };
  }
  const e = /^(\S+)\s*(.*)$/.exec(m[3]);
  return { kind: 'err', seq, code: e ? e[1].toUpperCase() : 'BAD_COMMAND', text: e ? e[2] : '' };
}

/** A host command line. `text`, when given, is the rest of the line (may hold spaces). */
export function formatCommand(seq: number, cmd: string, args: Array<string | number> = [], text?: string): string {
  const parts = [String(seq), cmd, ...args.map(String)];
  return parts.join(' ') + (text !== undefined ? ' ' + text : '') + '\n';
}

export interface ParsedCommand {
  seq: number;
  cmd: string;
  /** The words after the command. */
  args: string[];
  /** The raw remainder after the command word and one space, for commands with free text. */
  rest: string;
}

export function parseCommand(line: string): ParsedCommand | null {
  const m = /^(\d{1,4}) ([A-Z]+)(?: (.*))?$/.exec(line.replace(/\r$/, ''));
  if (!m) return null;
  const rest = m[3] ?? '';
  return { seq: Number(m[1]), cmd: m[2], args: rest.split(' ').filter(Boolean), rest };
}
