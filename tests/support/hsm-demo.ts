import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDemo } from '../../electron/cli/demo';
import type { Station } from '../../electron/core/station';
import type { KeyStoreConfig } from '../../electron/core/config';

// The demo station with its card master key moved out of the software store: a fresh random key
// (two components) that the simulated issuer's cards hold, the product pointing at it, and the
// station config's keyStore as given. The key is loaded by the ceremony (loadByCeremony).

export const HSM_KEY_ID = 'hsm-kmc';

export interface HsmDemo {
  dir: string;
  configPath: string;
  key: Buffer;
  components: [Buffer, Buffer];
}

export async function writeHsmDemo(dir: string, keyStore: KeyStoreConfig, o: { cards: number; pcsc: boolean; timeScale?: number }): Promise<HsmDemo> {
  await writeDemo({ dir, importSample: true, cards: o.cards, pcsc: o.pcsc, timeScale: o.timeScale });
  const components: [Buffer, Buffer] = [randomBytes(16), randomBytes(16)];
  const key = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) key[i] = components[0][i] ^ components[1][i];
  const productPath = join(dir, 'products', 'demo-debit.json');
  const product = JSON.parse(readFileSync(productPath, 'utf8'));
  product.chip.keyId = HSM_KEY_ID;
  writeFileSync(productPath, JSON.stringify(product, null, 2));
  const issuerPath = join(dir, 'sim-issuer.json');
  const issuer = JSON.parse(readFileSync(issuerPath, 'utf8'));
  issuer.chip.masterKeyHex = key.toString('hex');
  writeFileSync(issuerPath, JSON.stringify(issuer, null, 2), { mode: 0o600 });
  const configPath = join(dir, 'station.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  config.keyStore = keyStore;
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath, key, components };
}

/** Two custodians load the key; the components are handed over as Buffers (zeroed by the store). */
export function loadByCeremony(station: Station, components: Buffer[], o: { test?: boolean } = {}): string {
  const admin = { username: 'admin', role: 'administrator' as const, origin: 'test' };
  const id = station.keys.startCeremony({ keyId: HSM_KEY_ID, label: 'Card master key (ceremony)', algorithm: 'AES', components: 2, test: o.test ?? false }, admin);
  station.keys.enterComponent(id, { username: 'supervisor', role: 'supervisor', origin: 'test' }, Buffer.from(components[0]));
  const r = station.keys.enterComponent(id, admin, Buffer.from(components[1]));
  return r.key!.kcv;
}
