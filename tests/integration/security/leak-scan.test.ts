import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CardRow, Counts, EngineStatus } from '../../../shared/contract/dto';
import { startStationFixture } from '../../support/station-fixture';
import { RawClient } from './ws-client';

// After a whole batch through the station (import, run, decide the failed card, export and
// query the log), everything the station wrote or sent is scanned for card secrets and keys:
// every file it wrote, the log export, and every WebSocket frame its clients received.
//
// How each secret is searched, so a hit means a leak and a miss means none:
// - full PANs, track discretionary data, secret DGI ciphertexts, keys: their exact text
//   (hex in either case, and base64 for keys) in everything, and their raw bytes in the files
//   (binary columns); all are long enough that a chance match is impossible.
// - CVV2 is 3 digits, which occur everywhere by chance (timestamps, sizes, ids). So it is
//   searched only where it could not be chance: as a JSON string value (the station never
//   sends a 3-digit string), after a cvv/cvc label in any text, and as a record field in JSON
//   text ("cvv2":"123") in the files; and no frame may carry a field named like a secret.
// - masked PANs: any rendering of a batch PAN (digits or mask characters, spaces allowed) may
//   show at most its first 6 and last 4 digits; no run of more than 6 digits may follow the BIN
//   anywhere.

interface Rec { recordId: string; pan: string; cvv2: string; track1Discretionary: string; track2Discretionary: string; dgis?: { dgi: string; data: string; encrypted: boolean }[] }

const INPUTS = new Set(['station.json', 'sim-issuer.json', 'demo-users.json', 'demo-users.txt', join('batches', 'sample-batch.json')]);
const SECRET_FIELD = /^(cvv2?|cvc2?|track[12]?(Discretionary)?|track[12]Data|dgis|pin(Block)?|componentHex|material|keyHex|hex|masterKeyHex|issuerDekHex)$/i;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every string value and every key in a JSON value. */
function walk(v: unknown, onString: (s: string, key: string | null) => void, onKey: (k: string) => void, key: string | null = null): void {
  if (typeof v === 'string') onString(v, key);
  else if (Array.isArray(v)) for (const x of v) walk(x, onString, onKey, key);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      onKey(k);
      walk(x, onString, onKey, k);
    }
}

/** Renderings of `pan` (each position its digit or a mask character, optional single spaces) found in `text`, with the indexes of visible digits. */
function panRenderings(text: string, pan: string): { found: string; visible: number[] }[] {
  const re = new RegExp(pan.split('').map((d) => `(?:${d}|[*•xX#])`).join(' ?'), 'g');
  const out: { found: string; visible: number[] }[] = [];
  for (const m of text.matchAll(re)) {
    const chars = m[0].replace(/ /g, '');
    out.push({ found: m[0], visible: [...chars].flatMap((c, i) => (/\d/.test(c) ? [i] : [])) });
  }
  return out;
}

test('nothing the station wrote or sent holds a full PAN, track data, CVV2, secret DGI data or key material', async (t) => {
  const fx = await startStationFixture();
  let closed = false;
  t.after(async () => {
    if (!closed) await fx.close();
  });
  const batch = JSON.parse(readFileSync(fx.sampleBatchPath, 'utf8')) as { records: Rec[] };
  const issuer = JSON.parse(readFileSync(join(fx.dataDir, 'sim-issuer.json'), 'utf8')) as { chip: { issuerDekHex: string; masterKeyHex: string } };
  assert.equal(batch.records.length, 12);

  const operator = await RawClient.open(fx.url);
  const supervisor = await RawClient.open(fx.url);
  const admin = await RawClient.open(fx.url);
  const clients = [operator, supervisor, admin];
  await operator.ok('session.login', fx.credentials.operator);
  await supervisor.ok('session.login', fx.credentials.supervisor);
  await admin.ok('session.login', fx.credentials.administrator);

  // The batch, end to end.
  const imported = await operator.ok<{ batchId: string }>('batches.import', { fileName: 'sample-batch.json', content: readFileSync(fx.sampleBatchPath, 'utf8') }, 60_000);
  await operator.ok('engine.start', { batchId: imported.batchId });
  const deadline = Date.now() + 180_000;
  let status: EngineStatus;
  do {
    await new Promise((r) => setTimeout(r, 250));
    status = await operator.ok<EngineStatus>('engine.status', {});
  } while (status.state === 'running' && Date.now() < deadline);
  assert.equal(status.state, 'finished');
  const failed = await supervisor.ok<{ rows: CardRow[] }>('queue.page', { batchId: imported.batchId, states: ['failed'], offset: 0, limit: 10 });
  assert.equal(failed.rows.length, 1);
  await supervisor.ok('cards.decide', { cardId: failed.rows[0].id, decision: 'reject', reason: 'stripe defective, card destroyed' });
  const all = await operator.ok<{ rows: CardRow[] }>('queue.page', { batchId: imported.batchId, offset: 0, limit: 100 });
  for (const c of all.rows) await operator.ok('cards.preview', { cardId: c.id, reveal: false });
  const counts = await operator.ok<Counts>('queue.counts', { batchId: imported.batchId });
  assert.equal(counts.passed, 11);
  assert.equal(counts.rejected, 1);
  const exported = await supervisor.ok<{ csv: string; rows: number }>('log.export', { filter: {} });
  assert.ok(exported.rows > 50, `the export holds the run (${exported.rows} entries)`);
  let before: number | undefined;
  do {
    const page = await supervisor.ok<{ nextBeforeSeq: number | null }>('log.query', { filter: {}, beforeSeq: before, limit: 500 });
    before = page.nextBeforeSeq ?? undefined;
  } while (before != null);
  await admin.ok('keys.list', {});
  await new Promise((r) => setTimeout(r, 300)); // the last events
  assert.ok(operator.received.some((f) => f.includes('"t":"event"')), 'the clients received events during the run');

  // What to look for.
  const texts: { what: string; hex: string[]; raw?: Buffer }[] = [];
  for (const r of batch.records) {
    texts.push({ what: `full PAN of ${r.recordId}`, hex: [r.pan], raw: Buffer.from(r.pan.length % 2 ? `${r.pan}F` : r.pan, 'hex') });
    texts.push({ what: `track 1 discretionary data of ${r.recordId}`, hex: [r.track1Discretionary] });
    texts.push({ what: `track 2 discretionary data of ${r.recordId}`, hex: [r.track2Discretionary] });
    for (const d of r.dgis ?? []) if (d.encrypted) texts.push({ what: `secret DGI ${d.dgi} of ${r.recordId}`, hex: [d.data], raw: Buffer.from(d.data, 'hex') });
  }
  assert.ok(texts.filter((x) => x.what.startsWith('secret DGI')).length >= 12, 'the sample carries secret DGIs');
  for (const [what, hex] of [['the GlobalPlatform test key', '404142434445464748494A4B4C4D4E4F'], ['the issuer DEK', issuer.chip.issuerDekHex]] as const) {
    const raw = Buffer.from(hex, 'hex');
    texts.push({ what, hex: [hex, raw.toString('base64')], raw });
  }
  assert.equal(issuer.chip.masterKeyHex.toUpperCase(), '404142434445464748494A4B4C4D4E4F');
  const cvvs = new Set(batch.records.map((r) => r.cvv2));

  // Everything the station wrote: read while it runs (with its -wal and -shm) and again after it closed.
  const snapshot = () =>
    filesUnder(fx.dataDir)
      .filter((p) => !INPUTS.has(relative(fx.dataDir, p)) && !relative(fx.dataDir, p).startsWith('products'))
      .map((p) => ({ name: `${relative(fx.dataDir, p)}`, bytes: readFileSync(p) }));
  const live = snapshot();
  await fx.close();
  closed = true;
  const files = [...live.map((f) => ({ ...f, name: `${f.name} (running)` })), ...snapshot().map((f) => ({ ...f, name: `${f.name} (closed)` }))];
  assert.ok(files.some((f) => f.name.startsWith(join('data', 'station.db'))), 'the database was scanned');
  assert.ok(live.some((f) => f.name.endsWith('station.db-wal')), 'the write-ahead log was scanned');

  const sources = [
    ...files.map((f) => ({ name: f.name, text: f.bytes.toString('latin1'), bytes: f.bytes })),
    { name: 'log export', text: exported.csv, bytes: Buffer.from(exported.csv) },
    ...clients.flatMap((c, i) => c.received.map((text, k) => ({ name: `frame ${k} to ${['operator', 'supervisor', 'administrator'][i]}`, text, bytes: null as Buffer | null }))),
  ];
  const problems: string[] = [];
  for (const s of sources) {
    const lower = s.text.toLowerCase();
    for (const x of texts) {
      for (const h of x.hex) if ((/^[0-9a-f]+$/i.test(h) ? lower : s.text).includes(/^[0-9a-f]+$/i.test(h) ? h.toLowerCase() : h)) problems.push(`${x.what} in ${s.name}`);
      if (x.raw && s.bytes && s.bytes.includes(x.raw)) problems.push(`${x.what} (raw bytes) in ${s.name}`);
    }
    for (const m of s.text.matchAll(/(cvv2?|cvc2?)\W{0,12}(\d{3,4})/gi)) if (cvvs.has(m[2])) problems.push(`a CVV2 after "${m[1]}" in ${s.name}`);
    if (/492181\d{7,}/.test(s.text)) problems.push(`digits of a PAN past its BIN in ${s.name}`);
  }

  // The frames, as JSON: no secret field, no CVV2 as a value, masked PANs within the rule.
  let maskedSeen = 0;
  for (const [i, c] of clients.entries()) {
    for (const raw of c.received) {
      walk(
        JSON.parse(raw),
        (s, key) => {
          if (cvvs.has(s.trim())) problems.push(`a CVV2 as the value of "${key}" in a frame to client ${i}`);
          for (const r of batch.records)
            for (const m of panRenderings(s, r.pan)) {
              maskedSeen++;
              const n = r.pan.length;
              if (m.visible.some((p) => p >= 6 && p < n - 4)) problems.push(`PAN of ${r.recordId} shown as "${m.found}" in "${key}" (more than first 6 + last 4)`);
            }
        },
        (k) => {
          if (SECRET_FIELD.test(k)) problems.push(`a field named "${k}" in a frame to client ${i}`);
        },
      );
    }
  }
  for (const r of batch.records) for (const m of panRenderings(exported.csv, r.pan)) if (m.visible.some((p) => p >= 6 && p < r.pan.length - 4)) problems.push(`PAN of ${r.recordId} shown as "${m.found}" in the log export`);
  for (const f of files) for (const m of f.bytes.toString('latin1').matchAll(/"(cvv2|cvc2?)"\s*:\s*"(\d{3,4})"/gi)) if (cvvs.has(m[2])) problems.push(`a CVV2 record field in ${f.name}`);

  assert.ok(maskedSeen >= 12, `masked PANs were seen and checked (${maskedSeen})`);
  assert.deepEqual([...new Set(problems)], []);
});
