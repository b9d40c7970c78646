import type { Station } from '../station';
import type { CardDbRow } from '../store/card-store';
import type { Preview } from '../../../shared/contract/dto';
import type { CardRecord } from '../../../shared/domain/record';
import { layoutCard, renderSideSvg } from '../../../shared/layout/index';

// The preview of a card as it will come out, from the same layout code that makes the device
// commands. The PAN is masked unless a supervisor asked to reveal it (and that was logged).
// A card that is done no longer has its record, so there is nothing to draw.
export function renderPreview(station: Station, c: CardDbRow, reveal: boolean): Preview {
  const product = station.products.get(station.store.batch(c.batch_id).product_id);
  if (!product.layout) return { front: '', back: '', masked: true, cardId: c.id, available: false };
  let record: CardRecord;
  try {
    record = station.store.openRecord(c);
  } catch {
    return { front: '', back: '', masked: true, cardId: c.id, available: false };
  }
  // Revealing shows the card number only: CVV2 and the product's secure fields stay hidden.
  const shown = reveal ? hideSecrets(record, product.secureFields) : record;
  const layout = layoutCard(product.layout, shown, { maskPan: !reveal, product });
  // The laser's work coordinates under the station's jig are drawn on the preview too.
  const jig = station.config.devices.laser?.jig;
  return { front: renderSideSvg(layout, 'front', { jig }), back: renderSideSvg(layout, 'back', { jig }), masked: !reveal, cardId: c.id, available: true };
}

function hideSecrets(r: CardRecord, secureFields: string[]): CardRecord {
  const fields = r.fields ? { ...r.fields } : undefined;
  if (fields) for (const f of secureFields) if (fields[f.replace(/^fields\./, '')] !== undefined) fields[f.replace(/^fields\./, '')] = '*'.repeat(fields[f.replace(/^fields\./, '')].length);
  return { ...r, cvv2: r.cvv2 ? '*'.repeat(r.cvv2.length) : undefined, fields };
}
