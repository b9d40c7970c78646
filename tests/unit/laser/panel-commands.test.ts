import { test } from 'node:test';
import assert from 'node:assert/strict';
import { laserRig, strokeJob, waitFor } from './support';
import { openApiStation } from '../manual/api-station';
import type { DeviceStatus } from '../../../shared/domain/device';

// Issue 16.4: after an alarm the laser offers its unlock ($X) and, where the machine has a
// homing cycle ($22=1), its homing ($H) on the device panel.
test('a laser in alarm offers unlock, and homing only where the machine has it; each brings it back', async () => {
  const { emulator, laser } = await laserRig({ laserMode: true });
  try {
    assert.equal(laser.status().commands, undefined, 'nothing to offer while ready');
    emulator.injectAlarm(1);
    await waitFor(() => laser.status().state === 'error', 2000, 'the alarm');
    assert.deepEqual(laser.status().commands, ['unlock']);
    await assert.rejects(laser.perform('home'), /home is not offered now/);
    await laser.perform('unlock');
    assert.equal(laser.status().state, 'online');
    assert.equal(laser.status().commands, undefined);

    await laser.command('$22=1');
    emulator.injectAlarm(2);
    await waitFor(() => laser.status().state === 'error', 2000, 'the second alarm');
    assert.deepEqual(laser.status().commands, ['unlock', 'home']);
    assert.match(laser.status().action!, /home it/);
    await laser.perform('home');
    assert.equal(emulator.stats.homings, 1);
    assert.equal(laser.status().state, 'online');
    await laser.runJob(strokeJob(5));
  } finally {
    await laser.close();
  }
});

test('devices.perform through the API: the operator unlocks the demo laser after an alarm; a command not offered is refused', async () => {
  const s = await openApiStation({ importSample: false });
  try {
    const sim = s.core.station.deviceSet.extras?.simLine as { laser: { injectAlarm(c: number): void } | null } | null;
    const laser = () => s.core.station.deviceSet.devices.find((d) => d.kind === 'laser')!;
    assert.ok(sim?.laser, 'the demo has a simulated laser');
    assert.equal(await s.refusal('operator', 'devices.perform', { deviceId: laser().id, command: 'unlock' }), 'CONFLICT');
    sim.laser.injectAlarm(1);
    await waitFor(() => laser().status().state === 'error', 3000, 'the alarm');
    assert.equal(await s.refusal('administrator', 'devices.perform', { deviceId: laser().id, command: 'unlock' }), 'FORBIDDEN');
    const after = (await s.call('operator', 'devices.perform', { deviceId: laser().id, command: 'unlock' })) as DeviceStatus;
    assert.equal(after.state, 'online');
    const logged = s.core.station.audit.query({ type: 'device.command', order: 'asc', limit: 10 }).rows;
    assert.equal(logged.length, 1);
    assert.match(logged[0].message, /asked .* to unlock/);
  } finally {
    await s.close();
  }
});
