import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';

// The renderer is built once and loaded either by Electron from file:// (hence base './') or by
// the loopback bridge over http. JSX goes through esbuild's automatic runtime: no React plugin.
const here = fileURLToPath(new URL('.', import.meta.url));

// The boot entry (src/main.tsx) is tiny and loads the UI (src/start.tsx) with a dynamic import
// once it has asked the station for the first screen's data. A modulepreload link lets the browser
// fetch and compile that chunk while the boot entry runs, instead of only when it asks for it.
function preloadUiChunk(): Plugin {
  return {
    name: 'perso:preload-ui-chunk',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const ui = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isDynamicEntry && c.moduleIds.some((id) => id.endsWith('/src/start.tsx')));
        if (!ui) throw new Error('renderer build: the UI chunk (src/start.tsx) is missing');
        return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${ui.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  plugins: [preloadUiChunk()],
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
