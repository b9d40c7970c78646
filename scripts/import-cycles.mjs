#!/usr/bin/env node
// Import cycles among the project's own modules, type-only imports included (import-x/no-cycle
// skips `import type`, but a type cycle still ties modules together: neither can move or be read
// alone). Part of `npm run lint`; prints every cycle and exits 1 if there is one.
import ts from 'typescript';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const DIRS = ['electron', 'shared', 'renderer/src', 'scripts', 'bench', 'bin'];
const EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...files(p));
    } else if (EXT.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const c of [base, ...['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs'].map((x) => base + x), ...['index.ts', 'index.tsx'].map((x) => join(base, x))]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

const all = DIRS.filter((d) => existsSync(join(root, d))).flatMap((d) => files(join(root, d)));
const graph = new Map();
for (const f of all) {
  const info = ts.preProcessFile(readFileSync(f, 'utf8'), true, true);
  graph.set(f, [...new Set(info.importedFiles.map((i) => resolveImport(f, i.fileName)).filter(Boolean))]);
}

// Tarjan's strongly connected components: every component of more than one module is a cycle.
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
function connect(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!graph.has(w)) continue;
    if (!idx.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1 || (graph.get(v) ?? []).includes(v)) sccs.push(c);
  }
}
for (const v of graph.keys()) if (!idx.has(v)) connect(v);

for (const c of sccs) {
  console.error(`import cycle among ${c.length} modules (type imports included):\n${c.map((f) => `  ${relative(root, f)}`).sort().join('\n')}`);
}
if (sccs.length) process.exit(1);
console.log(`no import cycles among ${graph.size} modules`);
