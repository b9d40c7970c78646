import type { AuthService } from '../auth';
import type { Action } from '../auth/permissions';
import type { AuthPort, SessionUser } from './handlers';

// Adapts the auth service to what the API needs. Sessions live in memory only, so after a
// restart everyone logs in again.
export function createAuthPort(auth: AuthService): AuthPort {
  const user = (s: { username: string; displayName: string; role: SessionUser['role'] }): SessionUser => ({ username: s.username, displayName: s.displayName, role: s.role });
  return {
    hasUsers: () => auth.hasUsers(),
    bootstrap(u, origin) {
      auth.bootstrapAdmin(u, origin);
      const s = auth.login(u.username, u.password, origin);
      return { sessionId: s.id, user: user(s) };
    },
    login(username, password, origin) {
      const s = auth.login(username, password, origin);
      return { sessionId: s.id, user: user(s) };
    },
    logout: (sessionId) => auth.logout(sessionId),
    current(sessionId) {
      if (!sessionId) return null;
      try {
        return user(auth.check(sessionId));
      } catch {
        return null;
      }
    },
    authorize(sessionId, action) {
      if (!sessionId) throw Object.assign(new Error('log in first'), { code: 'NO_SESSION' });
      return user(auth.authorize(sessionId, action as Action));
    },
    listUsers: () => auth.listUsers().map((u) => ({ username: u.username, displayName: u.displayName, role: u.role, disabled: u.disabled })),
    createUser(u, by, origin) {
      auth.createUser(u, { username: by.username, role: by.role, origin });
    },
    onSessionEnded: (listener) => auth.onSessionEnded((e) => listener(e.sessionId)),
  };
}
