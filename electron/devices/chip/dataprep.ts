import { randomBytes } from 'node:crypto';
import type { Dgi } from '../../../shared/domain/record';
import { aesCbcEncrypt, pad80 } from './crypto/block';
import { encodeTlv } from './tlv';

// The issuer's data preparation, as the demo and the tests need it: turns a cardholder's plain
// data into the DGIs of a CardRecord. In production this runs at the issuer (or its bureau's
// HSM), never on the station; the station only ever receives its output.
//
// Layout (EMV CPS conventions, DGI SSRR = record RR of file SFI SS):
//   0101 clear      record 1 of SFI 1: 70 { 5A PAN, 5F24 expiry YYMMDD, 5F20 name, 5F30 service code }
//                   — what the station reads back (READ RECORD SFI 1 record 1) to crosscheck.
//   8000 encrypted  application keys (e.g. the ICC's AC / SMI / SMC keys, 16 bytes each).
//   8010 encrypted  the offline PIN block.
//   9010 clear      PIN try limit and PIN try counter.
//
// Issuer DEK (decided by the lead): the chip vendor loads an issuer DEK into the blank card
// stock at pre-personalization; the data preparation encrypts every secret DGI under it and the
// card decrypts on STORE DATA. The station holds only the KMC for the secure channel, so nothing
// on the station can decrypt secret DGIs. Algorithm: AES-CBC under the issuer DEK (AES-128 by
// default), zero IV, restarted for every DGI, data padded 80 00.. (always, so the card can strip
// it unambiguously). The card side is electron/sim/card/issuer-dek.ts.

/** GlobalPlatform test key 40 41 … 4F: for TEST products only; production products refuse it. */
export const GP_TEST_KEY: Buffer = Buffer.from('404142434445464748494A4B4C4D4E4F', 'hex');

/** Where the PAN and expiry are: the product profile's `readBack` default matches. */
export const PAN_RECORD = { dgi: '0101', sfi: 1, record: 1 } as const;

export interface PlainChipData {
  pan: string;
  /** YYMM */
  expiry: string;
  name: string;
  serviceCode?: string;
  /** Secret values: encrypted under the issuer DEK. */
  secrets?: {
    /** Application keys, concatenated (DGI 8000). */
    applicationKeys?: Buffer;
    /** Offline PIN block (DGI 8010), with PIN try limit for DGI 9010. */
    pinBlock?: Buffer;
    pinTryLimit?: number;
  };
  /** More DGIs as the issuer wants them (e.g. long records); `secret` ones are encrypted. */
  extra?: { dgi: string; data: Buffer; secret?: boolean }[];
}

/** A random AES-128 issuer DEK for the demo and tests (a real one comes from the issuer's HSM). */
export function generateDemoIssuerDek(): Buffer {
  return randomBytes(16);
}

export function encryptIssuerDgi(plain: Buffer, issuerDek: Buffer): Buffer {
  return aesCbcEncrypt(issuerDek, pad80(plain, 16));
}

function bcd(digits: string): Buffer {
  return Buffer.from(digits.length % 2 ? digits + 'F' : digits, 'hex');
}

function lastDayOfMonth(yymm: string): string {
  const year = 2000 + Number(yymm.slice(0, 2));
  const month = Number(yymm.slice(2, 4));
  return String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0');
}

/** The clear record carrying PAN, expiry, name and service code. */
export function panRecord(d: Pick<PlainChipData, 'pan' | 'expiry' | 'name' | 'serviceCode'>): Buffer {
  const parts = [
    encodeTlv(0x5a, bcd(d.pan)),
    encodeTlv(0x5f24, Buffer.from(d.expiry + lastDayOfMonth(d.expiry), 'hex')),
    encodeTlv(0x5f20, Buffer.from(d.name, 'latin1')),
  ];
  if (d.serviceCode) parts.push(encodeTlv(0x5f30, Buffer.from('0' + d.serviceCode, 'hex')));
  return encodeTlv(0x70, Buffer.concat(parts));
}

export function prepareChipDgis(d: PlainChipData, issuerDek: Buffer): Dgi[] {
  const out: Dgi[] = [{ dgi: PAN_RECORD.dgi, data: panRecord(d).toString('hex').toUpperCase(), encrypted: false }];
  const secret = (dgi: string, plain: Buffer) => out.push({ dgi, data: encryptIssuerDgi(plain, issuerDek).toString('hex').toUpperCase(), encrypted: true });
  const s = d.secrets ?? {};
  if (s.applicationKeys) secret('8000', s.applicationKeys);
  if (s.pinBlock) {
    secret('8010', s.pinBlock);
    const limit = s.pinTryLimit ?? 3;
    out.push({ dgi: '9010', data: Buffer.from([limit, limit]).toString('hex').toUpperCase(), encrypted: false });
  }
  for (const x of d.extra ?? []) {
    if (x.secret) secret(x.dgi.toUpperCase(), x.data);
    else out.push({ dgi: x.dgi.toUpperCase(), data: x.data.toString('hex').toUpperCase(), encrypted: false });
  }
  return out;
}
