#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the CLI needs no build step. The thread pool is sized
// first (see electron/threadpool.ts): PC/SC transmits each hold a pool thread.
if (!process.env.UV_THREADPOOL_SIZE) process.env.UV_THREADPOOL_SIZE = '24';
import { register } from 'tsx/esm/api';
register();
const { main, reportError } = await import('../electron/cli/main.ts');
try {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
} catch (e) {
  process.exitCode = reportError(e);
}
