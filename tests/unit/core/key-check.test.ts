import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../../electron/core/engine/engine';
import { keyRefusal, type KeyLookup } from '../../../electron/core/engine/key-check';
import type { KeyInfo } from '../../../electron/core/keys/types';
import type { Product } from '../../../shared/domain/product';
import { makeStore, record, fakeModule, DirectTransport } from '../../support/core-fixture';

// A chip product whose key cannot be used is refused before the first card is fed, with the
// reason, instead of failing every card of the batch one after the other.

const GP = Buffer.from('404142434445464748494A4B4C4D4E4F', 'hex');
function keys(entries: { id: string; test: boolean; material: Buffer | null }[]): KeyLookup & { zeroed: Buffer[] } {
  const zeroed: Buffer[] = [];
  return {
    zeroed,
    list: () => entries.map((e) => ({ id: e.id, test: e.test }) as KeyInfo),
    lookup: (id) => {
      const e = entries.find((x) => x.id === id);
      if (!e?.material) return null;
      const copy = Buffer.from(e.material);
      zeroed.push(copy);
      return { material: copy, algorithm: 'AES', test: e.test };
    },
  };
}
const product = (test: boolean, keyId = 'kmc'): Product =>
  ({ id: 'P', name: 'P', test, steps: ['chip'], retries: {}, secureFields: [], chip: { keyId } }) as unknown as Product;

test('key check: missing key, test key or GP test key on a production product are refused; a test product may use test keys', () => {
  const prodKey = Buffer.alloc(16, 0x11);
  assert.match(keyRefusal(product(false, 'none'), keys([{ id: 'kmc', test: false, material: prodKey }]))!, /chip key "none" is not loaded .*CHIP_NO_KEY/);
  assert.match(keyRefusal(product(false), keys([{ id: 'kmc', test: true, material: GP }]))!, /is a test key; it is refused/);
  const k = keys([{ id: 'kmc', test: false, material: GP }]);
  assert.match(keyRefusal(product(false), k)!, /is the GlobalPlatform test key/);
  assert.ok(k.zeroed.every((b) => b.every((x) => x === 0)), 'the key copy is zeroed');
  assert.equal(keyRefusal(product(true), keys([{ id: 'kmc', test: true, material: GP }])), null);
  assert.equal(keyRefusal(product(false), keys([{ id: 'kmc', test: false, material: prodKey }])), null);
  assert.equal(keyRefusal(product(false), keys([{ id: 'kmc', test: false, material: null }])), null, 'an HSM key is there');
});

test('the engine refuses to start a product whose key is missing, and feeds no card', () => {
  const store = makeStore();
  store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: 'P' }, records: [record(1), record(2)] }, 'f', null);
  const transport = new DirectTransport();
  const p = product(false, 'absent');
  const engine = new Engine({
    store, modules: { chip: fakeModule('chip', () => ({ ok: false, reason: 'CHIP_NO_KEY', message: 'no key' })) }, transport, product: () => p,
    refuseProduct: (x) => keyRefusal(x, keys([])), deviceReady: () => true, log: () => undefined, onCard: () => undefined, onStatus: () => undefined,
  });
  assert.throws(() => engine.start('B'), /chip key "absent" is not loaded/);
  assert.equal(transport.fed, 0);
  assert.equal(store.counts('B').queued, 2);
});
