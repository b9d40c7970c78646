import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real pseudo-terminal pair made by socat, as a user would make one to put an emulator on
// one end and the station on the other.
export interface PtyPair {
  a: string;
  b: string;
  proc: ChildProcess;
  /** Kills socat: both ends disappear (the station sees a disconnect). */
  kill(): Promise<void>;
}

export async function makePtyPair(name = 'pty'): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), `perso-${name}-`));
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  return makePtyPairAt(a, b);
}

export async function makePtyPairAt(a: string, b: string): Promise<PtyPair> {
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const started = Date.now();
  while (!(existsSync(a) && existsSync(b))) {
    if (proc.exitCode != null) throw new Error(`socat exited with ${proc.exitCode}`);
    if (Date.now() - started > 5000) throw new Error('socat did not create the pty pair within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    proc,
    kill: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode != null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
