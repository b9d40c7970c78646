import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PAN, setup, secretNeedles, leaks } from './fixtures';
import { GP_TEST_KEY } from '../../../electron/devices/chip/dataprep';
import { CARD_LIFECYCLE } from '../../../electron/sim/card/blank-card';
import { personalizeChip } from '../../../electron/devices/chip/personalize';
import type { ApduChannel } from '../../../electron/devices/chip/apdu-channel';

const EA = 0x82;

function failed<T extends { ok: boolean }>(r: T): Extract<T, { ok: false }> {
  assert.equal(r.ok, false, 'expected a failure');
  return r as Extract<T, { ok: false }>;
}

for (const scp of ['SCP02', 'SCP03'] as const) {
  test(`${scp}: wrong station keys fail at the card cryptogram, EXTERNAL AUTHENTICATE never sent`, async () => {
    const s = setup({ scp, stationKey: randomBytes(16) });
    const r = failed(await s.run());
    assert.equal(r.reason, 'CHIP_AUTH_FAILED');
    assert.equal(r.retryable, false);
    assert.match(r.message, /card cryptogram/);
    assert.equal(s.channel.count(EA), 0);
    assert.equal(s.channel.wire.length, 2, 'only SELECT and INITIALIZE UPDATE went out');
    assert.equal(r.log.failedStep, 'INITIALIZE UPDATE');
    assert.deepEqual(leaks(r, secretNeedles(s)), []);
  });
}

test('wrong ATR fails before any APDU; a mask lets variable bytes through', async () => {
  const s = setup();
  const bad = Buffer.from(s.card.atr());
  bad[bad.length - 1] ^= 0x01;
  const r = failed(await s.run({ atr: bad }));
  assert.equal(r.reason, 'CHIP_ATR_MISMATCH');
  assert.equal(r.retryable, false);
  assert.equal(s.channel.wire.length, 0);
  assert.equal(r.log.apdus, 0);
  const masked = { ...s.profile, atr: { value: s.profile.atr.value, mask: 'FF'.repeat(bad.length - 1) + '00' } };
  const ok = await s.run({ atr: bad, profile: masked });
  assert.equal(ok.ok, true);
});

test('a chosen DGI answered with an error status: CHIP_STATUS naming the step, DGI and status word', async () => {
  const s = setup({ faults: { statusOnDgi: { dgi: '8010', sw: 0x6a80 } } });
  const r = failed(await s.run());
  assert.equal(r.reason, 'CHIP_STATUS');
  assert.match(r.message, /STORE DATA block 2 \(DGI 8010\): 6A80 incorrect data/);
  assert.equal(r.log.failedStep, 'STORE DATA block 2 (DGI 8010)');
  assert.equal(r.log.statusWords[r.log.statusWords.length - 1], '6A80');
  assert.equal(s.card.inspect().apps[0].dgis.has('8010'), false);
  assert.deepEqual(leaks(r, [...secretNeedles(s), PAN]), []);
});

test('the card pulled in the middle of STORE DATA: CHIP_CARD_REMOVED and the transport is told', async () => {
  const s = setup({ faults: { removeAtStoreData: 2 } });
  const r = failed(await s.run());
  assert.equal(r.reason, 'CHIP_CARD_REMOVED');
  assert.match(r.message, /STORE DATA block 1/);
  assert.equal(s.removedCount(), 1);
  await assert.rejects(s.card.transmit(Buffer.from('00A4040000', 'hex')), { code: 'CARD_REMOVED' });
});

test('repeated authentication failures lock the card; a locked card reports CHIP_CARD_LOCKED', async () => {
  const s = setup({ scp: 'SCP03', stationKey: randomBytes(16) });
  for (let i = 0; i < 3; i++) assert.equal(failed(await s.run()).reason, 'CHIP_AUTH_FAILED');
  const locked = failed(await s.run());
  assert.equal(locked.reason, 'CHIP_CARD_LOCKED');
  assert.equal(locked.retryable, false);
  assert.match(locked.message, /INITIALIZE UPDATE: 6983/);
  assert.equal(s.card.inspect().lifecycle, CARD_LIFECYCLE.LOCKED);
  assert.equal(s.channel.count(EA), 0);
});

test('a successful authentication resets the failure count', async () => {
  const good = setup({ scp: 'SCP02' });
  const wrongKeys = setup({ scp: 'SCP02' }).keys; // another random master under the same key id
  for (let i = 0; i < 2; i++) failed(await good.run({ keys: wrongKeys }));
  assert.equal(good.card.inspect().authFailures, 2);
  assert.equal((await good.run()).ok, true);
  assert.equal(good.card.inspect().authFailures, 0);
});

test('the GP test key is refused for a production product, before any APDU', async () => {
  const s = setup({ scp: 'SCP02', masterKey: GP_TEST_KEY });
  const r = failed(await s.run());
  assert.equal(r.reason, 'CHIP_NO_KEY');
  assert.equal(r.retryable, false);
  assert.match(r.message, /test key/);
  assert.equal(s.channel.wire.length, 0);
  assert.ok(!r.message.toUpperCase().includes(GP_TEST_KEY.toString('hex').toUpperCase()));
  assert.equal((await s.run({ productIsTest: true })).ok, true, 'a test product may use it');
});

test('a key recorded as test is refused for a production product; a missing key is CHIP_NO_KEY', async () => {
  const s = setup({ keyRecord: { test: true } });
  const r = failed(await s.run());
  assert.equal(r.reason, 'CHIP_NO_KEY');
  assert.match(r.message, /"issuer-kmc" is a test key/);
  const missing = failed(await s.run({ profile: { ...s.profile, keyId: 'nope' } }));
  assert.equal(missing.reason, 'CHIP_NO_KEY');
  assert.match(missing.message, /"nope" is not loaded/);
  const wrongType = failed(await setup({ scp: 'SCP03', keyRecord: { algorithm: 'DES3' } }).run());
  assert.equal(wrongType.reason, 'CHIP_NO_KEY');
});

test('the abort signal is honoured between APDUs, with the engine reason when given', async () => {
  const s = setup();
  const ac = new AbortController();
  let stores = 0;
  const r = failed(
    await s.run({
      signal: ac.signal,
      onProgress: (_f, note) => {
        if (note.startsWith('store') && ++stores === 2) ac.abort('EMERGENCY_STOP');
      },
    }),
  );
  assert.equal(r.reason, 'EMERGENCY_STOP');
  assert.equal(s.channel.count(0xe2), 1);
  const pre = new AbortController();
  pre.abort();
  const r2 = failed(await setup().run({ signal: pre.signal }));
  assert.equal(r2.reason, 'OPERATOR_STOP');
  assert.equal(r2.log.apdus, 0);
});

test('reader service errors map to chip reasons', async () => {
  const cases: [string, string, boolean][] = [
    ['CARD_REMOVED', 'CHIP_CARD_REMOVED', false],
    ['TIMEOUT', 'CHIP_TIMEOUT', true],
    ['READER_GONE', 'CHIP_READER_UNAVAILABLE', true],
    ['NO_SERVICE', 'CHIP_READER_UNAVAILABLE', true],
    ['SHARING_VIOLATION', 'CHIP_READER_UNAVAILABLE', true],
    ['SOMETHING_ELSE', 'INTERNAL', false],
  ];
  for (const [code, reason, retryable] of cases) {
    const s = setup();
    let n = 0;
    const channel: ApduChannel = {
      async transmit(apdu, opts) {
        assert.ok(opts?.timeoutMs && opts.timeoutMs > 0, 'a timeout is always given');
        if (++n === 3) throw Object.assign(new Error(`boom ${PAN}`), { code });
        return s.channel.transmit(apdu);
      },
    };
    const r = failed(await personalizeChip({ channel, atr: s.card.atr(), profile: s.profile, productIsTest: false, record: s.record, keys: s.keys }));
    assert.equal(r.reason, reason, code);
    assert.equal(r.retryable, retryable, code);
    assert.match(r.message, /EXTERNAL AUTHENTICATE/);
    assert.ok(!r.message.includes(PAN), 'the reader error text is not copied');
  }
});

test('status words of the secure channel steps map to reasons', async () => {
  const s = setup();
  const answer = (sw: string): ApduChannel => ({ transmit: async (a) => (a[1] === 0x50 ? Buffer.from(sw, 'hex') : s.channel.transmit(a)) });
  const base = { atr: s.card.atr(), profile: s.profile, productIsTest: false, record: s.record, keys: s.keys };
  const locked = failed(await personalizeChip({ ...base, channel: answer('6983') }));
  assert.equal(locked.reason, 'CHIP_CARD_LOCKED');
  const other = failed(await personalizeChip({ ...base, channel: answer('6A88') }));
  assert.equal(other.reason, 'CHIP_STATUS');
  assert.match(other.message, /INITIALIZE UPDATE: 6A88 referenced data not found/);
  const short = failed(await personalizeChip({ ...base, channel: answer('01029000') }));
  assert.equal(short.reason, 'CHIP_AUTH_FAILED');
  const noData = failed(await personalizeChip({ ...base, record: { ...s.record, dgis: [] }, channel: s.channel }));
  assert.equal(noData.reason, 'DATA_INVALID');
});
