import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The CLI's option parsing, through the real CLI in a child process: `--help` on every command
// and subcommand answers with its usage (exit 0), numbers are checked with a message naming the
// option (exit 2), and unknown options are still refused.
const root = new URL('../../..', import.meta.url).pathname;
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [join(root, 'bin/perso-station.mjs'), ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => res({ status, stdout, stderr }));
  });
}

const HELPS: [string[], RegExp][] = [
  [['demo'], /perso-station demo --dir D/],
  [['import'], /perso-station import FILE --config/],
  [['run'], /perso-station run --config/],
  [['logs'], /perso-station logs --config/],
  [['audit'], /perso-station audit verify --config/],
  [['audit', 'verify'], /perso-station audit verify --config/],
  [['serve'], /perso-station serve --config/],
  [['floor'], /perso-station floor migrate\|serve\|audit --config/],
  [['floor', 'migrate'], /perso-station floor migrate --config/],
  [['floor', 'serve'], /perso-station floor serve --config/],
  [['floor', 'audit'], /perso-station floor audit verify --config/],
  [['sim'], /perso-station sim encoder\|machine\|laser/],
  [['sim', 'encoder'], /perso-station sim encoder --tty PATH/],
  [['sim', 'machine'], /perso-station sim machine --tty PATH/],
  [['sim', 'laser'], /perso-station sim laser --tty PATH/],
  [['sim', 'card'], /perso-station sim card \[--port/],
];

test('--help on every command and subcommand prints its usage and exits 0', async () => {
  const results = await Promise.all(HELPS.map(([args]) => Promise.all([cli(...args, '--help'), cli(...args, '-h')])));
  HELPS.forEach(([args, usage], i) => {
    for (const r of results[i]) {
      assert.equal(r.status, 0, `${args.join(' ')} --help: exit ${r.status} ${r.stderr}`);
      assert.match(r.stdout, usage, `${args.join(' ')} --help`);
      assert.equal(r.stderr, '');
    }
  });
  const top = await cli('--help');
  assert.equal(top.status, 0);
  for (const [args, usage] of HELPS) if (args.length === 1) assert.match(top.stdout, usage);
});

// Nothing here may be created: every case must be refused before it acts.
const none = join(mkdtempSync(join(tmpdir(), 'perso-args-')), 'absent');
const BAD: [string[], string][] = [
  [['demo', '--dir', none, '--cards', 'abc'], '--cards must be a whole number ≥ 1'],
  [['demo', '--dir', none, '--cards', '0'], '--cards must be a whole number ≥ 1'],
  [['demo', '--dir', none, '--cards', '2.5'], '--cards must be a whole number ≥ 1'],
  [['demo', '--dir', none, '--time-scale', 'fast'], '--time-scale must be a number ≥ 0'],
  [['logs', '--config', join(none, 'station.json'), '--limit', '-3'], '--limit must be a whole number ≥ 1'],
  [['logs', '--config', join(none, 'station.json'), '--format', 'xml'], '--format must be one of json, csv'],
  [['logs', '--config', join(none, 'station.json'), '--severity', 'fatal'], '--severity must be one of info, warn, error'],
  [['serve', '--config', join(none, 'station.json'), '--port', '70000'], '--port must be a whole number from 0 to 65535'],
  [['sim', 'card', '--port', 'x'], '--port must be a whole number from 1 to 65535'],
  [['sim', 'machine', '--tty', join(none, 'tty'), '--time-scale', '-1'], '--time-scale must be a number ≥ 0'],
  [['demo', '--dir'], '--dir needs a value'],
  [['demo', '--dri', 'x'], 'unknown option --dri'],
  [['run', '--config', join(none, 'station.json'), 'stray'], 'unexpected argument "stray"'],
];

test('numbers and choices are checked with a message naming the option; exit 2', async () => {
  const results = await Promise.all(BAD.map(([args]) => cli(...args)));
  BAD.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
    assert.equal(r.stderr.split('\n')[0], `perso-station: ${message}`, args.join(' '));
  });
  assert.ok(!existsSync(none), 'a refused command wrote nothing');
});
