import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDemo } from '../../../electron/cli/demo';
import { bootStation, type Booted } from '../../../electron/boot';
import { dispatch } from '../../../electron/core/api/dispatch';
import type { Connection } from '../../../electron/core/api/handlers';
import { tempDir } from '../../support/core-fixture';

// The demo station (in-process simulators, no bridge) with one logged-in connection per role,
// for tests that go through the API as the renderer does.
export type Who = 'operator' | 'supervisor' | 'administrator';

export interface ApiStation {
  core: Booted;
  configPath: string;
  call(who: Who | Connection, name: string, input: unknown): Promise<unknown>;
  /** The refusal code of a call that must fail. */
  refusal(who: Who | Connection, name: string, input: unknown): Promise<string>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function openApiStation(o: { cards?: number; importSample?: boolean } = {}): Promise<ApiStation> {
  const dir = tempDir('manual-api');
  const demo = await writeDemo({ dir, importSample: o.importSample ?? true, cards: o.cards ?? 12, timeScale: 0 });
  const creds = JSON.parse(readFileSync(join(dir, 'demo-users.json'), 'utf8')) as Record<Who, { username: string; password: string }>;
  let core = await bootStation({ configPath: demo.configPath, origin: 'test' });
  let conns = {} as Record<Who, Connection>;
  const login = async () => {
    conns = {} as Record<Who, Connection>;
    for (const w of ['operator', 'supervisor', 'administrator'] as Who[]) {
      conns[w] = { id: w, origin: `ui:${w}`, sessionId: null };
      await core.handlers['session.login'](creds[w], conns[w]);
    }
  };
  await login();
  const raw = (who: Who | Connection, name: string, input: unknown) => dispatch(core.handlers, name, input, typeof who === 'string' ? conns[who] : who);
  const s: ApiStation = {
    get core() {
      return core;
    },
    configPath: demo.configPath,
    async call(who, name, input) {
      const r = await raw(who, name, input);
      if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
    async refusal(who, name, input) {
      const r = await raw(who, name, input);
      if (r.ok) throw new Error(`${name} was expected to be refused`);
      return r.error.code;
    },
    async reopen() {
      await core.station.close();
      core = await bootStation({ configPath: demo.configPath, origin: 'test' });
      await login();
    },
    close: () => core.station.close(),
  };
  return s;
}
