import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embossReadBack } from '../../../electron/wiring/emboss-readback';
import { embossJobs, layoutCard, SAMPLE_TEMPLATE, SAMPLE_RECORD } from '../../../shared/layout/index';
import { crosscheck } from '../../../electron/core/engine/crosscheck';

test('the emboss line gives back the PAN and expiry it strikes, for the crosscheck', () => {
  const jobs = embossJobs(layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: false }));
  const rb = embossReadBack(jobs);
  assert.deepEqual(rb, { pan: SAMPLE_RECORD.pan, expiry: SAMPLE_RECORD.expiry });
  assert.equal(crosscheck(SAMPLE_RECORD, [{ step: 'emboss', rb }]), null);
  const other = { ...SAMPLE_RECORD, pan: '4111111111111129' };
  assert.match(crosscheck(other, [{ step: 'emboss', rb }])!, /card number .* emboss/);
  assert.match(crosscheck({ ...SAMPLE_RECORD, expiry: '3001' }, [{ step: 'magstripe', rb: { expiry: '2912' } }])!, /expiry .* magstripe/);
});
