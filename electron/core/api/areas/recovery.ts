import { RECOVERY_CALLS } from '../../../../shared/contract/areas/recovery';
import type { AreaDeps, HandlersFor } from '../area';

// Handlers of the recovery calls.
export function recoveryHandlers(_d: AreaDeps): HandlersFor<typeof RECOVERY_CALLS> {
  return {};
}
