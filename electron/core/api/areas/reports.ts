import { REPORTS_CALLS } from '../../../../shared/contract/areas/reports';
import type { AreaDeps, HandlersFor } from '../area';

// Handlers of the reports calls.
export function reportsHandlers(_d: AreaDeps): HandlersFor<typeof REPORTS_CALLS> {
  return {};
}
