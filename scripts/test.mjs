#!/usr/bin/env node
// Runs the whole suite with Node's test runner (TypeScript through tsx), in three groups:
// unit tests in parallel, then integration and browser tests one file at a time (they share
// pcscd, ptys and Chromium). Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
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
let pass = 0, fail = 0, skipped = 0, todo = 0;
for (const g of groups) {
  const files = only.length ? g.files.filter((f) => only.some((o) => f.includes(o))) : g.files;
  if (!files.length) continue;
  console.log(`\n=== ${g.name}: ${files.length} file(s)`);
  const tap = join(root, 'test-artifacts', `${g.name}.tap`);
  rmSync(tap, { force: true });
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${g.concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PERSO_TEST_GROUP: g.name } },
  );
  let text = '';
  try {
    text = readFileSync(tap, 'utf8');
  } catch {}
  const num = (k) => Number((text.match(new RegExp(`^# ${k} (\\d+)`, 'm')) || [])[1] || 0);
  pass += num('pass');
  fail += num('fail') + num('cancelled');
  skipped += num('skipped');
  todo += num('todo');
  if (r.status !== 0 && num('fail') + num('cancelled') === 0) fail += 1; // the runner itself failed
}
// Skipped tests are not counted as passed: they are listed so nobody mistakes them for coverage.
console.log(`\n${pass} passed, ${fail} failed${skipped || todo ? `, ${skipped + todo} skipped` : ''}`);
process.exit(fail === 0 && pass > 0 ? 0 : 1);
