#!/usr/bin/env node
// Copies the figures of the last `npm run bench` (test-artifacts/bench.json) into the README's
// benchmark section, so the README always shows the latest run with each figure beside its floor.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const { at, results } = JSON.parse(readFileSync(`${root}test-artifacts/bench.json`, 'utf8'));
const rows = results.map((r) => `| ${r.name} | ${r.value} ${r.unit} | ${r.floor == null ? '—' : `${r.floor} ${r.unit}`} | ${r.ratio == null ? '—' : `${r.ratio}×`} | ${r.target ?? ''}${r.met == null ? '' : r.met ? ' ✓' : ' ✗ missed'} |`);
const table = [`Run of ${at.slice(0, 16).replace('T', ' ')} UTC (2 cores):`, '', '| figure | value | floor (same run) | ratio | target |', '|---|---|---|---|---|', ...rows].join('\n');
const readme = readFileSync(`${root}README.md`, 'utf8');
const out = readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, `<!-- bench:start -->\n${table}\n<!-- bench:end -->`);
writeFileSync(`${root}README.md`, out);
console.log(`README benchmark section updated (${results.length} figures)`);
