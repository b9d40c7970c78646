import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Durability } from '../store/db';
import type { Product } from '../../../shared/domain/product';
import { ValidationError } from '../../../shared/domain/problems';
import { ConflictError } from '../store/card-store';
import { CallRefused } from '../api/dispatch';
import type { ImportProgress, ImportResult } from './pipeline';
import type { FromWorker, ImportWorkerData, ToWorker } from './import.worker';

// Runs each import in a worker thread (import.worker.ts) and feeds it the file in chunks, a few
// in flight at a time, so the device thread only slices text and passes messages: its event loop
// never waits for parsing, checks, sealing or SQLite. An import can be cancelled; nothing of it
// is then stored.
const CHUNK_CHARS = 1 << 20;
const IN_FLIGHT = 2;

/** The worker's file: import.worker.cjs beside the bundle (scripts/build.mjs bundles every *.worker.ts), or the source under tsx. */
export function importWorkerUrl(): URL {
  // In a bundle import.meta.url is the bundle's own (main.cjs, cli.cjs).
  return new URL(import.meta.url.endsWith('.cjs') ? './import.worker.cjs' : './import.worker.ts', import.meta.url);
}

/**
 * Under tsx (sources, tests) a worker does not inherit the TypeScript loader: a two-line shim
 * registers it and imports the worker's module. In the bundle the .cjs runs as is.
 */
function startWorker(workerData: ImportWorkerData): Worker {
  const url = importWorkerUrl();
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const shim = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(shim, { eval: true, workerData });
}

export interface ImportServiceOptions {
  dbPath: string;
  keyPath: string;
  durability: Durability;
  products: () => Product[];
}

interface Job {
  worker: Worker;
  cancelled: boolean;
}

export class ImportService {
  private readonly jobs = new Map<string, Job>();
  constructor(private readonly o: ImportServiceOptions) {}

  /** Imports a whole file's text; progress as the worker checks it. Rejects as the in-process import does. */
  importText(taskId: string, fileName: string, content: string, by: string | null, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    // One at a time: the worker then knows that any hidden batch it finds was abandoned (a crash).
    if (this.jobs.size) return Promise.reject(new CallRefused('BUSY', 'another batch file is being imported; wait for it to finish or cancel it'));
    const data: ImportWorkerData = { dbPath: this.o.dbPath, keyPath: this.o.keyPath, durability: this.o.durability, products: this.o.products(), fileName, by, totalBytes: content.length, running: [] };
    const worker = startWorker(data);
    const job: Job = { worker, cancelled: false };
    this.jobs.set(taskId, job);
    return new Promise<ImportResult>((resolve, reject) => {
      let sent = 0;
      let acked = 0;
      let ended = false;
      const send = (m: ToWorker) => worker.postMessage(m);
      const pump = () => {
        if (job.cancelled) return;
        while (sent - acked < IN_FLIGHT && sent * CHUNK_CHARS < content.length) {
          send({ t: 'chunk', text: content.slice(sent * CHUNK_CHARS, (sent + 1) * CHUNK_CHARS) });
          sent++;
        }
        if (!ended && sent * CHUNK_CHARS >= content.length && acked === sent) {
          ended = true;
          send({ t: 'end' });
        }
      };
      const settle = (f: () => void) => {
        this.jobs.delete(taskId);
        void worker.terminate();
        f();
      };
      worker.on('message', (m: FromWorker) => {
        if (m.t === 'ack') {
          acked++;
          pump();
        } else if (m.t === 'progress') onProgress?.(m.p);
        else if (m.t === 'done') settle(() => resolve(m.result));
        else if (m.t === 'cancelled') settle(() => reject(new CallRefused('CONFLICT', `the import of ${fileName} was cancelled; nothing of it was stored`)));
        else if (m.t === 'refused') settle(() => reject(new ValidationError(m.what, m.problems, m.total)));
        else if (m.t === 'conflict') settle(() => reject(new ConflictError(m.message)));
        else settle(() => reject(Object.assign(new Error(`the import worker failed: ${m.name} at ${m.where}`), { name: 'ImportWorkerError' })));
      });
      worker.on('error', (e) => settle(() => reject(e)));
      worker.on('exit', (code) => {
        if (this.jobs.has(taskId)) settle(() => reject(new Error(`the import worker stopped (exit code ${code})`)));
      });
      pump();
    });
  }

  /** Cancels a running import; false when there is none by that id. */
  cancel(taskId: string): boolean {
    const job = this.jobs.get(taskId);
    if (!job) return false;
    job.cancelled = true;
    job.worker.postMessage({ t: 'cancel' } satisfies ToWorker);
    return true;
  }
}
