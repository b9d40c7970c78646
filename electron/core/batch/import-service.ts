import { createReadStream, statSync } from 'node:fs';
import type { Durability } from '../store/db';
import type { Product } from '../../../shared/domain/product';
import { ValidationError } from '../../../shared/domain/problems';
import { ConflictError } from '../store/card-store';
import { CallRefused } from '../api/dispatch';
import type { ImportProgress, ImportResult } from './pipeline';
import type { FromWorker, ImportWorkerData, ToWorker } from './import.worker';
import { startWorker } from '../workers/worker-start';

// Runs each import in a worker thread (import.worker.ts) and feeds it the file in chunks, a few
// in flight at a time, so the device thread only slices text and passes messages: its event loop
// never waits for parsing, checks, sealing or SQLite. An import can be cancelled; nothing of it
// is then stored.
const CHUNK_CHARS = 1 << 20;
const IN_FLIGHT = 2;

export interface ImportServiceOptions {
  dbPath: string;
  keyPath: string;
  durability: Durability;
  products: () => Product[];
  /** Why a product cannot run here (its chip key), or null: such a batch is refused before anything is stored. */
  refusal?: (p: Product) => string | null;
}

interface Job {
  worker: import('node:worker_threads').Worker;
  cancelled: boolean;
}

export class ImportService {
  private readonly jobs = new Map<string, Job>();
  constructor(private readonly o: ImportServiceOptions) {}

  /** Imports a whole file's text; progress as the worker checks it. Rejects as the in-process import does. */
  importText(taskId: string, fileName: string, content: string, by: string | null, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    const chunks = function* () {
      for (let at = 0; at < content.length; at += CHUNK_CHARS) yield content.slice(at, at + CHUNK_CHARS);
    };
    return this.importChunks(taskId, fileName, chunks(), content.length, by, onProgress);
  }

  /** Imports a file from disk, streamed: the whole file is never in memory on either thread. */
  importFile(taskId: string, path: string, fileName: string, by: string | null, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_CHARS });
    return this.importChunks(taskId, fileName, stream as AsyncIterable<string>, statSync(path).size, by, onProgress).finally(() => stream.destroy());
  }

  /** Feeds the worker a few chunks ahead of what it has taken (flow control), then ends the file. */
  importChunks(taskId: string, fileName: string, chunks: Iterable<string> | AsyncIterable<string>, totalBytes: number, by: string | null, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    // One at a time: the worker then knows that any hidden batch it finds was abandoned (a crash).
    if (this.jobs.size) return Promise.reject(new CallRefused('BUSY', 'another batch file is being imported; wait for it to finish or cancel it'));
    const products = this.o.products();
    const refusals: Record<string, string> = {};
    for (const p of products) {
      const why = this.o.refusal?.(p);
      if (why) refusals[p.id] = why;
    }
    const data: ImportWorkerData = { dbPath: this.o.dbPath, keyPath: this.o.keyPath, durability: this.o.durability, products, refusals, fileName, by, totalBytes, running: [] };
    const worker = startWorker('import', import.meta.url, { workerData: data });
    const job: Job = { worker, cancelled: false };
    this.jobs.set(taskId, job);
    let acked = 0;
    let wake: (() => void) | null = null;
    let settled = false;
    const result = new Promise<ImportResult>((resolve, reject) => {
      const settle = (f: () => void) => {
        settled = true;
        wake?.();
        this.jobs.delete(taskId);
        void worker.terminate();
        f();
      };
      worker.on('message', (m: FromWorker) => {
        if (m.t === 'ack') {
          acked++;
          wake?.();
        } else if (m.t === 'progress') onProgress?.(m.p);
        else if (m.t === 'done') settle(() => resolve(m.result));
        else if (m.t === 'cancelled') settle(() => reject(new CallRefused('CONFLICT', `the import of ${fileName} was cancelled; nothing of it was stored`)));
        else if (m.t === 'refused') settle(() => reject(new ValidationError(m.what, m.problems, m.total)));
        else if (m.t === 'conflict') settle(() => reject(new ConflictError(m.message)));
        else settle(() => reject(Object.assign(new Error(`the import worker failed: ${m.name} at ${m.where}`), { name: 'ImportWorkerError' })));
      });
      worker.on('error', (e) => settle(() => reject(e)));
      worker.on('exit', (code) => {
        if (!settled) settle(() => reject(new Error(`the import worker stopped (exit code ${code})`)));
      });
    });
    const until = (ok: () => boolean) => new Promise<void>((r) => (ok() || settled ? r() : (wake = () => (ok() || settled) && r())));
    const feed = async () => {
      let sent = 0;
      for await (const text of chunks) {
        if (settled || job.cancelled) return;
        await until(() => sent - acked < IN_FLIGHT);
        if (settled || job.cancelled) return;
        worker.postMessage({ t: 'chunk', text } satisfies ToWorker);
        sent++;
      }
      await until(() => acked === sent);
      if (!settled && !job.cancelled) worker.postMessage({ t: 'end' } satisfies ToWorker);
    };
    feed().catch((e) => {
      // The file could not be read: the worker is told to drop what it stored.
      if (!settled) worker.postMessage({ t: 'cancel' } satisfies ToWorker);
      void e;
    });
    return result;
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
