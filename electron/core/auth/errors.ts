export type AuthErrorCode =
  | 'BAD_CREDENTIALS'
  | 'LOCKED_OUT'
  | 'DISABLED'
  | 'PASSWORD_POLICY'
  | 'SESSION_EXPIRED'
  | 'NO_SESSION'
  | 'FORBIDDEN'
  | 'USER_EXISTS'
  | 'NO_USER'
  | 'ALREADY_INITIALIZED'
  | 'INVALID';

export class AuthError extends Error {
  constructor(readonly code: AuthErrorCode, message: string) {
    super(message);
    this.name = 'AuthError';
  }
}
