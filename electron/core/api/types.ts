import type { z } from 'zod';
import type { CallName, CallOutput, CALLS } from '../../../shared/contract/channels';
import type { Role } from '../../../shared/contract/dto';

// The API's types, apart from the handlers, so the areas, dispatch and the adapters can name them
// without importing the handlers (which import the areas).
export interface Connection {
  /** Stable id of the window or WebSocket connection. */
  id: string;
  /** 'ui:<id>' for renderers, 'cli' for the command line. */
  origin: string;
  sessionId: string | null;
}

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
}

/** What the API needs from the auth service (electron/core/auth). */
export interface AuthPort {
  hasUsers(): boolean;
  bootstrap(u: { username: string; displayName: string; password: string }, origin: string): { sessionId: string; user: SessionUser };
  login(username: string, password: string, origin: string): { sessionId: string; user: SessionUser };
  logout(sessionId: string, origin: string): void;
  /** The session's user, or null when there is none or it expired; counts as activity. */
  current(sessionId: string | null): SessionUser | null;
  /** Throws an error with code NO_SESSION, SESSION_EXPIRED or FORBIDDEN (logged). */
  authorize(sessionId: string | null, action: string, origin: string): SessionUser;
  listUsers(): { username: string; displayName: string; role: Role; disabled: boolean }[];
  createUser(u: { username: string; displayName: string; role: Role; password: string }, by: SessionUser, origin: string): void;
  /** Every session that ends (logout, idle expiry, forced logout); see forwardSessionEnds. */
  onSessionEnded(listener: (sessionId: string) => void): () => void;
}

type In<K extends CallName> = z.output<(typeof CALLS)[K]['input']>;
export type Handlers = { [K in CallName]: (input: In<K>, conn: Connection) => CallOutput<K> | Promise<CallOutput<K>> };
