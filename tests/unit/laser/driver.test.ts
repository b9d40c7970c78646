import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectedSegments, laserRig, strokeJob, waitFor } from './support';
import { LaserError } from '../../../electron/devices/laser/errors';
import { GRBL_RX_BUFFER } from '../../../electron/devices/laser/grbl';
import { createMemoryLink } from '../../../electron/devices/serial/link';
import { GrblEmulator } from '../../../electron/sim/laser/emulator';

const isLaserError = (code: string, re?: RegExp) => (e: unknown) => e instanceof LaserError && e.code === code && (!re || re.test(e.message));

test('connects: banner, settings read, laser mode switched on, online', async () => {
  const r = await laserRig({ laserMode: false });
  assert.equal(r.laser.status().state, 'online');
  assert.equal(r.laser.firmware, '1.1h');
  assert.equal(r.laser.settings.get(30), '1000');
  assert.equal(r.emulator.laserMode, true, '$32=1 was sent');
  assert.equal(r.laser.report?.state, 'Idle');
  await r.laser.close();
  assert.equal(r.laser.status().state, 'offline');
});

test('with ensureLaserMode off, a controller in spindle mode is shown as an error', async () => {
  const r = await laserRig({ laserMode: false }, { ensureLaserMode: false });
  assert.equal(r.laser.status().state, 'error');
  assert.match(r.laser.status().message!, /\$32=0/);
  assert.equal(r.emulator.laserMode, false);
  await r.laser.close();
});

test('streams a job with character counting: the toolpath matches and the 128-byte buffer is never exceeded', async () => {
  const r = await laserRig({ laserMode: true });
  const job = strokeJob(400);
  const progress: number[] = [];
  const res = await r.laser.runJob(job, { onProgress: (n) => progress.push(n) });
  assert.equal(res.lines, job.length);
  assert.equal(res.bytes, job.reduce((n, l) => n + l.length + 1, 0));
  const got = r.emulator.toolpath.map((s) => ({ to: s.to, power: s.power, rapid: s.rapid }));
  assert.deepEqual(got, expectedSegments(job));
  assert.equal(r.emulator.stats.overflowBytes, 0);
  assert.ok(r.emulator.stats.maxUnacked <= GRBL_RX_BUFFER, `emulator saw ${r.emulator.stats.maxUnacked} unacknowledged bytes`);
  assert.ok(r.laser.maxBytesInFlight <= GRBL_RX_BUFFER);
  assert.ok(r.laser.maxBytesInFlight > 64, 'character counting keeps several lines in flight');
  assert.equal(progress.at(-1), job.length);
  assert.equal(r.laser.status().state, 'online');
  await r.laser.close();
});

test('send-response mode keeps one line in flight', async () => {
  const r = await laserRig({ laserMode: true }, { flow: 'send-response' });
  const job = strokeJob(30);
  await r.laser.runJob(job);
  assert.deepEqual(r.emulator.toolpath.map((s) => s.to), expectedSegments(job).map((s) => s.to));
  assert.ok(r.emulator.stats.maxUnacked <= Math.max(...job.map((l) => l.length + 1)));
  await r.laser.close();
});

test('the emulator enforces its buffer: a host that ignores flow control loses bytes', async () => {
  const { link, far } = createMemoryLink('mem:naive');
  const emu = new GrblEmulator(far, { laserMode: true });
  await link.open();
  await link.write(strokeJob(50).join('\n') + '\n');
  await new Promise((res) => setTimeout(res, 20));
  assert.ok(emu.stats.overflowBytes > 0);
  assert.ok(emu.stats.maxUnacked <= GRBL_RX_BUFFER);
  await link.close();
});

test('error:N mid-job stops the job with the line number and code, never the G-code', async () => {
  const r = await laserRig({ laserMode: true });
  const job = strokeJob(20);
  job.splice(10, 0, 'G2 X4111111111111111 Y1 I1');
  await assert.rejects(r.laser.runJob(job), (e: unknown) => {
    assert.ok(e instanceof LaserError && e.code === 'ERROR');
    assert.match(e.message, /line 11 of \d+ refused with error:20 \(unsupported/);
    assert.ok(!e.message.includes('4111111111111111'));
    return true;
  });
  assert.equal(r.laser.status().state, 'error');
  assert.ok(!JSON.stringify(r.laser.status()).includes('4111'));
  // Lines after the bad one were not fed beyond what was already in flight.
  assert.ok(r.emulator.toolpath.length < expectedSegments(job).length);
  r.emulator.clearToolpath();
  const ok = strokeJob(5, 7);
  await r.laser.runJob(ok);
  assert.equal(r.laser.status().state, 'online');
  assert.equal(r.emulator.toolpath.length, expectedSegments(ok).length);
  await r.laser.close();
});

test('ALARM:1 mid-job fails it with ALARM, locks the laser until recover (reset + $X), then the next job runs', async () => {
  const r = await laserRig({ laserMode: true });
  r.emulator.injectAlarm(1, { afterBlocks: 40 });
  await assert.rejects(r.laser.runJob(strokeJob(200)), isLaserError('ALARM', /ALARM:1 \(hard limit/));
  assert.equal(r.emulator.toolpath.length, 40);
  assert.equal(r.laser.status().state, 'error');
  assert.match(r.laser.status().message!, /hard limit/);
  assert.match(r.laser.status().action!, /unlock/);
  assert.equal(r.laser.alarmCode, 1);
  await assert.rejects(r.laser.runJob(strokeJob(3)), isLaserError('ALARM', /recover first/));
  await r.laser.recover();
  assert.equal(r.laser.status().state, 'online');
  assert.equal(r.emulator.state, 'Idle');
  r.emulator.clearToolpath();
  const next = strokeJob(30, 3);
  await r.laser.runJob(next);
  assert.deepEqual(r.emulator.toolpath.map((s) => s.to), expectedSegments(next).map((s) => s.to));
  assert.equal(r.emulator.stats.overflowBytes, 0);
  await r.laser.close();
});

test('a non-critical alarm (soft reset while moving → ALARM:3) also needs $X', async () => {
  const r = await laserRig({ laserMode: true, timeScale: 1 });
  const failed = assert.rejects(r.laser.runJob(strokeJob(50)), isLaserError('ERROR', /stopped by a soft reset/));
  await waitFor(() => r.emulator.state === 'Run', 2000, 'running');
  await r.laser.softReset();
  await failed;
  assert.equal(r.laser.alarmCode, 3);
  await waitFor(() => r.laser.status().state === 'error', 2000, 'locked');
  assert.equal(r.emulator.state, 'Alarm');
  await r.laser.unlock();
  assert.equal(r.emulator.state, 'Idle');
  await r.laser.close();
});

test('feed hold pauses the job and resume finishes it; the state is polled', async () => {
  const r = await laserRig({ laserMode: true, timeScale: 0.2 });
  const job = strokeJob(15);
  const p = r.laser.runJob(job);
  await waitFor(() => r.laser.report?.state === 'Run', 3000, 'Run');
  r.laser.feedHold();
  await waitFor(() => r.laser.report?.state === 'Hold', 3000, 'Hold');
  assert.equal(r.laser.status().state, 'busy');
  assert.match(r.laser.status().message!, /feed hold/);
  const done = r.emulator.toolpath.length;
  await new Promise((res) => setTimeout(res, 150));
  assert.equal(r.emulator.toolpath.length, done, 'nothing moves while held');
  r.laser.resume();
  await p;
  assert.equal(r.emulator.toolpath.length, expectedSegments(job).length);
  assert.equal(r.laser.status().state, 'online');
  await r.laser.close();
});

test('an open safety door shows as an error until closed and resumed', async () => {
  const r = await laserRig({ laserMode: true });
  r.emulator.openDoor();
  await waitFor(() => r.laser.status().state === 'error', 2000, 'door');
  assert.match(r.laser.status().message!, /door/);
  r.emulator.closeDoor();
  r.laser.resume();
  await waitFor(() => r.laser.status().state === 'online', 2000, 'door closed');
  await r.laser.close();
});

test('unplugged mid-job: the job fails OFFLINE, then the driver reconnects by itself', async () => {
  const r = await laserRig({ laserMode: true, timeScale: 0.2 });
  const p = r.laser.runJob(strokeJob(40));
  await waitFor(() => r.emulator.toolpath.length > 2, 3000, 'started');
  r.emulator.unplug();
  await assert.rejects(p, isLaserError('OFFLINE'));
  assert.equal(r.laser.status().state, 'offline');
  await assert.rejects(r.laser.runJob(['G0 X1']), isLaserError('OFFLINE'));
  // The controller finishes what it had planned before the cable comes back.
  await waitFor(() => r.emulator.state === 'Idle', 5000, 'emulator idle');
  r.emulator.plug();
  await waitFor(() => r.laser.status().state === 'online', 3000, 'reconnected');
  await r.laser.runJob(strokeJob(3));
  await r.laser.close();
});

test('reconnecting while the controller still moves: its reset raises ALARM:3, shown until recover', async () => {
  const r = await laserRig({ laserMode: true, timeScale: 1 });
  const p = r.laser.runJob(strokeJob(40));
  await waitFor(() => r.emulator.state === 'Run', 3000, 'started');
  r.emulator.unplug();
  await assert.rejects(p, isLaserError('OFFLINE'));
  r.emulator.plug();
  await waitFor(() => r.laser.status().state === 'error', 3000, 'reconnected in alarm');
  assert.equal(r.laser.alarmCode, 3);
  assert.match(r.laser.status().message!, /ALARM:3 \(reset while in motion/);
  await r.laser.recover();
  assert.equal(r.laser.status().state, 'online');
  await r.laser.close();
});

test('a controller that stops answering fails the job with TIMEOUT instead of hanging', async () => {
  const r = await laserRig({ laserMode: true, timeScale: 0.2 }, { silenceMs: 150 });
  const p = r.laser.runJob(strokeJob(40));
  await waitFor(() => r.emulator.toolpath.length > 1, 3000, 'started');
  r.emulator.close();
  await assert.rejects(p, isLaserError('TIMEOUT', /no answer/));
  await waitFor(() => r.laser.status().state === 'offline', 2000, 'dropped');
  await r.laser.close();
});

test('cancelling a job stops the beam (hold + reset) and leaves the laser unlocked', async () => {
  const r = await laserRig({ laserMode: true, timeScale: 0.2 });
  const ac = new AbortController();
  const p = r.laser.runJob(strokeJob(40), { signal: ac.signal });
  await waitFor(() => r.emulator.toolpath.length > 1, 3000, 'started');
  ac.abort();
  await assert.rejects(p, isLaserError('ERROR', /cancelled/));
  await waitFor(() => r.laser.status().state === 'online', 3000, 'recovered');
  assert.equal(r.emulator.state, 'Idle');
  assert.ok(r.emulator.stats.resets >= 2, 'the job was stopped by a soft reset');
  await r.laser.close();
});

test('a line with a real-time character is refused before anything is sent', async () => {
  const r = await laserRig({ laserMode: true });
  const before = r.emulator.stats.linesAnswered;
  await assert.rejects(r.laser.runJob(['G0 X1', 'G1 X2 F100 ~']), isLaserError('ERROR', /line 2/));
  assert.equal(r.emulator.stats.linesAnswered, before);
  await r.laser.close();
});

test('$ commands return their messages', async () => {
  const r = await laserRig({ laserMode: true });
  const info = await r.laser.command('$I');
  assert.deepEqual(info, ['[VER:1.1h.20190825:]', '[OPT:V,15,128]']);
  await assert.rejects(r.laser.command('$999=1'), isLaserError('ERROR', /error:3/));
  await r.laser.close();
});
