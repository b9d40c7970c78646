import type { BatchSummary } from '../../../../shared/contract/dto';
import type { DeviceStatus } from '../../../../shared/domain/device';
import { formatCount } from '../../format/format';
import { t } from '../../i18n/t';

// What a supervisor must act on, in the order it blocks the line: cards waiting for a decision,
// devices that are down, cards and batches on hold.
export interface AttentionItem {
  kind: 'decisions' | 'devices' | 'held';
  text: string;
}

export function attentionItems(o: { awaitingDecision: number; devices: readonly DeviceStatus[]; batches: readonly BatchSummary[] }): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (o.awaitingDecision > 0) items.push({ kind: 'decisions', text: t('attention.decisions', { count: formatCount(o.awaitingDecision) }) });
  const down = o.devices.filter((d) => d.state === 'offline' || d.state === 'error');
  if (down.length) items.push({ kind: 'devices', text: t('attention.devices', { names: down.map((d) => `${d.name} (${t(`devices.state.${d.state}`)})`).join(', ') }) });
  const heldCards = o.batches.reduce((n, b) => n + (b.state === 'closed' ? 0 : b.counts.held), 0);
  const heldBatches = o.batches.filter((b) => b.state === 'held');
  if (heldCards > 0) items.push({ kind: 'held', text: t('attention.heldCards', { count: formatCount(heldCards) }) });
  if (heldBatches.length) items.push({ kind: 'held', text: t('attention.heldBatches', { ids: heldBatches.map((b) => b.batchId).join(', ') }) });
  return items;
}
