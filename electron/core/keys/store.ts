import type { Database } from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit';
import { can, type Actor } from '../auth/permissions';
import { migrate } from '../store/migrate';
import { isGpTestKey, kcv, KEY_LENGTHS, type KeyAlgorithm } from './kcv';
import { deriveKek, loadSecret, KekError, type KekSource } from './kek';
import { KEYS_DOMAIN, KEYS_MIGRATIONS } from './schema';
import { open, seal, type Sealed } from './sealed';
import { KeyStoreError, type KeyInfo, type KeyMaterial, type KeyVault } from './types';
import type { HsmKeyWriter } from '../../devices/pkcs11/hsm-keys';
import { secureBuffer } from '../../devices/pkcs11/secure-buffer';

// The software key store: keys encrypted at rest under a KEK (kek.ts), created only through a
// dual-control ceremony in which each custodian enters one component and sees only its KCV.
// The components are XORed into an accumulator as they arrive and zeroed at once, so no
// component is kept and nobody but the station process ever holds the whole key. Only KCVs go
// to the audit log.
//
// With an HSM (useHsm), the same ceremony ends in the token instead: component KCVs and the key's
// KCV are computed by the token, and the combined key exists in this process's memory only for
// the C_CreateObject call that makes it a token object (sensitive, not extractable), then it is
// zeroed. The database keeps only the key's metadata. Deleting a key needs two administrators.

export interface KeyStoreOptions extends KekSource {
  now?: () => number;
  /** An unfinished ceremony is abandoned (and wiped) after this long; default 30 minutes. */
  ceremonyTtlMs?: number;
}

export interface CeremonySpec {
  keyId: string;
  label: string;
  algorithm: KeyAlgorithm;
  /** Key length in bytes (AES 16/24/32, DES3 16/24); default 16. */
  length?: number;
  components: 2 | 3;
  test: boolean;
}

export interface CeremonyStatus {
  id: string;
  keyId: string;
  algorithm: KeyAlgorithm;
  length: number;
  components: number;
  entered: { index: number; custodian: string; kcv: string }[];
  startedBy: string;
  startedAt: number;
}

interface Ceremony extends CeremonyStatus {
  label: string;
  test: boolean;
  acc: Buffer;
}

interface KeyRow {
  id: string; label: string; algorithm: KeyAlgorithm; length: number; kcv: string; test: number; origin: 'ceremony' | 'test-import';
  components: number; custodians: string; created_by: string; created_at: number; iv: Buffer; ct: Buffer; tag: Buffer; location: 'software' | 'hsm';
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const CHECK_AAD = 'perso-station key store check';

export class SoftwareKeyStore implements KeyVault {
  private readonly kek: Buffer;
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly ceremonies = new Map<string, Ceremony>();
  private hsm: HsmKeyWriter | null = null;
  /** Key deletions asked for by one administrator, waiting for a second one. */
  private readonly deletions = new Map<string, { by: string; at: number }>();

  constructor(private readonly db: Database, private readonly audit: AuditLog, opts: KeyStoreOptions) {
    this.now = opts.now ?? Date.now;
    this.ttl = opts.ceremonyTtlMs ?? 30 * 60_000;
    migrate(db, KEYS_DOMAIN, KEYS_MIGRATIONS);
    const { secret } = loadSecret(opts);
    const meta = db.prepare('SELECT kdf_salt, check_iv, check_ct, check_tag FROM key_store_meta WHERE id = 1').get() as
      | { kdf_salt: Buffer; check_iv: Buffer; check_ct: Buffer; check_tag: Buffer } | undefined;
    if (!meta) {
      const salt = randomBytes(16);
      this.kek = deriveKek(secret, salt);
      const chk = seal(this.kek, Buffer.from(CHECK_AAD), CHECK_AAD);
      db.prepare('INSERT INTO key_store_meta VALUES (1, ?, ?, ?, ?, ?)').run(salt, chk.iv, chk.ct, chk.tag, this.now());
    } else {
      this.kek = deriveKek(secret, meta.kdf_salt);
      const plain = open(this.kek, { iv: meta.check_iv, ct: meta.check_ct, tag: meta.check_tag }, CHECK_AAD);
      if (!plain) {
        this.kek.fill(0);
        throw new KekError('the key-encryption secret does not match this key store (wrong passphrase or secret file)');
      }
    }
    secret.fill(0);
  }

  startCeremony(spec: CeremonySpec, by: Actor): string {
    this.sweep();
    this.require(by, 'key.manage', `key:${spec.keyId}`);
    const length = spec.length ?? 16;
    if (typeof spec.keyId !== 'string' || !KEY_ID.test(spec.keyId)) throw new KeyStoreError('INVALID', 'a key id has 1–64 letters, digits, dots, dashes, colons or underscores');
    if (!KEY_LENGTHS[spec.algorithm]) throw new KeyStoreError('INVALID', `unknown key algorithm "${spec.algorithm}" (AES or DES3)`);
    if (!KEY_LENGTHS[spec.algorithm].includes(length)) throw new KeyStoreError('INVALID', `a ${spec.algorithm} key has ${KEY_LENGTHS[spec.algorithm].join(', ')} bytes, not ${length}`);
    if (spec.components !== 2 && spec.components !== 3) throw new KeyStoreError('INVALID', 'a ceremony has 2 or 3 components');
    if (typeof spec.label !== 'string' || !spec.label.trim()) throw new KeyStoreError('INVALID', 'a key needs a label');
    if (this.exists(spec.keyId)) throw new KeyStoreError('KEY_EXISTS', `key ${spec.keyId} already exists`);
    if ([...this.ceremonies.values()].some((c) => c.keyId === spec.keyId)) throw new KeyStoreError('KEY_EXISTS', `a ceremony for key ${spec.keyId} is already under way`);
    const id = randomUUID();
    this.ceremonies.set(id, {
      id, keyId: spec.keyId, label: spec.label.trim(), algorithm: spec.algorithm, length, components: spec.components, test: !!spec.test,
      entered: [], startedBy: by.username, startedAt: this.now(), acc: secureBuffer(length),
    });
    this.log('key.ceremony.start', 'success', by, spec.keyId, `key ceremony started for ${spec.keyId} (${spec.algorithm}-${length * 8}, ${spec.components} components${spec.test ? ', test key' : ''})`,
      { ceremony: id, algorithm: spec.algorithm, length, components: spec.components, test: !!spec.test });
    return id;
  }

  /**
   * One custodian's component. The component (hex text, or a Buffer which is zeroed here) is
   * XORed into the ceremony and dropped; the custodian sees its KCV. The last component completes
   * the key, which is stored encrypted and returned as metadata with its KCV.
   */
  enterComponent(ceremonyId: string, custodian: Actor, component: string | Buffer): { index: number; kcv: string; remaining: number; key?: KeyInfo } {
    this.sweep();
    const c = this.ceremonies.get(ceremonyId);
    const part = typeof component === 'string' ? parseHex(component) : component;
    try {
      if (!c) throw new KeyStoreError('NO_CEREMONY', 'no such key ceremony (finished, abandoned or expired)');
      this.require(custodian, 'key.custody', `key:${c.keyId}`);
      if (c.entered.some((e) => e.custodian.toLowerCase() === custodian.username.toLowerCase())) {
        this.log('key.component', 'failure', custodian, c.keyId, `${custodian.username} tried to enter a second component for ${c.keyId}: each component needs a different custodian`, { ceremony: c.id, reason: 'SAME_CUSTODIAN' });
        throw new KeyStoreError('SAME_CUSTODIAN', `${custodian.username} has already entered a component of this key: each component needs a different custodian`);
      }
      if (!part || part.length !== c.length) throw new KeyStoreError('INVALID', `a component of this key is ${c.length} bytes (${c.length * 2} hex digits)`);
      if (part.every((b) => b === 0)) throw new KeyStoreError('WEAK_KEY', 'a component of all zeros adds no secrecy');
      const partKcv = this.kcvOf(c.algorithm, part);
      if (c.entered.some((e) => e.kcv === partKcv)) {
        this.log('key.component', 'failure', custodian, c.keyId, `component for ${c.keyId} refused: same KCV ${partKcv} as an earlier component`, { ceremony: c.id, kcv: partKcv, reason: 'WEAK_KEY' });
        throw new KeyStoreError('WEAK_KEY', 'this component repeats an earlier one (same KCV): enter a different component');
      }
      for (let i = 0; i < part.length; i++) c.acc[i] ^= part[i];
      const index = c.entered.length + 1;
      c.entered.push({ index, custodian: custodian.username, kcv: partKcv });
      this.log('key.component', 'success', custodian, c.keyId, `component ${index} of ${c.components} for ${c.keyId} entered by ${custodian.username}, KCV ${partKcv}`, { ceremony: c.id, index, kcv: partKcv });
      const remaining = c.components - index;
      if (remaining > 0) return { index, kcv: partKcv, remaining };
      return { index, kcv: partKcv, remaining: 0, key: this.complete(c, custodian) };
    } finally {
      part?.fill(0);
    }
  }

  abortCeremony(ceremonyId: string, by: Actor): void {
    const c = this.ceremonies.get(ceremonyId);
    if (!c) return;
    this.require(by, 'key.manage', `key:${c.keyId}`);
    this.drop(c, by, 'aborted');
  }

  ceremonyStatus(ceremonyId: string): CeremonyStatus | null {
    this.sweep();
    const c = this.ceremonies.get(ceremonyId);
    if (!c) return null;
    const { acc: _acc, label: _l, test: _t, ...status } = c;
    return { ...status, entered: c.entered.map((e) => ({ ...e })) };
  }

  /** A known key for test products only (e.g. the GlobalPlatform 40 41 42 … set); refused unless test is true. */
  importTestKey(k: { keyId: string; label: string; algorithm: KeyAlgorithm; hex: string; test: boolean }, by: Actor): KeyInfo {
    this.require(by, 'key.manage', `key:${k.keyId}`);
    if (k.test !== true) {
      this.log('key.import.test', 'failure', by, k.keyId, `import of ${k.keyId} refused: only test keys can be imported whole`, { reason: 'TEST_KEY' });
      throw new KeyStoreError('TEST_KEY', 'only a key marked test can be imported whole; production keys are entered in a key ceremony by separate custodians');
    }
    if (typeof k.keyId !== 'string' || !KEY_ID.test(k.keyId)) throw new KeyStoreError('INVALID', 'a key id has 1–64 letters, digits, dots, dashes, colons or underscores');
    if (!KEY_LENGTHS[k.algorithm]) throw new KeyStoreError('INVALID', `unknown key algorithm "${k.algorithm}" (AES or DES3)`);
    if (this.exists(k.keyId)) throw new KeyStoreError('KEY_EXISTS', `key ${k.keyId} already exists`);
    const key = parseHex(k.hex);
    try {
      if (!key || !KEY_LENGTHS[k.algorithm].includes(key.length)) throw new KeyStoreError('INVALID', `a ${k.algorithm} key has ${KEY_LENGTHS[k.algorithm].join(', ')} bytes`);
      const info = this.store({ id: k.keyId, label: k.label || k.keyId, algorithm: k.algorithm, test: true, origin: 'test-import', custodians: [], createdBy: by.username }, key);
      this.log('key.import.test', 'success', by, k.keyId, `test key ${k.keyId} imported (${k.algorithm}-${key.length * 8}), KCV ${info.kcv}`, { kcv: info.kcv, test: true });
      return info;
    } finally {
      key?.fill(0);
    }
  }

  list(): KeyInfo[] {
    return (this.db.prepare('SELECT * FROM key_store_keys ORDER BY id').all() as KeyRow[]).map(toInfo);
  }

  lookup(keyId: string): KeyMaterial | null {
    const row = this.db.prepare('SELECT * FROM key_store_keys WHERE id = ?').get(keyId) as KeyRow | undefined;
    if (!row || row.location === 'hsm') return null;
    const material = open(this.kek, row, aad(row.id, row.algorithm, row.length, !!row.test));
    if (!material) throw new KeyStoreError('DAMAGED', `key ${keyId} cannot be decrypted: its stored record was altered or belongs to another key`);
    return { material, algorithm: row.algorithm, test: !!row.test };
  }

  /** Zeroes the KEK and every unfinished ceremony. */
  close(): void {
    for (const c of this.ceremonies.values()) c.acc.fill(0);
    this.ceremonies.clear();
    this.kek.fill(0);
  }

  private complete(c: Ceremony, by: Actor): KeyInfo {
    this.ceremonies.delete(c.id);
    try {
      if (c.acc.every((b) => b === 0)) {
        this.log('key.ceremony.refused', 'failure', by, c.keyId, `key ${c.keyId} refused: the components cancel out`, { ceremony: c.id, reason: 'WEAK_KEY' });
        throw new KeyStoreError('WEAK_KEY', 'the components cancel each other out: the key would be all zeros; start a new ceremony');
      }
      if (isGpTestKey(c.acc) && !c.test) {
        this.log('key.ceremony.refused', 'failure', by, c.keyId, `key ${c.keyId} refused: it is the GlobalPlatform test key and the key is not marked test`, { ceremony: c.id, reason: 'TEST_KEY' });
        throw new KeyStoreError('TEST_KEY', 'these components make the publicly known GlobalPlatform test key (40 41 42 …); it is only allowed for a key marked test');
      }
      const info = this.store({ id: c.keyId, label: c.label, algorithm: c.algorithm, test: c.test, origin: 'ceremony', custodians: c.entered.map((e) => e.custodian), createdBy: c.startedBy }, c.acc);
      // Where the components were combined, for the auditor: pkcs11js cannot pass CKM_XOR_BASE_AND_DATA's parameter even where a token lists it.
      const where = !this.hsm ? '' : this.hsm.combinesInToken() ? ' in the HSM token; components combined in station memory (the token lists CKM_XOR_BASE_AND_DATA, which the PKCS#11 binding cannot call)' : ' in the HSM token; components combined in station memory (the token does not list CKM_XOR_BASE_AND_DATA)';
      this.log('key.create', 'success', by, c.keyId, `key ${c.keyId} created from ${c.components} components${where}, KCV ${info.kcv}`, { ceremony: c.id, kcv: info.kcv, components: c.components, test: c.test, location: info.location });
      return info;
    } finally {
      c.acc.fill(0);
    }
  }

  private store(m: { id: string; label: string; algorithm: KeyAlgorithm; test: boolean; origin: 'ceremony' | 'test-import'; custodians: string[]; createdBy: string }, key: Buffer): KeyInfo {
    let check: string;
    let s: Sealed = { iv: Buffer.alloc(0), ct: Buffer.alloc(0), tag: Buffer.alloc(0) };
    if (this.hsm) check = this.onHsm(() => this.hsm!.createKey(m.id, m.algorithm, key));
    else {
      check = kcv(m.algorithm, key);
      s = seal(this.kek, key, aad(m.id, m.algorithm, key.length, m.test));
    }
    this.db.prepare('INSERT INTO key_store_keys (id, label, algorithm, length, kcv, test, origin, components, custodians, created_by, created_at, iv, ct, tag, location) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)').run(
      m.id, m.label, m.algorithm, key.length, check, m.test ? 1 : 0, m.origin, m.custodians.length, JSON.stringify(m.custodians), m.createdBy, this.now(), s.iv, s.ct, s.tag, this.hsm ? 'hsm' : 'software',
    );
    return toInfo(this.db.prepare('SELECT * FROM key_store_keys WHERE id = ?').get(m.id) as KeyRow);
  }

  /** From now on keys are made in the HSM: KCVs by the token, the key a token object. */
  useHsm(writer: HsmKeyWriter): void {
    this.hsm = writer;
  }

  get location(): 'software' | 'hsm' {
    return this.hsm ? 'hsm' : 'software';
  }

  meta(keyId: string): { test: boolean } | null {
    const row = this.db.prepare('SELECT test FROM key_store_keys WHERE id = ?').get(keyId) as { test: number } | undefined;
    return row ? { test: !!row.test } : null;
  }

  /**
   * Deleting a key needs two administrators: the first asks, a different one confirms. Returns
   * 'pending' after the first, 'deleted' after the second.
   */
  deleteKey(keyId: string, by: Actor): 'pending' | 'deleted' {
    this.require(by, 'key.manage', `key:${keyId}`);
    const row = this.db.prepare('SELECT * FROM key_store_keys WHERE id = ?').get(keyId) as KeyRow | undefined;
    if (!row) throw new KeyStoreError('NO_KEY', `key ${keyId} does not exist`);
    const pending = this.deletions.get(keyId);
    if (!pending || this.now() - pending.at > this.ttl) {
      this.deletions.set(keyId, { by: by.username, at: this.now() });
      this.log('key.delete.request', 'success', by, keyId, `${by.username} asked to delete key ${keyId} (KCV ${row.kcv}); a second administrator must confirm`, { kcv: row.kcv });
      return 'pending';
    }
    if (pending.by.toLowerCase() === by.username.toLowerCase()) {
      this.log('key.delete.request', 'failure', by, keyId, `${by.username} tried to confirm their own deletion of key ${keyId}`, { reason: 'SAME_CUSTODIAN' });
      throw new KeyStoreError('SAME_CUSTODIAN', 'deleting a key needs a second administrator: another person must confirm');
    }
    if (row.location === 'hsm') this.onHsm(() => this.hsm ? this.hsm.deleteKey(keyId) : (() => { throw new KeyStoreError('HSM_UNAVAILABLE', 'this key is in an HSM and the station has no HSM key store configured'); })());
    this.db.prepare('DELETE FROM key_store_keys WHERE id = ?').run(keyId);
    this.deletions.delete(keyId);
    this.log('key.delete', 'success', by, keyId, `key ${keyId} (KCV ${row.kcv}) deleted, asked by ${pending.by}, confirmed by ${by.username}`, { kcv: row.kcv, askedBy: pending.by });
    return 'deleted';
  }

  private kcvOf(algorithm: KeyAlgorithm, value: Buffer): string {
    return this.hsm ? this.onHsm(() => this.hsm!.kcv(algorithm, value)) : kcv(algorithm, value);
  }

  /** HSM calls: a token that is not there becomes a key-store refusal naming its state. */
  private onHsm<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof KeyStoreError) throw e;
      throw new KeyStoreError('HSM_UNAVAILABLE', `${(e as Error).message}`);
    }
  }

  private exists(keyId: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM key_store_keys WHERE id = ?').get(keyId);
  }

  private sweep(): void {
    const now = this.now();
    for (const c of this.ceremonies.values()) {
      if (now - c.startedAt > this.ttl) this.drop(c, { username: c.startedBy, role: 'administrator', origin: 'station' }, 'expired');
    }
  }

  private drop(c: Ceremony, by: Actor, why: 'aborted' | 'expired'): void {
    c.acc.fill(0);
    this.ceremonies.delete(c.id);
    this.log('key.ceremony.abort', 'failure', by, c.keyId, `key ceremony for ${c.keyId} ${why} after ${c.entered.length} of ${c.components} components`, { ceremony: c.id, reason: why });
  }

  private require(by: Actor, action: 'key.manage' | 'key.custody', resource: string): void {
    if (can(by.role, action)) return;
    this.audit.append({ type: 'auth.forbidden', severity: 'warn', outcome: 'failure', user: by.username, origin: by.origin, resource, message: `${by.username} (${by.role}) is not allowed to ${action}`, data: { action } });
    throw new KeyStoreError('FORBIDDEN', `a ${by.role} is not allowed to ${action}`);
  }

  private log(type: string, outcome: 'success' | 'failure', by: Actor, keyId: string, message: string, data: Record<string, string | number | boolean | null>): void {
    this.audit.append({ type, severity: outcome === 'failure' ? 'warn' : 'info', outcome, user: by.username, origin: by.origin, resource: `key:${keyId}`, message, data });
  }
}

function aad(id: string, algorithm: string, length: number, test: boolean): string {
  return `perso-station key|${id}|${algorithm}|${length}|${test ? 1 : 0}`;
}

function parseHex(hex: string): Buffer | null {
  if (typeof hex !== 'string') return null;
  const clean = hex.replace(/\s+/g, '');
  return /^([0-9a-fA-F]{2})+$/.test(clean) ? Buffer.from(clean, 'hex') : null;
}

function toInfo(r: KeyRow): KeyInfo {
  return {
    id: r.id, label: r.label, algorithm: r.algorithm, length: r.length, kcv: r.kcv, test: !!r.test, origin: r.origin,
    components: r.components, custodians: JSON.parse(r.custodians), createdBy: r.created_by, createdAt: r.created_at, location: r.location ?? 'software',
  };
}
