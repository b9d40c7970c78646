import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startStationFixture } from '../../support/station-fixture';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';

test('designer preview: same layout code, problems listed, fast; save is validated, audited and refused to operators', async () => {
  const fx = await startStationFixture();
  try {
    const sup: Connection = { id: 's', origin: 'ui:s', sessionId: null };
    const op: Connection = { id: 'o', origin: 'ui:o', sessionId: null };
    await dispatch(fx.core.handlers, 'session.login', fx.credentials.supervisor, sup);
    await dispatch(fx.core.handlers, 'session.login', fx.credentials.operator, op);
    const got = await dispatch(fx.core.handlers, 'products.get', { id: 'DEMO-DEBIT' }, sup);
    assert.ok(got.ok);
    const product = got.value as { layout: { front: { x?: number }[] } };
    const pv = await dispatch(fx.core.handlers, 'products.preview', { product }, sup);
    assert.ok(pv.ok);
    const v = pv.value as { front: string; back: string; problems: unknown[]; ms: number };
    assert.match(v.front, /^<svg/);
    assert.deepEqual(v.problems, []);
    assert.ok(v.ms < 16, `preview took ${v.ms} ms`);
    // An element pushed off the card is a problem naming the field.
    const bad = structuredClone(product);
    bad.layout.front[0].x = 200;
    const pb = await dispatch(fx.core.handlers, 'products.preview', { product: bad }, sup);
    assert.ok(pb.ok && (pb.value as { problems: { field: string }[] }).problems.some((p) => p.field.startsWith('layout.front[0]')), JSON.stringify(pb));
    const refusedSave = await dispatch(fx.core.handlers, 'products.save', { product: bad, reason: 'try a bad one' }, sup);
    assert.equal(refusedSave.ok, false);
    const asOperator = await dispatch(fx.core.handlers, 'products.preview', { product }, op);
    assert.equal(asOperator.ok, false);
    assert.equal(!asOperator.ok && asOperator.error.code, 'FORBIDDEN');
    const renamed = { ...(product as object), name: 'Demo debit card v2 (TEST)' };
    const saved = await dispatch(fx.core.handlers, 'products.save', { product: renamed, reason: 'new card design' }, sup);
    assert.ok(saved.ok, JSON.stringify(saved));
    assert.equal(JSON.parse(readFileSync(`${fx.dataDir}/products/demo-debit.json`, 'utf8')).name, 'Demo debit card v2 (TEST)');
    assert.equal(fx.core.station.audit.query({ type: 'product.save', limit: 5 }).rows.length, 1);
  } finally {
    await fx.close();
  }
});
