import { KEYS_CALLS } from '../../../../shared/contract/areas/keys';
import type { AreaDeps, HandlersFor } from '../area';

// Handlers of the keys calls.
export function keysHandlers(_d: AreaDeps): HandlersFor<typeof KEYS_CALLS> {
  return {};
}
