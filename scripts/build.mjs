#!/usr/bin/env node
// Builds what Electron loads: the renderer (vite) and the main process and preload (esbuild,
// native modules left external so electron-builder rebuilds them for Electron's ABI).
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await viteBuild({ configFile: `${root}renderer/vite.config.ts`, logLevel: 'warn' });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
await esbuild({ ...common, entryPoints: [`${root}electron/main.ts`], outfile: `${root}dist/electron/main.cjs`, external: ['electron', 'better-sqlite3', 'pcsclite', 'serialport', '@serialport/*'] });
await esbuild({ ...common, entryPoints: [`${root}electron/preload.ts`], outfile: `${root}dist/electron/preload.cjs`, external: ['electron'] });
console.log('built dist/renderer and dist/electron');
