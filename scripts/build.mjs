#!/usr/bin/env node
// Builds what ships: the renderer (vite), and the main process, preload and CLI (esbuild). Native
// modules stay external so electron-builder rebuilds them for Electron's ABI; everything else is
// in the bundles, so the installer needs no other node_modules. `--out DIR` builds elsewhere
// than dist/ (the bundle test does; DIR must be inside the project so the native modules resolve).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(root, 'dist'));
const electronOut = join(out, 'electron');
rmSync(electronOut, { recursive: true, force: true });

await viteBuild({ configFile: `${root}renderer/vite.config.ts`, logLevel: 'warn', build: { outDir: join(out, 'renderer') } });

const NATIVE = ['electron', 'better-sqlite3', 'pcsclite', 'pkcs11js', 'serialport', '@serialport/*'];
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  // Sources are ES modules run by tsx; a CJS bundle has no import.meta, so it gets the bundle's own URL.
  banner: { js: 'const __bundle_url = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__bundle_url' },
};
await esbuild({ ...common, entryPoints: [`${root}electron/main.ts`], outfile: join(electronOut, 'main.cjs'), external: NATIVE });
await esbuild({ ...common, entryPoints: [`${root}electron/preload.ts`], outfile: join(electronOut, 'preload.cjs'), external: ['electron'] });
await esbuild({ ...common, entryPoints: [`${root}electron/cli/main.ts`], outfile: join(electronOut, 'cli.cjs'), external: NATIVE });
// A worker is its own module (electron/**/*.worker.ts), bundled beside main.cjs as NAME.worker.cjs.
const workers = readdirSync(join(root, 'electron'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.worker.ts'));
for (const w of workers) {
  await esbuild({ ...common, entryPoints: [join(root, 'electron', w)], outfile: join(electronOut, basename(w, '.ts') + '.cjs'), external: NATIVE });
}

// pdfkit reads its standard-font metrics from `__dirname + '/data'` when a document is made: in a
// bundle __dirname is the bundle's directory, so the metrics go beside the bundles.
const pdfkitDir = dirname(createRequire(import.meta.url).resolve('pdfkit'));
cpSync(join(pdfkitDir, 'data'), join(electronOut, 'data'), { recursive: true });
// The HSM key loader is a plain script run as its own process (electron/devices/pkcs11/key-loader.ts finds it beside the bundle).
cpSync(join(root, 'electron/devices/pkcs11/key-loader.mjs'), join(electronOut, 'key-loader.mjs'));
console.log(`built ${join(out, 'renderer')} and ${electronOut}`);
