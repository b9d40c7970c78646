import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatusReport, formatStatusReport, alarmText, errorText } from '../../../electron/devices/laser/grbl';
import { prepareGcode } from '../../../electron/devices/laser/gcode-lines';
import { interpret, initialModal, normaliseLine } from '../../../electron/sim/laser/gcode';

test('parses GRBL 1.1 status reports, sub-states included', () => {
  assert.deepEqual(parseStatusReport('<Idle|MPos:0.000,0.000,0.000|FS:0,0>'), { state: 'Idle', mpos: [0, 0, 0], feed: 0, power: 0 });
  assert.deepEqual(parseStatusReport('<Hold:0|MPos:12.500,-3.250,0.000|FS:1500,800|Bf:15,128>'), {
    state: 'Hold',
    sub: 0,
    mpos: [12.5, -3.25, 0],
    feed: 1500,
    power: 800,
    buffer: { planner: 15, rx: 128 },
  });
  assert.deepEqual(parseStatusReport('<Door:1|WPos:1.000,2.000,3.000|F:500|Pn:XP>'), { state: 'Door', sub: 1, wpos: [1, 2, 3], feed: 500, pins: 'XP' });
  assert.equal(parseStatusReport('<Alarm|MPos:0.000,0.000,0.000|FS:0,0>')?.state, 'Alarm');
  assert.equal(parseStatusReport('<Bogus|MPos:0,0,0>'), null);
  assert.equal(parseStatusReport('ok'), null);
  const r = parseStatusReport(formatStatusReport({ state: 'Run', mpos: [1.5, 2, 0], feed: 3000, power: 250 }));
  assert.deepEqual(r, { state: 'Run', mpos: [1.5, 2, 0], feed: 3000, power: 250 });
});

test('alarm and error codes read in words', () => {
  assert.match(alarmText(1), /^ALARM:1 \(hard limit/);
  assert.match(errorText(9), /locked out during alarm/);
  assert.match(errorText(20), /unsupported/);
  assert.match(alarmText(77), /unknown alarm/);
});

test('prepareGcode drops comments and blanks and refuses real-time characters', () => {
  assert.deepEqual(prepareGcode(['G21 (mm)', '', '  ; just a comment', 'G1 X1 F100 ; go'], 128), ['G21\n', 'G1 X1 F100\n']);
  assert.throws(() => prepareGcode(['G1 X1', 'G1 X2 ?'], 128), /line 2 .*real-time/);
  assert.throws(() => prepareGcode(['G1 X' + '1'.repeat(200)], 128), /line 1 is 204 characters; GRBL 1.1 takes at most 79/);
});

test('the emulator interprets G-code as GRBL does', () => {
  const m = initialModal();
  assert.equal(interpret(normaliseLine('g1 x1 y1'), m, 1000).status, 22, 'G1 without a feed rate');
  assert.equal(interpret(normaliseLine('G2 X1 Y1 I1'), m, 1000).status, 20);
  assert.equal(interpret(normaliseLine('G0 G1 X1'), m, 1000).status, 21);
  assert.equal(interpret(normaliseLine('X1 X2'), m, 1000).status, 25);
  assert.equal(interpret(normaliseLine('1'), m, 1000).status, 1);
  assert.equal(interpret(normaliseLine('G1 X'), m, 1000).status, 2);
  const r = interpret(normaliseLine('M3 G1 X10 Y5 F600 S1500'), m, 1000);
  assert.equal(r.status, 0);
  assert.deepEqual(r.block?.to, { x: 10, y: 5, z: 0 });
  assert.equal(r.block?.s, 1000, 'power is capped at $30');
  interpret('G91', m, 1000);
  assert.deepEqual(interpret('G1X1Y-1', m, 1000).block?.to, { x: 11, y: 4, z: 0 });
  interpret('G90G20', m, 1000);
  assert.deepEqual(interpret('G1X1', m, 1000).block?.to, { x: 25.4, y: 4, z: 0 });
});
