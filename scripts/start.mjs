#!/usr/bin/env node
// `npm start`: builds, then opens the station. With the Electron runtime installed it opens the
// app (first run: a demo station on simulators with a sample batch). Where Electron's runtime is
// missing (it cannot be downloaded on some build machines), it serves the same UI on a loopback
// port instead and says so.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(['scripts/build.mjs']);

let electronPath = null;
try {
  electronPath = createRequire(import.meta.url)('electron');
} catch {}
if (typeof electronPath === 'string' && existsSync(electronPath)) {
  const child = spawn(electronPath, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const dir = join(root, '.data', 'demo');
  if (!existsSync(join(dir, 'station.json'))) run(['bin/perso-station.mjs', 'demo', '--dir', dir, '--time-scale', '0.05']);
  console.log('\nThe Electron runtime is not installed here; serving the station UI in the browser instead.');
  console.log(`Demo accounts: ${join(dir, 'demo-users.txt')}\n`);
  const child = spawn(process.execPath, ['bin/perso-station.mjs', 'serve', '--config', join(dir, 'station.json'), '--port', process.env.PORT ?? '5178'], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
