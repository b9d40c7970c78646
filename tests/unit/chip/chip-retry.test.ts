import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SimPcscBinding } from '../../../electron/devices/pcsc/sim-binding';
import { ReaderService } from '../../../electron/devices/pcsc/reader-service';
import { ReaderDevice } from '../../../electron/devices/pcsc/reader-device';
import { createChipModule } from '../../../electron/devices/chip/chip-module';
import { createSoftwareKeyProvider } from '../../../electron/devices/chip/keys';
import { GP_TEST_KEY } from '../../../electron/devices/chip/dataprep';
import { createBlankCard, type BlankCard } from '../../../electron/sim/card/blank-card';
import type { StepContext, StepOutcome } from '../../../electron/core/engine/step';
import { ProductSchema, type Product } from '../../../shared/domain/product';
import { demoProduct, demoRecords } from '../../../electron/wiring/demo';

// A chip retry runs on the SAME card, still in the head, through the real chip module, reader
// service and an in-process virtual GlobalPlatform card: it is identified before anything is
// sent; another card in the head stops the attempt; a status word meaning damaged memory or
// refused data is not retried.

const dek = randomBytes(16);
const product: Product = ProductSchema.parse({ ...demoProduct(), test: true, retries: { chip: 3 } });
const rec = demoRecords(1, dek)[0];

async function rig() {
  const binding = new SimPcscBinding(['Sim Reader 0']);
  const service = new ReaderService({ binding });
  const head = new ReaderDevice(service, { id: 'chip-0', match: 'Sim Reader 0', name: 'Chip head 0' });
  await head.start();
  const keys = createSoftwareKeyProvider(async () => ({ material: Buffer.from(GP_TEST_KEY), algorithm: 'AES', test: true }));
  const mod = createChipModule([head], keys, { cardTimeoutMs: 400 });
  let serial = 0;
  const card = (faults: BlankCard['faults'] = {}) =>
    createBlankCard({ serial: ++serial, masterKey: GP_TEST_KEY, keyAlgorithm: 'AES', scp: 'SCP03', diversification: 'kdf3', issuerDek: dek, faults });
  const insert = async (c: BlankCard) => {
    binding.reader('Sim Reader 0').insert(c);
    await new Promise((r) => setTimeout(r, 50));
  };
  const run = (attempt: number, cardId = 1): Promise<StepOutcome> =>
    mod.run({ cardId, batchId: 'B', recordIndex: 0, record: rec, product, slot: 0, attempt, signal: new AbortController().signal, progress: () => {}, note: () => {} } as StepContext);
  return { binding, service, head, mod, card, insert, run, async close() { await head.close(); await service.close(); } };
}

test('a chip retry runs on the same card still in the head, without waiting for a new insertion', async () => {
  const r = await rig();
  try {
    // The card refuses one DGI once with a status a retry may cure (6F00, no precise diagnosis).
    const c = r.card({ statusOnDgi: { dgi: '8010', sw: 0x6f00 } });
    await r.insert(c);
    const first = await r.run(1);
    assert.equal(first.ok, false);
    assert.equal(!first.ok && first.retryable, true);
    c.faults = {};
    const second = await r.run(2);
    assert.deepEqual(second.ok ? 'ok' : `${second.reason}: ${second.message}`, 'ok', 'the retry ran on the card in the head');
    assert.ok(c.inspect().apps[0].dgis.has('8010'), 'the same card now holds the record');
  } finally {
    await r.close();
  }
});

test('a different card in the head stops the retry with a reason that says so; nothing is written to it', async () => {
  const r = await rig();
  try {
    const a = r.card({ statusOnDgi: { dgi: '8010', sw: 0x6f00 } });
    await r.insert(a);
    const first = await r.run(1);
    assert.equal(first.ok, false);
    const b = r.card();
    await r.insert(b);
    const second = await r.run(2);
    assert.equal(second.ok, false);
    assert.equal(!second.ok && second.reason, 'CHIP_CARD_CHANGED');
    assert.equal(!second.ok && second.retryable, false);
    assert.equal(b.inspect().storeDataCount, 0, 'the other card received no record data');
  } finally {
    await r.close();
  }
});

test('6581 (memory failure) and 6A80 (data refused) after record data was written are not retried', async () => {
  for (const sw of [0x6581, 0x6a80]) {
    const r = await rig();
    try {
      await r.insert(r.card({ statusOnDgi: { dgi: '8010', sw } }));
      const out = await r.run(1);
      assert.equal(out.ok, false);
      assert.equal(!out.ok && out.retryable, false, `${sw.toString(16)} is final`);
    } finally {
      await r.close();
    }
  }
});

test('through the engine with retries.chip 3: a card that took record data and then answered 6581 is spoiled to the reject bin after one attempt; the next blank gets only its own record', async () => {
  const { Engine } = await import('../../../electron/core/engine/engine');
  const { makeStore } = await import('../../support/core-fixture');
  const { PhysicalTransport } = await import('../../support/physical-transport');
  const r = await rig();
  try {
    const store = makeStore();
    const records = demoRecords(3, dek);
    store.importBatch({ header: { format: 'perso-batch/1', batchId: 'B', productId: product.id }, records }, 'f.json', null);
    // The world: each handle the machine feeds is one blank card, inserted into the head when moved there.
    const blanks = new Map<number, BlankCard>();
    const transport = new PhysicalTransport();
    const move = transport.moveTo.bind(transport);
    transport.moveTo = async (h, m, slot) => {
      await move(h, m, slot);
      if (m === 'chip') {
        const c = r.card(blanks.size === 0 ? { statusOnDgi: { dgi: '8010', sw: 0x6581 } } : {});
        blanks.set(h, c);
        await r.insert(c);
      }
    };
    const chipOnly = { ...product, steps: ['chip'] } as Product;
    const engine = new Engine({ store, modules: { chip: r.mod }, transport, product: () => chipOnly, deviceReady: () => true, log: () => undefined, onCard: () => undefined, onStatus: () => undefined });
    engine.start('B');
    await engine.idle();
    const c = store.counts('B');
    assert.deepEqual([c.passed, c.failed], [2, 1]);
    const failed = store.page({ batchId: 'B', states: ['failed'], offset: 0, limit: 5 }).rows[0];
    assert.equal(failed.reason, 'CHIP_STATUS');
    const attempts = store.db.prepare("SELECT COUNT(*) FROM card_steps WHERE card_id = ? AND step = 'chip' AND phase = 'intent'").pluck().get(failed.id);
    assert.equal(attempts, 1, 'not retried');
    assert.deepEqual(transport.bins.reject, [1], 'the card holding part of the record went to the reject bin');
    const first = blanks.get(1)!;
    assert.ok(first.inspect().storeDataCount > 1 && first.inspect().apps[0].dgis.size > 0, 'the spoiled card did receive record data');
    // Every other blank holds one record, completely, and went to the good tray.
    assert.deepEqual(transport.bins.good, [2, 3]);
    for (const h of [2, 3]) assert.ok(blanks.get(h)!.inspect().apps[0].dgis.has('8010'));
  } finally {
    await r.close();
  }
});
