import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addElement, elementsOf, elementsWithProblems, parseProductJson, removeElement, setLayoutProp, updateElement, valueSource } from '../../../renderer/src/screens/products/edit';
import { shownView, viewsFor } from '../../../renderer/src/views';
import { SAMPLE_TEMPLATE } from '../../../shared/layout/samples';

const product = () => ({ id: 'P', name: 'P', steps: ['emboss'], layout: JSON.parse(JSON.stringify(SAMPLE_TEMPLATE)) });

test('form edits change one element and leave the product they started from untouched', () => {
  const p = product();
  const moved = updateElement(p, 'front', 0, { x: 14.6, format: undefined });
  assert.equal(elementsOf(moved, 'front')[0].x, 14.6);
  assert.equal('format' in elementsOf(moved, 'front')[0], false, 'a setting patched to undefined is removed');
  assert.equal(elementsOf(p, 'front')[0].x, 11.6);
  assert.equal(elementsOf(moved, 'back').length, 3);
  assert.equal(updateElement(p, 'front', 9, { x: 1 }), p, 'an index out of range changes nothing');
  const added = addElement(p, 'back', 'laserText');
  assert.equal(elementsOf(added, 'back').length, 4);
  assert.equal(elementsOf(added, 'back')[3].type, 'laserText');
  assert.deepEqual(elementsOf(removeElement(p, 'front', 1), 'front').map((e) => (e.value as { field: string }).field), ['pan', 'embossName']);
  assert.equal((setLayoutProp(p, 'zones', 'free').layout as { zones: string }).zones, 'free');
});

test('value source, problem paths and the raw editor text', () => {
  assert.deepEqual(valueSource({ value: { field: 'pan' } }), { kind: 'field', field: 'pan' });
  assert.deepEqual(valueSource({ value: { literal: 'VISA' } }), { kind: 'literal', literal: 'VISA' });
  assert.deepEqual([...elementsWithProblems([{ field: 'layout.front.0.format' }, { field: 'layout.back.12' }, { field: 'pan' }, { field: 'layout.zones' }])], ['front.0', 'back.12']);
  assert.deepEqual(parseProductJson('{"id":"P"}'), { product: { id: 'P' } });
  assert.ok('error' in parseProductJson('[1]'));
  assert.ok('error' in parseProductJson('{"id":'));
});

test('views by role: operators produce, administrators hold keys but never run production', () => {
  assert.deepEqual(viewsFor('operator'), ['operator', 'reports']);
  assert.ok(viewsFor('supervisor').includes('reports') && viewsFor('administrator').includes('reports'));
  assert.ok(viewsFor('supervisor').includes('products'));
  assert.equal(viewsFor('administrator').includes('operator'), false);
  assert.equal(viewsFor('operator').includes('keys'), false);
  assert.equal(shownView('operator', 'keys'), 'operator');
  assert.equal(shownView('administrator', 'operator'), 'supervisor');
  assert.equal(shownView(null, 'operator'), null);
});
