import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SAMPLE_TEMPLATE } from '../../shared/layout/index';
import { luhnCheckDigit } from '../../shared/domain/pan';
import type { CardRecord } from '../../shared/domain/record';
import type { ProductInput } from '../../shared/domain/product';
import { loadConfig } from '../core/config';
import { Station } from '../core/station';
import { productChecks } from '../core/product-checks';
import { createDevices } from './devices';
import { importBatch } from '../core/batch/import';
import { prepareChipDgis, GP_TEST_KEY } from '../devices/chip/dataprep';
import { DEFAULT_ATR, DEFAULT_ISD_AID, DEFAULT_APP_AID } from '../sim/card/blank-card';

// A demo station that runs on its simulators, with a test product, a sample batch and one user
// per role, so a newcomer can try every screen: written by `perso-station demo --dir D` and by the
// app on its first run (so it lives here, where both the CLI and the main process may import it).
export const DEMO_BATCH_ID = 'DEMO-0001';
export const DEMO_PRODUCT_ID = 'DEMO-DEBIT';
/** The 5th blank card of the simulated stock has a defective stripe: one card fails, as in real life. */
export const DEMO_DEFECTIVE_SERIALS = [1004];

const NAMES = ['DOE/JOHN A', 'ROE/JANE', 'SMITH/ALEX', 'GARCIA/MARIA', 'MULLER/JONAS', 'TANAKA/YUKI', 'OKAFOR/CHIDI', 'NOVAK/EVA', 'ROSSI/LUCA', 'SILVA/ANA', 'KOWALSKI/PIOTR', 'BROWN/EMMA'];

export const DEMO_KEY_ID = 'demo-kmc';

/** The issuer's data preparation: chip data per record, secrets encrypted under the issuer DEK. */
export function demoRecords(n: number, issuerDek: Buffer | null, start = 1): CardRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    const body = '492181' + String(i).padStart(9, '0');
    const r = base(i, body);
    if (!issuerDek) return r;
    const dgis = prepareChipDgis({ pan: r.pan, expiry: r.expiry, name: r.name, serviceCode: r.serviceCode, secrets: { applicationKeys: randomBytes(48), pinBlock: randomBytes(8), pinTryLimit: 3 } }, issuerDek);
    return { ...r, dgis };
  });
}

function base(i: number, body: string): CardRecord {
  {
    return {
      recordId: `R${String(i).padStart(6, '0')}`,
      pan: body + luhnCheckDigit(body),
      expiry: `${29 + (i % 3)}${String(1 + (i % 12)).padStart(2, '0')}`,
      serviceCode: '201',
      name: NAMES[i % NAMES.length],
      cvv2: String(100 + ((i * 37) % 900)),
      // Distinct per card, so a test can prove none of it is left anywhere after the batch.
      track1Discretionary: `${String((i * 7919 + 104729) % 9_999_991).padStart(7, '0')}91735`,
      track2Discretionary: `${String((i * 48271 + 2147) % 99_999_989).padStart(8, '0')}37`,
    };
  }
}

export function demoProduct(): ProductInput {
  return {
    id: DEMO_PRODUCT_ID,
    name: 'Demo debit card (TEST)',
    test: true,
    steps: ['chip', 'magstripe', 'emboss', 'laser'],
    chip: {
      securityDomainAid: DEFAULT_ISD_AID, applicationAid: DEFAULT_APP_AID, scp: 'SCP03', securityLevel: 'CMAC_CDEC', diversification: 'kdf3',
      keyVersion: 0, keyId: DEMO_KEY_ID, atr: { value: DEFAULT_ATR.toString('hex').toUpperCase() },
    },
    magstripe: { tracks: [1, 2], coercivity: 'hi', defaultServiceCode: '201' },
    layout: SAMPLE_TEMPLATE,
    retries: { magstripe: 1 },
    secureFields: [],
  };
}

export const DEMO_USERS = [
  { username: 'admin', displayName: 'Demo Administrator', role: 'administrator' as const },
  { username: 'supervisor', displayName: 'Demo Supervisor', role: 'supervisor' as const },
  { username: 'operator', displayName: 'Demo Operator', role: 'operator' as const },
];

export interface DemoResult {
  configPath: string;
  batchPath: string;
  credentials: Record<'administrator' | 'supervisor' | 'operator', { username: string; password: string }>;
}

export async function writeDemo(o: { dir: string; importSample: boolean; cards?: number; timeScale?: number; pcsc?: boolean }): Promise<DemoResult> {
  const dir = o.dir;
  const configPath = join(dir, 'station.json');
  if (existsSync(configPath)) throw new Error(`${configPath} exists already; choose an empty directory`);
  mkdirSync(join(dir, 'products'), { recursive: true });
  mkdirSync(join(dir, 'batches'), { recursive: true });
  writeFileSync(join(dir, 'products', 'demo-debit.json'), JSON.stringify(demoProduct(), null, 2));
  const issuerDek = randomBytes(16);
  const issuer = {
    note: 'simulated issuer and card stock: not for production',
    defectiveSerials: DEMO_DEFECTIVE_SERIALS,
    chip: { masterKeyHex: GP_TEST_KEY.toString('hex'), keyAlgorithm: 'AES', scp: 'SCP03', diversification: 'kdf3', issuerDekHex: issuerDek.toString('hex'), cardSeconds: 6 },
  };
  writeFileSync(join(dir, 'sim-issuer.json'), JSON.stringify(issuer, null, 2), { mode: 0o600 });
  const config = {
    stationName: 'Demo line (simulators)',
    dataDir: 'data',
    products: ['products/demo-debit.json'],
    durability: 'full',
    devices: {
      pcsc: o.pcsc ? 'pcsclite' : 'sim',
      readers: o.pcsc
        ? [{ id: 'chip-0', name: 'Virtual PCD 00 00' }, { id: 'chip-1', name: 'Virtual PCD 00 01' }]
        : [{ id: 'chip-0', name: 'Sim Reader 0' }, { id: 'chip-1', name: 'Sim Reader 1' }],
      encoder: { id: 'encoder', path: 'sim:encoder', baudRate: 9600 },
      machine: { id: 'machine', path: 'sim:machine', baudRate: 115200 },
      laser: { id: 'laser', path: 'sim:laser', baudRate: 115200 },
    },
    simulation: { timeScale: o.timeScale ?? 0, vpcd: !!o.pcsc, issuerFile: 'sim-issuer.json' },
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const batch = { format: 'perso-batch/1', batchId: DEMO_BATCH_ID, productId: DEMO_PRODUCT_ID, issuer: 'Demo Bank (test)', records: demoRecords(o.cards ?? 12, issuerDek) };
  const batchPath = join(dir, 'batches', 'sample-batch.json');
  writeFileSync(batchPath, JSON.stringify(batch, null, 2));

  // Users and the sample batch go into the station's own store, through the core.
  const station = await Station.open({ config: loadConfig(configPath), devices: createDevices, checks: productChecks, origin: 'cli' });
  const credentials = {} as DemoResult['credentials'];
  try {
    const admin = { username: 'admin', role: 'administrator' as const, origin: 'cli' };
    for (const u of DEMO_USERS) {
      const password = `demo-${randomBytes(9).toString("base64url")}-7x`; // always letters and digits (password policy)
      if (u.role === 'administrator') station.auth.bootstrapAdmin({ ...u, password }, 'cli');
      else station.auth.createUser({ ...u, password }, admin);
      credentials[u.role] = { username: u.username, password };
    }
    station.keys.importTestKey({ keyId: DEMO_KEY_ID, label: 'Demo card master key (GlobalPlatform test key)', algorithm: 'AES', hex: GP_TEST_KEY.toString('hex'), test: true }, admin);
    if (o.importSample) await importBatch({ store: station.store, products: station.products }, 'sample-batch.json', JSON.stringify(batch), 'cli');
  } finally {
    await station.close();
  }
  const lines = DEMO_USERS.map((u) => `${u.role.padEnd(14)} ${u.username.padEnd(11)} ${credentials[u.role].password}`);
  writeFileSync(join(dir, 'demo-users.txt'), `Demo accounts of this station (for trying it out only)\n${lines.join('\n')}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'demo-users.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return { configPath, batchPath, credentials };
}
