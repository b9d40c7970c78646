import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Builds the renderer into dist/renderer once per test run, and only when the output is missing
// or older than any of its sources (renderer/ and shared/).
const root = new URL('../..', import.meta.url).pathname;
export const RENDERER_DIST = join(root, 'dist', 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function rendererIsStale(): boolean {
  const out = join(RENDERER_DIST, 'index.html');
  if (!existsSync(out)) return true;
  const built = statSync(out).mtimeMs;
  return newestMtime(join(root, 'renderer')) > built || newestMtime(join(root, 'shared')) > built;
}

let done = false;

/** Returns the directory the bridge should serve. Throws with vite's output if the build fails. */
export function buildRenderer(opts: { force?: boolean } = {}): string {
  if (done && !opts.force) return RENDERER_DIST;
  if (opts.force || rendererIsStale()) {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`renderer build failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  done = true;
  return RENDERER_DIST;
}
