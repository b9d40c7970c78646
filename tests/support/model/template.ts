import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemo, demoProduct, demoRecords } from '../../../electron/cli/demo';

// One demo station (users, test key, simulated devices) is written once per process and copied
// for every station the model boots: writing it hashes passwords and seals the key store, far
// slower than copying its files. The copy carries one product per retry setting (chip 0–2 ×
// stripe 0–2), so each sequence picks its own retries on the same station.
let template: { dir: string; issuerDek: Buffer; credentials: Credentials } | null = null;
type Credentials = Record<'administrator' | 'supervisor' | 'operator', { username: string; password: string }>;

export const productFor = (r: { chip: number; magstripe: number }) => `MODEL-C${r.chip}M${r.magstripe}`;

async function theTemplate() {
  if (template) return template;
  const dir = join(mkdtempSync(join(tmpdir(), 'perso-model-tpl-')), 'D');
  const demo = await writeDemo({ dir, importSample: false, cards: 1, timeScale: 0 });
  const issuer = JSON.parse(readFileSync(join(dir, 'sim-issuer.json'), 'utf8'));
  // No blank of the stock is defective by itself: the plan says which are.
  writeFileSync(join(dir, 'sim-issuer.json'), JSON.stringify({ ...issuer, defectiveSerials: [] }), { mode: 0o600 });
  const products: string[] = [];
  for (const chip of [0, 1, 2])
    for (const magstripe of [0, 1, 2]) {
      const id = productFor({ chip, magstripe });
      writeFileSync(join(dir, 'products', `${id}.json`), JSON.stringify({ ...demoProduct(), id, name: `Model ${id} (TEST)`, retries: { chip, magstripe } }, null, 2));
      products.push(`products/${id}.json`);
    }
  const cfgPath = join(dir, 'station.json');
  // A crash needs the fsync of every change; in-process sequences only need the store to be right.
  writeFileSync(cfgPath, JSON.stringify({ ...JSON.parse(readFileSync(cfgPath, 'utf8')), products, durability: 'normal' }, null, 2));
  template = { dir, issuerDek: Buffer.from(issuer.chip.issuerDekHex, 'hex'), credentials: demo.credentials };
  return template;
}

export interface BatchFile {
  batchId: string;
  content: string;
  /** batchId/recordId → PAN */
  pans: Map<string, string>;
}

export interface StationCopy {
  dir: string;
  configPath: string;
  credentials: Credentials;
  /** A batch file (perso-batch/1) of `cards` records numbered from `start` (distinct PANs on one station). */
  batch(batchId: string, productId: string, cards: number, start: number): BatchFile;
  remove(): void;
}

export async function stationCopy(): Promise<StationCopy> {
  const t = await theTemplate();
  const dir = join(mkdtempSync(join(tmpdir(), 'perso-model-')), 'D');
  cpSync(t.dir, dir, { recursive: true });
  return {
    dir, configPath: join(dir, 'station.json'), credentials: t.credentials,
    batch(batchId, productId, cards, start) {
      const records = demoRecords(cards, t.issuerDek, start);
      const content = JSON.stringify({ format: 'perso-batch/1', batchId, productId, issuer: 'Model Bank (test)', records });
      return { batchId, content, pans: new Map(records.map((r) => [`${batchId}/${r.recordId}`, r.pan])) };
    },
    remove: () => rmSync(join(dir, '..'), { recursive: true, force: true }),
  };
}
