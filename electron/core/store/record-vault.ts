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

  /** A copy of the data key, for the import's seal workers (zeroed by them when done). */
  keyCopy(): Buffer {
    return Buffer.from(this.key);
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

  /**
   * A batch's records, record i sealed with AAD `aadPrefix + i` when taken with `get(i)`.
   */
  sealAll(records: readonly CardRecord[], aadPrefix: string): SealedBatch {
    return new InlineSealed(this, records, aadPrefix);
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

// ---- Sealing a whole batch ----
//
// CardStore.importBatch (fixtures, small batches) seals as it inserts. A batch file from an issuer
// is sealed in the import worker (electron/core/batch), never on the device thread; the former
// sealing workers, awaited with Atomics.wait on the main thread, are gone with it.

/** Kept for callers that size batches by it; sealing is inline whatever the size. */
export const PARALLEL_SEAL_MIN = 4096;

/** Sealed records of a batch, in order: `get(i)` is record i sealed with AAD `aadPrefix + i`. */
export interface SealedBatch {
  get(i: number): Buffer;
  /** Stops the worker (after the import, or when the batch is refused). */
  close(): void;
}

class InlineSealed implements SealedBatch {
  constructor(private readonly vault: RecordVault, private readonly records: readonly CardRecord[], private readonly aadPrefix: string) {}
  get(i: number): Buffer {
    return this.vault.seal(this.records[i], this.aadPrefix + i);
  }
  close(): void {}
}
