// One figure of `npm run bench`: a value beside its floor measured in the same run.
export interface Figure {
  name: string;
  value: number;
  unit: string;
  floor?: number;
  /** value/floor for times, floor/value for rates: always "how many floors is this". */
  ratio?: number;
  target?: string;
  met?: boolean;
}

export function report(f: Figure): void {
  const round = (x: number | undefined) => (x == null ? undefined : Number(x.toPrecision(4)));
  process.stdout.write('BENCH ' + JSON.stringify({ ...f, value: round(f.value), floor: round(f.floor), ratio: round(f.ratio) }) + '\n');
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
