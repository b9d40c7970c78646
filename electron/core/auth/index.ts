export { AuthService, type AuthOptions, type Session, type SessionEnded, type UserInfo } from './service';
export { AuthError, type AuthErrorCode } from './errors';
export { ACTIONS, PERMISSIONS, ROLES, can, isRole, type Action, type Actor, type Role } from './permissions';
export { MIN_PASSWORD, passwordProblem } from './password';
export { AUTH_DOMAIN } from './schema';
