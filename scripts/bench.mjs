#!/usr/bin/env node
// Runs every bench/*.bench.ts in its own process, one after another (they share the 2 cores),
// and prints each figure beside its floor. A bench reports through bench/report.ts, which prints
// lines starting with "BENCH " carrying JSON.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .sort();
const results = [];
let failed = 0;
for (const f of files) {
  console.log(`\n--- ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('bench', f)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  for (const line of (r.stdout || '').split('\n')) {
    if (line.startsWith('BENCH ')) results.push({ file: f, ...JSON.parse(line.slice(6)) });
    else if (line.trim()) console.log(line);
  }
  if (r.status !== 0) {
    failed++;
    console.log(`!! ${f} exited with ${r.status ?? r.signal}`);
  }
}
const pad = (s, n) => String(s).padEnd(n);
console.log('\n' + pad('figure', 58) + pad('value', 18) + pad('floor', 18) + pad('ratio', 10) + 'target');
for (const r of results) {
  const v = `${r.value} ${r.unit}`;
  const fl = r.floor == null ? '' : `${r.floor} ${r.unit}`;
  const ratio = r.ratio == null ? '' : `${r.ratio}×`;
  const ok = r.met == null ? '' : r.met ? ' (met)' : ' (MISSED)';
  console.log(pad(r.name, 58) + pad(v, 18) + pad(fl, 18) + pad(ratio, 10) + (r.target ?? '') + ok);
}
mkdirSync(join(root, 'test-artifacts'), { recursive: true });
writeFileSync(join(root, 'test-artifacts', 'bench.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
process.exit(failed ? 1 : 0);
