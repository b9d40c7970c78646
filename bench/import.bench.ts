// Import of a 100,000-record batch, JSON text as an issuer sends it, through importBatch()
// (decode, schema, duplicate ids, the product's magstripe + layout checks per record, sealing,
// one transaction), beside its floor: a bare better-sqlite3 insert of the same rows (batch,
// records, cards; same columns, sealed blobs and masked PANs precomputed) in one transaction on
// a database of the same schema and durability. Rounds alternate; medians.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { demoProduct, demoRecords, DEMO_PRODUCT_ID } from '../electron/cli/demo';
import { ProductRegistry } from '../electron/core/products';
import { productChecks } from '../electron/core/product-checks';
import { importBatch } from '../electron/core/batch/import';
import { openDatabase } from '../electron/core/store/db';
import { migrate } from '../electron/core/store/migrate';
import { CORE_MIGRATIONS } from '../electron/core/store/core-migrations';
import { CardStore } from '../electron/core/store/card-store';
import { RecordVault } from '../electron/core/store/record-vault';
import { ProductSchema, type ProductInput } from '../shared/domain/product';
import { maskPan } from '../shared/domain/pan';
import type { CardRecord } from '../shared/domain/record';
import { prepareChipDgis } from '../electron/devices/chip/dataprep';
import { median, report } from './report';

const N = Number(process.env.IMPORT_BENCH_RECORDS ?? 100_000);
const ROUNDS = 3;
const TARGET = 3;

const dir = mkdtempSync(join(tmpdir(), 'import-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let seq = 0;

function freshDb(): { db: Database.Database; path: string } {
  const path = join(dir, `s${++seq}.db`);
  // The station's own setting (the demo config and the default): every commit fsynced.
  const db = openDatabase(path, 'full');
  migrate(db, 'core', CORE_MIGRATIONS);
  return { db, path };
}

function registry(p: ProductInput): ProductRegistry {
  const reg = new ProductRegistry(productChecks);
  reg.add(ProductSchema.parse(p));
  return reg;
}

function batchText(batchId: string, records: CardRecord[]): string {
  return JSON.stringify({ format: 'perso-batch/1', batchId, productId: DEMO_PRODUCT_ID, issuer: 'Bench Bank (test)', records });
}

function station(): { store: CardStore; db: Database.Database } {
  const { db } = freshDb();
  return { db, store: new CardStore(db, RecordVault.open(join(dir, `k${seq}`))) };
}

/** The same rows importBatch writes, values precomputed, in one transaction. */
function floorInsert(batchId: string, records: CardRecord[], sealed: Buffer[], masked: string[]): number {
  const { db } = freshDb();
  const insBatch = db.prepare('INSERT INTO batches (batch_id, product_id, issuer, file_name, record_count, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insRecord = db.prepare('INSERT INTO records (batch_id, record_index, record_id, masked_pan, sealed) VALUES (?, ?, ?, ?, ?)');
  const insCard = db.prepare("INSERT INTO cards (batch_id, record_index, record_id, masked_pan, attempt, state, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 'queued', ?, ?)");
  const t0 = performance.now();
  const now = Date.now();
  db.transaction(() => {
    insBatch.run(batchId, DEMO_PRODUCT_ID, 'Bench Bank (test)', 'bench.json', records.length, now, 'bench');
    for (let i = 0; i < records.length; i++) {
      insRecord.run(batchId, i, records[i].recordId, masked[i], sealed[i]);
      insCard.run(batchId, i, records[i].recordId, masked[i], now, now);
    }
  })();
  const ms = performance.now() - t0;
  db.close();
  return ms;
}

async function stationImport(reg: ProductRegistry, batchId: string, text: string): Promise<number> {
  const { store, db } = station();
  const t0 = performance.now();
  const r = await importBatch({ store, products: reg }, 'bench.json', text, 'bench');
  const ms = performance.now() - t0;
  if (r.records !== N || store.counts(batchId).queued !== N) throw new Error('the import did not store every record');
  db.close();
  return ms;
}

async function run(label: string, product: ProductInput, records: CardRecord[], rounds = ROUNDS): Promise<void> {
  const reg = registry(product);
  const batchId = 'BENCH-IMPORT';
  const text = batchText(batchId, records);
  // Precomputed for the floor: what the station computes from the same records.
  const vault = RecordVault.open(':memory:');
  const parsed = (JSON.parse(text) as { records: CardRecord[] }).records;
  const sealed = parsed.map((r, i) => vault.seal(r, `${batchId}/${i}`));
  const masked = parsed.map((r) => maskPan(r.pan));
  const values: number[] = [];
  const floors: number[] = [];
  for (let k = 0; k < rounds; k++) {
    floors.push(floorInsert(batchId, parsed, sealed, masked));
    values.push(await stationImport(reg, batchId, text));
  }
  const value = median(values);
  const floor = median(floors);
  const ratio = value / floor;
  console.log(`${label}: ${N} records, ${(text.length / 1e6).toFixed(1)} MB of JSON; importBatch ${values.map((v) => v.toFixed(0)).join('/')} ms, floor ${floors.map((v) => v.toFixed(0)).join('/')} ms`);
  report({ name: `import ${N / 1000}k records (${label})`, value, unit: 'ms', floor, ratio, target: `≤ ${TARGET}× floor`, met: ratio <= TARGET });
  report({ name: `import rate (${label})`, value: (N / value) * 1000, unit: 'records/s', floor: (N / floor) * 1000, ratio, target: `≤ ${TARGET}× floor`, met: ratio <= TARGET });
}

// Demo records without chip data, for the demo product minus its chip step (stripe + emboss +
// laser checks per record).
const { chip: _chip, ...noChip } = demoProduct();
await run('stripe+layout checks, no DGIs', { ...noChip, steps: noChip.steps.filter((s) => s !== 'chip') }, demoRecords(N, null));

// The same with the issuer's chip data (encrypted DGIs) and the whole demo product: preparing
// 100k DGI sets would take minutes, so 500 sets are reused across the records (sizes are what
// matter to the import).
const dek = randomBytes(16);
const base = demoRecords(N, null);
const dgiSets = Array.from({ length: 500 }, (_, i) => {
  const r = base[i];
  return prepareChipDgis({ pan: r.pan, expiry: r.expiry, name: r.name, serviceCode: r.serviceCode, secrets: { applicationKeys: randomBytes(48), pinBlock: randomBytes(8), pinTryLimit: 3 } }, dek);
});
await run('with DGIs, chip product', demoProduct(), base.map((r, i) => ({ ...r, dgis: dgiSets[i % dgiSets.length] })), 2);
