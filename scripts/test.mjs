#!/usr/bin/env node
// Runs the whole suite with Node's test runner (TypeScript through tsx), in three groups:
// unit tests in parallel, then integration and browser tests one file at a time (they share
// pcscd, ptys and Chromium). Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('-'));

function find(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const e of entries.sort()) {
    const p = join(dir, e);
    if (statSync(join(root, p)).isDirectory()) out = out.concat(find(p));
    else if (/\.test\.tsx?$/.test(e)) out.push(p);
  }
  return out;
}

const groups = [
  { name: 'unit', files: find('tests/unit'), concurrency: 2 },
  { name: 'integration', files: find('tests/integration'), concurrency: 1 },
  { name: 'browser', files: find('tests/browser'), concurrency: 1 },
];

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
let pass = 0, fail = 0, skipped = 0;
for (const g of groups) {
  const files = only.length ? g.files.filter((f) => only.some((o) => f.includes(o))) : g.files;
  if (!files.length) continue;
  console.log(`\n=== ${g.name}: ${files.length} file(s)`);
  // The spec reporter's closing lines ("ℹ pass N") are read from its own output as it streams.
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${g.concurrency}`, '--test-reporter=spec', ...files], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, PERSO_TEST_GROUP: g.name, FORCE_COLOR: '0' }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8',
    // A hung test must not hang CI: a group gets 30 minutes, then counts as failed.
    timeout: 30 * 60_000, killSignal: 'SIGKILL',
  });
  const text = r.stdout || '';
  process.stdout.write(text);
  writeFileSync(join(root, 'test-artifacts', `${g.name}.txt`), text);
  const num = (k) => {
    const all = [...text.matchAll(new RegExp(`^\\S* ?${k} (\\d+)$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  };
  pass += num('pass');
  fail += num('fail') + num('cancelled');
  skipped += num('skipped') + num('todo');
  if (r.error || r.signal) console.log(`!! ${g.name} group did not finish: ${r.error?.message ?? r.signal}`);
  if (r.status !== 0 && num('fail') + num('cancelled') === 0) fail += 1; // the runner itself failed (or was killed)
}
// Skipped tests are not counted as passed: they are listed so nobody mistakes them for coverage.
console.log(`\n${pass} passed, ${fail} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
