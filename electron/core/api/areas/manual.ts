import { MANUAL_CALLS } from '../../../../shared/contract/areas/manual';
import type { AreaDeps, HandlersFor } from '../area';

// Handlers of the manual calls.
export function manualHandlers(_d: AreaDeps): HandlersFor<typeof MANUAL_CALLS> {
  return {};
}
