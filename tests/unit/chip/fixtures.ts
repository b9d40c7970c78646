import { randomBytes } from 'node:crypto';
import { ChipProfileSchema, type ChipProfile } from '../../../shared/chip/profile';
import { CardRecordSchema, type CardRecord } from '../../../shared/domain/record';
import { luhnCheckDigit } from '../../../shared/domain/pan';
import { prepareChipDgis, generateDemoIssuerDek, type PlainChipData } from '../../../electron/devices/chip/dataprep';
import { createSoftwareKeyProvider, type KeyRecord } from '../../../electron/devices/chip/keys';
import { personalizeChip, type PersonalizeOptions } from '../../../electron/devices/chip/personalize';
import { createBlankCard, DEFAULT_APP_AID, DEFAULT_ATR, DEFAULT_ISD_AID, type CardFaults } from '../../../electron/sim/card/blank-card';
import type { KeyAlgorithm } from '../../../electron/devices/chip/crypto/diversify';
import { createMemoryChannel } from './memory-channel';

// One blank card in an in-memory reader, the issuer's prepared record for it, a product
// profile and a software key provider holding the issuer's master key.

export const PAN = '541333008902001' + luhnCheckDigit('541333008902001');

export interface SetupOptions {
  scp?: 'SCP02' | 'SCP03';
  securityLevel?: 'CMAC' | 'CMAC_CDEC';
  diversification?: ChipProfile['diversification'];
  masterKey?: Buffer;
  keyRecord?: Partial<KeyRecord>;
  /** The key the station holds, when it differs from the card's. */
  stationKey?: Buffer;
  faults?: CardFaults;
  t0?: boolean;
  extra?: PlainChipData['extra'];
  cardPan?: string;
}

export function setup(o: SetupOptions = {}) {
  const scp = o.scp ?? 'SCP03';
  const algorithm: KeyAlgorithm = scp === 'SCP02' ? 'DES3' : 'AES';
  const diversification = o.diversification ?? 'emv';
  const masterKey = o.masterKey ?? randomBytes(16);
  const issuerDek = generateDemoIssuerDek();
  let removed = 0;
  const card = createBlankCard({ serial: 0x1a2b3c4d, masterKey, keyAlgorithm: algorithm, scp, diversification, issuerDek, faults: o.faults, t0: o.t0, onRemoved: () => removed++ });
  card.powerOn();
  const channel = createMemoryChannel(card);
  const secrets = { applicationKeys: randomBytes(48), pinBlock: Buffer.from('2412345FFFFFFFFF', 'hex'), pinTryLimit: 3 };
  const dgis = prepareChipDgis({ pan: o.cardPan ?? PAN, expiry: '2911', name: 'DOE/JOHN', serviceCode: '201', secrets, extra: o.extra }, issuerDek);
  const record: CardRecord = CardRecordSchema.parse({ recordId: 'R1', pan: PAN, expiry: '2911', name: 'DOE/JOHN', serviceCode: '201', dgis });
  const profile = ChipProfileSchema.parse({
    securityDomainAid: DEFAULT_ISD_AID,
    applicationAid: DEFAULT_APP_AID,
    scp,
    securityLevel: o.securityLevel ?? 'CMAC',
    diversification,
    keyId: 'issuer-kmc',
    atr: { value: DEFAULT_ATR.toString('hex') },
  });
  const stationKey = o.stationKey ?? masterKey;
  const keys = createSoftwareKeyProvider(async (id) => (id === 'issuer-kmc' ? { material: Buffer.from(stationKey), algorithm, test: false, ...o.keyRecord } : null));
  const notes: string[] = [];
  const run = (over: Partial<PersonalizeOptions> = {}) =>
    personalizeChip({ channel, atr: card.atr(), profile, productIsTest: false, record, keys, onProgress: (_f, n) => notes.push(n), ...over });
  return { card, channel, record, profile, keys, secrets, dgis, masterKey, issuerDek, notes, run, removedCount: () => removed };
}

/** Every hex spelling of the secrets a station-side output must not contain. */
export function secretNeedles(s: ReturnType<typeof setup>): string[] {
  const out = [s.secrets.applicationKeys, s.secrets.pinBlock, s.masterKey, s.issuerDek].map((b) => b.toString('hex').toUpperCase());
  for (const d of s.record.dgis ?? []) if (d.encrypted) out.push(d.data.toUpperCase());
  return out;
}

export function leaks(value: unknown, needles: string[]): string[] {
  const text = JSON.stringify(value, (_k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? Buffer.from(v.data).toString('hex') : v)).toUpperCase();
  return needles.filter((n) => n.length >= 8 && text.includes(n));
}
