import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPcscd, type Pcscd } from '../../support/pcscd';
import { createSoftHsm, SOFTHSM_MODULE, type SoftHsm } from '../../support/softhsm';
import { writeHsmDemo, loadByCeremony, HSM_KEY_ID } from '../../support/hsm-demo';
import { bootStation } from '../../../electron/boot';
import { kcv } from '../../../electron/core/keys';

// The demo batch through pcscd + vpcd with the card master key only in SoftHSM2: loaded by the
// ceremony into the token, never in the station's database; the virtual cards' cryptogram checks
// prove the keys the token computed with are right. Run with flock /tmp/perso-pcscd.lock.

let pcscd: Pcscd;
let hsm: SoftHsm;
before(async () => {
  hsm = createSoftHsm();
  hsm.use();
  pcscd = await startPcscd({ readers: 2 });
});
after(async () => {
  await pcscd?.stop();
  hsm?.remove();
});

function written(dir: string): Buffer {
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));
  return Buffer.concat(files(join(dir, 'data')).map((f) => readFileSync(f)));
}

test('the demo batch is personalized over PC/SC with the master key only in the HSM token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perso-hsm-'));
  const demo = await writeHsmDemo(dir, { kind: 'pkcs11', module: SOFTHSM_MODULE, tokenLabel: hsm.label, pin: { file: hsm.pinFile } }, { cards: 6, pcsc: true });
  const b = await bootStation({ configPath: demo.configPath, origin: 'cli' });
  try {
    const ks = b.station.deviceSet.devices.find((d) => d.kind === 'keystore')!;
    assert.equal(ks.status().state, 'online', JSON.stringify(ks.status()));
    const keyKcv = loadByCeremony(b.station, demo.components);
    assert.equal(keyKcv, kcv('AES', demo.key), 'the KCV the token computed is the key\'s');
    const listed = b.station.keys.list().find((k) => k.id === HSM_KEY_ID)!;
    assert.equal(listed.location, 'hsm');
    assert.deepEqual(listed.custodians, ['supervisor', 'admin']);
    assert.equal(b.station.keys.lookup(HSM_KEY_ID), null);

    b.station.engine.start('DEMO-0001');
    await b.station.engine.idle();
    const rows = b.station.store.page({ batchId: 'DEMO-0001', offset: 0, limit: 100 }).rows;
    const failed = rows.filter((r) => r.state === 'failed');
    assert.deepEqual(failed.map((r) => r.reason), ['MSR_WRITE_ERROR'], JSON.stringify(rows.map((r) => [r.record_id, r.state, r.reason])));
    assert.equal(rows.filter((r) => r.state === 'passed').length, 5);
    const chipLog = b.station.audit.query({ type: 'step.chip', limit: 100 }).rows;
    assert.ok(chipLog.length >= 6);

    const log = JSON.stringify(b.station.audit.query({ limit: 1000 }).rows);
    assert.ok(log.includes('key.component') && log.includes(kcv('AES', demo.components[0])), 'the ceremony is in the log with the component KCVs');
    const files = written(dir);
    for (const secret of [demo.key, ...demo.components]) {
      assert.equal(files.indexOf(secret), -1, 'no key material in the station files');
      assert.ok(!files.toString('latin1').toUpperCase().includes(secret.toString('hex').toUpperCase()));
      assert.ok(!log.toUpperCase().includes(secret.toString('hex').toUpperCase()));
    }
  } finally {
    await b.station.close();
  }
});
