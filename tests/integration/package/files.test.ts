import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

// What the installer carries, from electron-builder itself: `--dir` with the project's config,
// over the project's own build. The Electron runtime cannot be downloaded here, so the app is
// laid over a stand-in Electron distribution (an empty executable), native modules are not
// rebuilt for Electron's ABI and the fuses (which patch the real binary) are not flipped; the
// file set — what electron-builder's `files`, `asarUnpack` and dependency rules select — is the same.
const root = new URL('../../..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

function packagedFiles(): { asar: string[]; unpacked: string[] } {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  const work = mkdtempSync(join(tmpdir(), 'perso-pkg-'));
  const electronDist = join(work, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n');
  chmodSync(join(electronDist, 'electron'), 0o755);
  // electron-builder collects the production dependency tree with npm, which needs node_modules
  // to be a real directory (a checkout may link it to a shared install): the project is laid out
  // again with its node_modules hard-linked (inside the project, so on the same file system).
  const project = join(root, 'test-artifacts', 'package-project');
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'build', 'dist']) cpSync(join(root, f), join(project, f), { recursive: true });
  const cp = spawnSync('cp', ['-al', realpathSync(join(root, 'node_modules')), join(project, 'node_modules')], { encoding: 'utf8' });
  assert.equal(cp.status, 0, cp.stderr);
  const yaml = require('js-yaml') as { load(s: string): Record<string, unknown> };
  const config = yaml.load(readFileSync(join(root, 'build/electron-builder.yml'), 'utf8'));
  delete config.electronFuses;
  Object.assign(config, { electronDist, electronVersion: '41.10.0', npmRebuild: false, directories: { ...(config.directories as object), output: join(work, 'out') } });
  const script = `require('electron-builder').build({ projectDir: ${JSON.stringify(project)}, targets: require('electron-builder').Platform.LINUX.createTarget('dir'), config: ${JSON.stringify(config)} }).catch((e) => { console.error(e); process.exit(1); })`;
  const eb = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  assert.equal(eb.status, 0, eb.stdout + eb.stderr);
  const resources = join(work, 'out', 'linux-unpacked', 'resources');
  const asar = (require('@electron/asar') as { listPackage(p: string): string[] }).listPackage(join(resources, 'app.asar')).map((f) => f.replace(/^[\\/]/, ''));
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [relative(join(resources, 'app.asar.unpacked'), join(d, e.name))]));
  return { asar, unpacked: walk(join(resources, 'app.asar.unpacked')) };
}

const topModule = (f: string) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1];

test('the installer carries the bundles, the renderer and the native modules; nothing bundled twice, no maps, no dev tools', () => {
  const { asar, unpacked } = packagedFiles();
  const all = [...asar, ...unpacked];
  for (const f of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/data/Helvetica.afm', 'dist/renderer/index.html']) assert.ok(asar.includes(f), `${f} ships`);
  for (const w of readdirSync(join(root, 'dist/electron')).filter((f) => f.endsWith('.worker.cjs'))) assert.ok(asar.includes(`dist/electron/${w}`), `worker ${w} ships`);
  assert.deepEqual(all.filter((f) => f.endsWith('.map')), [], 'no source maps');
  assert.ok(!asar.includes('dist/electron/cli.cjs'), 'the CLI bundle is not part of the app');
  // Only what is outside the bundles: the native modules (and what they need at run time).
  const modules = new Set(all.map(topModule).filter(Boolean));
  for (const m of ['tsx', 'esbuild', 'zod', 'ws', 'pdfkit', 'csv-parse', 'vite', 'typescript', 'playwright', 'playwright-core', 'electron', 'react', 'zustand']) assert.ok(!modules.has(m), `${m} is not shipped (bundled or dev only)`);
  // The native modules and what they load at run time (bindings finds better-sqlite3's addon).
  for (const m of ['better-sqlite3', 'pcsclite', 'serialport', 'pkcs11js', 'bindings', '@serialport/bindings-cpp']) assert.ok(modules.has(m), `${m} ships`);
  // Native addons are outside the archive, where Node can load them.
  assert.deepEqual(asar.filter((f) => f.endsWith('.node') && !unpacked.includes(f)), [], 'every .node file is unpacked');
  assert.ok(unpacked.some((f) => f.startsWith('node_modules/better-sqlite3/') && f.endsWith('.node')), 'better-sqlite3 addon unpacked');
  const outside = all.filter((f) => !/^(dist|node_modules)(\/|$)/.test(f) && f !== 'package.json');
  assert.deepEqual(outside, [], 'nothing but the build, the modules and package.json');
  rmSync(join(root, 'test-artifacts', 'package-project'), { recursive: true, force: true });
  const shipped = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(shipped.dependencies).sort(), ['better-sqlite3', 'pcsclite', 'pkcs11js', 'serialport'], 'runtime dependencies are the native modules only');
});
