import { Worker, type WorkerOptions } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

/** A worker module's file: NAME.worker.cjs beside the bundle (scripts/build.mjs bundles every *.worker.ts), or the source under tsx. */
export function workerUrl(name: string): URL {
  // In a bundle import.meta.url is the bundle's own (main.cjs, cli.cjs, import.worker.cjs).
  return new URL(import.meta.url.endsWith('.cjs') ? `./${name}.worker.cjs` : `./${name}.worker.ts`, import.meta.url);
}

/**
 * Starts a worker module. Under tsx (sources, tests) a worker does not inherit the TypeScript
 * loader: a two-line shim registers it and imports the module. In the bundle the .cjs runs as is.
 */
export function startWorker(name: string, options: WorkerOptions): Worker {
  const url = workerUrl(name);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const shim = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(shim, { ...options, eval: true });
}
