import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CARD } from '../../../shared/layout/geometry';
import { layoutCard } from '../../../shared/layout/layout';
import { f3, laserJobs } from '../../../shared/layout/gcode';
import { LayoutTemplateSchema } from '../../../shared/layout/template';
import { bitmapFromRows } from '../../../shared/layout/bitmap';
import { SAMPLE_FEATURES, SAMPLE_RECORD, SAMPLE_TEMPLATE } from '../../../shared/layout/samples';

const NUM = '-?\\d+\\.\\d{3}';
const LINE = new RegExp(`^(G21 G90|M4 S0|M5|G0 X${NUM} Y${NUM} S0|G1 X${NUM} Y${NUM}( S\\d+ F\\d+)?)$`);

test('numbers carry exactly 3 decimals and never a negative zero', () => {
  assert.equal(f3(1), '1.000');
  assert.equal(f3(12.3456), '12.346');
  assert.equal(f3(-0.0001), '0.000');
});

test('G-code uses only the allowed words, starts G21 G90 / M4 and ends M5', () => {
  const jobs = laserJobs(layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: false, features: SAMPLE_FEATURES }));
  assert.equal(jobs.length, 1);
  const g = jobs[0].gcode;
  assert.deepEqual(g.slice(0, 2), ['G21 G90', 'M4 S0']);
  assert.equal(g.at(-1), 'M5');
  assert.equal(g.filter((l) => l === 'M5').length, 1);
  for (const l of g) {
    assert.match(l, LINE);
    assert.ok(l.length < 70, 'fits the GRBL line buffer');
    for (const w of l.split(' ')) assert.ok(['G0', 'G1', 'G21', 'G90', 'M4', 'M5'].includes(w) || /^[XYSF]/.test(w), w);
  }
});

test('the laser is off during every G0 and on (S > 0) on the first cut after it', () => {
  const g = laserJobs(layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: false, features: SAMPLE_FEATURES }))[0].gcode;
  let power = 0;
  let afterTravel = false;
  for (const l of g) {
    const s = /S(\d+)/.exec(l);
    if (s) power = Number(s[1]);
    if (l.startsWith('G0')) {
      assert.equal(power, 0, l);
      afterTravel = true;
    } else if (l.startsWith('G1')) {
      if (afterTravel) assert.match(l, /S[1-9]\d* F\d+$/);
      assert.ok(power > 0, l);
      afterTravel = false;
    }
    const x = /X([\d.-]+)/.exec(l);
    const y = /Y([\d.-]+)/.exec(l);
    if (x) assert.ok(Number(x[1]) >= 0 && Number(x[1]) <= CARD.width);
    if (y) assert.ok(Number(y[1]) >= 0 && Number(y[1]) <= CARD.height);
  }
});

test('power and feed come from the template, overridable per element; empty sides get no job', () => {
  const t = LayoutTemplateSchema.parse({
    laser: { power: 250, feed: 900, graphicPower: 111, graphicFeed: 2222 },
    front: [
      { type: 'laserText', x: 30, y: 30, size: 2, value: { literal: 'I' } },
      { type: 'laserText', x: 40, y: 30, size: 2, value: { literal: '-' }, power: 999, feed: 100 },
      { type: 'laserGraphic', x: 50, y: 30, width: 2, height: 1, image: { literal: bitmapFromRows(['##', '.#']) } },
    ],
  });
  const jobs = laserJobs(layoutCard(t, SAMPLE_RECORD, { maskPan: false }));
  assert.deepEqual(jobs.map((j) => j.side), ['front']);
  const g = jobs[0].gcode;
  // "I" is three strokes; the grid unit is 2/6 mm.
  assert.deepEqual(g.slice(2, 8), [
    'G0 X30.333 Y30.000 S0', 'G1 X31.000 Y30.000 S250 F900',
    'G0 X30.333 Y32.000 S0', 'G1 X31.000 Y32.000 S250 F900',
    'G0 X30.667 Y30.000 S0', 'G1 X30.667 Y32.000 S250 F900',
  ]);
  assert.deepEqual(g.slice(8, 10), ['G0 X40.333 Y31.000 S0', 'G1 X41.000 Y31.000 S999 F100']);
  // Raster rows serpentine: the top row left to right, the next right to left.
  assert.deepEqual(g.slice(-5, -1), ['G0 X50.000 Y30.750 S0', 'G1 X52.000 Y30.750 S111 F2222', 'G0 X52.000 Y30.250 S0', 'G1 X51.000 Y30.250 S111 F2222']);
});

test("the laser emulator's GRBL interpreter accepts every line and burns exactly the layout's segments", async () => {
  const { initialModal, interpret, normaliseLine } = await import('../../../electron/sim/laser/gcode');
  const layout = layoutCard(SAMPLE_TEMPLATE, SAMPLE_RECORD, { maskPan: false, features: SAMPLE_FEATURES });
  const m = initialModal();
  const burnt: string[] = [];
  for (const line of laserJobs(layout)[0].gcode) {
    const r = interpret(normaliseLine(line), m, 1000);
    assert.equal(r.status, 0, line);
    const b = r.block;
    if (b && !b.rapid && b.spindle === 'M4' && b.s > 0) burnt.push([b.from.x, b.from.y, b.to.x, b.to.y].map(f3).join(' '));
    if (b?.rapid) assert.equal(b.s, 0, `travel with the laser on: ${line}`);
  }
  const expected: string[] = [];
  for (const it of layout.back) {
    if (it.kind === 'laserText') for (const pl of it.strokes) for (let i = 1; i < pl.length; i++) expected.push([...pl[i - 1], ...pl[i]].map(f3).join(' '));
    if (it.kind === 'laserGraphic') for (const l of it.lines) expected.push([l.x0, l.y, l.x1, l.y].map(f3).join(' '));
  }
  const undirected = (s: string) => { const [a, b, c, d] = s.split(' '); return [`${a} ${b}`, `${c} ${d}`].sort().join('|'); };
  assert.deepEqual(burnt.map(undirected).sort(), expected.map(undirected).sort());
  assert.ok(burnt.length > 50);
});
