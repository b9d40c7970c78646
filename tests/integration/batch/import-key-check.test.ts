import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemo, demoRecords, DEMO_PRODUCT_ID } from '../../../electron/cli/demo';
import { bootStation } from '../../../electron/boot';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { CallEnvelope } from '../../../shared/contract/api';

// Issue 11 item 6: a chip product whose key this station does not hold is known at import, where the
// key store is; its batch is refused there with that reason (nothing stored), not imported and then
// fed card after card into CHIP_NO_KEY.
test('a batch of a product whose chip key is not loaded is refused at import with that reason; nothing is stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-keycheck-'));
  const demo = await writeDemo({ dir, importSample: false, timeScale: 0 });
  const productsDir = join(dir, 'products');
  const file = readdirSync(productsDir).map((f) => join(productsDir, f)).find((f) => JSON.parse(readFileSync(f, 'utf8')).id === DEMO_PRODUCT_ID)!;
  const product = JSON.parse(readFileSync(file, 'utf8'));
  product.chip.keyId = 'KEY-NOT-LOADED';
  writeFileSync(file, JSON.stringify(product));
  const core = await bootStation({ configPath: demo.configPath, origin: 'bridge' });
  try {
    const credentials = JSON.parse(readFileSync(join(dir, 'demo-users.json'), 'utf8'));
    const conn = { id: 'c1', origin: 'ui:test', sessionId: null as string | null };
    assert.ok(((await dispatch(core.handlers, 'session.login', credentials.operator, conn)) as CallEnvelope<unknown>).ok);
    const content = JSON.stringify({ format: 'perso-batch/1', batchId: 'K1', productId: DEMO_PRODUCT_ID, records: demoRecords(3, Buffer.alloc(16, 7)) });
    const r = (await dispatch(core.handlers, 'batches.import', { fileName: 'k1.json', content }, conn)) as CallEnvelope<unknown>;
    assert.equal(r.ok, false, 'the batch was imported although its product cannot run here');
    if (r.ok) return;
    assert.equal(r.error.code, 'VALIDATION');
    assert.ok(r.error.problems?.some((p) => p.field === 'productId' && /KEY-NOT-LOADED" is not loaded/.test(p.message)), JSON.stringify(r.error));
    assert.equal(core.station.store.hasBatch('K1'), false);
  } finally {
    await core.station.close();
  }
});
