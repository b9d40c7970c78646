import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSoftwareKeyProvider } from '../../../electron/devices/chip/keys';
import { setup } from '../chip/fixtures';

// The software key store is for demo and training: a product not marked test is refused on it
// unless the station config allows it explicitly (keyStore.allowProduction).

const key = randomBytes(16);
const lookup = async () => ({ material: Buffer.from(key), algorithm: 'AES' as const, test: false });

test('a production product is refused on the software key store unless the config allows it', async () => {
  const fx = setup({ masterKey: key });
  const refusing = createSoftwareKeyProvider(lookup, { production: 'refuse' });
  const r = await fx.run({ keys: refusing, productIsTest: false });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.reason, 'CHIP_NO_KEY');
  assert.match(!r.ok ? r.message : '', /software key store/);
  assert.equal(fx.card.inspect().storeDataCount, 0, 'nothing written');
});

test('a test product runs on the software key store; allowProduction lets a production product run', async () => {
  const fx = setup({ masterKey: key });
  assert.equal((await fx.run({ keys: createSoftwareKeyProvider(lookup, { production: 'refuse' }), productIsTest: true })).ok, true);
  const fx2 = setup({ masterKey: key });
  assert.equal((await fx2.run({ keys: createSoftwareKeyProvider(lookup, { production: 'allow' }), productIsTest: false })).ok, true);
});
