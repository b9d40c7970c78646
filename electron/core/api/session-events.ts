import type { SessionInfo } from '../../../shared/contract/dto';
import { dispatch } from './dispatch';
import type { AuthPort, Connection, Handlers } from './types';

// What both adapters (Electron IPC, the bridge) do when the core ends a session — logout, idle
// expiry, forced logout: every connection on that session loses it and is sent session.changed
// with what session.status now says, so its page returns to the lock screen at once.
export interface SessionEndTarget {
  conn: Connection;
  send(info: SessionInfo): void;
}

export function forwardSessionEnds(d: { auth: AuthPort; handlers: Handlers; targets(): Iterable<SessionEndTarget> }): () => void {
  return d.auth.onSessionEnded((sessionId) => {
    for (const t of d.targets()) {
      if (t.conn.sessionId !== sessionId) continue;
      t.conn.sessionId = null;
      void dispatch(d.handlers, 'session.status', {}, t.conn).then((status) => {
        if (status.ok) t.send(status.value as SessionInfo);
      });
    }
  });
}
