import type { Role } from '../../shared/contract/dto';

// Which views each role is offered. The station refuses calls outside a role's permissions
// anyway (electron/core/auth/permissions.ts); hiding them only spares people dead ends.
export type View = 'operator' | 'supervisor' | 'products' | 'keys' | 'reports' | 'recovery';

const BY_ROLE: Record<Role, readonly View[]> = {
  // batch.run, engine.control, report.read (their batch's vault figures and sign-off)
  operator: ['operator', 'reports'],
  // + card.decide, log.read, product.manage, key.custody
  supervisor: ['operator', 'supervisor', 'reports', 'products', 'keys', 'recovery'],
  // log.read, key.manage, key.custody; no production, no card decisions
  administrator: ['supervisor', 'reports', 'keys'],
};

export function viewsFor(role: Role | null | undefined): readonly View[] {
  return role ? BY_ROLE[role] : [];
}

/** The view to show: the one asked for if the role has it, else the role's first. */
export function shownView(role: Role | null | undefined, wanted: View): View | null {
  const views = viewsFor(role);
  if (!views.length) return null;
  return views.includes(wanted) ? wanted : views[0];
}
