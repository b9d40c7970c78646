import { parseArgs as parseArgv } from 'node:util';

// The CLI's option parsing, on node:util's parseArgs: `cmd sub --flag value --bool`. Unknown
// options and stray arguments are refused so a typo never silently runs with a default; numbers
// and choices are checked here, with a message naming the option, before a command acts.
export interface Parsed {
  positional: string[];
  flags: Record<string, string | true>;
}

export interface Known {
  bool?: string[];
  value?: string[];
  /** How many positional arguments the command takes (default: any). */
  positionals?: number;
}

export function parseArgs(argv: string[], known: Known): Parsed {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const n of known.bool ?? []) options[n] = { type: 'boolean' };
  for (const n of known.value ?? []) options[n] = { type: 'string' };
  // A value that starts with a dash is taken for an option by node:util ("ambiguous"); a negative
  // number after a value option is that option's value, so the range check can name it.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const negative = /^-\d/.test(argv[i + 1] ?? '');
    if (negative && a.startsWith('--') && known.value?.includes(a.slice(2))) args.push(`${a}=${argv[++i]}`);
    else args.push(a);
  }
  let r: ReturnType<typeof parseArgv>;
  try {
    r = parseArgv({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(usageMessage(e, argv));
  }
  if (known.positionals != null && r.positionals.length > known.positionals) throw new UsageError(`unexpected argument "${r.positionals[known.positionals]}"`);
  const flags: Parsed['flags'] = {};
  for (const [k, v] of Object.entries(r.values)) if (v !== undefined && v !== false) flags[k] = v as string | true;
  return { positional: r.positionals, flags };
}

// node:util's messages are written for programmers ("Option '--dir <value>' argument missing");
// the CLI says the same in its own words.
function usageMessage(e: unknown, argv: string[]): string {
  const code = (e as { code?: string }).code;
  const msg = (e as Error).message ?? String(e);
  const opt = /'(-{1,2}[^' ]+)/.exec(msg)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${opt ?? argv.find((a) => a.startsWith('-')) ?? ''}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing|ambiguous/.test(msg)) return `${opt} needs a value`;
    return `${opt} takes no value`;
  }
  return msg;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** A whole-number option in [min, max], or `fallback` when it is absent. */
export function int(p: Parsed, name: string, o: { min: number; max?: number; fallback: number }): number;
export function int(p: Parsed, name: string, o: { min: number; max?: number }): number | undefined;
export function int(p: Parsed, name: string, o: { min: number; max?: number; fallback?: number }): number | undefined {
  const v = str(p, name);
  if (v === undefined) return o.fallback;
  const n = /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < o.min || (o.max != null && n > o.max)) {
    throw new UsageError(o.max != null ? `--${name} must be a whole number from ${o.min} to ${o.max}` : `--${name} must be a whole number ≥ ${o.min}`);
  }
  return n;
}

/** A number option ≥ min (decimals allowed), or `fallback` when it is absent. */
export function num(p: Parsed, name: string, o: { min: number; fallback: number }): number {
  const v = str(p, name);
  if (v === undefined) return o.fallback;
  const n = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(n) || n < o.min) throw new UsageError(`--${name} must be a number ≥ ${o.min}`);
  return n;
}

/** One of a fixed set of values, or `fallback` when it is absent. */
export function oneOf<T extends string>(p: Parsed, name: string, choices: readonly T[], fallback?: T): T | undefined {
  const v = str(p, name);
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}`);
  return v as T;
}
