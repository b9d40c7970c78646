import type { z } from 'zod';
import type { CallTable } from '../../../shared/contract/common';
import type { Station } from '../station';
import type { AuthPort, Connection, SessionUser } from './types';

// What an area's handlers get: the station, the auth port, and `need` — the permission check
// every handler makes first (refusals are logged by the auth service).
export interface AreaDeps {
  station: Station;
  auth: AuthPort;
  need(conn: Connection, action: string): SessionUser;
  progress(taskId: string, label: string, done: number, total: number): void;
}

export type HandlersFor<T extends CallTable> = {
  [K in keyof T]: (input: z.output<T[K]['input']>, conn: Connection) => z.input<T[K]['output']> | Promise<z.input<T[K]['output']>>;
};
