import type { CardRow } from '../../../../shared/contract/dto';
import { formatCount } from '../../format/format';
import { hasMessage, t } from '../../i18n/t';

/**
 * Where a failed card stopped, in words: the step and the unit of it (the chip head, or unit N
 * where a step has several), and the record's position in its batch counted from 1 (the store
 * counts from 0). Feeding and ejecting have no unit.
 */
export function stoppedAt(r: Pick<CardRow, 'step' | 'slot' | 'recordIndex'>): string {
  const position = formatCount(r.recordIndex + 1);
  if (!r.step) return t('decide.stoppedUnknown', { position });
  return t('decide.stoppedAt', { where: unitText(r.step, r.slot), position });
}

/** A step and its unit in words: "Chip head 2", "Embossing", "Laser engraving (unit 2)". */
export function unitText(stepKind: string, slot: number | null): string {
  const step = stepName(stepKind);
  const unit = stepKind !== 'feed' && stepKind !== 'eject' && slot != null ? slot + 1 : null;
  if (unit != null && stepKind === 'chip') return t('decide.where.chip', { n: unit });
  if (unit != null && unit > 1) return t('decide.where.unit', { step, n: unit });
  return step;
}

/** A step of a product or of the card's way (feed, eject), or a journal step such as "move:chip". */
export function stepName(step: string): string {
  if (step.startsWith('move:')) return t('recovery.step.move', { step: stepName(step.slice(5)).toLowerCase() });
  if (step === 'clear') return t('recovery.step.clear');
  const key = `step.${step}`;
  return hasMessage(key) ? t(key) : step;
}
