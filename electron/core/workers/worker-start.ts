import { Worker, type WorkerOptions } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

// Every worker thread of the station is a module of its own, electron/**/NAME.worker.ts, so it is
// typed and imports what it needs like any module. scripts/build.mjs bundles each one beside the
// main bundle as NAME.worker.cjs. Nothing else may start a worker from source text (a lint rule,
// tests/unit/lint/no-eval-workers.test.ts, fails on `eval: true` anywhere in electron/ but here).

/**
 * A worker module's file, next to the module that starts it: `from` is that module's
 * import.meta.url. In a bundle every module's import.meta.url is the bundle's own (main.cjs,
 * cli.cjs, import.worker.cjs), so NAME.worker.cjs is looked up beside it; under tsx it is the
 * source file, so NAME.worker.ts beside it.
 */
export function workerUrl(name: string, from: string): URL {
  return new URL(from.endsWith('.cjs') ? `./${name}.worker.cjs` : `./${name}.worker.ts`, from);
}

/**
 * Starts worker module NAME found beside `from` (the caller's import.meta.url). Under tsx (sources,
 * tests, the bench) a worker does not inherit the TypeScript loader: a one-line shim registers it
 * and requires the module. In the bundle the .cjs runs as is.
 *
 * The shim uses tsx's CommonJS hooks, which run on the worker's own thread: its ESM register()
 * starts a loader thread for each worker, and a worker so started took about 200 ms to run its
 * first line against about 60 ms (verify's range workers start on every verify).
 */
export function startWorker(name: string, from: string, options: WorkerOptions): Worker {
  const url = workerUrl(name, from);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  return new Worker(tsxShim(url), { ...options, eval: true });
}

let tsxApi: string | null = null;

function tsxShim(url: URL): string {
  tsxApi ??= join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/cjs/api/index.cjs');
  return `require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
}
