import { PRODUCTS_CALLS } from '../../../../shared/contract/areas/products';
import type { AreaDeps, HandlersFor } from '../area';

// Handlers of the products calls.
export function productsHandlers(_d: AreaDeps): HandlersFor<typeof PRODUCTS_CALLS> {
  return {};
}
