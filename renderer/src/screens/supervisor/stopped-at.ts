import type { CardRow } from '../../../../shared/contract/dto';
import { formatCount } from '../../format/format';
import { t } from '../../i18n/t';

/**
 * Where a failed card stopped, in words: the step and the unit of it (the chip head, or unit N
 * where a step has several), and the record's position in its batch counted from 1 (the store
 * counts from 0). Feeding and ejecting have no unit.
 */
export function stoppedAt(r: Pick<CardRow, 'step' | 'slot' | 'recordIndex'>): string {
  const position = formatCount(r.recordIndex + 1);
  if (!r.step) return t('decide.stoppedUnknown', { position });
  const step = t(`step.${r.step}`);
  const unit = r.step !== 'feed' && r.step !== 'eject' && r.slot != null ? r.slot + 1 : null;
  let where = step;
  if (unit != null && r.step === 'chip') where = t('decide.where.chip', { n: unit });
  else if (unit != null && unit > 1) where = t('decide.where.unit', { step, n: unit });
  return t('decide.stoppedAt', { where, position });
}
