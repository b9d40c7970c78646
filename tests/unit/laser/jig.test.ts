import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaserJigSchema, toCard, toMachine } from '../../../shared/layout/jig';
import { f3, laserJobs } from '../../../shared/layout/gcode';
import { layoutCard } from '../../../shared/layout/layout';
import { renderSideSvg } from '../../../shared/layout/svg';
import { LayoutTemplateSchema } from '../../../shared/layout/template';
import { NO_FEATURES } from '../../../shared/layout/features';
import { CardRecordSchema } from '../../../shared/domain/record';
import { parseConfig } from '../../../electron/core/config';
import { laserRig, strokeJob, waitFor } from './support';

// Issue 16.5: the laser jig (offset, rotation, mirror) from the station config, applied to the
// toolpath, shown on the preview, and the controller's G54/G92 checked against it at connect.

const jig = (o: object) => LaserJigSchema.parse(o);

test('the jig transform: known points for a quarter turn, a half turn and a mirror, and its inverse', () => {
  // (1, 2) turned 90° counter-clockwise is (−2, 1); then the offset (10, 20).
  assert.deepEqual(toMachine(jig({ offsetMm: { x: 10, y: 20 }, rotationDeg: 90 }), 1, 2), [8, 21]);
  assert.deepEqual(toMachine(jig({ offsetMm: { x: 100, y: 60 }, rotationDeg: 180 }), 1, 2), [99, 58]);
  assert.deepEqual(toMachine(jig({ offsetMm: { x: 85.6, y: 0 }, mirror: 'x' }), 1, 2), [84.6, 2]);
  assert.deepEqual(toMachine(jig({ rotationDeg: 270, mirror: 'y' }), 1, 2), [-2, -1]);
  const any = jig({ offsetMm: { x: 3.5, y: -7 }, rotationDeg: 33, mirror: 'x' });
  const [x, y] = toCard(any, ...toMachine(any, 12.25, 40.5));
  assert.ok(Math.abs(x - 12.25) < 1e-9 && Math.abs(y - 40.5) < 1e-9);
});

const template = LayoutTemplateSchema.parse({ front: [{ type: 'laserText', value: { field: 'name' }, x: 10, y: 10, size: 3 }] });
const card = () => layoutCard(template, CardRecordSchema.parse({ recordId: 'R1', pan: '4111111111111111', expiry: '2512', name: 'DOE/JOHN' }), { maskPan: false, features: { ...NO_FEATURES, laser: true } });
const words = (line: string) => {
  const m = /X(-?[\d.]+) Y(-?[\d.]+)/.exec(line);
  return m ? [Number(m[1]), Number(m[2])] : null;
};

test('laserJobs puts every point of the toolpath through the jig', () => {
  const j = jig({ offsetMm: { x: 40, y: 5 }, rotationDeg: 90, mirror: 'x' });
  const plain = laserJobs(card())[0].gcode;
  const jigged = laserJobs(card(), j)[0].gcode;
  assert.equal(jigged.length, plain.length);
  let moves = 0;
  plain.forEach((line, i) => {
    const p = words(line);
    if (!p) return assert.equal(jigged[i], line);
    moves++;
    const [mx, my] = toMachine(j, p[0], p[1]);
    assert.equal(jigged[i], line.replace(/X-?[\d.]+ Y-?[\d.]+/, `X${f3(mx)} Y${f3(my)}`), `line ${i + 1}`);
  });
  assert.ok(moves > 10);
});

test('the preview draws the laser origin and axes where the jig puts them on the card', () => {
  const j = jig({ offsetMm: { x: -20, y: -10 }, rotationDeg: 0 });
  const svg = renderSideSvg(card(), 'front', { jig: j });
  assert.match(svg, /<g class="laser-origin" data-origin="20\.000,10\.000" data-jig="offset X-20\.000 Y-10\.000">/);
  assert.ok(!renderSideSvg(card(), 'front').includes('laser-origin'), 'no jig, no marker');
});

test('the station config takes devices.laser.jig, and refuses a mirror it does not know', () => {
  const base = { dataDir: 'd', products: ['p.json'], devices: { laser: { id: 'laser', path: '/dev/ttyUSB0', baudRate: 115200, jig: { offsetMm: { x: 12, y: 3 }, rotationDeg: 270, mirror: 'y' } } } };
  const c = parseConfig(JSON.stringify(base), '/tmp/station.json');
  assert.deepEqual(c.devices.laser!.jig, { offsetMm: { x: 12, y: 3 }, rotationDeg: 270, mirror: 'y', g54Mm: { x: 0, y: 0 } });
  assert.equal(c.devices.laser!.stallSeconds, 15);
  const bad = { ...base, devices: { laser: { ...base.devices.laser, jig: { mirror: 'z' } } } };
  assert.throws(() => parseConfig(JSON.stringify(bad), '/tmp/station.json'), (e: { problems?: { field: string }[] }) => !!e.problems?.some((p) => p.field === 'devices.laser.jig.mirror'));
});

test('at connect the driver reads $# and refuses jobs while G54 or G92 differ from the jig', async () => {
  const off = await laserRig({ laserMode: true, g54: [5, 0, 0] }, { workOffset: { x: 0, y: 0 } });
  try {
    await waitFor(() => off.laser.status().state === 'error', 2000, 'the refusal');
    assert.equal(off.laser.status().message, 'Work coordinates differ from the station config: G54 is X5.000 Y0.000, the jig expects X0.000 Y0.000');
    assert.match(off.laser.status().action!, /G10 L2 P1/);
    await assert.rejects(off.laser.runJob(strokeJob(3)), /G54 is X5\.000 Y0\.000.*the job not sent/);
  } finally {
    await off.laser.close();
  }
  const g92 = await laserRig({ laserMode: true, g92: [0, 2.5, 0] }, { workOffset: { x: 0, y: 0 } });
  try {
    await waitFor(() => g92.laser.status().state === 'error', 2000, 'the refusal');
    assert.match(g92.laser.status().message!, /a G92 offset X0\.000 Y2\.500 is set/);
  } finally {
    await g92.laser.close();
  }
  const ok = await laserRig({ laserMode: true, g54: [5, 0, 0] }, { workOffset: { x: 5, y: 0 } });
  try {
    assert.equal(ok.laser.status().state, 'online');
    await ok.laser.runJob(strokeJob(3));
  } finally {
    await ok.laser.close();
  }
});
