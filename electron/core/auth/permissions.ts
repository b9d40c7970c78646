// Roles and what each may do. Supervisor includes everything an operator may do; the
// administrator manages users, devices and keys and reads the logs, but does not run production
// or decide on cards (separation of duties: the person who sets up keys and accounts is not the
// one who releases cards).

export type Role = 'operator' | 'supervisor' | 'administrator';
export const ROLES: readonly Role[] = ['operator', 'supervisor', 'administrator'];

export type Action =
  | 'batch.import'
  | 'batch.run'
  | 'engine.control'
  | 'card.hold'
  | 'card.decide'
  | 'card.rework'
  | 'log.read'
  | 'log.export'
  | 'product.manage'
  | 'pan.reveal'
  | 'report.read'
  | 'report.signoff'
  | 'user.manage'
  | 'device.manage'
  | 'key.manage'
  | 'key.custody';

const O: Role = 'operator';
const S: Role = 'supervisor';
const A: Role = 'administrator';

export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'batch.import': [O, S],
  'batch.run': [O, S],
  'engine.control': [O, S],
  'card.hold': [O, S],
  /** Set a failed card good/bad, release a hold. */
  'card.decide': [S],
  /** Approve re-making a card. */
  'card.rework': [S],
  'log.read': [S, A],
  'log.export': [S, A],
  'product.manage': [S],
  /** Show a full PAN (each reveal is audited by the caller). */
  'pan.reveal': [S],
  'report.read': [O, S, A],
  /** Sign a batch reconciliation as the reviewer. */
  'report.signoff': [S],
  'user.manage': [A],
  'device.manage': [A],
  /** Start key ceremonies, import test keys, list keys. */
  'key.manage': [A],
  /** Enter one key component in a ceremony as a custodian. */
  'key.custody': [S, A],
};

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function can(role: Role, action: Action): boolean {
  return PERMISSIONS[action]?.includes(role) ?? false;
}

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/** Who did something: a session satisfies it. */
export interface Actor {
  username: string;
  role: Role;
  origin: string;
}
