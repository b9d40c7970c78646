import type { Product } from '../../../shared/domain/product';
import type { KeyInfo, KeyMaterial } from '../keys/types';
import { isGpTestKey } from '../../devices/chip/keys';

// Before the first card of a chip product is fed: is its master key there, and may this product
// use it? Otherwise every card of the batch would be fed, then fail CHIP_NO_KEY or the test-key
// refusal one after the other, each one a spoiled blank.
export interface KeyLookup {
  list(): KeyInfo[];
  /** Material of a software key (a fresh copy, zeroed here); null for an HSM key. */
  lookup(keyId: string): KeyMaterial | null;
}

/** Why the product cannot run with the station's keys, or null when it can. Never key material. */
export function keyRefusal(product: Product, keys: KeyLookup): string | null {
  if (!product.steps.includes('chip') || !product.chip) return null;
  const keyId = product.chip.keyId;
  const info = keys.list().find((k) => k.id === keyId);
  if (!info) return `product ${product.id}: its chip key "${keyId}" is not loaded in this station (CHIP_NO_KEY); ask an administrator to load it`;
  if (product.test) return null;
  if (info.test) return `product ${product.id} is not a test product but its chip key "${keyId}" is a test key; it is refused for production cards`;
  const m = keys.lookup(keyId);
  if (m) {
    const gp = isGpTestKey(m.material);
    m.material.fill(0);
    if (gp) return `product ${product.id} is not a test product but its chip key "${keyId}" is the GlobalPlatform test key; it is refused for production cards`;
  }
  return null;
}
