import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The renderer is built once and loaded either by Electron from file:// (hence base './') or by
// the loopback bridge over http. JSX goes through esbuild's automatic runtime: no React plugin.
const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // No inline module-preload polyfill script: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
