import { spawn } from 'node:child_process';
import { join } from 'node:path';

// Runs `perso-station run` in its own process and, when told, kills it with SIGKILL after a
// delay: the station gets no chance to finish a write, close a file or log anything.
const root = new URL('../..', import.meta.url).pathname;

export interface RunResult {
  killed: boolean;
  code: number | null;
  ms: number;
  /** Cards that ended in this run, from the CLI's per-card lines. */
  ended: number;
  stderr: string;
}

export function runStation(configPath: string, killAfterMs: number | null, timeoutMs = 90_000): Promise<RunResult> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [join(root, 'bin/perso-station.mjs'), 'run', '--config', configPath], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-20_000)));
  let killedByUs = false;
  const kill = () => {
    killedByUs = true;
    child.kill('SIGKILL');
  };
  const killer = killAfterMs === null ? null : setTimeout(kill, killAfterMs);
  const guard = setTimeout(kill, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killer) clearTimeout(killer);
      clearTimeout(guard);
      const ended = stderr.split('\n').filter((l) => / (passed|failed)( |$)/.test(l)).length;
      resolve({ killed: killedByUs && signal === 'SIGKILL', code, ms: Date.now() - t0, ended, stderr });
    });
  });
}

export { seeded } from './rng';
