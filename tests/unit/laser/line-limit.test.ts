import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareGcode } from '../../../electron/devices/laser/gcode-lines';
import { checkItems } from '../../../shared/layout/checks';
import { GRBL_MAX_LINE, laserJobs } from '../../../shared/layout/gcode';
import { layoutCard } from '../../../shared/layout/layout';
import { LayoutTemplateSchema } from '../../../shared/layout/template';
import { NO_FEATURES } from '../../../shared/layout/features';
import { CardRecordSchema } from '../../../shared/domain/record';

// GRBL 1.1 keeps a G-code line in an 80-byte line buffer (79 characters and a terminator) and
// answers error:11 to a longer one, whatever room its 128-byte receive buffer has.

test('a G-code line of 80 characters is refused before streaming, though it fits the 128-byte receive buffer', () => {
  const line = 'G1 X1.000 Y1.000 F100 ' + 'S1'.padEnd(80 - 22, '0');
  assert.equal(line.length, 80);
  assert.throws(() => prepareGcode([line], 128), /line 1 is 80 characters; GRBL 1\.1 takes at most 79/);
  assert.deepEqual(prepareGcode([line.slice(0, 79)], 128), [line.slice(0, 79) + '\n']);
});

test('layout checks measure an element\'s G-code lines against 79 characters and name the field that makes them long', () => {
  const template = LayoutTemplateSchema.parse({ front: [{ type: 'laserText', value: { literal: 'AB' }, x: 10, y: 10, size: 3 }] });
  const layout = layoutCard(template, CardRecordSchema.parse({ recordId: 'R1', pan: '4111111111111111', expiry: '2512', name: 'DOE/JOHN' }), { maskPan: false, features: { ...NO_FEATURES, laser: true } });
  const item = layout.front[0];
  const ctx = { features: { ...NO_FEATURES, laser: true }, zones: 'free' as const };
  // Today's schema keeps every line far below the limit: the template's own lines pass.
  assert.ok(Math.max(...laserJobs(layout).flatMap((j) => j.gcode.map((l) => l.length))) <= GRBL_MAX_LINE);
  assert.deepEqual(checkItems([item], ctx).filter((f) => /G-code/.test(f.message)), []);
  // Coordinates and a feed written with every digit a double holds: the longest word (x) is named.
  const long = { ...item, feed: 1.2345678901234567e-7, box: { x0: -1.2345678901234567e25, y0: -1.2345678901234567e25, x1: 0, y1: 0 } };
  const found = checkItems([long], ctx).filter((f) => /G-code/.test(f.message));
  assert.equal(found.length, 1, JSON.stringify(found.map((f) => f.message)));
  assert.equal(found[0].part, 'x');
  assert.match(found[0].message, /makes G-code lines of 8\d characters; GRBL 1\.1 takes at most 79 \(its line buffer is 80 bytes\)/);
});
