// Batch import through the station's path (ImportService: the file streamed from disk to the
// import worker, which reads, checks — schema, context, the demo product's stripe/layout/chip
// checks — seals and stores in moderate transactions), beside its floor in the same run: a bare
// better-sqlite3 insert of the same rows (batch, records, cards; same columns, blobs of the sealed
// size, masked PANs precomputed) in one transaction on a fresh database of the same schema and
// durability. Also the same import on a store that already holds a batch of the same size
// (linear whatever the store holds), and the peak memory of the process while importing.
// Sizes: `node --import tsx bench/import.bench.ts 100000 1000000` (default 100000; the 1M figures
// need IMPORT_BENCH_1M=1 under npm run bench: they take minutes on a loaded machine).
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { demoProduct, demoRecords, DEMO_PRODUCT_ID } from '../electron/cli/demo';
import { openDatabase } from '../electron/core/store/db';
import { migrate } from '../electron/core/store/migrate';
import { CORE_MIGRATIONS } from '../electron/core/store/core-migrations';
import { ImportService } from '../electron/core/batch/import-service';
import { RecordVault } from '../electron/core/store/record-vault';
import { ProductSchema, type Product, type ProductInput } from '../shared/domain/product';
import { maskPan } from '../shared/domain/pan';
import type { CardRecord } from '../shared/domain/record';
import { prepareChipDgis } from '../electron/devices/chip/dataprep';
import { report } from './report';
import { LIMITS } from '../shared/batch/limits';

const args = process.argv.slice(2).map(Number).filter((n) => n > 0);
const SIZES = args.length ? args : [100_000, ...(process.env.IMPORT_BENCH_1M === '1' ? [1_000_000] : [])];
const TARGET = 3;
const BLOCK = 10_000;

const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let seq = 0;

function freshDb(): string {
  const path = join(dir, `s${++seq}.db`);
  const db = openDatabase(path, 'full');
  migrate(db, 'core', CORE_MIGRATIONS);
  db.close();
  return path;
}

// Issuer chip data: preparing a million DGI sets would take longer than the import, so 500
// prepared sets are reused (sizes are what matter to the import).
const dek = randomBytes(16);
let dgiSets: CardRecord['dgis'][] | null = null;
function dgisFor(i: number, r: CardRecord): CardRecord['dgis'] {
  dgiSets ??= demoRecords(500, null).map((b) => prepareChipDgis({ pan: b.pan, expiry: b.expiry, name: b.name, serviceCode: b.serviceCode, secrets: { applicationKeys: randomBytes(48), pinBlock: randomBytes(8), pinTryLimit: 3 } }, dek));
  void r;
  return dgiSets[i % dgiSets.length];
}

interface Written {
  path: string;
  bytes: number;
  /** Per record: its sealed size, record id and masked PAN (what the floor inserts). */
  sealedLength: Int32Array;
  ids: string[];
  masked: string[];
}

/** Writes a batch file of n records in blocks, never holding it whole. */
function writeBatch(batchId: string, n: number, withDgis: boolean, start = 1): Written {
  const path = join(dir, `${batchId}.json`);
  const fd = openSync(path, 'w');
  writeSync(fd, JSON.stringify({ format: 'perso-batch/1', batchId, productId: DEMO_PRODUCT_ID, issuer: 'Bench Bank (test)' }).slice(0, -1) + ',"records":[');
  const sealedLength = new Int32Array(n);
  const ids: string[] = new Array(n);
  const masked: string[] = new Array(n);
  for (let b = 0; b < n; b += BLOCK) {
    const recs = demoRecords(Math.min(BLOCK, n - b), null, start + b).map((r, k) => (withDgis ? { ...r, dgis: dgisFor(b + k, r) } : r));
    const texts = recs.map((r, k) => {
      const t = JSON.stringify(r);
      sealedLength[b + k] = Buffer.byteLength(t) + 28;
      ids[b + k] = r.recordId;
      masked[b + k] = maskPan(r.pan);
      return t;
    });
    writeSync(fd, (b ? ',' : '') + texts.join(','));
  }
  writeSync(fd, ']}');
  closeSync(fd);
  return { path, bytes: statSync(path).size, sealedLength, ids, masked };
}

function floorInsert(batchId: string, w: Written): number {
  // The station's own connection settings (WAL, FULL, foreign keys, secure delete).
  const db = openDatabase(freshDb(), 'full');
  const blob = randomBytes(1 << 16);
  const insBatch = db.prepare('INSERT INTO batches (batch_id, product_id, issuer, file_name, record_count, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insRecord = db.prepare('INSERT INTO records (batch_id, record_index, record_id, masked_pan, sealed) VALUES (?, ?, ?, ?, ?)');
  const insCard = db.prepare("INSERT INTO cards (batch_id, record_index, record_id, masked_pan, attempt, state, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 'queued', ?, ?)");
  const n = w.ids.length;
  const t0 = performance.now();
  const now = Date.now();
  db.transaction(() => {
    insBatch.run(batchId, DEMO_PRODUCT_ID, 'Bench Bank (test)', 'bench.json', n, now, 'bench');
    for (let i = 0; i < n; i++) {
      insRecord.run(batchId, i, w.ids[i], w.masked[i], blob.subarray(0, w.sealedLength[i]));
      insCard.run(batchId, i, w.ids[i], w.masked[i], now, now);
    }
  })();
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

async function stationImport(dbPath: string, product: Product, w: Written, n: number): Promise<{ ms: number; peakMb: number }> {
  const service = new ImportService({ dbPath, keyPath: join(dir, `k${seq}`), durability: 'full', products: () => [product] });
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const r = await service.importFile('bench', w.path, 'bench.json', 'bench');
  const ms = performance.now() - t0;
  clearInterval(sampler);
  if (r.records !== n) throw new Error(`the import stored ${r.records} of ${n} records`);
  return { ms, peakMb: (peak - base) / 1e6 };
}

async function run(label: string, productInput: ProductInput, withDgis: boolean, n: number): Promise<void> {
  const product = ProductSchema.parse(productInput);
  const w = writeBatch(`BENCH-${n}-${withDgis ? 'D' : 'P'}`, n, withDgis);
  if (w.bytes > LIMITS.fileBytes) {
    // A million records with chip data is over the documented file limit: the station refuses it.
    console.log(`${label}: ${n} records make ${(w.bytes / 1e6).toFixed(0)} MB, over the ${LIMITS.fileBytes / 1024 / 1024} MB file limit; not measured`);
    rmSync(w.path, { force: true });
    return;
  }
  const floor = floorInsert('BENCH', w);
  const fresh = await stationImport(freshDb(), product, w, n);
  // The same import into a store that already holds a batch of the same size.
  const loadedDb = freshDb();
  const other = writeBatch(`OTHER-${n}-${withDgis ? 'D' : 'P'}`, n, withDgis, n + 1);
  RecordVault.open(join(dir, `k${seq}`));
  await stationImport(loadedDb, product, other, n);
  const loaded = await stationImport(loadedDb, product, w, n);
  rmSync(other.path, { force: true });
  rmSync(w.path, { force: true });
  const size = n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`;
  console.log(`${label}: ${n} records, ${(w.bytes / 1e6).toFixed(1)} MB of JSON; import ${fresh.ms.toFixed(0)} ms (store holding a batch: ${loaded.ms.toFixed(0)} ms), floor ${floor.toFixed(0)} ms; peak +${fresh.peakMb.toFixed(0)} MB`);
  report({ name: `import ${size} records (${label})`, value: fresh.ms, unit: 'ms', floor, ratio: fresh.ms / floor, target: `≤ ${TARGET}× floor`, met: fresh.ms / floor <= TARGET });
  report({ name: `import ${size} records into a store holding ${size} (${label})`, value: loaded.ms, unit: 'ms', floor, ratio: loaded.ms / floor, target: `≤ ${TARGET}× floor`, met: loaded.ms / floor <= TARGET });
  report({ name: `import ${size} records (${label}): peak memory above the idle process`, value: fresh.peakMb, unit: 'MB', floor: w.bytes / 1e6, ratio: fresh.peakMb / (w.bytes / 1e6), target: 'below the file size (streamed)', met: fresh.peakMb < w.bytes / 1e6 });
}

const { chip: _chip, ...noChip } = demoProduct();
for (const n of SIZES) {
  await run('stripe+layout checks, no DGIs', { ...noChip, steps: noChip.steps.filter((s) => s !== 'chip') }, false, n);
  await run('with DGIs, chip product', demoProduct(), true, n);
}
