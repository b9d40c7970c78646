import type { Station } from '../station';
import type { CardDbRow } from '../store/card-store';
import type { Preview } from '../../../shared/contract/dto';
import type { CardRecord } from '../../../shared/domain/record';
import { layoutCard, renderSideSvg } from '../../../shared/layout/index';

// The preview of a card as it will come out, from the same layout code that makes the device
// commands. The PAN is masked unless a supervisor asked to reveal it (and that was logged).
// A card that is done no longer has its record: it is drawn from what is left (masked number).
export function renderPreview(station: Station, c: CardDbRow, reveal: boolean): Preview {
  const product = station.products.get(station.store.batch(c.batch_id).product_id);
  if (!product.layout) return { front: '', back: '', masked: true, cardId: c.id };
  let record: CardRecord;
  let masked = !reveal;
  try {
    record = station.store.openRecord(c);
  } catch {
    masked = true;
    record = { recordId: c.record_id, pan: c.masked_pan.replace(/\D/g, '0'), expiry: '0001', name: 'DONE/CARD' };
  }
  const layout = layoutCard(product.layout, record, { maskPan: masked, product });
  return { front: renderSideSvg(layout, 'front'), back: renderSideSvg(layout, 'back'), masked, cardId: c.id };
}
