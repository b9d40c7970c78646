import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CardRecord } from '../../../shared/domain/record';

// Card records wait in the store encrypted (PCI CP: cardholder data encrypted at rest) under a
// per-station data key kept beside the database, readable by the station's user only. They are
// opened for the minimum time: when a card's personalization starts.
export class RecordVault {
  private constructor(private readonly key: Buffer) {}

  static open(keyPath: string): RecordVault {
    if (keyPath === ':memory:') return new RecordVault(randomBytes(32));
    if (!existsSync(keyPath)) {
      mkdirSync(dirname(keyPath), { recursive: true });
      writeFileSync(keyPath, randomBytes(32), { mode: 0o600, flag: 'wx' });
    }
    chmodSync(keyPath, 0o600);
    const key = readFileSync(keyPath);
    if (key.length !== 32) throw new Error(`record key file ${keyPath} is damaged (expected 32 bytes)`);
    return new RecordVault(key);
  }

  seal(record: CardRecord, aad: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad));
    const body = Buffer.concat([c.update(JSON.stringify(record), 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  /** `aad` binds the sealed record to its place (batch and index), so rows cannot be swapped. */
  open(sealed: Buffer, aad: string): CardRecord {
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    d.setAAD(Buffer.from(aad));
    d.setAuthTag(sealed.subarray(12, 28));
    const text = Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    return JSON.parse(text) as CardRecord;
  }
}
