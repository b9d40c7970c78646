import type { EventName } from '../../../shared/contract/channels';
import { can, type Action } from '../auth/permissions';
import type { SessionUser } from './handlers';

// Which events a session may receive: all need a logged-in user; the log's live entries need the
// right to read the log (an operator must not get by events what log.query refuses them).
const EVENT_ACTIONS: Partial<Record<EventName, Action>> = {
  'log.appended': 'log.read',
};

export function mayReceive(user: SessionUser | null, event: EventName): boolean {
  if (!user) return false;
  const action = EVENT_ACTIONS[event];
  return !action || can(user.role, action);
}
