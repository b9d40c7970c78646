import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { bootStation } from '../../../electron/boot';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';

// The station is SIGKILLed with cards in flight and started again: it must not feed while cards
// of the interrupted run may still be in the machine. Start is refused with the reason, `run`
// says so, and once the operator cleared the path the batch goes on.
const root = new URL('../../..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root, encoding: 'utf8' });

test('after a SIGKILL with cards in flight, Start is refused until the path is cleared', { timeout: 180_000 }, async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'perso-restart-')), 'D');
  assert.equal(cli('demo', '--dir', dir, '--cards', '20', '--time-scale', '0.05').status, 0);
  const config = join(dir, 'station.json');
  // Kill the station once the first card has passed: the cards behind it are in the machine.
  const child = spawn(process.execPath, [join(root, 'bin/perso-station.mjs'), 'run', '--config', config], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (/ passed/.test(err)) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`the station ended by itself (${code}) before a card passed: ${err}`)));
  });
  await new Promise((r) => child.once('exit', r));

  // `run` refuses to feed and says why.
  const again = cli('run', '--config', config);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /card\(s\) may still be in the machine .*clear the path before starting/);

  const creds = JSON.parse(readFileSync(join(dir, 'demo-users.json'), 'utf8')) as Record<string, { username: string; password: string }>;
  const b = await bootStation({ configPath: config, origin: 'test' });
  try {
    const conn: Connection = { id: 'op', origin: 'ui:operator', sessionId: null };
    const call = async (name: string, input: unknown) => dispatch(b.handlers, name, input, conn);
    assert.ok((await call('session.login', creds.operator)).ok);
    const status = await call('engine.status', {});
    assert.ok(status.ok && (status.value as { pathCards: number }).pathCards > 0, 'the engine status says cards are in the path');
    const start = await call('engine.start', { batchId: 'DEMO-0001' });
    assert.equal(start.ok, false);
    assert.match(!start.ok ? start.error.message : '', /clear the path before starting/);
    const path = (await call('recovery.path', {})) as { ok: true; value: { cards: { reason: string; recordId: string }[] } };
    assert.ok(path.value.cards.length >= 1 && path.value.cards.every((c) => c.reason === 'INTERRUPTED'));
    const cleared = await call('recovery.clearPath', {});
    assert.ok(cleared.ok && (cleared.value as { cards: unknown[] }).cards.length === 0);
  } finally {
    await b.station.close();
  }
  // Cleared: the run goes on (the interrupted cards wait for a supervisor; the rest is made).
  const last = cli('run', '--config', config);
  assert.equal(last.status, 0, last.stderr);
});
