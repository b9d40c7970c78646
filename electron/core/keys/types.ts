import type { KeyAlgorithm } from './kcv';

export interface KeyInfo {
  id: string;
  label: string;
  algorithm: KeyAlgorithm;
  /** Bytes. */
  length: number;
  kcv: string;
  test: boolean;
  origin: 'ceremony' | 'test-import';
  components: number;
  custodians: string[];
  createdBy: string;
  createdAt: number;
  /** software: sealed in the station database; hsm: a token object in the PKCS#11 key store. */
  location: 'software' | 'hsm';
}

export interface KeyMaterial {
  /** A fresh copy: the caller fills it with zeros when done. */
  material: Buffer;
  algorithm: KeyAlgorithm;
  test: boolean;
}

/**
 * What the chip side needs from a key store. The software store implements it; a PKCS#11 HSM
 * would implement it too (its lookup returning a handle-backed provider instead of material is
 * the one change the chip key provider would need).
 */
export interface KeyVault {
  list(): KeyInfo[];
  lookup(keyId: string): KeyMaterial | null;
  /** The station's record of a key (its test flag), wherever the key lives. */
  meta(keyId: string): { test: boolean } | null;
}

export class KeyStoreError extends Error {
  constructor(
    readonly code: 'FORBIDDEN' | 'INVALID' | 'KEY_EXISTS' | 'NO_CEREMONY' | 'SAME_CUSTODIAN' | 'TEST_KEY' | 'WEAK_KEY' | 'DAMAGED' | 'HSM_UNAVAILABLE' | 'NO_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'KeyStoreError';
  }
}
