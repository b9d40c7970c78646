import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPcscd, type Pcscd } from '../../support/pcscd';
import { writeDemo } from '../../../electron/cli/demo';
import { bootStation, type Booted } from '../../../electron/boot';
import type { SimLine } from '../../../electron/sim/line';
import type { BlankCard } from '../../../electron/sim/card/blank-card';
import type { EventName } from '../../../shared/contract/channels';

// The station's chip step through a real pcscd with vpcd readers: the simulated machine inserts
// each blank card into vpcd slot N as a vpcd client, and the station personalizes it over PC/SC.
let pcscd: Pcscd;
before(async () => {
  pcscd = await startPcscd({ readers: 2 });
});
after(async () => {
  await pcscd?.stop();
});

async function station(cards: number, timeScale = 0): Promise<{ b: Booted; line: SimLine; dir: string; sent: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'perso-pcsc-'));
  await writeDemo({ dir, importSample: true, cards, pcsc: true, timeScale });
  const b = await bootStation({ configPath: join(dir, 'station.json'), origin: 'cli' });
  const sent: string[] = [];
  // Everything that would go to a renderer.
  b.station.events.onAny((name: EventName, p: unknown) => sent.push(JSON.stringify({ name, p })));
  return { b, line: b.station.deviceSet.extras!.simLine as SimLine, dir, sent };
}

async function runAll(b: Booted) {
  b.station.engine.start('DEMO-0001');
  await b.station.engine.idle();
  const rows = b.station.store.page({ batchId: 'DEMO-0001', offset: 0, limit: 100 }).rows;
  return rows;
}

/** Every file the station wrote under its data directory (database, WAL, key files, archives). */
function written(dir: string): Buffer {
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
  return Buffer.concat(files(join(dir, 'data')).map((f) => readFileSync(f)));
}

test('cards are personalized over real PC/SC in two readers; the chips hold the secret DGIs the station never saw', async () => {
  const { b, line, dir, sent } = await station(6);
  try {
    const rows = await runAll(b);
    const failed = rows.filter((r) => r.state === 'failed');
    assert.deepEqual(failed.map((r) => r.reason), ['MSR_WRITE_ERROR'], 'only the defective-stripe card fails');
    const chipLog = b.station.audit.query({ type: 'step.chip', limit: 100 }).rows;
    assert.ok(chipLog.length >= 6);
    assert.deepEqual(new Set(chipLog.map((e) => e.data!.reader)), new Set(['chip-0', 'chip-1']), 'both heads were used');
    const store = written(dir);
    const wire = Buffer.from(sent.join('\n'));
    let secrets = 0;
    for (const card of line.cards.values()) {
      const chip = card.chip as BlankCard;
      const app = chip.inspect().apps.find((a) => a.dgis.size);
      if (!app) continue;
      for (const [dgi, plain] of app.dgis) {
        if (!dgi.startsWith('80')) continue; // 8000 keys, 8010 PIN block: issuer-encrypted
        secrets++;
        for (const hay of [store, wire]) {
          assert.equal(hay.indexOf(plain), -1, `plaintext of DGI ${dgi} found`);
          assert.ok(!hay.toString('latin1').toUpperCase().includes(plain.toString('hex').toUpperCase()), `hex plaintext of DGI ${dgi} found`);
        }
      }
    }
    assert.ok(secrets >= 10, `expected the chips to hold the decrypted secret DGIs, found ${secrets}`);
  } finally {
    await b.station.close();
  }
});

test('a card pulled in the middle of STORE DATA fails with a clear reason; the station goes on and the next card is fine', async () => {
  const { b, line } = await station(4);
  line.cardOverrides = (serial) => (serial === 1001 ? { faults: { removeAtStoreData: 2 } } : undefined);
  try {
    const rows = await runAll(b);
    const pulled = rows.find((r) => r.reason === 'CHIP_CARD_REMOVED');
    assert.ok(pulled, JSON.stringify(rows.map((r) => [r.record_id, r.state, r.reason])));
    assert.equal(pulled.step, 'chip');
    assert.ok(rows.filter((r) => r.state === 'passed').length >= 2);
    assert.equal(b.station.engine.status().state, 'finished');
  } finally {
    await b.station.close();
  }
});

test('wrong card stock (ATR) and wrong keys fail the card at once; EXTERNAL AUTHENTICATE is never tried on wrong keys', async () => {
  const { b, line } = await station(4);
  line.cardOverrides = (serial) =>
    serial === 1000 ? { atr: Buffer.from('3B0200FF', 'hex') } : serial === 1002 ? { masterKey: Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex') } : undefined;
  try {
    const rows = await runAll(b);
    const byReason = Object.fromEntries(rows.filter((r) => r.state === 'failed').map((r) => [r.reason, r]));
    assert.ok(byReason.CHIP_ATR_MISMATCH, JSON.stringify(rows.map((r) => [r.record_id, r.reason])));
    assert.ok(byReason.CHIP_AUTH_FAILED);
    const wrongKeys = line.cards.get(1002)!.chip as BlankCard;
    assert.equal(wrongKeys.inspect().authFailures, 1, 'one INITIALIZE UPDATE, no retry');
    const stock = line.cards.get(1000)!.chip as BlankCard;
    assert.equal(stock.inspect().storeDataCount, 0, 'nothing written to the wrong stock');
  } finally {
    await b.station.close();
  }
});

test('pcscd restarted in the middle of a batch: the reader service recovers and the batch finishes', async () => {
  const { b } = await station(8, 0.05);
  try {
    b.station.engine.start('DEMO-0001');
    await new Promise((r) => setTimeout(r, 700));
    const before = b.station.store.counts('DEMO-0001');
    assert.ok(before.queued + before.inProgress > 0, `the restart must fall inside the batch: ${JSON.stringify(before)}`);
    await pcscd.restart();
    await b.station.engine.idle();
    const c = b.station.store.counts('DEMO-0001');
    assert.equal(c.queued + c.inProgress, 0, 'nothing left behind');
    assert.ok(c.passed >= 5, JSON.stringify(c));
    const readers = b.station.deviceSet.devices.filter((d) => d.kind === 'reader');
    assert.ok(readers.every((d) => d.status().state === 'online' || d.status().state === 'busy'), JSON.stringify(readers.map((d) => d.status())));
  } finally {
    await b.station.close();
  }
});
