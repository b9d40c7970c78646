#!/usr/bin/env node
// The CLI. In a source checkout (the sources and tsx are there) it runs the TypeScript directly,
// so a change is never hidden behind a stale build; otherwise it runs the bundle `npm run build`
// makes (dist/electron/cli.cjs), which needs no dev dependency. PERSO_CLI_BUNDLE=FILE runs that
// bundle whatever is installed (the bundle test does). The thread pool is sized first (see
// electron/threadpool.ts): PC/SC transmits each hold a pool thread.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '24';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const sources = here('../electron/cli/main.ts');
const bundle = process.env.PERSO_CLI_BUNDLE ?? here('../dist/electron/cli.cjs');

async function load() {
  if (!process.env.PERSO_CLI_BUNDLE && existsSync(sources)) {
    const tsx = await import('tsx/esm/api').catch(() => null);
    if (tsx) {
      tsx.register();
      return import(sources);
    }
  }
  if (!existsSync(bundle)) {
    process.stderr.write(`perso-station: ${bundle} is missing: run \`npm run build\` first\n`);
    process.exit(1);
  }
  return createRequire(import.meta.url)(bundle);
}

const { main, reportError } = await load();
try {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
} catch (e) {
  process.exitCode = reportError(e);
}
