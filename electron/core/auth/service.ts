import type { Database } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { AuditLog } from '../audit';
import { migrate } from '../store/migrate';
import { AuthError } from './errors';
import { DEFAULT_SCRYPT, hashPassword, passwordProblem, verifyPassword, type ScryptParams } from './password';
import { can, isRole, type Action, type Actor, type Role } from './permissions';
import { AUTH_DOMAIN, AUTH_MIGRATIONS } from './schema';

export interface AuthOptions {
  /** Consecutive failed logins before a lock-out (default 5). */
  maxFailures?: number;
  lockoutMs?: number;
  /** A session unused this long expires (default 15 minutes). */
  idleMs?: number;
  now?: () => number;
  scrypt?: ScryptParams;
  /** While someone listens for session ends, idle sessions are swept this often (default 15 s). */
  sweepMs?: number;
}

/** Why a session ended: its user signed out, it sat idle too long, or an administrator ended it. */
export interface SessionEnded {
  sessionId: string;
  username: string;
  reason: 'logout' | 'expired' | 'forced';
}

export interface Session extends Actor {
  id: string;
  displayName: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface UserInfo {
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  lockedUntil: number | null;
  createdAt: number;
  createdBy: string;
  passwordChangedAt: number;
  lastLoginAt: number | null;
}

interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  created_by: string;
  password_changed_at: number;
  last_login_at: number | null;
}

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$/;

/**
 * Users, passwords and in-memory sessions. Every login, failure, lock-out, logout, expiry,
 * refusal and user change is written to the audit log (never a password).
 */
export class AuthService {
  private readonly sessions = new Map<string, Session>();
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private readonly scrypt: ScryptParams;
  /** Compared against when the user does not exist, so that case takes as long as a wrong password. */
  private readonly dummyHash: string;
  private readonly sweepMs: number;
  private readonly endListeners = new Set<(e: SessionEnded) => void>();
  private sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly db: Database, private readonly audit: AuditLog, opts: AuthOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 5;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
    this.idleMs = opts.idleMs ?? 15 * 60_000;
    this.now = opts.now ?? Date.now;
    this.scrypt = opts.scrypt ?? DEFAULT_SCRYPT;
    this.sweepMs = opts.sweepMs ?? 15_000;
    migrate(db, AUTH_DOMAIN, AUTH_MIGRATIONS);
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'), this.scrypt);
  }

  hasUsers(): boolean {
    return !!this.db.prepare('SELECT 1 FROM auth_users LIMIT 1').get();
  }

  /** First run only: creates the first administrator when there are no users at all. */
  bootstrapAdmin(u: { username: string; displayName: string; password: string }, origin = 'station'): UserInfo {
    return this.db.transaction(() => {
      if (this.hasUsers()) throw new AuthError('ALREADY_INITIALIZED', 'the station already has users: the first administrator can only be created once');
      return this.insertUser({ ...u, role: 'administrator' }, { username: u.username, role: 'administrator', origin }, 'user.bootstrap');
    })();
  }

  createUser(u: { username: string; displayName: string; role: Role; password: string }, by: Actor): UserInfo {
    this.require(by, 'user.manage', `user:${u.username}`);
    return this.insertUser(u, by, 'user.create');
  }

  setPassword(username: string, password: string, by: Actor): void {
    // Anyone may change their own password; changing someone else's needs user.manage.
    if (by.username.toLowerCase() !== username.toLowerCase()) this.require(by, 'user.manage', `user:${username}`);
    const row = this.getRow(username);
    this.checkPolicy(password, row.username, by);
    this.db.prepare('UPDATE auth_users SET password_hash = ?, password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE username = ?').run(hashPassword(password, this.scrypt), this.now(), row.username);
    this.log('user.password', 'success', by, `user:${row.username}`, `password of ${row.username} changed by ${by.username}`);
  }

  setRole(username: string, role: Role, by: Actor): void {
    this.require(by, 'user.manage', `user:${username}`);
    if (!isRole(role)) throw new AuthError('INVALID', `unknown role "${role}"`);
    const row = this.getRow(username);
    this.db.prepare('UPDATE auth_users SET role = ? WHERE username = ?').run(role, row.username);
    this.endSessionsOf(row.username);
    this.log('user.role', 'success', by, `user:${row.username}`, `role of ${row.username} changed from ${row.role} to ${role}`, { from: row.role, to: role });
  }

  disableUser(username: string, by: Actor): void {
    this.require(by, 'user.manage', `user:${username}`);
    const row = this.getRow(username);
    if (row.username.toLowerCase() === by.username.toLowerCase()) throw new AuthError('INVALID', 'an administrator cannot disable their own account');
    this.db.prepare('UPDATE auth_users SET disabled = 1 WHERE username = ?').run(row.username);
    this.endSessionsOf(row.username);
    this.log('user.disable', 'success', by, `user:${row.username}`, `user ${row.username} disabled`);
  }

  enableUser(username: string, by: Actor): void {
    this.require(by, 'user.manage', `user:${username}`);
    const row = this.getRow(username);
    this.db.prepare('UPDATE auth_users SET disabled = 0 WHERE username = ?').run(row.username);
    this.log('user.enable', 'success', by, `user:${row.username}`, `user ${row.username} enabled`);
  }

  /** Lifts a lock-out before it runs out. */
  unlockUser(username: string, by: Actor): void {
    this.require(by, 'user.manage', `user:${username}`);
    const row = this.getRow(username);
    this.db.prepare('UPDATE auth_users SET failed_logins = 0, locked_until = NULL WHERE username = ?').run(row.username);
    this.log('user.unlock', 'success', by, `user:${row.username}`, `user ${row.username} unlocked`);
  }

  listUsers(): UserInfo[] {
    return (this.db.prepare('SELECT * FROM auth_users ORDER BY username').all() as UserRow[]).map(toInfo);
  }

  login(username: string, password: string, origin: string): Session {
    const name = String(username ?? '');
    const row = this.db.prepare('SELECT * FROM auth_users WHERE username = ?').get(name) as UserRow | undefined;
    const now = this.now();
    const who = { username: row?.username ?? name, role: row?.role ?? ('operator' as Role), origin };
    if (!row) {
      verifyPassword(String(password ?? ''), this.dummyHash);
      this.log('auth.login', 'failure', { ...who, username: '' }, `user:${name.slice(0, 64)}`, `login refused for unknown user "${name.slice(0, 64)}"`, { reason: 'BAD_CREDENTIALS' });
      throw new AuthError('BAD_CREDENTIALS', 'wrong user name or password');
    }
    if (row.locked_until != null && row.locked_until > now) {
      this.log('auth.login', 'failure', who, `user:${row.username}`, `login refused for ${row.username}: locked out`, { reason: 'LOCKED_OUT' });
      throw new AuthError('LOCKED_OUT', `account locked after ${this.maxFailures} failed logins; try again in ${Math.ceil((row.locked_until - now) / 60_000)} min or ask an administrator`);
    }
    if (!verifyPassword(String(password ?? ''), row.password_hash)) {
      const failures = row.failed_logins + 1;
      const lock = failures >= this.maxFailures;
      this.db.prepare('UPDATE auth_users SET failed_logins = ?, locked_until = ? WHERE username = ?').run(lock ? 0 : failures, lock ? now + this.lockoutMs : null, row.username);
      this.log('auth.login', 'failure', who, `user:${row.username}`, `login refused for ${row.username}: wrong password (${failures} in a row)`, { reason: 'BAD_CREDENTIALS', failures });
      if (lock) {
        this.log('auth.lockout', 'failure', who, `user:${row.username}`, `user ${row.username} locked out for ${Math.round(this.lockoutMs / 60_000)} min after ${failures} failed logins`, { failures, lockoutMs: this.lockoutMs }, 'warn');
        throw new AuthError('LOCKED_OUT', `account locked after ${failures} failed logins`);
      }
      throw new AuthError('BAD_CREDENTIALS', 'wrong user name or password');
    }
    if (row.disabled) {
      this.log('auth.login', 'failure', who, `user:${row.username}`, `login refused for ${row.username}: account disabled`, { reason: 'DISABLED' });
      throw new AuthError('DISABLED', 'this account is disabled');
    }
    this.db.prepare('UPDATE auth_users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE username = ?').run(now, row.username);
    const session: Session = { id: randomBytes(32).toString('base64url'), username: row.username, displayName: row.display_name, role: row.role, origin, createdAt: now, lastSeenAt: now };
    this.sessions.set(session.id, session);
    this.log('auth.login', 'success', who, `user:${row.username}`, `${row.username} logged in as ${row.role}`);
    return { ...session };
  }

  /** The live session, without extending it. Throws NO_SESSION or SESSION_EXPIRED. */
  check(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new AuthError('NO_SESSION', 'not logged in');
    if (this.now() - s.lastSeenAt > this.idleMs) {
      this.sessions.delete(sessionId);
      this.log('auth.session.expired', 'success', s, `user:${s.username}`, `session of ${s.username} expired after ${Math.round(this.idleMs / 60_000)} min idle`);
      this.ended(sessionId, s, 'expired');
      throw new AuthError('SESSION_EXPIRED', 'session expired after inactivity; log in again');
    }
    return { ...s };
  }

  /** Marks the session as used now and returns it. */
  touch(sessionId: string): Session {
    this.check(sessionId);
    const s = this.sessions.get(sessionId)!;
    s.lastSeenAt = this.now();
    return { ...s };
  }

  /** The session if its role may do `action`; otherwise logs the refusal and throws FORBIDDEN. */
  authorize(sessionId: string, action: Action, resource?: string): Session {
    const s = this.touch(sessionId);
    this.require(s, action, resource);
    return s;
  }

  logout(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    this.sessions.delete(sessionId);
    this.log('auth.logout', 'success', s, `user:${s.username}`, `${s.username} logged out`);
    this.ended(sessionId, s, 'logout');
  }

  /**
   * Tells `listener` of every session that ends: logout, idle expiry (swept every sweepMs while
   * anyone listens, so it is noticed with no call coming in), or forced (role changed, account
   * disabled). The adapters forward it to their page. Returns the unsubscribe.
   */
  onSessionEnded(listener: (e: SessionEnded) => void): () => void {
    this.endListeners.add(listener);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.expireIdle(), this.sweepMs);
      this.sweeper.unref();
    }
    return () => {
      this.endListeners.delete(listener);
      if (!this.endListeners.size && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = null;
      }
    };
  }

  /** Ends every session idle past the limit (each logged and told as an expiry). */
  expireIdle(): void {
    for (const id of [...this.sessions.keys()]) {
      try {
        this.check(id);
      } catch {
        // expired: check() logged it and told the listeners
      }
    }
  }

  /** Live sessions (for the "who is logged in" view); ids are not returned. */
  activeSessions(): Omit<Session, 'id'>[] {
    return [...this.sessions.values()].map(({ id: _id, ...rest }) => rest);
  }

  private require(by: Actor, action: Action, resource?: string): void {
    if (can(by.role, action)) return;
    this.log('auth.forbidden', 'failure', by, resource ?? null, `${by.username} (${by.role}) is not allowed to ${action}`, { action }, 'warn');
    throw new AuthError('FORBIDDEN', `a ${by.role} is not allowed to ${action}`);
  }

  private insertUser(u: { username: string; displayName: string; role: Role; password: string }, by: Actor, type: string): UserInfo {
    if (typeof u.username !== 'string' || !USERNAME.test(u.username)) throw new AuthError('INVALID', 'a user name has 2–32 letters, digits, dots, dashes or underscores and starts with a letter or digit');
    if (typeof u.displayName !== 'string' || !u.displayName.trim() || u.displayName.length > 80) throw new AuthError('INVALID', 'a display name has 1–80 characters');
    if (!isRole(u.role)) throw new AuthError('INVALID', `unknown role "${u.role}"`);
    if (this.db.prepare('SELECT 1 FROM auth_users WHERE username = ?').get(u.username)) throw new AuthError('USER_EXISTS', `user ${u.username} already exists`);
    this.checkPolicy(u.password, u.username, by);
    const now = this.now();
    this.db.prepare('INSERT INTO auth_users (username, display_name, role, password_hash, created_at, created_by, password_changed_at) VALUES (?,?,?,?,?,?,?)').run(u.username, u.displayName.trim(), u.role, hashPassword(u.password, this.scrypt), now, by.username, now);
    this.log(type, 'success', by, `user:${u.username}`, `user ${u.username} created as ${u.role} by ${by.username}`, { role: u.role });
    return toInfo(this.getRow(u.username));
  }

  private checkPolicy(password: string, username: string, by: Actor): void {
    const problem = passwordProblem(password, username);
    if (!problem) return;
    this.log('user.password', 'failure', by, `user:${username}`, `password for ${username} refused: ${problem}`, { reason: 'PASSWORD_POLICY' });
    throw new AuthError('PASSWORD_POLICY', problem);
  }

  private getRow(username: string): UserRow {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE username = ?').get(username) as UserRow | undefined;
    if (!row) throw new AuthError('NO_USER', `no user ${username}`);
    return row;
  }

  private endSessionsOf(username: string): void {
    for (const [id, s] of [...this.sessions]) {
      if (s.username.toLowerCase() !== username.toLowerCase()) continue;
      this.sessions.delete(id);
      this.ended(id, s, 'forced');
    }
  }

  private ended(sessionId: string, s: Session, reason: SessionEnded['reason']): void {
    for (const l of [...this.endListeners]) {
      try {
        l({ sessionId, username: s.username, reason });
      } catch {
        // A listener's failure (a closed page) must not undo or block the session's end.
      }
    }
  }

  private log(type: string, outcome: 'success' | 'failure', by: Actor, resource: string | null, message: string, data?: Record<string, string | number | boolean | null>, severity?: 'info' | 'warn'): void {
    this.audit.append({ type, severity: severity ?? (outcome === 'failure' ? 'warn' : 'info'), outcome, user: by.username || null, origin: by.origin, resource, message, data });
  }
}

function toInfo(r: UserRow): UserInfo {
  return {
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    disabled: !!r.disabled,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    createdBy: r.created_by,
    passwordChangedAt: r.password_changed_at,
    lastLoginAt: r.last_login_at,
  };
}
