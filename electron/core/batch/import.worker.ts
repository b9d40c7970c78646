import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type Durability } from '../store/db';
import { RecordVault } from '../store/record-vault';
import { ProductRegistry } from '../products';
import { productChecks } from '../product-checks';
import { ValidationError } from '../../../shared/domain/problems';
import type { Product } from '../../../shared/domain/product';
import { ConflictError } from '../store/card-store';
import { ImportPipeline } from './pipeline';
import { SealPool } from './seal-pool';

// The import worker: one batch file, read, checked, sealed and stored here, on its own SQLite
// connection (WAL lets it write beside the device thread's connection), so the thread that
// serves the devices never runs any of it. Messages: chunk (acked when taken, for flow control),
// end, cancel. See import-service.ts.
export interface ImportWorkerData {
  dbPath: string;
  keyPath: string;
  durability: Durability;
  products: Product[];
  /** Products that cannot run on this station's keys, with the reason (see Station.productRefusal). */
  refusals: Record<string, string>;
  fileName: string;
  by: string | null;
  totalBytes: number;
  running: string[];
}
export type ToWorker = { t: 'chunk'; text: string } | { t: 'end' } | { t: 'cancel' };
export type FromWorker =
  | { t: 'ack' }
  | { t: 'progress'; p: import('./pipeline').ImportProgress }
  | { t: 'done'; result: import('./pipeline').ImportResult }
  | { t: 'cancelled' }
  | { t: 'refused'; what: string; problems: ValidationError['problems']; total: number }
  | { t: 'conflict'; message: string }
  | { t: 'failed'; name: string; where: string };

const port = parentPort!;
const d = workerData as ImportWorkerData;
const post = (m: FromWorker) => port.postMessage(m);

// The hidden rows need no fsync each; the last commit is made durable (it syncs the WAL before it).
const db = openDatabase(d.dbPath, 'normal');
db.pragma('cache_size = -65536');
const products = new ProductRegistry(productChecks);
for (const p of d.products) products.add(p);
const vault = RecordVault.open(d.keyPath);
const sealPool = new SealPool(vault.keyCopy());
const pipeline = new ImportPipeline({ db, vault, sealPool, products, fileName: d.fileName, by: d.by, refusals: d.refusals, totalBytes: d.totalBytes, running: new Set(d.running), onProgress: (p) => post({ t: 'progress', p }) });
let over = false;

function close(): void {
  sealPool.close();
  db.close();
}

function failed(e: unknown): void {
  over = true;
  pipeline.cancel();
  if (e instanceof ValidationError) post({ t: 'refused', what: e.what, problems: e.problems, total: e.total });
  else if (e instanceof ConflictError) post({ t: 'conflict', message: e.message });
  else {
    // Only the kind and place of an unexpected error: its message may quote the data.
    const at = String((e as Error)?.stack ?? '').split('\n').find((l) => l.trim().startsWith('at '));
    post({ t: 'failed', name: (e as Error)?.name ?? 'Error', where: at ? at.trim().slice(3, 200) : 'unknown place' });
  }
  close();
}

port.on('message', (m: ToWorker) => {
  if (over) return;
  try {
    if (m.t === 'chunk') {
      pipeline.push(m.text);
      post({ t: 'ack' });
    } else if (m.t === 'cancel') {
      over = true;
      pipeline.cancel();
      close();
      post({ t: 'cancelled' });
    } else {
      over = true;
      if (d.durability === 'full') db.pragma('synchronous = FULL');
      pipeline.finish().then(
        (result) => {
          close();
          post({ t: 'done', result });
        },
        (e) => failed(e),
      );
    }
  } catch (e) {
    failed(e);
  }
});
