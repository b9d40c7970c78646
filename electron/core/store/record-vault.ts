import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CardRecord } from '../../../shared/domain/record';

// Card records wait in the store encrypted (PCI CP: cardholder data encrypted at rest) under a
// per-station data key kept beside the database, readable by the station's user only. They are
// opened for the minimum time: when a card's personalization starts.
export class RecordVault {
  // Random IVs drawn from the CSPRNG in blocks: one call per record cost more than the cipher
  // itself on a 100k-record import. IVs are not secret; each is used once.
  private ivs = Buffer.alloc(0);
  private ivAt = 0;
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
    if (this.ivAt + 12 > this.ivs.length) {
      this.ivs = randomBytes(12 * 1024);
      this.ivAt = 0;
    }
    const iv = this.ivs.subarray(this.ivAt, (this.ivAt += 12));
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(aad));
    const body = c.update(JSON.stringify(record), 'utf8');
    const tail = c.final();
    const out = Buffer.alloc(28 + body.length + tail.length);
    iv.copy(out, 0);
    c.getAuthTag().copy(out, 12);
    body.copy(out, 28);
    tail.copy(out, 28 + body.length);
    return out;
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
